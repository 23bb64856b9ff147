"""CPU of one run of each sandbox stand-in subcommand, against `python -c pass`.

The tofu stand-in runs ~410 times in a whole-suite run, helm/helmfile ~300 times, each a
fresh interpreter: what one run costs in CPU (user + system, of the child process) is
what the suite pays. The runs are on the demo world's current release (10.6.2605, with
a terraform.tfvars and the 10.5 state), through the world's environment as the wizard
runs them (`MOCM_SANDBOX_WORLD` set: the stand-in's parse cache lives in the world).
`tofu-*-cold` runs have an empty parse cache each time (what a first run in a new world
pays). Runs of each command alternate with the baseline; medians are compared.

Prints `NAME wizard=<cpu s> baseline=<cpu s> ratio=<wizard/baseline>` per command.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tui.sandbox.world import build_world

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
REPO = Path(__file__).resolve().parents[2]
TOFU = [sys.executable, "-m", "tui.sandbox.tofu"]
HELM = [sys.executable, "-m", "tui.sandbox.helm_standin"]
HELMFILE = [sys.executable, "-m", "tui.sandbox.helmfile_standin"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_of(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    """CPU seconds (user + system) of one run of argv; it must succeed."""
    before = _children_cpu()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    spent = _children_cpu() - before
    if done.returncode not in (0, 2):
        raise SystemExit(f"{argv[3:]} failed ({done.returncode}): {done.stderr.decode()[-400:]}")
    return spent


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-standin-") as tmp:
        world = build_world(Path(tmp) / "world")
        work = world.current / "terraform" / "aws"
        previous = world.previous / "terraform" / "aws"
        tfvars = (previous / "terraform.tfvars").read_text(encoding="utf-8")
        (work / "terraform.tfvars").write_text(
            tfvars + 'valkey_username = "fusion"\n', encoding="utf-8"
        )
        state0 = (previous / "terraform.tfstate").read_bytes()
        (work / "terraform.tfstate").write_bytes(state0)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOCM_")}
        env.update(
            PYTHONPATH=str(REPO),
            MOCM_SANDBOX_WORLD=str(world.root),
            MOCM_SANDBOX_HELM_STORE=str(world.helm_store),
            MOCM_SANDBOX_HELM_SECONDS="0",
            KUBECONFIG=str(world.kubeconfig),
            TZ="UTC",
        )
        env.pop("TF_IN_AUTOMATION", None)
        cold_dir = Path(tmp) / "cold"

        def cold_env() -> dict[str, str]:
            shutil.rmtree(cold_dir, ignore_errors=True)
            return {**env, "MOCM_TOFU_PARSE_CACHE": str(cold_dir)}

        def tofu(*args: str, cold: bool = False) -> Callable[[], float]:
            return lambda: cpu_of([*TOFU, *args], work, cold_env() if cold else env)

        def apply(cold: bool = False) -> float:
            (work / "terraform.tfstate").write_bytes(state0)
            subprocess.run(
                [*TOFU, "plan", "-out", "tfplan"],
                cwd=work,
                env=env,
                check=True,
                capture_output=True,
            )
            return cpu_of([*TOFU, "apply", "tfplan"], work, cold_env() if cold else env)

        mocm = world.current / "mocm"
        cases: dict[str, Callable[[], float]] = {
            "tofu-version": tofu("version"),
            "tofu-init": tofu("init", "-input=false"),
            "tofu-init-cold": tofu("init", "-input=false", cold=True),
            "tofu-plan": tofu("plan", "-out", "tfplan"),
            "tofu-plan-cold": tofu("plan", "-out", "tfplan", cold=True),
            "tofu-show": tofu("show", "-json", "tfplan"),
            "tofu-apply": apply,
            "tofu-apply-cold": lambda: apply(cold=True),
            "tofu-state-pull": tofu("state", "pull"),
            "helm-version": lambda: cpu_of([*HELM, "version"], mocm, env),
            "helm-history": lambda: cpu_of(
                [*HELM, "history", "mocm-service", "-n", "fusion"], mocm, env
            ),
            "helmfile-version": lambda: cpu_of([*HELMFILE, "version"], mocm, env),
            "helmfile-diff": lambda: cpu_of([*HELMFILE, "diff"], mocm, env),
        }
        baseline_argv = [sys.executable, "-c", "pass"]
        cpu_of([*TOFU, "init", "-input=false"], work, env)  # the release as the wizard finds it
        for name, case in cases.items():
            case()  # warm the file cache (and the world's parse cache)
            measured, baseline = [], []
            for _ in range(RUNS):
                measured.append(case())
                baseline.append(cpu_of(baseline_argv, work, env))
            wizard_s, baseline_s = statistics.median(measured), statistics.median(baseline)
            print(
                f"{name} wizard={wizard_s:.3f} baseline={baseline_s:.3f} "
                f"ratio={wizard_s / baseline_s:.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
