"""Pilot tests of the Helm step: the values as the sync deploys them, the review read back.

Placeholders left and the image tag are checked when the step opens and again right
before the sync; the CHANGELOG acknowledgement and the last diff survive a restart.
"""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets import Button, ContentSwitcher, Input, Static

from tests.support.helm_screen import (
    BOOK,
    helm_app,
    helm_world,
    open_helm,
    panel_of,
    press,
    ready_for_sync,
    text_of,
    values_path,
)
from tests.support.journal import bodies_of, lines_of
from tests.support.waiting import (
    run_until_idle,
    settle,
    wait_until,
)
from tui.app import WizardApp
from tui.core.helm.journal_readback import shown_time
from tui.core.journal.events import ChangelogAcknowledged, WaiverGiven, WaiverSubject
from tui.core.journal.records import RecordKind
from tui.sandbox.aws_endpoint import AwsEndpoint
from tui.sandbox.world import World
from tui.screens import build_panel
from tui.screens.helm.values import ValuesGuard
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.reason import ReasonDialog

PLACEHOLDER_COUNT = 28  # the template's placeholders but the registry's (filled by the tests)


def red_spans(app: WizardApp, selector: str) -> list[str]:
    """The pieces of a Static's text drawn in the theme's error colour."""
    content = app.screen.query_one(selector, Static).content
    assert isinstance(content, Content)
    return [content.plain[s.start : s.end] for s in content.spans if "$error" in str(s.style)]


def edit_values(world: World, old: str, new: str) -> None:
    path = values_path(world)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def sync_log(world: World) -> Path:
    return world.current / BOOK.helm_sync_log


# -- placeholders left ------------------------------------------------------------------------
async def test_placeholders_listed_in_red_and_sync_needs_a_typed_reason(
    tmp_path: Path, aws: AwsEndpoint
) -> None:
    world = helm_world(tmp_path, aws.env, filled=False)
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await ready_for_sync(app, pilot)
        shown = text_of(app, "#sync-values")
        assert (
            f"✗ mocm/values.yaml still holds {PLACEHOLDER_COUNT} placeholders Helm would "
            "deploy literally:\nproductKey, host.domain, host.tls.certificateArn" in shown
        )
        assert f"… and {PLACEHOLDER_COUNT - 6} more (all listed when you sync)" in shown
        assert any("productKey" in piece for piece in red_spans(app, "#sync-values"))
        assert text_of(app, "#sync-gate").startswith("Ready to sync (s)")  # a reason, not a block

        await press(app, pilot, "s")
        assert isinstance(app.screen, ReasonDialog)
        body = text_of(app, "#dialog-body")
        assert f"still holds {PLACEHOLDER_COUNT} placeholders" in body
        assert "credentials.smtp.password" in body and "storage.sharedFiles.storageClass" in body
        assert any("credentials.smtp.password" in p for p in red_spans(app, "#dialog-body"))
        assert app.screen.query_one("#dialog-confirm", Button).disabled
        await press(app, pilot, "enter")  # no reason typed: nothing happens
        assert isinstance(app.screen, ReasonDialog)
        assert not sync_log(world).exists()
        app.screen.query_one("#dialog-input", Input).value = "demo cluster, no users"
        await pilot.pause()
        assert not app.screen.query_one("#dialog-confirm", Button).disabled
        await press(app, pilot, "enter")
        assert "✔ Sync succeeded" in text_of(app, "#sync-outcome")
    [waiver] = bodies_of(world.current, WaiverGiven)
    assert waiver.subject is WaiverSubject.SYNC_WITH_PLACEHOLDERS
    assert waiver.detail == f"{PLACEHOLDER_COUNT} placeholder(s) left in {values_path(world)}"
    assert len(waiver.items) == PLACEHOLDER_COUNT and waiver.items[0] == "productKey"
    assert waiver.reason == "demo cluster, no users"
    assert sync_log(world).exists()


