"""The wheel ships the assets and installs a working `mocm-upgrade` in a fresh venv."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def test_wheel_installs_and_runs_version(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(PROJECT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    wheel = next(dist.glob("mocm_upgrade-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "tui/assets/playbooks/10.5.2603-to-10.6.2605.yaml" in names
    assert "tui/assets/styles/app.tcss" in names
    assert "tui/assets/help/releases.md" in names
    assert "tui/screens/releases/panel.py" in names and "tui/cli.py" in names
    # one application package: nothing generic at the top of site-packages
    top_level = {name.split("/")[0] for name in names if not name.endswith(".dist-info/RECORD")}
    assert {t for t in top_level if not t.endswith(".dist-info")} == {"tui"}
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    # --no-deps: the check is that *our* files install and run; deps come from PyPI as usual.
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        timeout=300,
    )
    out = subprocess.run(
        [str(env_dir / "bin" / "mocm-upgrade"), "--version"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert out.stdout.strip() == "mocm-upgrade 0.1.0"
    where = subprocess.run(
        [str(py), "-c", "from tui.resources import ASSETS; print(ASSETS)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.strip()
    assert Path(where, "playbooks", "10.5.2603-to-10.6.2605.yaml").is_file()
    assert str(env_dir) in where
