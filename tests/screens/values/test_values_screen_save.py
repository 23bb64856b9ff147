"""Pilot tests of the values editor's save: the override, the final diff and its image-tag
guard, the journal, a restart, unsaved work when quitting or leaving, and keep."""

from __future__ import annotations

from pathlib import Path

from textual.color import Color
from textual.widgets import Button, Input, Static

from tests.support.journal import bodies_of
from tests.support.values_screen import (
    SAMPLE_SECRETS,
    VALUES,
    app_on,
    auto_fill,
    detail,
    draft_file,
    journal,
    open_values,
    screen_text,
    status,
    values_app,
    values_loaded,
)
from tests.support.waiting import (
    WizardPilot,
    dialog_focused,
    settle,
    wait_until,
)
from tui.app import WizardApp
from tui.core.journal.events import DraftFate, ValuesChoice, ValuesDecision, ValuesDraftHandled
from tui.core.steps import StepStatus
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.error import ErrorDialog
from tui.widgets.dialogs.reason import ReasonDialog


async def test_save_refuses_placeholders_without_a_reason(tmp_path: Path) -> None:
    app, _, curr = values_app(tmp_path)
    before = (curr / VALUES).read_bytes()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await auto_fill(app, pilot)
        await pilot.press("s")
        assert isinstance(app.screen, ReasonDialog)
        assert "3 placeholder(s) left" in screen_text(app)  # no Valkey secret: 2 hosts + 1
        await pilot.press("enter")  # no reason typed
        assert isinstance(app.screen, ReasonDialog)
        assert "A reason is needed" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is not None and not isinstance(app.screen, ReasonDialog)
        assert (curr / VALUES).read_bytes() == before
        assert not (curr / "mocm/values.yaml.new").exists()
        assert app.statuses["values"] is not StepStatus.DONE
        assert "Placeholders left 3" in status(panel)


async def test_save_with_a_reason_writes_keeps_comments_and_journals(tmp_path: Path) -> None:
    app, _, curr = values_app(tmp_path)
    template = (curr / VALUES).read_bytes()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await auto_fill(app, pilot)
        await pilot.press("s")
        app.screen.query_one(Input).value = "valkey not provisioned yet"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        diff = screen_text(app)
        assert "Save values.yaml?" in diff and "values.yaml.new" in diff
        assert '+    registry: "210987654321.dkr.ecr' in diff
        assert not any(secret in diff for secret in SAMPLE_SECRETS)
        assert not (curr / "mocm/values.yaml.new").exists()  # nothing before the key
        await pilot.press("y")
        await settle(app, pilot)
        assert app.statuses["values"] is StepStatus.DONE
        assert "nothing unsaved" in status(panel)
        assert "continuing your saved work" in screen_text(app)
    assert (curr / "mocm/values.yaml.new").read_bytes() == template
    saved = (curr / VALUES).read_text()
    kept = [line for line in template.decode().splitlines() if "REPLACE_VALUE" not in line]
    # The node selector carried into the template's `nodeSelector: {}` takes one more line.
    assert len(saved.splitlines()) == len(template.decode().splitlines()) + 1
    kept = [line for line in kept if "nodeSelector: {}" not in line]
    assert all(line in saved.splitlines() for line in kept)  # comments, layout, untouched lines
    assert "Do NOT overwrite this" in saved and "# NEW in 10.6.2605" in saved
    assert 'registry: "210987654321.dkr.ecr.eu-central-1.amazonaws.com"' in saved
    # 3 values (the cache hosts wait for the Valkey secret) + the header comment's mention
    assert saved.count("REPLACE_VALUE") == 4
    records = journal(curr)
    decided = {d.choice: d for d in bodies_of(curr, ValuesDecision)}
    left = decided[ValuesChoice.PLACEHOLDERS_LEFT]
    assert left.reason == "valkey not provisioned yet"
    # the 3 values left: the cache host (Valkey's endpoint, from its secret) and Valkey's own
    assert set(left.keys) == {
        "credentials.redis.host",
        "credentials.valkey.host",
        "credentials.valkey.existingSecret.name",
    }
    assert left.file == str(curr / VALUES)
    assert any("nodeSelector" in key for key in decided[ValuesChoice.CARRIED].keys)
    assert "global.image.registry" in decided[ValuesChoice.PORTED].keys
    ops = [r for r in records if r["kind"] == "file_op"]
    assert [op["op"] for op in ops] == ["backup", "write"]
    assert all(len(str(op["sha256_after"])) == 64 for op in ops)
    text = (curr / ".mocm-upgrade" / "journal.jsonl").read_text()
    assert not any(secret in text for secret in SAMPLE_SECRETS)


