"""Carry-over guards: what the preview refuses, what it never calls identical, what apply undoes."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.release import make_pair
from tui.core.files import sha256_bytes, sha256_file
from tui.core.journal.records import FileOp
from tui.core.journal.writer import Journal, Workspace
from tui.core.playbook.load import Playbook, load_playbook
from tui.core.tofu.carry_over.apply import (
    CarryOverFailed,
    FileChange,
    apply_carry_over,
    check_writable,
    journal_change,
)
from tui.core.tofu.carry_over.model import (
    CarryOperation,
    CarryOverError,
    CarryOverPreview,
    CarryStatus,
)
from tui.core.tofu.carry_over.preview import preview_carry_over, unified_diff

STATE = "terraform.tfstate"
TFVARS = "terraform.tfvars"
APPEND = "terraform.tfvars (+ valkey_* block)"
ACTIVATE = "09-elasticache.tf.2603 → 09-elasticache.tf"


@pytest.fixture
def playbook() -> Playbook:
    return load_playbook()


@pytest.fixture
def pair(tmp_path: Path, samples: Path) -> tuple[Path, Path]:
    """terraform/aws of previous (with the sample state) and current release."""
    prev, curr = make_pair(tmp_path)
    src = prev / "terraform/aws"
    (src / STATE).write_bytes((samples / STATE).read_bytes())
    return src, curr / "terraform/aws"


def sample_state(samples: Path, **changes: object) -> dict[str, object]:
    data: dict[str, object] = json.loads((samples / STATE).read_text())
    data.update(changes)
    return data


def row(preview: CarryOverPreview, name: str) -> CarryOperation:
    return next(op for op in preview.operations if op.name == name)


def local(pair: tuple[Path, Path], playbook: Playbook) -> CarryOverPreview:
    return preview_carry_over(*pair, playbook, remote=False)


# -- the state guard ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("destination", "why"),
    [
        (b'{"version": 3, "backend": {"type": "s3"}}', "version 3, expected 4"),
        (b"{ not json", "is not JSON"),
        (b"", "is empty"),
        (b'{"version": 4, "serial": true, "lineage": "x"}', "no valid 'serial'"),
    ],
)
def test_unreadable_or_unsupported_destination_state_cannot_be_compared(
    pair: tuple[Path, Path], playbook: Playbook, destination: bytes, why: str
) -> None:
    _src, dst = pair
    (dst / STATE).write_bytes(destination)
    preview = local(pair, playbook)
    op = row(preview, STATE)
    assert op.status is CarryStatus.REFUSED
    assert op.reason.startswith("cannot compare the states: ")
    assert why in op.reason
    assert preview.blocked
    with pytest.raises(CarryOverError, match=r"The carry-over is blocked: terraform.tfstate: "):
        apply_carry_over(preview, playbook)
    assert (dst / STATE).read_bytes() == destination


def test_same_serial_with_other_content_stops_the_copy(
    pair: tuple[Path, Path], playbook: Playbook, samples: Path
) -> None:
    _src, dst = pair
    changed = sample_state(samples, outputs={"extra": {"value": "x", "type": "string"}})
    (dst / STATE).write_text(json.dumps(changed))
    op = row(local(pair, playbook), STATE)
    assert op.status is CarryStatus.REFUSED
    assert "has the same serial 57 but other resources or outputs" in op.reason


def test_same_serial_and_content_in_another_layout_is_copied(
    pair: tuple[Path, Path], playbook: Playbook, samples: Path
) -> None:
    _src, dst = pair
    (dst / STATE).write_text(json.dumps(sample_state(samples), indent=4))
    op = row(local(pair, playbook), STATE)
    assert op.status is CarryStatus.OVERWRITE
    assert op.backup == dst / "terraform.tfstate.pre-carry-over"


def test_lower_serial_is_replaced_and_higher_refused(
    pair: tuple[Path, Path], playbook: Playbook, samples: Path
) -> None:
    _src, dst = pair
    (dst / STATE).write_text(json.dumps(sample_state(samples, serial=56)))
    assert row(local(pair, playbook), STATE).status is CarryStatus.OVERWRITE
    (dst / STATE).write_text(json.dumps(sample_state(samples, serial=58)))
    refused = row(local(pair, playbook), STATE)
    assert refused.status is CarryStatus.REFUSED
    assert "is newer (serial 58 > 57)" in refused.reason


def test_a_directory_at_the_destination_is_not_absent(
    pair: tuple[Path, Path], playbook: Playbook
) -> None:
    src, dst = pair
    (dst / STATE).mkdir()
    (dst / "backend.tf").mkdir()
    (src / "backend.tf").write_text('terraform {\n  backend "s3" {}\n}\n')
    preview = local(pair, playbook)
    for name in (STATE, "backend.tf"):
        op = row(preview, name)
        assert op.status is CarryStatus.REFUSED
        assert op.reason == f"{dst / name} is a directory, expected a file."
        assert unified_diff(op, preview) == f"({op.reason})"
    assert preview.blocked


def test_a_directory_at_the_source_is_refused(pair: tuple[Path, Path], playbook: Playbook) -> None:
    src, _dst = pair
    (src / STATE).unlink()
    (src / STATE).mkdir()
    op = row(local(pair, playbook), STATE)
    assert op.status is CarryStatus.REFUSED
    assert op.reason == f"{src / STATE} is a directory, expected a file."


def test_an_unreadable_path_is_refused_with_the_reason(
    pair: tuple[Path, Path], playbook: Playbook
) -> None:
    src, _dst = pair
    (src / "backend.tf").symlink_to(src / "backend.tf")  # a loop: reading it fails
    op = row(local(pair, playbook), "backend.tf")
    assert op.status is CarryStatus.REFUSED
    assert op.reason.startswith(f"Cannot read {src / 'backend.tf'}: ")


@pytest.mark.parametrize("missing", ["source", "destination"])
def test_release_directories_must_be_directories(
    pair: tuple[Path, Path], playbook: Playbook, missing: str
) -> None:
    src, dst = pair
    not_a_dir = src.parent / "file"
    not_a_dir.write_text("x")
    dirs = (not_a_dir, dst) if missing == "source" else (src, not_a_dir)
    with pytest.raises(CarryOverError, match=f"{not_a_dir} is not a directory"):
        preview_carry_over(*dirs, playbook, remote=False)


# -- tfvars: identical only when it truly is -------------------------------------------


def test_tfvars_that_differs_without_a_marker_block_is_overwritten(
    pair: tuple[Path, Path], playbook: Playbook
) -> None:
    src, dst = pair
    same_variables = (src / TFVARS).read_text() + "# a comment the customer added\n"
    (dst / TFVARS).write_text(same_variables)
    preview = local(pair, playbook)
    op = row(preview, TFVARS)
    assert op.status is CarryStatus.OVERWRITE
    # the block is decided on the bytes the destination will hold: the source's
    append = row(preview, APPEND)
    assert append.status is CarryStatus.APPEND
    assert append.destination_sha256 == sha256_file(src / TFVARS)
    apply_carry_over(preview, playbook)
    written = (dst / TFVARS).read_text()
    assert written.startswith((src / TFVARS).read_text())
    assert "# a comment the customer added" not in written
    assert 'valkey_username                   = "fusion"' in written


def test_tfvars_carried_over_with_its_block_is_identical(
    pair: tuple[Path, Path], playbook: Playbook
) -> None:
    _src, _dst = pair
    apply_carry_over(local(pair, playbook), playbook)
    again = local(pair, playbook)
    op = row(again, TFVARS)
    assert op.status is CarryStatus.IDENTICAL
    assert op.reason == "already carried over, with its block"
    present = row(again, APPEND)
    assert present.status is CarryStatus.PRESENT
    assert present.reason.startswith("already has valkey_")


@pytest.mark.parametrize(
    "edit",
    [
        lambda text: text.replace('"eu-central-1"', '"us-east-1"'),  # a value changed
        lambda text: text + 'extra_variable = "x"\n',  # a variable the source lacks
        lambda text: text + "broken = \n",  # no longer parses
    ],
)
def test_tfvars_with_a_block_but_other_variables_is_overwritten(
    pair: tuple[Path, Path], playbook: Playbook, edit: Callable[[str], str]
) -> None:
    _src, dst = pair
    apply_carry_over(local(pair, playbook), playbook)
    (dst / TFVARS).write_text(edit((dst / TFVARS).read_text()))
    assert row(local(pair, playbook), TFVARS).status is CarryStatus.OVERWRITE


def test_append_waits_when_the_tfvars_copy_is_blocked(
    pair: tuple[Path, Path], playbook: Playbook
) -> None:
    src, dst = pair
    (src / TFVARS).unlink()
    preview = local(pair, playbook)
    assert row(preview, TFVARS).status is CarryStatus.MISSING
    append = row(preview, APPEND)
    assert append.status is CarryStatus.SKIPPED
    assert append.reason == "waits for terraform.tfvars"
    assert preview.tfvars_append is None
    (dst / TFVARS).unlink()
    (dst / TFVARS).mkdir()
    (src / TFVARS).write_text('name_prefix = "acme"\n')
    preview = local(pair, playbook)
    assert row(preview, TFVARS).status is CarryStatus.REFUSED
    assert row(preview, APPEND).status is CarryStatus.SKIPPED


def test_append_without_a_tfvars_row_reads_the_destination(
    pair: tuple[Path, Path], playbook: Playbook
) -> None:
    src, dst = pair
    files = tuple(f for f in playbook.carry_over_local if f.kind != "tfvars")
    without = playbook.replace(carry_over_local=files)
    (dst / TFVARS).unlink()
    op = row(preview_carry_over(src, dst, without, remote=False), APPEND)
    assert (op.status, op.reason) == (CarryStatus.SKIPPED, "no terraform.tfvars to append to")
    (dst / TFVARS).mkdir()
    op = row(preview_carry_over(src, dst, without, remote=False), APPEND)
    assert op.status is CarryStatus.REFUSED
    assert op.reason == f"{dst / TFVARS} is a directory, expected a file."


# -- the parked file ------------------------------------------------------------------


def test_activation_rows(pair: tuple[Path, Path], playbook: Playbook) -> None:
    _src, dst = pair
    parked, active = dst / "09-elasticache.tf.2603", dst / "09-elasticache.tf"
    op = row(local(pair, playbook), ACTIVATE)
    assert op.status is CarryStatus.ACTIVATE
    assert (op.source, op.source_sha256) == (parked, sha256_file(parked))
    parked.rename(active)
    op = row(local(pair, playbook), ACTIVATE)
    assert (op.status, op.reason) == (CarryStatus.ACTIVE, "already active")
    active.unlink()
    op = row(local(pair, playbook), ACTIVATE)
    assert op.status is CarryStatus.REFUSED
    assert op.reason == "neither 09-elasticache.tf.2603 nor 09-elasticache.tf exists"


# -- the diff -------------------------------------------------------------------------


def test_large_or_binary_files_are_summarised(pair: tuple[Path, Path], playbook: Playbook) -> None:
    src, dst = pair
    (src / "backend.tf").write_bytes(b"a\0b")
    (dst / "backend.tf").write_bytes(b"a\n")
    preview = local(pair, playbook)
    op = row(preview, "backend.tf")
    old, new = sha256_bytes(b"a\n")[:12], sha256_bytes(b"a\0b")[:12]
    assert unified_diff(op, preview) == f"(binary or large file: sha256 {old} → {new})"
    (src / "backend.tf").write_bytes(b"x\n" * (1 << 20) + b"y\n")
    preview = local(pair, playbook)
    summary = unified_diff(row(preview, "backend.tf"), preview)
    assert summary.startswith("(binary or large file: sha256 ")
    (src / "backend.tf").write_bytes(b"x\n" * (1 << 20))
    preview = local(pair, playbook)
    diff = unified_diff(row(preview, "backend.tf"), preview)
    assert diff.startswith(f"--- {dst / 'backend.tf'} (now)\n+++ {dst / 'backend.tf'} (after)\n")
    assert unified_diff(row(preview, ACTIVATE), preview) == ""


def test_diff_context_lines(pair: tuple[Path, Path], playbook: Playbook) -> None:
    src, dst = pair
    lines = [f"line {n}\n" for n in range(20)]
    (dst / "backend.tf").write_text("".join(lines))
    lines[10] = "changed\n"
    (src / "backend.tf").write_text("".join(lines))
    preview = local(pair, playbook)
    op = row(preview, "backend.tf")
    default = unified_diff(op, preview)
    assert " line 7\n" in default and " line 6\n" not in default
    narrow = unified_diff(op, preview, context=1)
    assert " line 9\n" in narrow and " line 8\n" not in narrow


# -- the preview as data --------------------------------------------------------------


def test_statuses_say_what_changes_and_what_blocks() -> None:
    changes = {s for s in CarryStatus if s.changes}
    blocks = {s for s in CarryStatus if s.blocks}
    assert changes == {
        CarryStatus.COPY,
        CarryStatus.OVERWRITE,
        CarryStatus.APPEND,
        CarryStatus.ACTIVATE,
    }
    assert blocks == {CarryStatus.MISSING, CarryStatus.REFUSED}


# -- apply ----------------------------------------------------------------------------


def test_a_backup_name_taken_since_the_preview_is_not_overwritten(
    pair: tuple[Path, Path], playbook: Playbook, samples: Path
) -> None:
    _src, dst = pair
    (dst / STATE).write_text(json.dumps(sample_state(samples, serial=50)))
    preview = local(pair, playbook)
    planned = row(preview, STATE).backup
    assert planned == dst / "terraform.tfstate.pre-carry-over"
    planned.write_text("someone else's file")
    done = apply_carry_over(preview, playbook)
    assert planned.read_text() == "someone else's file"
    backup = next(c for c in done if c.op == "backup" and c.source == dst / STATE)
    assert backup.path == dst / "terraform.tfstate.pre-carry-over.1"
    assert json.loads(backup.path.read_text())["serial"] == 50
    assert backup.sha256_after == sha256_file(backup.path)


def test_destination_changed_since_the_preview_stops_the_carry_over(
    pair: tuple[Path, Path], playbook: Playbook
) -> None:
    _src, dst = pair
    preview = local(pair, playbook)
    (dst / STATE).write_text("appeared after the preview")
    with pytest.raises(CarryOverFailed, match=r"terraform.tfstate changed since the preview"):
        apply_carry_over(preview, playbook)
    assert (dst / STATE).read_text() == "appeared after the preview"


def test_a_failed_write_reports_what_was_done_before(
    pair: tuple[Path, Path], playbook: Playbook
) -> None:
    src, dst = pair
    preview = local(pair, playbook)
    (dst / TFVARS).unlink()
    (dst / TFVARS).mkdir()  # reading it back for the checks fails
    seen: list[FileChange] = []
    with pytest.raises(CarryOverFailed) as caught:
        apply_carry_over(preview, playbook, seen.append)
    assert caught.value.message == f"Cannot write {dst / TFVARS}: Is a directory."
    assert "listed in the journal with their backups" in caught.value.hint
    assert [c.op for c in caught.value.done] == ["copy"]
    assert caught.value.done == tuple(seen)
    assert sha256_file(dst / STATE) == sha256_file(src / STATE)


def test_append_that_does_not_read_back_is_undone(
    pair: tuple[Path, Path], playbook: Playbook
) -> None:
    _src, dst = pair
    original = (dst / TFVARS).read_bytes()
    preview = local(pair, playbook)
    decision = preview.tfvars_append
    assert decision is not None and decision.new_bytes is not None
    promised = dataclasses.replace(decision, added_variables=(*decision.added_variables, "ghost"))
    broken = dataclasses.replace(preview, tfvars_append=promised)
    seen: list[FileChange] = []
    with pytest.raises(CarryOverFailed, match="after the append, variables are missing: ghost"):
        apply_carry_over(broken, playbook, seen.append)
    assert (dst / TFVARS).read_bytes() == original
    restore = seen[-1]
    assert (restore.op, restore.path) == ("copy", dst / TFVARS)
    assert restore.sha256_after == sha256_bytes(original)
    assert restore.sha256_before == sha256_bytes(decision.new_bytes)
    assert restore.source is not None and restore.source.read_bytes() == original


def test_journaled_change_keeps_every_field(tmp_path: Path) -> None:
    (tmp_path / "work").mkdir()
    journal = Journal.open(Workspace(tmp_path / "work"), user="op", host="jump")
    change = FileChange("backup", tmp_path / "b", "a" * 64, "c" * 64, tmp_path / "s")
    journal_change(journal, change, "carry-over")
    journal_change(journal, FileChange("copy", tmp_path / "d", None))
    first, second = (r.body for r in journal.records[-2:])
    assert isinstance(first, FileOp) and isinstance(second, FileOp)
    assert first == FileOp(
        "backup", str(tmp_path / "b"), "a" * 64, "c" * 64, str(tmp_path / "s"), "carry-over"
    )
    assert (second.op, second.path, second.sha256_after, second.source, second.step) == (
        "copy",
        str(tmp_path / "d"),
        None,
        None,
        None,
    )


def test_missing_and_skipped_rows_say_why(pair: tuple[Path, Path], playbook: Playbook) -> None:
    src, _dst = pair
    (src / STATE).unlink()
    preview = local(pair, playbook)
    missing = row(preview, STATE)
    assert (missing.status, missing.reason) == (
        CarryStatus.MISSING,
        f"required, but not in {src}",
    )
    skipped = row(preview, "backend.tf")
    assert (skipped.status, skipped.reason) == (
        CarryStatus.SKIPPED,
        "optional, absent in the previous release",
    )


def test_the_append_backup_has_its_own_name(pair: tuple[Path, Path], playbook: Playbook) -> None:
    _src, dst = pair
    preview = local(pair, playbook)
    assert row(preview, APPEND).backup == dst / "terraform.tfvars.pre-carry-over-append"
    done = apply_carry_over(preview, playbook)
    backup = next(c for c in done if c.op == "backup")
    assert backup.path == dst / "terraform.tfvars.pre-carry-over-append"


def test_tfvars_changed_since_the_preview_stops_the_append(
    pair: tuple[Path, Path], playbook: Playbook
) -> None:
    _src, dst = pair
    preview = local(pair, playbook)
    assert row(preview, TFVARS).status is CarryStatus.IDENTICAL  # only the append writes it
    (dst / TFVARS).write_text((dst / TFVARS).read_text() + 'late = "edit"\n')
    with pytest.raises(CarryOverFailed, match=r"changed since the preview \(before the append\)"):
        apply_carry_over(preview, playbook)
    assert (dst / TFVARS).read_text().endswith('late = "edit"\n')
    assert not (dst / "terraform.tfvars.pre-carry-over-append").exists()


def test_an_unwritable_destination_is_refused_before_anything_is_written(
    pair: tuple[Path, Path], playbook: Playbook
) -> None:
    _src, dst = pair
    before = sorted(p.name for p in dst.iterdir())
    preview = local(pair, playbook)
    # root may write anywhere on disk; sysfs refuses new files even to root
    elsewhere = dataclasses.replace(preview, destination_dir=Path("/sys/kernel"))
    with pytest.raises(CarryOverError, match=r"Cannot write in /sys/kernel: permission denied\."):
        apply_carry_over(elsewhere, playbook)
    assert sorted(p.name for p in dst.iterdir()) == before


def test_write_check_names_other_failures_and_leaves_nothing(tmp_path: Path) -> None:
    check_writable(tmp_path)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(CarryOverError) as caught:
        check_writable(tmp_path / "gone")
    assert (
        caught.value.message == f"Cannot write in {tmp_path / 'gone'}: No such file or directory."
    )
    assert caught.value.hint.startswith("Nothing was written.")
