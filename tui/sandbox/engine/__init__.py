"""The demo world run by the real engine: Terraform with hashicorp/aws from a filesystem
mirror and hashicorp/random served by :mod:`random_provider`, against the sandbox's endpoint
with :mod:`tui.sandbox.endpoint_gaps`. ``--engine tofu-standin`` (the default) stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tui.core.playbook.load import Playbook
from tui.sandbox.aws_endpoint import SERVER_MODULE
from tui.sandbox.engine.world import ENGINES, STANDIN, TERRAFORM, EngineError, TerraformWorld
from tui.sandbox.seed_report import SeedReport
from tui.sandbox.world import World

__all__ = ["ENGINES", "STANDIN", "TERRAFORM", "EngineError", "EngineSetup", "engine_setup"]

GAPS_SERVER = "tui.sandbox.endpoint_gaps.server"
# The stand-in engine's endpoint: moto with DLM added (Preflight's snapshot item), unpatched.
DLM_SERVER = "tui.sandbox.endpoint_gaps.dlm_server"


@dataclass(frozen=True)
class EngineSetup:
    """What the demo does differently for one engine."""

    name: str
    seed: Callable[[dict[str, str], Playbook | None], SeedReport]
    tofu_bin: str = "tofu"
    server_module: str = SERVER_MODULE
    extra_env: dict[str, str] = field(default_factory=dict)
    terraform_world: TerraformWorld | None = None

    def environment(self, env: dict[str, str]) -> dict[str, str]:
        return {**env, **self.extra_env}


def engine_setup(world: World, name: str) -> EngineSetup:
    """The setup of ``name`` for ``world`` (the world is prepared for Terraform here)."""
    if name == STANDIN:
        from tui.sandbox.engine.world import engine_of
        from tui.sandbox.seed import seed_world

        if engine_of(world) == TERRAFORM:
            raise EngineError(
                f"{world.root} was made for the real engine",
                f"run: mocm-upgrade demo --engine terraform --dir {world.root}",
            )

        return EngineSetup(
            STANDIN, lambda env, book: seed_world(world, env, book), server_module=DLM_SERVER
        )
    if name != TERRAFORM:
        raise EngineError(f"unknown engine {name!r} (choose from {', '.join(ENGINES)})")
    from tui.sandbox.engine.bootstrap import seed_terraform_world
    from tui.sandbox.engine.world import prepare_terraform_world

    ready = prepare_terraform_world(world)
    return EngineSetup(
        TERRAFORM,
        lambda env, book: seed_terraform_world(ready, env, book),
        tofu_bin=ready.terraform,
        server_module=GAPS_SERVER,
        extra_env=ready.env({}),
        terraform_world=ready,
    )
