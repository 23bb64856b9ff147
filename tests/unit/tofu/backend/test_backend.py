"""Backend detection from disk, and the B.1 form: prefill, checks against AWS, rendering."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.support.preflight import REGION, make_bucket, make_lock_table, state_text
from tests.support.stage4 import NO_RETRY, client
from tui.core.errors import ParseError
from tui.core.files import sha256_file
from tui.core.playbook.load import load_playbook
from tui.core.tofu.backend.detect import (
    BackendConfigError,
    BackendKind,
    detect_backend,
    read_backend_file,
)
from tui.core.tofu.backend.form import (
    BackendForm,
    BackendFormRejected,
    check_form_against_aws,
    form_problems,
    prefill_form,
    render_backend_tf,
    write_backend_tf,
)
from tui.sandbox.aws_endpoint import AwsEndpoint

PLAYBOOK = load_playbook()
BACKEND_TF = """terraform {
  backend "s3" {
    bucket         = "acme-mocm-tfstate"
    key            = "mocm/prod/terraform.tfstate"
    region         = "eu-central-1"
    dynamodb_table = "acme-mocm-tflock"
    encrypt        = true
  }
}
"""
EXAMPLE = """terraform {
  backend "s3" {
    bucket         = "<name_prefix>-tfstate"
    key            = "mocm/prod/terraform.tfstate"
    region         = "<aws_region>"
    dynamodb_table = "<name_prefix>-tflock"
    use_lockfile   = true
    encrypt        = true
    kms_key_id     = "alias/<name_prefix>-state"
  }
}
"""


def test_local_state_without_backend_is_option_a(tmp_path: Path) -> None:
    (tmp_path / "terraform.tfstate").write_text(state_text([]))
    situation = detect_backend(tmp_path, PLAYBOOK)
    assert situation.kind is BackendKind.LOCAL and situation.option == "A"
    assert situation.offers_b1
    assert "(Option A)" in situation.explanation[0] and "serial 57" in situation.explanation[0]


def test_backend_without_local_state_is_b2(tmp_path: Path, samples: Path) -> None:
    (tmp_path / "backend.tf").write_text(BACKEND_TF)
    (tmp_path / ".terraform").mkdir()
    shutil.copy(
        samples / "dot-terraform.terraform.tfstate", tmp_path / ".terraform/terraform.tfstate"
    )
    situation = detect_backend(tmp_path, PLAYBOOK)
    assert situation.kind is BackendKind.REMOTE and situation.option == "B.2"
    assert situation.backend is not None and situation.backend.dynamodb_table == "acme-mocm-tflock"
    assert situation.cache is not None and situation.cache.same_place(situation.backend)
    assert situation.explanation == (
        "backend.tf keeps the state in S3 at "
        "s3://acme-mocm-tfstate/mocm/prod/terraform.tfstate (Option B.2).",
    )
    assert not situation.offers_b1


def test_backend_and_local_state_without_init_is_a_pending_migration(tmp_path: Path) -> None:
    (tmp_path / "backend.tf").write_text(BACKEND_TF)
    (tmp_path / "terraform.tfstate").write_text(state_text([]))
    situation = detect_backend(tmp_path, PLAYBOOK)
    assert situation.kind is BackendKind.MIGRATION_PENDING
    assert "`tofu init -migrate-state` is the remaining step of B.1" in situation.explanation[0]


def test_initialised_with_s3_and_a_local_state_is_explained(tmp_path: Path, samples: Path) -> None:
    (tmp_path / "backend.tf").write_text(BACKEND_TF)
    (tmp_path / "terraform.tfstate").write_text(state_text([]))
    (tmp_path / ".terraform").mkdir()
    shutil.copy(
        samples / "dot-terraform.terraform.tfstate", tmp_path / ".terraform/terraform.tfstate"
    )
    situation = detect_backend(tmp_path, PLAYBOOK)
    assert situation.kind is BackendKind.CONTRADICTION
    assert "yet a local terraform.tfstate (serial 57) is still there" in situation.explanation[0]


def test_cache_says_s3_but_no_backend_file(tmp_path: Path, samples: Path) -> None:
    (tmp_path / "terraform.tfstate").write_text(state_text([]))
    (tmp_path / ".terraform").mkdir()
    shutil.copy(
        samples / "dot-terraform.terraform.tfstate", tmp_path / ".terraform/terraform.tfstate"
    )
    situation = detect_backend(tmp_path, PLAYBOOK)
    assert situation.kind is BackendKind.CONTRADICTION and not situation.offers_b1
    assert "initialised with a s3 backend" in situation.explanation[1]


def test_nothing_at_all(tmp_path: Path) -> None:
    situation = detect_backend(tmp_path, PLAYBOOK)
    assert situation.kind is BackendKind.NO_STATE
    assert "Is this the directory where `tofu apply` was run?" in situation.explanation[0]


def test_backend_without_bucket_names_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "backend.tf"
    path.write_text('terraform {\n  backend "s3" {\n    key = "k"\n  }\n}\n')
    with pytest.raises(BackendConfigError) as caught:
        detect_backend(tmp_path, PLAYBOOK)
    assert caught.value.path == str(path)
    assert "has no 'bucket' (it is required)" in caught.value.message


def test_backend_of_another_type(tmp_path: Path) -> None:
    path = tmp_path / "backend.tf"
    path.write_text('terraform {\n  backend "gcs" {\n    bucket = "b"\n  }\n}\n')
    with pytest.raises(BackendConfigError, match='declares a "gcs" backend'):
        read_backend_file(path)


def test_backend_file_with_a_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "backend.tf"
    path.write_text('terraform {\n  backend "s3" {\n    bucket = \n  }\n')
    with pytest.raises(ParseError) as caught:
        read_backend_file(path)
    assert caught.value.path == str(path) and "not valid HCL" in caught.value.message


def test_prefill_from_the_example(tmp_path: Path) -> None:
    (tmp_path / "backend.tf.example").write_text(EXAMPLE)
    form = prefill_form(tmp_path, PLAYBOOK, "acme-mocm-prod", REGION)
    assert (form.bucket, form.region, form.dynamodb_table) == (
        "acme-mocm-prod-tfstate",
        REGION,
        "acme-mocm-prod-tflock",
    )
    assert form.use_lockfile and form.encrypt
    assert form.extra == {"kms_key_id": "alias/acme-mocm-prod-state"}
    assert form_problems(form) == []


def test_prefill_keeps_unknown_placeholders_visible(tmp_path: Path) -> None:
    (tmp_path / "backend.tf.example").write_text(EXAMPLE.replace("<aws_region>", "@@REGION@@"))
    form = prefill_form(tmp_path, PLAYBOOK, "acme-mocm-prod", REGION)
    problems = {p.field: p.message for p in form_problems(form)}
    assert problems == {"region": "still holds a placeholder: @@REGION@@"}


def test_prefill_without_example(tmp_path: Path) -> None:
    form = prefill_form(tmp_path, PLAYBOOK, "acme-mocm-prod", REGION)
    assert form.region == REGION
    fields = [p.field for p in form_problems(form)]
    assert fields == ["bucket", "key", "dynamodb_table"]


def good_form(**changes: Any) -> BackendForm:
    form = BackendForm(
        bucket="acme-mocm-tfstate",
        key="mocm/prod/terraform.tfstate",
        region=REGION,
        dynamodb_table="acme-mocm-tflock",
    )
    return dataclasses.replace(form, **changes)


def test_aws_checks_pass(aws: AwsEndpoint) -> None:
    make_bucket("acme-mocm-tfstate")
    make_lock_table("acme-mocm-tflock")
    assert check_form_against_aws(good_form(), client("s3"), client("dynamodb")) == []


def test_aws_checks_refuse_missing_unversioned_and_wrong_table(aws: AwsEndpoint) -> None:
    problems = check_form_against_aws(good_form(), client("s3"), client("dynamodb"))
    assert [p.field for p in problems] == ["bucket", "dynamodb_table"]
    assert "does not exist: create it out-of-band" in problems[0].message
    assert "partition key LockID (String)" in problems[1].message
    make_bucket("acme-mocm-tfstate", versioning=None)
    make_lock_table("acme-mocm-tflock", key="id")
    problems = check_form_against_aws(good_form(), client("s3"), client("dynamodb"))
    assert "is not versioned (never enabled)" in problems[0].message
    assert "put-bucket-versioning" in problems[0].message
    assert "has partition key ['id']; OpenTofu needs LockID" in problems[1].message


def test_aws_checks_refuse_a_bucket_in_another_region(aws: AwsEndpoint) -> None:
    make_bucket("acme-mocm-tfstate", region="eu-west-1")
    form = good_form(dynamodb_table="", use_lockfile=True)
    problems = check_form_against_aws(form, client("s3"), client("dynamodb"))
    assert [(p.field, p.message) for p in problems] == [
        ("region", f"bucket acme-mocm-tfstate is in eu-west-1, not {REGION}")
    ]


def test_aws_checks_access_denied_on_the_table(aws: AwsEndpoint) -> None:
    from tests.support.stage4 import inject_error

    make_bucket("acme-mocm-tfstate")
    dynamodb = client("dynamodb", config=NO_RETRY)
    inject_error(dynamodb, "DescribeTable", "AccessDeniedException", "no", 400)
    problems = check_form_against_aws(good_form(), client("s3"), dynamodb)
    assert [p.field for p in problems] == ["dynamodb_table"]
    assert "access denied to dynamodb:DescribeTable" in problems[0].message


def test_render_round_trips_through_the_parser(tmp_path: Path) -> None:
    form = good_form(use_lockfile=True, extra={"endpoints": {"s3": "http://127.0.0.1:1"}})
    written = write_backend_tf(tmp_path, PLAYBOOK, form)
    assert written.backend.bucket == "acme-mocm-tfstate"
    assert written.backend.settings["endpoints"] == {"s3": "http://127.0.0.1:1"}
    assert (tmp_path / "backend.tf").read_text() == render_backend_tf(form)
    assert [op.op for op in written.file_ops] == ["write"]
    assert written.file_ops[0].sha256_after == sha256_file(tmp_path / "backend.tf")


def test_existing_backend_file_is_backed_up_first(tmp_path: Path) -> None:
    (tmp_path / "backend.tf").write_text(BACKEND_TF)
    written = write_backend_tf(tmp_path, PLAYBOOK, good_form(key="other/terraform.tfstate"))
    backup = tmp_path / "backend.tf.before-b1"
    assert backup.read_text() == BACKEND_TF
    assert [(op.op, Path(op.path).name) for op in written.file_ops] == [
        ("backup", "backend.tf.before-b1"),
        ("write", "backend.tf"),
    ]
    assert written.file_ops[1].sha256_before == sha256_file(backup)


def test_invalid_form_is_not_written(tmp_path: Path) -> None:
    with pytest.raises(BackendFormRejected) as caught:
        write_backend_tf(tmp_path, PLAYBOOK, good_form(bucket="", key="/lead"))
    assert "bucket is required" in caught.value.message
    assert "key must not start or end with '/'" in caught.value.message
    assert not (tmp_path / "backend.tf").exists()
