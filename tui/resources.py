"""The bundled assets: `tui/assets` in the package (the repository's `assets/`)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# A regular package on disk (wheel or checkout): its resources are real files, which
# Textual's CSS_PATH needs.
ASSETS = Path(str(files("tui").joinpath("assets")))
STYLES = ASSETS / "styles"
HELP = ASSETS / "help"


def help_text(step_id: str) -> str:
    """The Markdown help of a step (a plain sentence when none ships)."""
    path = HELP / f"{step_id}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return f"# {step_id}\n\nNo help text ships for this step."
