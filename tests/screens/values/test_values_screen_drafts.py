"""Pilot tests of what keeps the operator's values work: drafts of unsaved edits offered
back after a drop, a save refused while a previous value is undecided, and "drop all"
behind a typed phrase (issue 14, point 3)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from textual.widgets import Button, Input

from tests.support.journal import bodies_of
from tests.support.values_screen import (
    ORPHAN_LABEL,
    SAMPLE_SECRETS,
    VALUES,
    add_orphan,
    app_on,
    auto_fill,
    detail,
    draft_file,
    open_values,
    screen_text,
    settle,
    status,
    values_app,
)
from tui.core.journal.events import DraftFate, ValuesChoice, ValuesDecision, ValuesDraftHandled
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.reason import ReasonDialog
from tui.widgets.dialogs.typed_phrase import TypedPhraseDialog

OPEN_MAP_LABEL = "global.nodeSelector.eks\\.amazonaws\\.com/nodegroup"


async def test_unsaved_edits_survive_a_drop_and_are_offered_back(tmp_path: Path) -> None:
    app, prev, curr = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_values(app, pilot)
        await pilot.press("slash")
        app.screen.query_one(Input).value = "productKey"
        await pilot.press("enter", "e")
        app.screen.query_one(Input).value = "MOCM-NEW-KEY-0001"
        await pilot.press("enter", "p", "right")  # and the next placeholder ported
        await settle(app, pilot)  # the draft is written off the event loop
        assert draft_file(curr).is_file()
    # The session ends here without a quit, as an SSH drop ends it.
    kept = draft_file(curr)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600  # it may hold a typed secret
    assert "MOCM-NEW-KEY-0001" not in (curr / VALUES).read_text()  # nothing was saved
    again = app_on(prev, curr)
    async with again.run_test(size=(120, 40)) as pilot:
        panel = await open_values(again, pilot)
        dialog = again.screen
        assert isinstance(dialog, ConfirmDialog)
        await pilot.pause()
        text = " ".join(screen_text(again).split())
        assert "Unsaved values edits found" in text and "Restore them (r), or discard" in text
        assert "edit productKey" in text and "port host.domain" in text
        assert "MOCM-NEW-KEY-0001" not in text  # the draft is listed without its values
        assert again.focused is dialog.query_one("#dialog-cancel", Button)  # Restore
        await pilot.press("enter")  # Enter restores: nothing is discarded by accident
        await settle(again, pilot)
        assert "Placeholders left 27" in status(panel) and "unsaved changes" in status(panel)
        assert panel.merge is not None
        assert "productKey" not in panel.merge.placeholders_left()
        assert draft_file(curr).is_file()  # still kept until a save
        await pilot.press("o", "c", "s")  # the open map decided, then save
        assert isinstance(again.screen, ReasonDialog)
        again.screen.query_one(Input).value = "the rest later"
        await pilot.press("enter")
        await settle(again, pilot)
        await pilot.press("y")
        await settle(again, pilot)
        assert "nothing unsaved" in status(panel)
    assert "MOCM-NEW-KEY-0001" in (curr / VALUES).read_text()
    assert not draft_file(curr).exists()  # saved: nothing left to offer back
    [restored] = bodies_of(curr, ValuesDraftHandled)
    assert restored.fate is DraftFate.RESTORED and len(restored.operations) == 2
    assert restored.operations[0].startswith("edit ") and "productKey" in restored.operations[0]
    assert restored.written_at
    whole = (curr / ".mocm-upgrade" / "journal.jsonl").read_text()
    assert "MOCM-NEW-KEY-0001" not in whole
    assert not any(secret in whole for secret in SAMPLE_SECRETS)


async def test_a_draft_for_a_template_changed_since_is_set_aside_not_applied(
    tmp_path: Path,
) -> None:
    app, prev, curr = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_values(app, pilot)
        await pilot.press("p", "right")
        await settle(app, pilot)
    template = curr / VALUES
    template.write_text(template.read_text().replace("digestPinning: false", "digestPinning: true"))
    again = app_on(prev, curr)
    async with again.run_test(size=(120, 40)) as pilot:
        panel = await open_values(again, pilot)
        assert "Unsaved values edits that no longer apply" in screen_text(again)
        await pilot.press("k")  # keep it aside
        await settle(again, pilot)
        assert "Placeholders left 29" in status(panel)  # not applied
        assert "nothing unsaved" in status(panel)
    assert not draft_file(curr).exists()
    aside = draft_file(curr).with_name(draft_file(curr).name + ".stale")
    assert aside.is_file() and stat.S_IMODE(aside.stat().st_mode) == 0o600
    held = json.loads(aside.read_text())["applied"]
    assert held == [{"kind": "port", "label": "global.image.registry"}]
    (aside_record,) = bodies_of(curr, ValuesDraftHandled)
    assert aside_record.fate is DraftFate.SET_ASIDE
    assert aside_record.operations == ("port global.image.registry",)
    assert "changed" in aside_record.reason and str(aside) in aside_record.reason


async def test_save_is_refused_while_an_orphan_is_undecided(tmp_path: Path) -> None:
    app, prev, curr = values_app(tmp_path)
    add_orphan(prev)
    before = (curr / VALUES).read_bytes()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await auto_fill(app, pilot)  # fills what it can and carries the open-map value
        assert "orphans undecided 1" in status(panel)
        await pilot.press("s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ReasonDialog | ConfirmDialog)  # nothing asked
        told = " ".join(n.message for n in app._notifications)
        assert f"Not saved: 1 orphan(s) undecided ({ORPHAN_LABEL})" in told
        assert detail(panel).startswith(ORPHAN_LABEL)  # the cursor is on it
        assert (curr / VALUES).read_bytes() == before
        await pilot.press("x", "s")  # dropped knowingly: now the save goes ahead
        assert isinstance(app.screen, ReasonDialog)
        app.screen.query_one(Input).value = "valkey later"
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
    assert "legacyRedirect" not in (curr / VALUES).read_text()
    (dropped,) = [d for d in bodies_of(curr, ValuesDecision) if d.choice is ValuesChoice.DROPPED]
    assert dropped.keys == (ORPHAN_LABEL,) and dropped.file == str(curr / VALUES)


async def test_drop_all_undecided_needs_the_typed_phrase_and_journals_the_list(
    tmp_path: Path,
) -> None:
    app, prev, curr = values_app(tmp_path)
    add_orphan(prev)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        assert "orphans undecided 1 · open maps to carry 1" in status(panel)
        await pilot.press("D")
        dialog = app.screen
        assert isinstance(dialog, TypedPhraseDialog) and dialog.phrase == "drop 2"
        text = " ".join(screen_text(app).split())
        assert ORPHAN_LABEL in text and "nodegroup" in text
        assert app.focused is dialog.query_one("#dialog-cancel", Button)
        await pilot.press("enter")  # Enter on Cancel: nothing dropped
        await pilot.pause()
        assert "orphans undecided 1 · open maps to carry 1" in status(panel)
        await pilot.press("D", "shift+tab", *"drop 1", "enter")  # the wrong phrase
        await pilot.pause()
        assert isinstance(app.screen, TypedPhraseDialog)
        app.screen.query_one(Input).value = "drop 2"
        await pilot.press("enter")
        await settle(app, pilot)
        assert "orphans undecided 0" in status(panel) and "open maps to carry" not in status(panel)
        assert panel.check_action("drop_all", ()) is None  # nothing left to drop
        await pilot.press("u")  # one undo brings both back
        assert "orphans undecided 1 · open maps to carry 1" in status(panel)
    decided = bodies_of(curr, ValuesDecision)
    (together,) = [d for d in decided if d.choice is ValuesChoice.DROPPED_TOGETHER]
    assert together.reason == "confirmed by typing 'drop 2'"
    assert set(together.keys) == {OPEN_MAP_LABEL, ORPHAN_LABEL}
