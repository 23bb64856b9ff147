"""tofu argv builders, plan exit codes and the explicit environment."""

from __future__ import annotations

import pytest

from tui.core.tofu.commands import PlanOutcome, TofuCommands, plan_outcome, tofu_environment


def test_argv_builders_use_the_configured_binary() -> None:
    tofu = TofuCommands("/opt/tofu/bin/tofu")
    assert tofu.init(upgrade=True) == ("/opt/tofu/bin/tofu", "init", "-upgrade", "-input=false")
    assert tofu.init(upgrade=False) == ("/opt/tofu/bin/tofu", "init", "-input=false")
    assert tofu.plan() == (
        "/opt/tofu/bin/tofu",
        "plan",
        "-out",
        "tfplan",
        "-input=false",
        "-detailed-exitcode",
    )
    assert tofu.show_json() == ("/opt/tofu/bin/tofu", "show", "-json", "tfplan")
    assert tofu.apply() == ("/opt/tofu/bin/tofu", "apply", "-input=false", "tfplan")
    assert tofu.state_push("terraform.tfstate.rollback") == (
        "/opt/tofu/bin/tofu",
        "state",
        "push",
        "terraform.tfstate.rollback",
    )
    assert tofu.state_push("f", force=True)[1:] == ("state", "push", "-force", "f")
    assert tofu.state_pull()[1:] == ("state", "pull")
    assert tofu.force_unlock("abc")[1:] == ("force-unlock", "-force", "abc")


def test_no_color_is_added_where_tofu_accepts_it() -> None:
    tofu = TofuCommands("tofu", color=False)
    assert tofu.plan()[-1] == "-no-color"
    assert tofu.apply() == ("tofu", "apply", "-input=false", "-no-color", "tfplan")
    assert "-no-color" not in tofu.show_json()  # show -json prints no colour anyway


@pytest.mark.parametrize(
    ("code", "outcome"),
    [(0, PlanOutcome.NO_CHANGES), (2, PlanOutcome.CHANGES), (1, PlanOutcome.FAILED)],
)
def test_detailed_exit_code(code: int, outcome: PlanOutcome) -> None:
    assert plan_outcome(code) is outcome


def test_environment_is_explicit_and_keeps_only_what_tofu_needs() -> None:
    env = tofu_environment(
        {
            "PATH": "/usr/bin",
            "HOME": "/home/op",
            "AWS_PROFILE": "prod",
            "TF_VAR_x": "1",
            "EDITOR": "vim",
            "GITHUB_TOKEN": "t0k3n",
        }
    )
    assert env["PATH"] == "/usr/bin" and env["AWS_PROFILE"] == "prod" and env["TF_VAR_x"] == "1"
    assert env["TF_IN_AUTOMATION"] == "1" and env["CHECKPOINT_DISABLE"] == "1"
    assert "EDITOR" not in env and "GITHUB_TOKEN" not in env


def test_the_operators_go_runtime_settings_reach_tofu() -> None:
    # A small jump host's memory limit for tofu and its providers (Go programs) holds.
    env = tofu_environment({"PATH": "/usr/bin", "GOMEMLIMIT": "512MiB", "GOGC": "50", "GOX": "1"})
    assert env["GOMEMLIMIT"] == "512MiB" and env["GOGC"] == "50"
    assert "GOX" not in env
