"""Saving a merge: template kept first, untouched lines byte for byte, diff, refusals, verify."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from tests.support.values import merge_of, sample_merge, write
from tui.core import files as fsops
from tui.core.secrets.mask import MASK
from tui.core.values import save as values_save
from tui.core.values.alignment import RowStatus
from tui.core.values.doc import to_plain
from tui.core.values.load import load_values
from tui.core.values.save import (
    OnDisk,
    PlaceholderLeft,
    SaveRefused,
    SaveVerifyFailed,
    commit,
    plan_save,
)

SECRETS = ["Vq8#nT2!eL6@rW4z", "c9R$kP3^wQ7&mZ1x", "MOCM-ACME-7F3K-Q9LD-22XW-8HJ4"]
NODEGROUP = "global.nodeSelector.eks\\.amazonaws\\.com/nodegroup"


def _untouched_lines_identical(template: str, written: str, changed: set[int]) -> None:
    old, new = template.splitlines(keepends=True), written.splitlines(keepends=True)
    assert len(old) == len(new)
    for i, (a, b) in enumerate(zip(old, new, strict=True)):
        if i not in changed:
            assert a == b, f"line {i + 1} changed: {a!r} -> {b!r}"


def test_save_over_template_keeps_it_first_and_touches_only_changed_lines(
    samples: Path, tmp_path: Path
) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.drop_orphan(NODEGROUP)  # not carried into its open map: every change is in place
    template_text = (tmp_path / "values.yaml").read_text()
    filled = [merge.row(item.label).new_line for item in merge.auto_fill_preview()]
    merge.auto_fill()
    plan = plan_save(merge, tmp_path / "values.yaml", tmp_path / "values.yaml.new", "valkey later")
    assert not (tmp_path / "values.yaml.new").exists()  # nothing written before commit
    result = commit(plan)
    assert (tmp_path / "values.yaml.new").read_text() == template_text
    assert result.override_reason == "valkey later" and len(result.placeholders_left) == 3
    written = (tmp_path / "values.yaml").read_text()
    changed = {line - 1 for line in filled if line is not None}
    assert len(changed) == 26
    _untouched_lines_identical(template_text, written, changed)
    assert 'storageClass: "gp3-retain"' in written and "defaultStorageClass: gp3\n" in written
    assert to_plain(load_values(tmp_path / "values.yaml").data) == to_plain(merge.working)


def test_diff_is_shown_before_writing_with_secrets_masked(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.drop_orphan(NODEGROUP)
    merge.auto_fill()
    plan = plan_save(merge, tmp_path / "out.yaml", override_reason="later")
    assert '+    registry: "210987654321.dkr.ecr.eu-central-1.amazonaws.com"' in plan.diff
    assert f"+    password: {MASK}" in plan.diff
    assert all(secret not in plan.diff for secret in SECRETS)
    assert plan.method == "in-place"


def test_carried_lines_diff_masks_secrets_too(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.auto_fill()  # carries NODEGROUP into the template's open map: new lines
    assert merge.row(NODEGROUP).status is RowStatus.SAME
    plan = plan_save(merge, tmp_path / "out.yaml", override_reason="later")
    assert plan.method == "in-place"
    assert f"+    password: {MASK}" in plan.diff
    assert all(secret not in plan.diff for secret in SECRETS)
    written = commit(plan).destination.read_text()
    assert "  nodeSelector:\n    eks.amazonaws.com/nodegroup: acme-mocm-prod-general\n" in written
    assert to_plain(load_values(tmp_path / "out.yaml").data) == to_plain(merge.working)


def test_an_orphan_carried_into_a_closed_map_is_written_in_place(tmp_path: Path) -> None:
    previous = "auth:\n  user: app\n  password: s3cret-never-shown\n"
    merge = merge_of(tmp_path, previous, "# t\nauth:\n  user: app\n  port: 1\n")
    merge.carry_orphan("auth.password")  # after its previous sibling, nothing else moves
    plan = plan_save(merge, tmp_path / "out.yaml")
    assert plan.method == "in-place"
    assert f"+  password: {MASK}" in plan.diff and "s3cret" not in plan.diff
    written = commit(plan).destination.read_text()
    assert written == "# t\nauth:\n  user: app\n  password: s3cret-never-shown\n  port: 1\n"


def test_a_carried_key_goes_after_its_sibling_block_before_the_next_keys_comments(
    tmp_path: Path,
) -> None:
    previous = "a:\n  one: 1\n  extra: x\n  two: 2\n"
    template = (
        "a:\n  one:\n    deep: 1\n    # deep: 2 (commented out, one's own)\n\n"
        "  ## two: what it does\n  two: 2\nb: 1\n"
    )
    merge = merge_of(tmp_path, previous, template)
    merge.carry_orphan("a.extra")
    plan = plan_save(merge, tmp_path / "out.yaml")
    assert plan.method == "in-place"
    assert commit(plan).destination.read_text() == (
        "a:\n  one:\n    deep: 1\n    # deep: 2 (commented out, one's own)\n  extra: x\n\n"
        "  ## two: what it does\n  two: 2\nb: 1\n"
    )


def test_a_carried_last_key_closes_its_block(tmp_path: Path) -> None:
    merge = merge_of(tmp_path, "a:\n  one: 1\n  last: z\n", "a:\n  one: 1\n\n# b\nb: 2\n")
    merge.carry_orphan("a.last")
    plan = plan_save(merge, tmp_path / "out.yaml")
    assert plan.method == "in-place"
    assert commit(plan).destination.read_text() == "a:\n  one: 1\n  last: z\n\n# b\nb: 2\n"


def test_splice_diff_masks_secrets_too(tmp_path: Path) -> None:
    previous = "auth:\n  password: s3cret-never-shown\n  user: app\n"
    merge = merge_of(tmp_path, previous, "# t\nauth:\n  user: app\n  port: 1\n")
    merge.carry_orphan("auth.password")  # first in its map: only the splice can write it
    plan = plan_save(merge, tmp_path / "out.yaml")
    assert plan.method == "splice"
    assert f"+  password: {MASK}" in plan.diff and "s3cret" not in plan.diff
    written = commit(plan).destination.read_text()
    assert written == "# t\nauth:\n  password: s3cret-never-shown\n  user: app\n  port: 1\n"


def test_refuses_while_placeholders_remain_without_a_reason(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    with pytest.raises(PlaceholderLeft, match="29 placeholder"):
        plan_save(merge, tmp_path / "out.yaml")
    with pytest.raises(PlaceholderLeft):
        plan_save(merge, tmp_path / "out.yaml", override_reason="   ")
    assert not (tmp_path / "out.yaml").exists()


def test_structural_change_keeps_comments_flow_maps_and_nulls(tmp_path: Path) -> None:
    template = (
        "# head comment\na: ~\nb: null\nres: { cpu: 1, mem: 2Gi }   # flow\nsel: {}\ntag: '1.0'\n"
    )
    merge = merge_of(tmp_path, "sel:\n  zone: a\ntag: '0.9'\nextra: 1\n", template)
    merge.port_subtree("sel")
    merge.port("tag")
    plan = plan_save(merge, tmp_path / "out.yaml")
    assert plan.method == "in-place"  # `sel: {}` filled on its own line, nothing else moved
    written = commit(plan).destination.read_text()
    assert written == (
        "# head comment\n"
        "a: ~\n"
        "b: null\n"
        "res: { cpu: 1, mem: 2Gi }   # flow\n"
        "sel:\n"
        "  zone: a\n"
        "tag: '0.9'\n"
    )


def test_existing_different_backup_is_not_overwritten(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    write(tmp_path / "values.yaml.new", "someone else's file\n")
    merge.auto_fill()
    result = commit(plan_save(merge, tmp_path / "values.yaml", tmp_path / "values.yaml.new", "x"))
    assert (tmp_path / "values.yaml.new").read_text() == "someone else's file\n"
    assert result.template_backup == tmp_path / "values.yaml.new.1"
    assert "REPLACE_VALUE_IMAGE_REGISTRY" in (tmp_path / "values.yaml.new.1").read_text()


def test_saving_over_the_template_needs_a_backup_path(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.auto_fill()
    with pytest.raises(SaveRefused, match="keep it first"):
        plan_save(merge, tmp_path / "values.yaml", None, "x")


def test_destination_changed_after_the_diff_is_refused(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.auto_fill()
    plan = plan_save(merge, tmp_path / "values.yaml", tmp_path / "values.yaml.new", "x")
    write(tmp_path / "values.yaml", "edited meanwhile: true\n")
    with pytest.raises(SaveRefused, match="changed on disk"):
        commit(plan)
    assert (tmp_path / "values.yaml").read_text() == "edited meanwhile: true\n"


def test_unwritable_destination_is_refused_and_nothing_lost(samples: Path, tmp_path: Path) -> None:
    # Tests run as root, so chmod cannot make a directory unwritable: a destination whose
    # parent is a regular file (ENOTDIR) is the honest unwritable case available here.
    merge = sample_merge(samples, tmp_path)
    merge.auto_fill()
    blocker = write(tmp_path / "not-a-dir", "x\n")
    with pytest.raises(SaveRefused, match="not-a-dir is not a folder"):
        plan_save(merge, blocker / "values.yaml", override_reason="x")
    assert blocker.read_text() == "x\n"
    assert "REPLACE_VALUE" in (tmp_path / "values.yaml").read_text()


def test_written_file_is_verified(
    samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.auto_fill()
    plan = plan_save(merge, tmp_path / "out.yaml", override_reason="x")
    real_write = fsops.atomic_write

    def write_other_values(path: Path, data: bytes, mode: int | None = None) -> str:
        return real_write(path, data.replace(b"acme-mocm-prod-logs", b"tampered"), mode)

    monkeypatch.setattr(values_save, "atomic_write", write_other_values)
    with pytest.raises(SaveVerifyFailed, match="does not hold the merged values"):
        commit(plan)


def test_existing_other_destination_is_kept_as_bak(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    shutil.copy(samples / "values_prev.yaml", tmp_path / "out.yaml")
    merge.auto_fill()
    result = commit(plan_save(merge, tmp_path / "out.yaml", override_reason="x"))
    assert result.destination_backup == tmp_path / "out.yaml.bak"
    assert (tmp_path / "out.yaml.bak").read_bytes() == (samples / "values_prev.yaml").read_bytes()


def _difflib_diff(before: str, after: str, plan_diff: str) -> str:
    """What difflib writes for the two texts, under the names the plan's diff gives them."""
    names = [line[4:].rstrip("\n") for line in plan_diff.splitlines(keepends=True)[:2]]
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), *names
        )
    )