async def test_placeholder_written_outside_after_opening_is_caught_before_sync(
    world: World, aws: AwsEndpoint
) -> None:
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await ready_for_sync(app, pilot)
        shown = text_of(app, "#sync-values")
        assert shown.startswith("✔ mocm/values.yaml: no placeholder left; global.image.tag is ")
        edit_values(world, "filled-smtp-host", "< REPLACE_VALUE_SMTP_HOST >")  # an editor
        await press(app, pilot, "s")
        assert "1 placeholder" in text_of(app, "#sync-values")  # read again before asking
        # the lint ran on other values: the sync waits for a new one
        assert "helm lint run again (the values changed since)" in text_of(app, "#sync-gate")
        await press(app, pilot, "4", "i", "6", "s")
        assert isinstance(app.screen, ReasonDialog)
        body = text_of(app, "#dialog-body")
        assert "still holds 1 placeholder Helm would deploy literally:\ncredentials.smtp.host" in (
            body
        )
        await press(app, pilot, "escape")
        assert "1 placeholder" in text_of(app, "#sync-values")
    assert not sync_log(world).exists()
    assert bodies_of(world.current, WaiverGiven) == []


async def test_values_read_again_when_the_step_is_shown_again(
    world: World, aws: AwsEndpoint
) -> None:
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        assert "no placeholder left" in text_of(app, "#sync-values")
        guard = app.query_one(ValuesGuard)
        assert guard.generation == 1  # read once as the step opens (not on its first Show)
        app.show_step("releases")
        await run_until_idle(app, pilot)
        edit_values(world, "filled-product-key", "< REPLACE_VALUE_PRODUCT_KEY >")
        app.show_step("helm")
        # read again as it shows again: on the step's Show, which comes after a frame
        await wait_until(app, pilot, lambda: guard.generation == 2, "the values read again")
        await run_until_idle(app, pilot)
        assert guard.generation == 2  # and only once
        assert "still holds 1 placeholder Helm would deploy literally:\nproductKey" in text_of(
            app, "#sync-values"
        )


async def test_values_read_when_the_step_is_built_even_before_it_shows(
    world: World, aws: AwsEndpoint
) -> None:
    """A full round of the suite saw the step's first Show never come (the gate said
    "values.yaml checked" for good): the first reading no longer waits for it. The step is
    built here without being shown, and its values are read all the same."""
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        panel = build_panel("helm", app.wizard)
        panel.display = False  # mounted, never shown: no Show event
        await app.query_one("#content", ContentSwitcher).mount(panel)
        await run_until_idle(app, pilot)
        guard = panel.query_one(ValuesGuard)
        assert not panel.display and guard.generation == 1 and guard.check is not None
        assert "no placeholder left" in text_of(app, "#sync-values")


async def test_malformed_values_block_the_sync_with_line_and_column(
    world: World, aws: AwsEndpoint
) -> None:
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await ready_for_sync(app, pilot)
        edit_values(world, "productKey: filled-product-key", "productKey: [unclosed")
        await press(app, pilot, "s")
        assert not isinstance(app.screen, ConfirmDialog | ReasonDialog)
        shown = text_of(app, "#sync-values")
        assert shown.startswith(
            "✗ mocm/values.yaml does not parse: line 21, column 5: expected ',' or ']', but got ':'"
        )
        assert "fix the file, then s reads it again" in shown
        assert text_of(app, "#sync-gate") == "Sync needs: mocm/values.yaml that parses"
        assert not sync_log(world).exists()
        edit_values(world, "productKey: [unclosed", "productKey: filled-product-key")  # fixed
        await press(app, pilot, "s")
        assert isinstance(app.screen, ConfirmDialog)
        await press(app, pilot, "y")
        assert "✔ Sync succeeded" in text_of(app, "#sync-outcome")


async def test_malformed_values_at_opening_keep_the_sync_disabled(
    world: World, aws: AwsEndpoint
) -> None:
    edit_values(world, "  image:\n", "  image:\n\tbad: tab\n")
    app = helm_app(world, aws.env)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_helm(app, pilot)
        await ready_for_sync(app, pilot)
        shown = text_of(app, "#sync-values")
        assert "does not parse: line 9, column 1: a tab is used for indentation" in shown
        assert "mocm/values.yaml that parses" in text_of(app, "#sync-gate")
        await press(app, pilot, "s")  # reads it again: still broken
        assert not isinstance(app.screen, ConfirmDialog | ReasonDialog)
    assert not sync_log(world).exists()


