"""The core's values editing session: operations kept as a draft (0600) and replayed, a save
refused while anything is undecided, and after a save the session goes on from memory."""

from __future__ import annotations

import gc
import shutil
import stat
from pathlib import Path

import pytest

from tests.support.values import playbook
from tui.core.journal.events import ValuesChoice, ValuesDecision
from tui.core.journal.writer import Journal, Workspace
from tui.core.memory import hold_of
from tui.core.values.draft import DraftFound, DraftStale, Operation, OperationKind
from tui.core.values.editing import UndecidedLeft, ValuesEditing, open_editing
from tui.core.values.files import ValuesFiles
from tui.core.values.lines import LineMap
from tui.core.values.scalars import ValueEditRefused

NODEGROUP = "global.nodeSelector.eks\\.amazonaws\\.com/nodegroup"


def files_of(samples: Path, root: Path) -> ValuesFiles:
    (root / "prev").mkdir()
    (root / "curr").mkdir()
    previous = shutil.copy(samples / "values_prev.yaml", root / "prev" / "values.yaml")
    template = shutil.copy(samples / "values_new_template.yaml", root / "curr" / "values.yaml")
    backup = root / "curr" / "values.yaml.new"
    return ValuesFiles(
        Path(previous), Path(template), Path(template), Path(template), backup, False
    )


def session(samples: Path, root: Path) -> tuple[ValuesEditing, Journal]:
    files = files_of(samples, root)
    journal = Journal.open(Workspace(root / "curr"), user="alice", host="jump1")
    return open_editing(files, playbook().placeholder_pattern, (), journal), journal


def test_operations_are_kept_as_a_private_draft_that_replays_the_same(
    samples: Path, tmp_path: Path
) -> None:
    editing, journal = session(samples, tmp_path)
    assert editing.draft() is None and editing.check_draft() is None  # nothing unsaved yet
    editing.apply(Operation(OperationKind.PORT, "host.domain"))
    editing.apply(Operation(OperationKind.EDIT, "productKey", "NEW-KEY-1", secret=True))
    editing.apply(Operation(OperationKind.PORT, "global.image.registry"))
    editing.undo()  # undone operations are kept too: redo still works after a restore
    store = editing.store
    assert store is not None
    assert store.keep(store.ticket(), editing.draft())
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    check = editing.check_draft()
    assert isinstance(check, DraftFound)
    assert check.draft.describe() == ["port host.domain", "edit productKey"]
    # A new session on the same files replays it to the same tree.
    again = open_editing(editing.files, playbook().placeholder_pattern, (), journal)
    result = again.replay(check.draft)
    assert result.applied == 3 and result.refused is None
    assert again.merge.placeholders_left() == editing.merge.placeholders_left()
    assert again.redo() is not None  # the undone port is there to redo
    assert "global.image.registry" not in again.merge.placeholders_left()


def test_a_draft_for_another_template_is_stale_and_not_applied(
    samples: Path, tmp_path: Path
) -> None:
    editing, journal = session(samples, tmp_path)
    editing.apply(Operation(OperationKind.PORT, "host.domain"))
    store = editing.store
    assert store is not None
    store.keep(store.ticket(), editing.draft())
    template = editing.files.template
    template.write_text(template.read_text() + "\nextra: 1\n")
    again = open_editing(editing.files, playbook().placeholder_pattern, (), journal)
    check = again.check_draft()
    assert isinstance(check, DraftStale) and check.draft is not None
    assert check.reason.startswith("values.yaml changed since (sha256 ")


def test_save_is_refused_while_a_previous_value_is_undecided(samples: Path, tmp_path: Path) -> None:
    editing, _ = session(samples, tmp_path)
    assert [row.label for row in editing.undecided()] == [NODEGROUP]
    with pytest.raises(UndecidedLeft, match="1 value\\(s\\) for an open map not carried"):
        editing.plan_save("later")
    assert not editing.files.backup.exists()  # nothing written
    editing.apply(Operation(OperationKind.DROP, NODEGROUP))
    assert editing.save_refusal() is None
    editing.plan_save("later")


