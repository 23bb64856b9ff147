"""Where the bundled assets live (inside the wheel, beside the packages)."""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
STYLES = ASSETS / "styles"
HELP = ASSETS / "help"


def help_text(step_id: str) -> str:
    """The Markdown help of a step (a plain sentence when none ships)."""
    path = HELP / f"{step_id}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return f"# {step_id}\n\nNo help text ships for this step."