def test_values_swapped_in_place_give_difflibs_own_diff(tmp_path: Path) -> None:
    """A save that moves no line diffs in one pass (unified_diff_in_place): the same text
    difflib gives, hunks joined or apart as its context says; a second save too."""
    keys = [f"k{i}" for i in range(40)]
    template = "".join(f"{key}: t-{key}  # {key}'s own\n" for key in keys)
    merge = merge_of(tmp_path, "".join(f"{key}: p-{key}\n" for key in keys), template)
    for key in ("k0", "k1", "k5", "k14", "k30", "k39"):  # first, adjacent, near, apart, last
        merge.port(key)
    plan = plan_save(merge, tmp_path / "out.yaml")
    assert plan.method == "in-place" and plan.same_lines
    assert plan.diff == _difflib_diff(template, plan.text, plan.diff)
    assert plan.diff.count("@@ -") == 4  # k0 to k5 (their context joins), k14, k30, k39
    first_text = plan.text
    result = commit(plan)
    merge.mark_saved()
    merge.port("k25")
    on_disk = OnDisk(first_text, result.sha256, plan.secret_lines, plan.same_lines)
    second = plan_save(merge, tmp_path / "out.yaml", on_disk=on_disk)
    assert second.diff == _difflib_diff(first_text, second.text, second.diff)
    assert [d for d in second.diff.splitlines() if d[:1] in "+-"][2:] == [
        "-k25: t-k25  # k25's own",
        "+k25: p-k25  # k25's own",
    ]


def test_a_save_that_adds_lines_is_not_diffed_by_place(samples: Path, tmp_path: Path) -> None:
    merge = sample_merge(samples, tmp_path)
    merge.auto_fill()  # carries NODEGROUP into the template's open map: new lines
    plan = plan_save(merge, tmp_path / "out.yaml", override_reason="later")
    assert plan.method == "in-place" and not plan.same_lines
    template = (tmp_path / "values.yaml").read_text()
    assert "+    eks.amazonaws.com/nodegroup: acme-mocm-prod-general" in plan.diff.splitlines()
    added = plan.text.count("\n") - template.count("\n")
    body = plan.diff.splitlines()[2:]
    signs = [line[:1] for line in body]
    assert added > 0 and signs.count("+") - signs.count("-") == added
