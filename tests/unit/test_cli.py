"""The `mocm-upgrade` entry point: version, sub-command dispatch, bad playbook."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import SUBCOMMANDS, main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("mocm-upgrade ")


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert name in out


def test_every_subcommand_module_has_the_contract() -> None:
    import importlib

    for module_name, _ in SUBCOMMANDS.values():
        module = importlib.import_module(f"tui.headless.{module_name}")
        assert callable(module.add_arguments) and callable(module.run)


def test_malformed_playbook_is_refused_before_the_ui(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: 1\nid: x\n")
    assert main(["--playbook", str(bad), str(tmp_path), str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "playbook bad.yaml: field" in err and "is missing" in err