async def test_a_restart_continues_the_saved_work(tmp_path: Path) -> None:
    app, prev, curr = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_values(app, pilot)
        await pilot.press("f", "f", "f", "x", "f")  # drop the one orphan knowingly
        await auto_fill(app, pilot)
        await pilot.press("s")
        app.screen.query_one(Input).value = "later"
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
    again = app_on(prev, curr)
    async with again.run_test(size=(120, 40)) as pilot:
        panel = await open_values(again, pilot)
        assert "Placeholders left 3" in status(panel)
        assert "orphans undecided 0" in status(panel)  # the drop was journaled and is remembered
        assert "template kept as values.yaml.new" in screen_text(again)
        await pilot.press("p", "e")
        again.screen.query_one(Input).value = "valkey.internal"
        await pilot.press("enter", "s")
        again.screen.query_one(Input).value = "two left"
        await pilot.press("enter")
        await settle(again, pilot)
        await pilot.press("y")
        await settle(again, pilot)
        assert "Placeholders left 2" in status(panel)
    saved = (curr / VALUES).read_text()
    assert "host: valkey.internal" in saved or 'host: "valkey.internal"' in saved
    backups = sorted(p.name for p in (curr / "mocm").iterdir() if "values.yaml." in p.name)
    assert backups == ["values.yaml.bak", "values.yaml.new"]  # the earlier work kept too


def save_warning(app: WizardApp) -> Static | None:
    """The red line of the final-diff dialog, if it has one."""
    screen = app.screen
    assert isinstance(screen, ConfirmDialog), f"no final diff: {screen!r}"
    found = screen.query(".dialog-warning")
    return found.first(Static) if found else None


async def review_save(app: WizardApp, pilot: WizardPilot, reason: str) -> None:
    """Press s, give the override reason, wait for the final diff."""
    await pilot.press("s")
    await wait_until(app, pilot, dialog_focused(app), "the override reason asked")
    app.screen.query_one(Input).value = reason
    await pilot.press("enter")
    await settle(app, pilot)


async def test_a_subtree_port_of_the_old_image_tag_is_flagged_at_save_and_t_fixes_it(
    tmp_path: Path,
) -> None:
    app, _, curr = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        assert detail(panel).startswith("global  ")
        await pilot.press("P")  # the whole `global` subtree, image tag included
        assert panel.check_action("bump_tag", ()) is True
        await review_save(app, pilot, "placeholders later")
        warning = save_warning(app)
        assert warning is not None
        line = warning.render()
        # In the theme's error colour, bold: the dialog's stylesheet says so, not the text.
        assert warning.styles.color == Color.parse(app.theme_variables["error"])
        assert warning.styles.text_style.bold
        assert str(line) == (
            "⚠ global.image.tag is 10.5.2603, not this release's build 10.6.2605: Helm would "
            "deploy those images with the new charts. Esc, then t sets it."
        )
        assert "⚠ global.image.tag is 10.5.2603" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("t")
        assert panel.check_action("bump_tag", ()) is None
        await review_save(app, pilot, "placeholders later")
        assert save_warning(app) is None
        await pilot.press("y")
        await settle(app, pilot)
        assert app.statuses["values"] is StepStatus.DONE
    saved = (curr / VALUES).read_text()
    assert 'tag: "10.6.2605"' in saved and "10.5.2603" not in saved.split("pullPolicy")[0]


