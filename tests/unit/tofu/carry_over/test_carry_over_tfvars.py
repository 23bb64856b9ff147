"""The tfvars block: decided by parsing, appended with the rest byte for byte unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.errors import ParseError
from tui.core.playbook.load import Playbook, load_playbook
from tui.core.tofu.carry_over.apply import apply_carry_over
from tui.core.tofu.carry_over.model import CarryStatus
from tui.core.tofu.carry_over.preview import preview_carry_over
from tui.core.tofu.carry_over.tfvars_block import (
    TfvarsAppendError,
    appended_bytes,
    plan_append,
    template_values,
    variables,
    verify_appended,
)

BASE = b'name_prefix = "acme-mocm-prod"\naws_region  = "eu-central-1"\n'


@pytest.fixture
def playbook() -> Playbook:
    return load_playbook()


def test_a_comment_mentioning_the_marker_does_not_count(playbook: Playbook, tmp_path: Path):
    text = BASE + b"# valkey_username will be added by the upgrade\n"
    decision = plan_append(text, tmp_path / "t.tfvars", playbook)
    assert decision.needed and decision.existing_markers == ()
    assert decision.new_bytes is not None and decision.new_bytes.startswith(text)
    assert "valkey_node_type" in decision.added_variables


def test_an_existing_marker_variable_means_no_append(playbook: Playbook, tmp_path: Path):
    text = BASE + b'valkey_node_type = "cache.r7g.large"\n'
    decision = plan_append(text, tmp_path / "t.tfvars", playbook)
    assert not decision.needed
    assert decision.existing_markers == ("valkey_node_type",)


@pytest.mark.parametrize(
    ("original", "separator"),
    [
        (BASE, b"\n"),  # ends with a newline: one blank line before the block
        (BASE.rstrip(b"\n"), b"\n\n"),  # no final newline: it is added, then the blank line
        (BASE + b"\n", b""),  # already ends with a blank line
        (b"", b""),
    ],
)
def test_exactly_one_blank_line_separates_the_block(
    playbook: Playbook, original: bytes, separator: bytes
):
    new = appended_bytes(original, playbook.tfvars_block)
    assert new.startswith(original + separator + b"####")
    assert new.endswith(b"\n") and not new.endswith(b"\n\n")


def test_crlf_file_keeps_its_line_endings(playbook: Playbook, tmp_path: Path):
    original = BASE.replace(b"\n", b"\r\n")
    decision = plan_append(original, tmp_path / "t.tfvars", playbook)
    assert decision.new_bytes is not None and decision.new_bytes.startswith(original)
    added = decision.new_bytes[len(original) :]
    assert added.count(b"\n") == added.count(b"\r\n")


def test_the_result_parses_and_keeps_every_variable(playbook: Playbook, tmp_path: Path):
    decision = plan_append(BASE, tmp_path / "t.tfvars", playbook)
    assert decision.new_bytes is not None
    after = variables(decision.new_bytes, tmp_path / "t.tfvars")
    assert after["name_prefix"] == "acme-mocm-prod"
    assert after["valkey_port"] == 6379 and after["valkey_automatic_failover_enabled"] is False


def test_syntax_error_in_tfvars_names_line_and_blocks(playbook: Playbook, tmp_path: Path):
    with pytest.raises(ParseError) as caught:
        plan_append(b'name_prefix = "a"\naws_region = = "x"\n', tmp_path / "t.tfvars", playbook)
    assert caught.value.line == 2 and "not valid HCL" in caught.value.message


def test_an_invalid_block_is_refused_before_anything_is_written(playbook: Playbook, tmp_path: Path):
    broken = playbook.replace(tfvars_block="valkey_port = = 6379\n")
    with pytest.raises(TfvarsAppendError, match="would make the file invalid HCL"):
        plan_append(BASE, tmp_path / "t.tfvars", broken)


def test_verification_of_the_written_file_names_missing_variables(
    playbook: Playbook, tmp_path: Path
):
    decision = plan_append(BASE, tmp_path / "t.tfvars", playbook)
    with pytest.raises(TfvarsAppendError, match=r"variables are missing: .*valkey_engine_version"):
        verify_appended(BASE, tmp_path / "t.tfvars", decision)


def test_block_that_would_change_a_variable_is_refused(playbook: Playbook, tmp_path: Path):
    clashing = playbook.replace(tfvars_block='name_prefix = "other"\nvalkey_port = 1\n')
    with pytest.raises(TfvarsAppendError, match="change existing variables: name_prefix"):
        plan_append(BASE, tmp_path / "t.tfvars", clashing)


def test_carry_over_with_broken_tfvars_blocks_and_writes_nothing(
    playbook: Playbook, tmp_path: Path
):
    src, dst = tmp_path / "prev", tmp_path / "curr"
    src.mkdir()
    dst.mkdir()
    (src / "terraform.tfvars").write_text('name_prefix = "a"\nregion = {\n')
    (dst / "09-elasticache.tf.2603").write_text("# parked\n")
    preview = preview_carry_over(src, dst, playbook, remote=True)
    append = next(op for op in preview.operations if op.action == "append")
    assert append.status is CarryStatus.REFUSED
    assert "terraform.tfvars" in append.reason and "not valid HCL" in append.reason
    with pytest.raises(Exception, match="blocked"):
        apply_carry_over(preview, playbook)
    assert sorted(p.name for p in dst.iterdir()) == ["09-elasticache.tf.2603"]


def test_customised_block_in_destination_is_left_alone(playbook: Playbook, tmp_path: Path):
    src, dst = tmp_path / "prev", tmp_path / "curr"
    src.mkdir()
    dst.mkdir()
    (src / "terraform.tfvars").write_bytes(BASE)
    custom = BASE + b'\nvalkey_node_type = "cache.r7g.large"\n'
    (dst / "terraform.tfvars").write_bytes(custom)
    (src / "backend.tf").write_text("# backend\n")
    (dst / "09-elasticache.tf").write_text("# active\n")
    preview = preview_carry_over(src, dst, playbook, remote=True)
    statuses = {op.action + ":" + op.name: op.status for op in preview.operations}
    assert statuses["copy:terraform.tfvars"] is CarryStatus.IDENTICAL
    assert statuses["append:terraform.tfvars (+ valkey_* block)"] is CarryStatus.PRESENT
    apply_carry_over(preview, playbook)
    assert (dst / "terraform.tfvars").read_bytes() == custom


def test_tfvars_that_is_not_utf8_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"t\.tfvars: not UTF-8 text"):
        variables(b'name_prefix = "\xff\xfe"\n', tmp_path / "t.tfvars")


def test_only_non_empty_strings_fill_the_block() -> None:
    found = {"name_prefix": "acme", "empty": "", "count": 3, "list": ["a"], "flag": True}
    assert template_values(found) == {"name_prefix": "acme"}
