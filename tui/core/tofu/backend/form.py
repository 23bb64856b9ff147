"""The B.1 form: backend.tf prefilled from backend.tf.example, checked, rendered, written."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.aws.errors import error_code, explain_aws_error
from tui.core.errors import MocmError, ParseError
from tui.core.files import SHARED_FILE, atomic_copy, atomic_write, free_backup_name
from tui.core.journal.records import FileOp
from tui.core.playbook.load import Playbook, fill
from tui.core.tofu.backend.detect import S3Backend, parse_backend_text, read_backend_file

STEP = "backend"
FORM_FIELDS = ("bucket", "key", "region", "dynamodb_table", "use_lockfile", "encrypt")
PLACEHOLDER = re.compile(r"<[^<>]+>|@@[A-Z_]+@@")
LOCK_KEY = "LockID"


class BackendFormRejected(MocmError):
    """The form cannot be written: it names each field and what to fix."""


@dataclass(frozen=True)
class BackendForm:
    """The fields the operator fills in; ``extra`` keeps other settings of the example."""

    bucket: str = ""
    key: str = ""
    region: str = ""
    dynamodb_table: str = ""
    use_lockfile: bool = False
    encrypt: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FormProblem:
    """One field and what is wrong with it, in the operator's words."""

    field: str
    message: str


def prefill_form(
    terraform_dir: Path, playbook: Playbook, name_prefix: str, aws_region: str
) -> BackendForm:
    """The form from ``backend.tf.example`` (``<name_prefix>``-style fields filled in)."""
    example = terraform_dir / playbook.backend_example
    if not example.exists():
        return BackendForm(region=aws_region)
    try:
        text = example.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParseError(str(example), f"cannot be read ({exc})") from exc
    found = parse_backend_text(text, example)
    if found is None or found[0] != "s3":
        return BackendForm(region=aws_region)
    settings = {
        k: fill(v, name_prefix=name_prefix, aws_region=aws_region) if isinstance(v, str) else v
        for k, v in found[1].items()
    }

    def text_of(key: str, default: str = "") -> str:
        value = settings.get(key)
        return value if isinstance(value, str) else default

    return BackendForm(
        bucket=text_of("bucket"),
        key=text_of("key"),
        region=text_of("region", aws_region),
        dynamodb_table=text_of("dynamodb_table"),
        use_lockfile=settings.get("use_lockfile") is True,
        encrypt=settings.get("encrypt", True) is True,
        extra={k: v for k, v in settings.items() if k not in FORM_FIELDS},
    )


def form_problems(form: BackendForm) -> list[FormProblem]:
    """What is wrong with the fields themselves, before asking AWS."""
    problems: list[FormProblem] = []
    for name in ("bucket", "key", "region", "dynamodb_table"):
        value = str(getattr(form, name))
        if PLACEHOLDER.search(value):
            problems.append(FormProblem(name, f"still holds a placeholder: {value}"))
    for name in ("bucket", "key", "region"):
        if not str(getattr(form, name)).strip():
            problems.append(FormProblem(name, "is required"))
    if form.key.startswith("/") or form.key.endswith("/") or "//" in form.key:
        problems.append(FormProblem("key", "must not start or end with '/' nor contain '//'"))
    if not form.dynamodb_table and not form.use_lockfile:
        problems.append(
            FormProblem("dynamodb_table", "choose a lock: a DynamoDB table or use_lockfile")
        )
    return problems


def check_form_against_aws(form: BackendForm, s3: Any, dynamodb: Any) -> list[FormProblem]:
    """The bucket exists, is versioned and in the form's region; the lock table has ``LockID``."""
    problems: list[FormProblem] = []
    region = form.region
    try:
        location = s3.get_bucket_location(Bucket=form.bucket).get("LocationConstraint")
        versioning = s3.get_bucket_versioning(Bucket=form.bucket).get("Status")
    except ClientError as exc:
        if error_code(exc) in {"NoSuchBucket", "404", "NotFound"}:
            message = (
                f"bucket {form.bucket} does not exist: create it out-of-band (versioned) first"
            )
        else:
            message = explain_aws_error(exc, "s3:GetBucketVersioning", region).message
        return [FormProblem("bucket", message), *_table_problems(form, dynamodb)]
    except BotoCoreError as exc:
        message = explain_aws_error(exc, "s3:GetBucketVersioning", region).message
        return [FormProblem("bucket", message)]
    bucket_region = location or "us-east-1"  # S3 reports us-east-1 as no constraint
    if bucket_region != region:
        problems.append(
            FormProblem("region", f"bucket {form.bucket} is in {bucket_region}, not {region}")
        )
    if versioning != "Enabled":
        problems.append(
            FormProblem(
                "bucket",
                f"bucket {form.bucket} is not versioned ({versioning or 'never enabled'}); "
                "rollback relies on versions: aws s3api put-bucket-versioning --bucket "
                f"{form.bucket} --versioning-configuration Status=Enabled",
            )
        )
    return problems + _table_problems(form, dynamodb)