async def test_a_file_changed_under_the_diff_is_not_overwritten(tmp_path: Path) -> None:
    app, _, curr = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await pilot.press("o", "c")  # the node selector carried: nothing left undecided
        await pilot.press("p", "right", "s")
        app.screen.query_one(Input).value = "testing"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        (curr / VALUES).write_text("edited: elsewhere\n")  # someone else writes meanwhile
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, ErrorDialog)
        message = str(app.screen.query_one("#error-message", Static).render())
        assert "changed on disk since the diff was shown" in message
        await pilot.press("escape")
        assert panel.check_action("save", ()) is True  # the operator can review and retry
        assert "unsaved changes" in status(panel)  # the work in the editor is still there
    assert (curr / VALUES).read_text() == "edited: elsewhere\n"
    assert not (curr / "mocm/values.yaml.new").exists()
    assert app.statuses["values"] is not StepStatus.DONE


# -- unsaved work: quitting or leaving the step asks first ------------------------------


def unsaved_dialog(app: WizardApp) -> ConfirmDialog:
    screen = app.screen
    assert isinstance(screen, ConfirmDialog), f"no Discard/Stay question: {screen!r}"
    return screen


async def test_quit_with_an_unsaved_port_asks_and_stay_keeps_the_edit(tmp_path: Path) -> None:
    app, _, curr = values_app(tmp_path)
    before = (curr / VALUES).read_bytes()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await pilot.press("p", "right", "ctrl+q")
        dialog = unsaved_dialog(app)
        depth = len(app.screen_stack)
        await pilot.press("ctrl+q")  # pressed twice: still one question
        assert len(app.screen_stack) == depth and app.screen is dialog
        assert "Your changes to mocm/values.yaml are not saved" in screen_text(app)
        assert "Discard" in screen_text(app) and "Stay" in screen_text(app)
        assert app.focused is dialog.query_one("#dialog-cancel", Button)  # Stay is the default
        assert str(dialog.query_one("#dialog-cancel", Button).label) == "Stay"
        await pilot.press("enter")
        await pilot.pause()
        assert app.return_code is None and app.screen is not dialog
        assert "Placeholders left 28" in status(panel)
        assert "new: 210987654321.dkr.ecr.eu-central-1.amazonaws.com" in detail(panel)
        await pilot.press("ctrl+q", "escape")  # Escape stays too
        assert app.return_code is None
    assert (curr / VALUES).read_bytes() == before


async def test_quit_then_discard_quits_and_writes_nothing(tmp_path: Path) -> None:
    app, _, curr = values_app(tmp_path)
    before = (curr / VALUES).read_bytes()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_values(app, pilot)
        await pilot.press("p", "right", "ctrl+q")
        unsaved_dialog(app)
        await pilot.press("tab", "enter")  # to Discard, then press it
        await pilot.pause()
        assert app.return_code == 0
    assert (curr / VALUES).read_bytes() == before
    assert not (curr / "mocm/values.yaml.new").exists()


