"""Stage 4's gate on screen: the threshold field's keys, the preconditions and their typed
waivers, the snapshot checkbox's true state, and the tfvars leftovers after the teardown."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Button, Checkbox, Input, TabbedContent, Tabs

from tests.support.journal import bodies_of
from tests.support.screen_text import all_text, text_of
from tests.support.stage4 import REAL_ENDPOINT
from tests.support.stage4_screen import (
    open_stage4,
    picker_lines,
    seed_world,
    stage4_app,
    stage4_pair,
)
from tests.support.waiting import WizardPilot, settle
from tui.app import WizardApp
from tui.core.journal.events import IdleVerdict, Stage4Verdict, WaiverGiven, WaiverSubject
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.screens.stage4.panel import Stage4Panel
from tui.screens.stage4.teardown import TeardownRun
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.reason import ReasonDialog

REASON = "the chart's batch job reads Valkey since CHG-4411; old key is dead config"


def journal(release: Path) -> list[dict[str, object]]:
    lines = (release / ".mocm-upgrade" / "journal.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


async def show_section(app: WizardApp, pilot: WizardPilot, key: str) -> None:
    app.query_one("#s4-tabs Tabs").focus()
    await pilot.press(key)
    await pilot.pause()


async def decline_snapshot(app: WizardApp, pilot: WizardPilot) -> None:
    await show_section(app, pilot, "4")
    await pilot.click("#s4-snap-want")
    await settle(app, pilot)


async def give_reason(app: WizardApp, pilot: WizardPilot, reason: str) -> None:
    assert isinstance(app.screen, ReasonDialog)
    app.screen.query_one("#dialog-input", Input).value = reason
    await pilot.pause()
    app.screen.query_one("#dialog-confirm", Button).press()
    await settle(app, pilot)


async def test_threshold_digits_land_escape_leaves_and_the_threshold_is_journaled(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-baseline")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stage4(app, pilot)
        tabs = app.query_one("#s4-tabs", TabbedContent)
        field = app.query_one("#s4-threshold", Input)
        assert field.value == "4"
        assert "Threshold in force: 4 (the playbook's)." in text_of(app, "#s4-idle-meaning")
        field.focus()
        field.action_end()
        await pilot.press("backspace", "3")  # "3" is also section 3's key: it must not switch
        assert field.value == "3"
        assert tabs.active == "evidence"
        await pilot.press("enter")
        await settle(app, pilot)
        assert text_of(app, "#s4-verdict").startswith(" BUSY")
        meaning = " ".join(text_of(app, "#s4-idle-meaning").split())
        assert "Threshold in force: 3, typed by the operator (the playbook's is 4)" in meaning
        assert "The guide says 0 connections; ElastiCache's own monitoring holds 4–6" in meaning
        await pilot.press("escape")
        assert isinstance(app.focused, Tabs)
        await pilot.press("2")  # out of the field, digits choose sections again
        await pilot.pause()
        assert tabs.active == "scan"
    verdicts = [
        (v.verdict, v.window, v.threshold, v.threshold_typed)
        for v in bodies_of(curr, Stage4Verdict)
    ]
    assert (IdleVerdict.IDLE, "24h", 4, False) in verdicts  # the playbook's threshold
    assert (IdleVerdict.BUSY, "24h", 3, True) in verdicts  # typed by the operator


async def test_a_live_reference_is_waived_only_with_a_typed_reason(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    values = (
        "# legacy ElastiCache: " + REAL_ENDPOINT + "\n"
        f'credentials:\n  redis:\n    host: "{REAL_ENDPOINT}"\n'
    )
    prev, curr = stage4_pair(tmp_path, values=values)
    (curr / "mocm" / "values.yaml.new").write_text(f"host: {REAL_ENDPOINT}\n")
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await show_section(app, pilot, "2")
        refs = text_of(app, "#s4-references")
        assert "BLOCKED" in refs and "1 reference(s) to the old cache" in refs
        assert "mocm/values.yaml:4 (credentials.redis.host)" in picker_lines(app)[0]
        not_live = text_of(app, "#s4-not-live")
        assert "Not live (2, shown and journaled, not blocking)" in not_live
        assert "mocm/values.yaml:1 (YAML comment)" in not_live
        assert "mocm/values.yaml.new:1 (backup file)" in not_live
        await decline_snapshot(app, pilot)
        await show_section(app, pilot, "5")
        assert "✘ 1 live reference(s) under mocm/" in text_of(app, "#s4-gate")
        assert app.query_one("#s4-park", Button).disabled
        # The gate's button leads to the picker; Cancel records nothing; an empty reason
        # is refused.
        await pilot.click("#s4-waive-refs")
        await settle(app, pilot)
        assert app.query_one("#s4-tabs", TabbedContent).active == "scan"
        assert app.focused is app.query_one("#s4-ref-list")
        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonDialog)
        assert "mocm/values.yaml:4 (credentials.redis.host)" in all_text(app)
        await pilot.press("enter")
        assert "Type a reason first" in text_of(app, "#dialog-problem")
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.query_one("#s4-park", Button).disabled
        await pilot.press("w")
        await settle(app, pilot)
        await give_reason(app, pilot, REASON)
        await show_section(app, pilot, "5")
        gate = text_of(app, "#s4-gate")
        assert "≈ 1 reference(s) under mocm/ waived with a reason (journaled)" in gate
        assert REASON in gate
        assert not app.query_one("#s4-park", Button).disabled
        assert app.query_one("#s4-waive-refs", Button).disabled  # nothing left to waive
        await show_section(app, pilot, "2")
        assert f"waived: {REASON}" in picker_lines(app)[0]
    [waiver] = bodies_of(curr, WaiverGiven)
    assert waiver.subject is WaiverSubject.TEARDOWN_WITH_REFERENCE
    assert waiver.items == (f"mocm/values.yaml:4 (credentials.redis.host) names {REAL_ENDPOINT}",)
    assert waiver.reason == REASON


async def test_a_waived_reference_stands_after_a_restart(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    values = f'credentials:\n  redis:\n    host: "{REAL_ENDPOINT}"\n'
    prev, curr = stage4_pair(tmp_path, values=values)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await show_section(app, pilot, "2")
        await pilot.press("w")
        await settle(app, pilot)
        await give_reason(app, pilot, REASON)
    again = stage4_app(prev, curr)
    async with again.run_test(size=(120, 40)) as pilot:
        await open_stage4(again, pilot)
        assert "≈ 1 reference(s) under mocm/ waived" in text_of(again, "#s4-gate")


async def test_a_short_business_cycle_blocks_until_waived(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-zero", valkey_hours=6)  # idle: only the cycle blocks
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await decline_snapshot(app, pilot)
        await show_section(app, pilot, "5")
        gate = text_of(app, "#s4-gate")
        assert "✘ Valkey served 6.0 h of the required 24 h: not a full business cycle yet" in gate
        assert app.query_one("#s4-waive-cycle", Button).display
        await pilot.click("#s4-waive-cycle")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonDialog)
        await give_reason(app, pilot, "weekly batch ran on Valkey during the load test")
        gate = text_of(app, "#s4-gate")
        assert "≈ Valkey served 6.0 h of the required 24 h" in gate
        assert "waived with a reason (journaled)" in gate
    subjects = [w.subject for w in bodies_of(curr, WaiverGiven)]
    assert WaiverSubject.TEARDOWN_BEFORE_BUSINESS_CYCLE in subjects


async def test_the_snapshot_checkbox_says_ticked_or_not_at_80x24(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stage4(app, pilot)
        await show_section(app, pilot, "4")
        box = app.query_one("#s4-snap-want", Checkbox)
        assert box.value
        assert "▐✔▌ Final snapshot: YES" in all_text(app)
        await pilot.click("#s4-snap-want")
        await settle(app, pilot)
        assert not box.value
        shown = all_text(app)
        assert "▐ ▌ Final snapshot: NO (declined, journaled)" in shown
        assert "✔" not in text_of(app, "#s4-snap-want")
        app.save_screenshot(str(tmp_path / "snapshot-declined.svg"))
        await pilot.click("#s4-snap-want")
        await settle(app, pilot)
        assert "▐✔▌ Final snapshot: YES" in all_text(app)


LEFTOVER_TFVARS = 'elasticache_node_type = "cache.t3.micro"\nelasticache_nodes = 2\n'
PARKED_VARIABLES = 'variable "elasticache_node_type" {}\nvariable "elasticache_nodes" {}\n'


async def test_after_the_teardown_the_leftover_settings_are_commented_out_with_a_backup(
    aws: AwsEndpoint, samples: Path, tmp_path: Path
) -> None:
    prev, curr = stage4_pair(tmp_path)
    tf = curr / "terraform" / "aws"
    cache = tf / "09-elasticache.tf"
    cache.write_text(cache.read_text() + PARKED_VARIABLES)
    tfvars = tf / "terraform.tfvars"
    original = tfvars.read_text() + LEFTOVER_TFVARS
    tfvars.write_text(original)
    seed_world(samples, "idle-zero")
    app = stage4_app(prev, curr)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage4(app, pilot)
        await decline_snapshot(app, pilot)
        await show_section(app, pilot, "5")
        await pilot.click("#s4-park")
        await settle(app, pilot)
        assert (tf / "09-elasticache.tf.2603").is_file()
        # The apply itself is tested in test_stage4_teardown; here its message arrives.
        app.query_one(Stage4Panel).post_message(TeardownRun.Applied())
        await settle(app, pilot)
        said = " ".join(text_of(app, "#s4-leftovers").split())
        assert "elasticache_node_type (line 3)" in said and "elasticache_nodes (line 4)" in said
        assert 'OpenTofu warns "Value for undeclared variable"' in said
        await pilot.click("#s4-leftovers-comment")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # Cancel writes nothing
        await settle(app, pilot)
        assert tfvars.read_text() == original
        await pilot.click("#s4-leftovers-comment")
        await settle(app, pilot)
        app.screen.query_one("#dialog-confirm", Button).press()
        await settle(app, pilot)
        said = text_of(app, "#s4-leftovers")
        assert "Commented out elasticache_node_type, elasticache_nodes" in said
    assert (tf / "terraform.tfvars.pre-stage4").read_text() == original
    edited = tfvars.read_text()
    assert '# elasticache_node_type = "cache.t3.micro"' in edited
    assert 'name_prefix = "acme-mocm-prod"' in edited
    ops = [r for r in journal(curr) if r["kind"] == "file_op" and r["step"] == "stage4"]
    assert [r["op"] for r in ops][-2:] == ["backup", "write"]
