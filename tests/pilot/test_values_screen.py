"""Pilot tests of the values merge editor: what the operator sees, which keys work."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from textual.widgets import Button, Input, Static

from screens.step_dialogs import ConfirmDialog as StepConfirmDialog
from screens.values import ValuesPanel
from screens.values_dialogs import ConfirmDialog, TextPromptDialog
from screens.values_files import locate_values
from tests.values_screen_support import (
    BOOK,
    SAMPLE_SECRETS,
    VALUES,
    app_on,
    open_values,
    screen_text,
    settle,
    values_app,
)
from tui.core.releases import load_pair
from tui.core.steps import StepStatus
from tui.widgets.dialogs import ErrorDialog


def status(panel: object) -> str:
    return str(panel.query_one("#values-status", Static).render())  # type: ignore[attr-defined]


def detail(panel: object) -> str:
    return str(panel.query_one("#values-detail", Static).render())  # type: ignore[attr-defined]


def journal(curr: Path) -> list[dict[str, object]]:
    lines = (curr / ".mocm-upgrade" / "journal.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


async def test_opens_on_the_sample_with_29_placeholders(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        assert "Placeholders left 29" in status(panel)
        assert "orphans undecided 1" in status(panel)
        text = screen_text(app)
        assert "previous: mocm-10.5.2603/mocm/values.yaml" in text
        assert "new: mocm-10.6.2605/mocm/values.yaml" in text
        rows = panel.panes.visible_text()
        # line numbers of each side: tag is line 9 on the left, 10 on the right
        assert "  9     tag: 10.5.2603" in rows and " 10     tag: 10.6.2605" in rows
        assert "eks.amazonaws.com/nodegroup" in rows  # the orphan, key as written
        assert app.statuses["values"] is StepStatus.IN_PROGRESS


async def test_p_port_undo_redo(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await pilot.press("p")
        assert detail(panel).startswith("global.image.registry  placeholder to fill")
        await pilot.press("right")
        assert "Placeholders left 28" in status(panel)
        assert "unsaved 1" in status(panel)
        assert "new: 210987654321.dkr.ecr.eu-central-1.amazonaws.com" in detail(panel)
        await pilot.press("u")
        assert "Placeholders left 29" in status(panel)
        assert "new: < REPLACE_VALUE_IMAGE_REGISTRY >" in detail(panel)
        await pilot.press("ctrl+y")
        assert "Placeholders left 28" in status(panel)
        await pilot.press("p", "space")  # the next placeholder is productKey (a secret)
        assert "Placeholders left 27" in status(panel)
        assert app.check_action("undo", ()) is True or panel.check_action("undo", ()) is True


async def test_auto_fill_preview_then_confirm(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await pilot.press("a")
        assert isinstance(app.screen, ConfirmDialog)
        preview = screen_text(app)
        assert "Auto-fill 26 placeholder(s)" in preview
        assert "credentials.admin.password" in preview and "••••••" in preview
        assert not any(secret in preview for secret in SAMPLE_SECRETS)
        await pilot.press("escape")  # cancel changes nothing
        assert "Placeholders left 29" in status(panel)
        await pilot.press("a", "y")
        assert "Placeholders left 3" in status(panel)
        await pilot.press("f", "f")  # filter placeholders
        assert "filter placeholders" in status(panel)
        left = [line for line in panel.panes.visible_text().splitlines() if line.strip()]
        assert len(left) == 3 and all("credentials.valkey." in line for line in left)
        assert [line.split()[0] for line in left] == ["!", "!", "!"]  # nothing on the left
        assert panel.check_action("auto_fill", ()) is None  # nothing fillable is left
        await pilot.press("u")
        assert "Placeholders left 29" in status(panel)


async def test_save_refuses_placeholders_without_a_reason(tmp_path: Path) -> None:
    app, _, curr = values_app(tmp_path)
    before = (curr / VALUES).read_bytes()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await pilot.press("a", "y", "s")
        assert isinstance(app.screen, TextPromptDialog)
        assert "3 placeholder(s) left" in screen_text(app)
        await pilot.press("enter")  # no reason typed
        assert isinstance(app.screen, TextPromptDialog)
        assert "A reason is needed" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is not None and not isinstance(app.screen, TextPromptDialog)
        assert (curr / VALUES).read_bytes() == before
        assert not (curr / "mocm/values.yaml.new").exists()
        assert app.statuses["values"] is not StepStatus.DONE
        assert "Placeholders left 3" in status(panel)


async def test_save_with_a_reason_writes_keeps_comments_and_journals(tmp_path: Path) -> None:
    app, _, curr = values_app(tmp_path)
    template = (curr / VALUES).read_bytes()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await pilot.press("a", "y", "s")
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
        assert "unsaved 0" in status(panel)
        assert "continuing your saved work" in screen_text(app)
    assert (curr / "mocm/values.yaml.new").read_bytes() == template
    saved = (curr / VALUES).read_text()
    kept = [line for line in template.decode().splitlines() if "REPLACE_VALUE" not in line]
    assert len(saved.splitlines()) == len(template.decode().splitlines())
    assert all(line in saved.splitlines() for line in kept)  # comments, layout, untouched lines
    assert "Do NOT overwrite this" in saved and "# NEW in 10.6.2605" in saved
    assert 'registry: "210987654321.dkr.ecr.eu-central-1.amazonaws.com"' in saved
    assert saved.count("REPLACE_VALUE") == 4  # 3 values + the header comment's mention
    records = journal(curr)
    decisions = [r for r in records if r["kind"] == "decision"]
    assert any("valkey not provisioned yet" in json.dumps(r) for r in decisions)
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
        await pilot.press("a", "y", "s")
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


async def test_secrets_stay_masked_until_revealed(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await pilot.press("a", "y", "slash")
        app.screen.query_one(Input).value = "admin.password"
        await pilot.press("enter")
        assert detail(panel).startswith("credentials.admin.password")
        assert not any(secret in screen_text(app) for secret in SAMPLE_SECRETS)
        assert "••••••" in screen_text(app)
        await pilot.press("r")
        assert "Vq8#nT2!eL6@rW4z" in screen_text(app)
        assert "c9R$kP3^wQ7&mZ1x" not in screen_text(app)  # only the row under the cursor
        await pilot.press("down")  # moving on hides it again
        assert not any(secret in screen_text(app) for secret in SAMPLE_SECRETS)
        await pilot.press("up", "e")  # editing a secret: nothing prefilled, typed blind
        field = app.screen.query_one(Input)
        assert field.value == "" and field.password
        field.value = '"Vq8#nT2"typo"'  # a broken quoted string
        await pilot.press("enter")
        await pilot.pause()
        told = " ".join(n.message for n in app._notifications)
        assert "was refused" in told and "Vq8#nT2" not in told  # refused, not echoed


async def test_keys_grey_out_where_they_cannot_run(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        assert panel.check_action("undo", ()) is None
        await pilot.press("slash")
        app.screen.query_one(Input).value = "digestPinning"  # new in this release
        await pilot.press("enter")
        assert panel.check_action("port", ()) is None
        assert panel.check_action("carry", ()) is None
        assert panel.check_action("edit", ()) is True
        await pilot.press("right")  # greyed out: nothing happens
        assert "unsaved 0" in status(panel)
        assert panel.check_action("bump_tag", ()) is None  # the template already has the build
        await pilot.press("f", "f", "f")  # filter orphans
        assert "filter orphans" in status(panel)
        assert panel.check_action("carry", ()) is True
        assert panel.check_action("port_subtree", ()) is None
        await pilot.press("x")
        assert "orphans undecided 0" in status(panel)
        assert panel.check_action("drop", ()) is None
        await pilot.press("c")
        assert "orphans undecided 0" in status(panel)
        assert "filter orphans · 0/0" in status(panel)  # carried: no orphan left
        await pilot.press("u", "u")
        assert "orphans undecided 1" in status(panel)


async def test_edit_in_place_and_bad_input_changes_nothing(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await pilot.press("slash")
        app.screen.query_one(Input).value = "componentReplicas.api"
        await pilot.press("enter", "e")
        assert app.screen.query_one(Input).value == "3"
        app.screen.query_one(Input).value = "[1, 2"
        await pilot.press("enter")
        await pilot.pause()
        assert "new: 3" in detail(panel)
        assert "unsaved 0" in status(panel)
        assert any("not a single value" in n.message for n in app._notifications)
        await pilot.press("e")
        app.screen.query_one(Input).value = "5"
        await pilot.press("enter")
        assert "new: 5" in detail(panel) and "differs" in detail(panel)
        assert "differ 2" in status(panel)


async def test_image_tag_bumped_to_the_current_build(tmp_path: Path) -> None:
    app, _, curr = values_app(tmp_path)
    path = curr / VALUES
    path.write_text(path.read_text().replace('tag: "10.6.2605"', 'tag: "10.6.0000"'))
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        assert panel.check_action("bump_tag", ()) is True
        await pilot.press("t")
        await pilot.press("slash")
        app.screen.query_one(Input).value = "image.tag"
        await pilot.press("enter")
        assert "new: 10.6.2605" in detail(panel)
        assert panel.check_action("bump_tag", ()) is None


async def test_malformed_previous_values_show_the_line(tmp_path: Path) -> None:
    app, prev, curr = values_app(tmp_path)
    (prev / VALUES).write_text("global:\n  image: [unclosed\nother: 1\n")
    before = (curr / VALUES).read_bytes()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        assert isinstance(app.screen, ErrorDialog)
        await settle(app, pilot)
        message = str(app.screen.query_one("#error-message", Static).render())
        assert message.endswith("mocm/values.yaml:3:6: expected ',' or ']', but got ':'")
        await pilot.press("escape")
        assert "could not be opened" in status(panel)
        assert panel.check_action("save", ()) is None
    assert (curr / VALUES).read_bytes() == before


async def test_works_at_80x24(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await open_values(app, pilot)
        assert panel.panes.size.height >= 8
        rows = panel.panes.visible_text()
        assert "…" in rows  # long values are cut, not wrapped
        assert max(len(line) for line in rows.splitlines()) <= panel.panes.size.width
        assert "Placeholders left 29" in screen_text(app)
        await pilot.press("p", "right")
        assert "Placeholders left 28" in status(panel)
        await pilot.press("a")
        assert isinstance(app.screen, ConfirmDialog)
        assert "(y)" in screen_text(app)  # the confirm button is on screen


def test_files_first_visit_edits_the_template(tmp_path: Path) -> None:
    _, prev, curr = values_app(tmp_path)
    files = locate_values(load_pair(prev, curr, BOOK), BOOK)
    assert files.working == files.template == files.destination == curr / VALUES
    assert files.backup == curr / "mocm/values.yaml.new" and not files.resumed


def test_files_after_a_save_continue_the_work(tmp_path: Path) -> None:
    _, prev, curr = values_app(tmp_path)
    template = curr / "mocm/values.yaml.new"
    shutil.copy(curr / VALUES, template)
    same = locate_values(load_pair(prev, curr, BOOK), BOOK)
    assert same.template == template and same.working == curr / VALUES and same.resumed
    assert same.backup == template  # an unchanged copy needs no second backup
    (curr / VALUES).write_text((curr / VALUES).read_text().replace("fusion", "prod"))
    changed = locate_values(load_pair(prev, curr, BOOK), BOOK)
    assert changed.backup == curr / "mocm/values.yaml.bak"  # earlier work is kept first


def test_files_template_kept_but_values_gone(tmp_path: Path) -> None:
    _, prev, curr = values_app(tmp_path)
    pair = load_pair(prev, curr, BOOK)
    (curr / VALUES).rename(curr / "mocm/values.yaml.new")
    files = locate_values(pair, BOOK)
    assert files.working == curr / "mocm/values.yaml.new"
    assert files.destination == curr / VALUES and files.resumed


async def test_a_file_changed_under_the_diff_is_not_overwritten(tmp_path: Path) -> None:
    app, _, curr = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
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
        assert "unsaved 1" in status(panel)  # the work in the editor is still there
    assert (curr / VALUES).read_text() == "edited: elsewhere\n"
    assert not (curr / "mocm/values.yaml.new").exists()
    assert app.statuses["values"] is not StepStatus.DONE


# -- unsaved work: quitting or leaving the step asks first ------------------------------


def unsaved_dialog(app: object) -> StepConfirmDialog:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, StepConfirmDialog), f"no Discard/Stay question: {screen!r}"
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
        assert app.focused is dialog.query_one("#no", Button)  # Stay is the default
        assert str(dialog.query_one("#no", Button).label) == "Stay"
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
        await pilot.press("a", "y", "s")
        app.screen.query_one(Input).value = "valkey later"
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert "unsaved 0" in status(panel)
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


async def test_leaving_for_another_step_asks_and_discard_drops_the_edits(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
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
        await pilot.press("tab", "enter")  # Discard
        await settle(app, pilot)
        assert app.current_step == "apply"
        app.statuses["apply"] = StepStatus.DONE  # the sample world has no real apply to show
        app.show_step("values")  # coming back: the file as it is on disk
        await settle(app, pilot)
        fresh = app.query_one(ValuesPanel)
        assert fresh is not panel and "Placeholders left 29" in status(fresh)
        await pilot.press("f2")  # nothing unsaved: no question
        await pilot.pause()
        assert app.current_step == "apply"


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
        await pilot.press("s")
        app.screen.query_one(Input).value = "placeholders later"
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.statuses["values"] is StepStatus.DONE
    kept = [r for r in journal(curr) if r.get("what") == "values kept as the template has them"]
    assert len(kept) == 1 and json.loads(str(kept[0]["detail"])) == ["global.image.tag"]
    again = app_on(prev, curr)
    async with again.run_test(size=(120, 40)) as pilot:
        panel = await open_values(again, pilot)
        assert "differ 0 · kept 1" in status(panel)  # the journaled decision is remembered


# -- anchors: an edit at an anchored value changes its aliases; said before it applies ----

ANCHORED_PREVIOUS = "defaults:\n  cpu: 2\nport: 9090\napi:\n  port: 9090\nname: mocm\n"
ANCHORED_TEMPLATE = (
    "defaults: &res\n  cpu: 1\nport: &p 8080\napi:\n  port: *p\n  resources: *res\n"
    "worker:\n  resources: *res\nname: mocm\n"
)


async def test_anchored_value_is_flagged_before_the_port_and_every_alias_follows(
    tmp_path: Path,
) -> None:
    app, prev, curr = values_app(tmp_path)
    (prev / VALUES).write_text(ANCHORED_PREVIOUS)
    (curr / VALUES).write_text(ANCHORED_TEMPLATE)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        anchor = panel.query_one("#values-anchor", Static)
        await pilot.press("slash")
        app.screen.query_one(Input).value = "name"
        await pilot.press("enter")
        assert not anchor.display  # nothing shared here: no warning line
        await pilot.press("slash")
        app.screen.query_one(Input).value = "api.port"
        await pilot.press("enter")
        assert detail(panel).startswith("api.port")
        assert anchor.display
        warning = str(anchor.render())
        assert warning.startswith("⚠ anchored &p: 1 alias shares it — an edit here changes")
        assert "⚠ anchored &p: 1 alias shares it" in screen_text(app)
        assert "new: 8080" in detail(panel)  # the line is there before anything changed
        await pilot.press("right")
        assert any("&p: 1 alias shares it: all of them changed" in n.message
                   for n in app._notifications)  # fmt: skip
        rows = panel.panes.visible_text()
        assert rows.count("port: 9090") == 4  # port and api.port, on both sides
        await pilot.press("slash")
        app.screen.query_one(Input).value = "worker.resources.cpu"
        await pilot.press("enter")
        assert "aliases share it" in str(anchor.render())
        assert "&res: 2 aliases share it" in str(anchor.render())