def _table_problems(form: BackendForm, dynamodb: Any) -> list[FormProblem]:
    if not form.dynamodb_table:
        return []
    try:
        table = dynamodb.describe_table(TableName=form.dynamodb_table)["Table"]
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return [
                FormProblem(
                    "dynamodb_table",
                    f"table {form.dynamodb_table} does not exist in {form.region}: create it "
                    f"with partition key {LOCK_KEY} (String), or use use_lockfile instead",
                )
            ]
        message = explain_aws_error(exc, "dynamodb:DescribeTable", form.region).message
        return [FormProblem("dynamodb_table", message)]
    except BotoCoreError as exc:
        message = explain_aws_error(exc, "dynamodb:DescribeTable", form.region).message
        return [FormProblem("dynamodb_table", message)]
    hash_keys = [k["AttributeName"] for k in table.get("KeySchema", []) if k["KeyType"] == "HASH"]
    types = {a["AttributeName"]: a["AttributeType"] for a in table.get("AttributeDefinitions", [])}
    if hash_keys != [LOCK_KEY] or types.get(LOCK_KEY) != "S":
        return [
            FormProblem(
                "dynamodb_table",
                f"table {form.dynamodb_table} has partition key {hash_keys or 'none'}; "
                f"OpenTofu needs {LOCK_KEY} of type String",
            )
        ]
    return []


def _hcl_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{k} = {_hcl_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_hcl_value(v) for v in value) + "]"
    return json.dumps(str(value))  # a JSON string literal is a valid HCL string


def render_backend_tf(form: BackendForm) -> str:
    """``backend.tf`` text for the form (aligned ``key = value`` lines)."""
    pairs: list[tuple[str, Any]] = [("bucket", form.bucket), ("key", form.key)]
    pairs.append(("region", form.region))
    if form.dynamodb_table:
        pairs.append(("dynamodb_table", form.dynamodb_table))
    if form.use_lockfile:
        pairs.append(("use_lockfile", True))
    pairs.append(("encrypt", form.encrypt))
    pairs += list(form.extra.items())
    width = max(len(k) for k, _ in pairs)
    body = "\n".join(f"    {k.ljust(width)} = {_hcl_value(v)}" for k, v in pairs)
    return (
        "# Remote state in S3, written by mocm-upgrade (Option B.1).\n"
        f'terraform {{\n  backend "s3" {{\n{body}\n  }}\n}}\n'
    )


@dataclass(frozen=True)
class BackendWritten:
    """``backend.tf`` as written, with its journal records (a backup first when one existed)."""

    path: Path
    backend: S3Backend
    file_ops: tuple[FileOp, ...]


def write_backend_tf(terraform_dir: Path, playbook: Playbook, form: BackendForm) -> BackendWritten:
    """Write ``backend.tf`` atomically (an existing one is backed up first), then re-read it."""
    problems = form_problems(form)
    if problems:
        raise BackendFormRejected(
            "backend.tf was not written: " + "; ".join(f"{p.field} {p.message}" for p in problems),
            "Correct the fields, then write it again.",
        )
    path = terraform_dir / playbook.backend_file
    ops: list[FileOp] = []
    text = render_backend_tf(form)
    if path.exists():
        backup = free_backup_name(path, ".before-b1")
        ops.append(FileOp("backup", str(backup), atomic_copy(path, backup), None, str(path), STEP))
    try:
        sha = atomic_write(path, text.encode("utf-8"), SHARED_FILE)
    except OSError as exc:
        raise BackendFormRejected(
            f"Cannot write {path}: {exc.strerror or exc}. Nothing was changed.",
            f"Make {terraform_dir} writable for this user, then retry.",
        ) from exc
    before = ops[0].sha256_after if ops else None
    ops.append(FileOp("write", str(path), sha, before, None, STEP))
    written = read_backend_file(path)  # prove the file says what the form said
    if replace(written, settings={}) != replace(_as_backend(form), settings={}):
        raise BackendFormRejected(f"{path} does not read back as the form: {written}")
    return BackendWritten(path, written, tuple(ops))


def _as_backend(form: BackendForm) -> S3Backend:
    return S3Backend(
        form.bucket,
        form.key,
        form.region or None,
        form.dynamodb_table or None,
        form.use_lockfile,
        form.encrypt,
    )