# -- the image tag ----------------------------------------------------------------------------
async def test_image_tag_not_the_build_is_warned_and_journaled(
    world: World, aws: AwsEndpoint
) -> None:
    edit_values(world, 'tag: "10.6.2605"', 'tag: "10.5.2603"')
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await ready_for_sync(app, pilot)
        warning = "⚠ global.image.tag is '10.5.2603' but the current release's build is 10.6.2605"
        assert text_of(app, "#sync-values").startswith(warning)
        await press(app, pilot, "s")
        assert isinstance(app.screen, ConfirmDialog)
        assert warning in text_of(app, "#dialog-body")
        await press(app, pilot, "y")
        assert "✔ Sync succeeded" in text_of(app, "#sync-outcome")
    [waiver] = bodies_of(world.current, WaiverGiven)
    assert waiver.subject is WaiverSubject.SYNC_WITH_IMAGE_TAG
    assert waiver.detail.startswith("global.image.tag is '10.5.2603' but the current release's")


# -- the diff follows the acknowledgement -----------------------------------------------------
async def test_diff_status_changes_when_the_changelog_is_acknowledged(
    world: World, aws: AwsEndpoint
) -> None:
    app = helm_app(world, aws.env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_helm(app, pilot)
        await press(app, pilot, "5")
        assert text_of(app, "#diff-status").startswith("Acknowledge the CHANGELOG (2) first")
        await press(app, pilot, "2", "a", "5")
        status = text_of(app, "#diff-status")
        assert status == "Run the diff (d): the sync waits for it."
        assert panel_of(app).check_action("diff", ()) is True


# -- restart: acknowledgement and last diff read back -----------------------------------------
async def test_restart_reads_back_the_acknowledgement_and_the_last_diff(
    world: World, aws: AwsEndpoint
) -> None:
    first = helm_app(world, aws.env)
    async with first.run_test(size=(80, 24)) as pilot:
        await open_helm(first, pilot)
        await press(first, pilot, "2", "a", "5", "d")
    [ack_at] = [r["ts"] for r in lines_of(world.current, RecordKind.CHANGELOG_ACKNOWLEDGED)]
    [diff_at] = [r["ts"] for r in lines_of(world.current, RecordKind.HELM_DIFFED)]

    second = helm_app(world, aws.env)
    async with second.run_test(size=(80, 24)) as pilot:
        await open_helm(second, pilot)
        await press(second, pilot, "2")
        assert text_of(second, "#cl-status") == (
            f"✔ Acknowledged at {shown_time(ack_at)} (read back from the journal). "
            "Next: revisions (3) and the diff (5)."
        )
        assert panel_of(second).check_action("acknowledge", ()) is None
        await press(second, pilot, "5")
        assert text_of(second, "#diff-status") == (
            f"Last diff before the restart, at {shown_time(diff_at)} (from the journal): "
            "mocm-bootstrap-1 1 resource, mocm-bootstrap-2 1 resource, mocm-service 6 resources "
            "changed.\nRun the diff again (d): the sync waits for a diff of this session."
        )
        assert panel_of(second).check_action("diff", ()) is True
        await press(second, pilot, "6")
        assert "diff run" in text_of(second, "#sync-gate")
        assert "CHANGELOG acknowledged" not in text_of(second, "#sync-gate")
    assert len(bodies_of(world.current, ChangelogAcknowledged)) == 1  # not asked again


async def test_restart_asks_again_when_the_changelog_entry_changed(
    world: World, aws: AwsEndpoint
) -> None:
    first = helm_app(world, aws.env)
    async with first.run_test(size=(80, 24)) as pilot:
        await open_helm(first, pilot)
        await press(first, pilot, "2", "a")
    [ack_at] = [r["ts"] for r in lines_of(world.current, RecordKind.CHANGELOG_ACKNOWLEDGED)]
    changelog = world.current / "mocm" / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    head = text.index("### Removed", text.index("## [10.6.2605]"))
    changelog.write_text(
        text[:head] + "### Removed\n\n- `ingress.legacy`: gone.\n" + text[head + 11 :], "utf-8"
    )

    second = helm_app(world, aws.env)
    async with second.run_test(size=(80, 24)) as pilot:
        await open_helm(second, pilot)
        await press(second, pilot, "2")
        assert text_of(second, "#cl-status") == (
            f"The entry changed since it was acknowledged at {shown_time(ack_at)}: read it "
            "again, then acknowledge (a)."
        )
        assert "▶ `ingress.legacy`: gone." in text_of(second, "#cl-entry")
        assert panel_of(second).check_action("acknowledge", ()) is True
        await press(second, pilot, "5")
        assert text_of(second, "#diff-status").startswith("Acknowledge the CHANGELOG (2) first")
        await press(second, pilot, "2", "a")
        await run_until_idle(second, pilot)
    assert len(bodies_of(world.current, ChangelogAcknowledged)) == 2