def test_drop_all_is_one_operation_listing_every_undecided_value(
    samples: Path, tmp_path: Path
) -> None:
    editing, journal = session(samples, tmp_path)
    op = editing.drop_all_operation()
    assert op.labels == (NODEGROUP,)
    editing.apply(op)
    assert editing.undecided() == []
    with pytest.raises(ValueEditRefused, match="nothing is undecided"):
        editing.drop_all_operation()
    editing.journal_drop_all(journal, op, "drop 1")
    body = journal.records[-1].body
    assert isinstance(body, ValuesDecision) and body.choice is ValuesChoice.DROPPED_TOGETHER
    assert (body.keys, body.reason) == ((NODEGROUP,), "confirmed by typing 'drop 1'")


def test_after_a_save_the_session_goes_on_from_memory(
    samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editing, journal = session(samples, tmp_path)
    merge = editing.merge
    editing.apply(Operation(OperationKind.CARRY, NODEGROUP))  # one more line in the file
    editing.apply(Operation(OperationKind.PORT, "host.domain"))
    plan = editing.plan_save("later")

    def parsed(*args: object, **kwargs: object) -> None:
        raise AssertionError("the saved file was parsed again")

    with monkeypatch.context() as patch:  # writing parses nothing: verified from memory
        for module in ("tui.core.values.save", "tui.core.values.editing", "tui.core.values.load"):
            for name in ("load_values", "parse_values", "load_plain"):
                patch.setattr(f"{module}.{name}", parsed, raising=False)
        result = editing.commit(plan)
    editing.journal_save(journal, plan, result)
    saved = {r.body.choice: r.body for r in journal.records if isinstance(r.body, ValuesDecision)}
    assert saved[ValuesChoice.CARRIED].keys == (NODEGROUP,)  # key paths only, never a value
    assert saved[ValuesChoice.PORTED].keys == ("host.domain",)
    assert saved[ValuesChoice.PORTED].file == str(result.destination)
    assert editing.merge is merge and not merge.has_unsaved_changes()
    assert editing.draft() is None
    assert editing.files.template == editing.files.backup.with_name("values.yaml.new")
    assert editing.files.resumed and editing.on_disk is not None
    written = editing.files.destination.read_text()
    assert editing.on_disk.text == written
    # The panes show lines as they are on disk: after the carried line, one further down.
    tolerations = merge.row("global.tolerations").new_line
    assert tolerations is not None
    on_disk_line = editing.line_map(tolerations)
    assert on_disk_line is not None
    assert written.splitlines()[on_disk_line - 1].strip() == "tolerations: []"
    # The next save diffs from what was written, and keeps it as .bak first.
    editing.apply(Operation(OperationKind.PORT, "host.tls.certificateArn"))
    second = editing.plan_save("later")
    changed = [d for d in second.diff.splitlines() if d[:1] in "+-" and d[:3] not in ("+++", "---")]
    assert len(changed) == 2 and all("certificateArn" in d for d in changed)
    assert second.destination_backup is not None and second.destination_backup.name.endswith(".bak")


def test_line_map_follows_inserted_and_rewritten_lines() -> None:
    before = "a: 1\nb: {}\nc: 3\n"
    after = "a: 1\nb:\n  k: v\nc: 3\n"
    lines = LineMap.between(before, after)
    assert [lines(n) for n in (1, 2, 3)] == [1, 2, 4]
    assert LineMap()(7) == 7 and lines(None) is None


def test_an_open_session_keeps_its_trees_out_of_the_collector_until_closed(
    samples: Path, tmp_path: Path
) -> None:
    editing, _ = session(samples, tmp_path)
    hold = hold_of(editing)
    assert hold is not None and hold.held and gc.get_freeze_count() > 0
    assert gc.isenabled(), "the collector runs again once the files are parsed"
    editing.close()
    assert not hold.held and hold_of(editing) is None
    editing.close()  # closing twice changes nothing
    assert not hold.held


def test_a_session_dropped_without_closing_lets_its_trees_go(samples: Path, tmp_path: Path) -> None:
    editing, _ = session(samples, tmp_path)
    hold = hold_of(editing)
    assert hold is not None and hold.held
    del editing
    gc.collect()
    assert not hold.held