async def test_after_a_save_quit_asks_nothing(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await auto_fill(app, pilot)
        await pilot.press("s")
        app.screen.query_one(Input).value = "valkey later"
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert "nothing unsaved" in status(panel)
        assert panel.unsaved_work() is None
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code == 0


async def test_undo_back_to_the_saved_state_quits_without_asking(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await pilot.press("p", "right", "p", "right", "u", "u")
        assert "Placeholders left 29" in status(panel)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code == 0


async def test_unsaved_follows_the_content_not_the_number_of_operations(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        assert "nothing unsaved" in status(panel)
        await pilot.press("slash")
        app.screen.query_one(Input).value = "componentReplicas.api"
        await pilot.press("enter", "e")
        app.screen.query_one(Input).value = "5"
        await pilot.press("enter")
        assert "unsaved changes" in status(panel) and panel.unsaved_work() is not None
        await pilot.press("e")
        app.screen.query_one(Input).value = "3"  # back to what the file holds
        await pilot.press("enter")
        assert "new: 3" in detail(panel)
        assert "nothing unsaved" in status(panel)  # two edits, no change: as the quit guard says
        assert panel.unsaved_work() is None
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code == 0


async def test_leaving_for_another_step_asks_and_the_edits_come_back_as_a_draft(
    tmp_path: Path,
) -> None:
    app, _, curr = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await pilot.press("p", "right", "f2")  # Back
        unsaved_dialog(app)
        await pilot.press("enter")  # Stay
        await pilot.pause()
        assert app.current_step == "values" and "Placeholders left 28" in status(panel)
        await pilot.press("ctrl+r")  # the rollback step asks too
        unsaved_dialog(app)
        await pilot.press("escape")
        assert app.current_step == "values"
        app.show_step("preflight")  # as the sidebar and the palette do
        await pilot.pause()
        unsaved_dialog(app)
        await pilot.press("escape", "f2")
        unsaved_dialog(app)
        assert "as a draft, offered back" in (panel.unsaved_work() or "")  # what it asks
        await pilot.press("tab", "enter")  # leave the step
        await settle(app, pilot)
        assert app.current_step == "apply"
        assert draft_file(curr).is_file()
        app.statuses["apply"] = StepStatus.DONE  # the sample world has no real apply to show
        app.show_step("values")  # coming back: the file as on disk, the draft offered back
        await wait_until(
            app, pilot, lambda: "Unsaved values edits found" in screen_text(app), "the draft offer"
        )
        await pilot.press("d")  # discard them
        fresh = await values_loaded(app, pilot)
        assert fresh is not panel and "Placeholders left 29" in status(fresh)
        assert not draft_file(curr).exists()
        await pilot.press("f2")  # nothing unsaved: no question
        await pilot.pause()
        assert app.current_step == "apply"
    [discarded] = bodies_of(curr, ValuesDraftHandled)
    assert discarded.fate is DraftFate.DISCARDED
    assert "port global.image.registry" in discarded.operations


# -- keep: a decision the operator sees, undoes, and finds in the journal ------------------


async def test_keep_marks_the_row_counts_it_undoes_and_is_journaled(tmp_path: Path) -> None:
    app, prev, curr = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await pilot.press("slash")
        app.screen.query_one(Input).value = "image.tag"
        await pilot.press("enter")
        assert "differ 1" in status(panel) and "kept" not in status(panel)
        await pilot.press("k")
        assert "differ 0 · kept 1" in status(panel)
        assert "decided: keep the new file's value" in detail(panel)
        tag_row = next(r for r in panel.panes.visible_text().splitlines() if "tag: 10.6" in r)
        assert " = " in tag_row  # the decided mark between the panes
        assert panel.check_action("keep", ()) is None
        assert panel.unsaved_work() is not None
        await pilot.press("u")
        assert "differ 1" in status(panel) and "decided" not in detail(panel)
        assert panel.unsaved_work() is None
        await pilot.press("ctrl+y")
        assert "differ 0 · kept 1" in status(panel)
        await pilot.press("o", "x")  # the node selector dropped knowingly
        await pilot.press("s")
        app.screen.query_one(Input).value = "placeholders later"
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.statuses["values"] is StepStatus.DONE
    kept = [d for d in bodies_of(curr, ValuesDecision) if d.choice is ValuesChoice.KEPT]
    assert len(kept) == 1 and kept[0].keys == ("global.image.tag",)
    again = app_on(prev, curr)
    async with again.run_test(size=(120, 40)) as pilot:
        panel = await open_values(again, pilot)
        assert "differ 0 · kept 1" in status(panel)  # the journaled decision is remembered
