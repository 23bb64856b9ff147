"""Stage 4 on screen: the banner names the AWS account and principal as soon as the step
asked STS; the demo's own sentence about its CloudWatch history; each section's action by
its own key (no Tab): take the snapshot (t), park the file (k)."""

from __future__ import annotations

from pathlib import Path

from tests.support.journal import bodies_of
from tests.support.screen_text import text_of
from tests.support.stage4_screen import open_stage4, seed_world, stage4_app, stage4_pair
from tests.support.waiting import settle, settle_until
from tui.core.journal.events import AwsIdentityConfirmed
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.sandbox.world import STORY_ENV
from tui.screens.stage4.panel import Stage4Panel

ACCOUNT = "123456789012"  # moto's


async def test_the_banner_names_who_stage_4_runs_as(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "AWS: not checked" in text_of(app, "#banner")
        await open_stage4(app, pilot)
        await settle_until(
            app, pilot, lambda: ACCOUNT in text_of(app, "#banner"), "the banner names the account"
        )
        banner = text_of(app, "#banner")
        assert f"AWS {ACCOUNT} · eu-central-1 · user/moto" in banner, banner
    [who] = bodies_of(curr, AwsIdentityConfirmed)
    assert (who.account, who.step) == (ACCOUNT, "stage4")
    assert who.principal == f"arn:aws:sts::{ACCOUNT}:user/moto"

    again = stage4_app(prev, curr)  # a restart: the journaled identity, before any call
    async with again.run_test(size=(80, 24)) as pilot:
        await settle_until(
            again, pilot, lambda: ACCOUNT in text_of(again, "#banner"), "the journaled identity"
        )
        assert f"AWS {ACCOUNT} · eu-central-1 · user/moto" in text_of(again, "#banner")


async def test_the_demo_says_what_its_history_shows_and_nothing_elsewhere(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-zero")
    story = "Demo world: its CloudWatch history puts the cutover 32 h before the world was built"
    demo = stage4_app(prev, curr, **{STORY_ENV: story})
    async with demo.run_test(size=(120, 40)) as pilot:
        await open_stage4(demo, pilot)
        shown = demo.query_one("#s4-demo-story")
        assert shown.display and story in text_of(demo, "#s4-demo-story")
    real = stage4_app(prev, curr)
    async with real.run_test(size=(120, 40)) as pilot:
        await open_stage4(real, pilot)
        assert not real.query_one("#s4-demo-story").display


async def test_each_section_has_its_own_key(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stage4(app, pilot)
        panel = app.query_one(Stage4Panel)
        app.query_one("#s4-tabs Tabs").focus()
        assert panel.check_action("take_snapshot", ()) is False  # not on this section
        await pilot.press("t")  # nothing happens on the evidence section
        await settle(app, pilot)
        assert "available" not in text_of(app, "#s4-snap-status")
        await pilot.press("4")
        await settle(app, pilot)
        assert panel.check_action("take_snapshot", ()) is True
        assert panel.check_action("park", ()) is False
        await pilot.press("t")
        await settle_until(
            app,
            pilot,
            lambda: "is available" in text_of(app, "#s4-snap-status"),
            "the snapshot taken",
        )
        assert panel.check_action("take_snapshot", ()) is None  # taken: greyed
        await pilot.press("5")
        await settle(app, pilot)
        assert panel.check_action("park", ()) is True
        await pilot.press("k")
        await settle(app, pilot)
        tf = curr / "terraform" / "aws"
        assert (tf / "09-elasticache.tf.2603").is_file()
        assert not (tf / "09-elasticache.tf").exists()
        assert "is parked as" in text_of(app, "#s4-rename-status")
        assert panel.check_action("park", ()) is None  # parked: greyed
