"""Save the README's SVG screenshots: `python tests/make_screenshots.py`."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.release import make_pair
from tui.app import make_app
from tui.context import WizardContext
from tui.core.playbook.load import load_playbook

OUT = Path(__file__).resolve().parents[1] / "assets" / "screenshots"


async def releases(size: tuple[int, int], name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        prev, curr = make_pair(Path(tmp))
        context = WizardContext(playbook=load_playbook(), previous=prev, current=curr)
        app = make_app(context)
        async with app.run_test(size=size) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.save_screenshot(filename=name, path=str(OUT))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    asyncio.run(releases((120, 36), "releases.svg"))
    asyncio.run(releases((80, 24), "releases-80x24.svg"))
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
