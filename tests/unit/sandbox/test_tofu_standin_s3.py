"""The stand-in's S3 backend on moto: init -migrate-state prompt (pexpect), locks, state push."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import boto3
import pexpect
import pytest

from tests.support.tofu_standin import standin_argv, standin_env, tofu, write
from tui.sandbox.aws_endpoint import AwsEndpoint

BUCKET, KEY, TABLE = "acme-mocm-tfstate", "mocm/prod/terraform.tfstate", "acme-mocm-tflock"
BACKEND = (
    'terraform {\n  backend "s3" {\n    bucket = "%s"\n    key = "%s"\n'
    '    region = "eu-central-1"\n    encrypt = true\n%s  }\n}\n'
)


def backend_tf(lock: str = "    use_lockfile = true\n") -> str:
    return BACKEND % (BUCKET, KEY, lock)


@pytest.fixture
def s3(aws: AwsEndpoint) -> Any:
    client = boto3.client("s3", region_name="eu-central-1")
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    boto3.client("dynamodb", region_name="eu-central-1").create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
    )
    return client


@pytest.fixture
def local_release(tmp_path: Path) -> Path:
    """A directory applied with the local backend, then given an S3 backend.tf."""
    write(tmp_path / "main.tf", 'resource "terraform_data" "app" {\n  input = "10.5"\n}\n')
    assert tofu(tmp_path, "init").code == 0
    assert tofu(tmp_path, "plan", "-out", "tfplan").code == 0
    assert tofu(tmp_path, "apply", "tfplan").code == 0
    write(tmp_path / "backend.tf", backend_tf())
    return tmp_path


def s3_state(s3: Any) -> dict[str, Any] | None:
    try:
        body = s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None
    return json.loads(body) if body.strip() else None


def spawn_init(cwd: Path, *extra: str) -> pexpect.spawn:
    argv = standin_argv("init", "-migrate-state", *extra)
    return pexpect.spawn(
        argv[0], argv[1:], cwd=str(cwd), env=standin_env(), encoding="utf-8", timeout=30
    )


def _plain(text: str) -> str:
    return text.replace("\r\n", "\n")


def test_migrate_yes_copies_state_to_s3(local_release: Path, s3: Any, samples: Path) -> None:
    local = json.loads((local_release / "terraform.tfstate").read_text())
    child = spawn_init(local_release)
    child.expect_exact("Enter a value: ")
    prompt = _plain(child.before + "Enter a value: ")
    assert prompt == (samples / "tofu_init_migrate_state.prompt.txt").read_text()
    child.sendline("YES")
    child.expect(pexpect.EOF)
    child.close()
    after = _plain(child.before).removeprefix("YES\n")
    sample_after = (samples / "tofu_init_migrate_state.after_yes.txt").read_text()
    head = sample_after.split("Initializing modules...")[0]
    assert after.startswith(head)
    assert after.endswith(sample_after[sample_after.index("\nOpenTofu has been") :])
    assert child.exitstatus == 0
    copied = s3_state(s3)
    assert copied is not None
    assert (copied["lineage"], copied["serial"]) == (local["lineage"], local["serial"])
    assert (local_release / "terraform.tfstate").read_text() == ""
    assert json.loads((local_release / "terraform.tfstate.backup").read_text()) == local
    cache = json.loads((local_release / ".terraform" / "terraform.tfstate").read_text())
    sample_cache = json.loads((samples / "dot-terraform.terraform.tfstate").read_text())
    assert set(cache["backend"]["config"]) == set(sample_cache["backend"]["config"])
    assert cache["backend"]["config"]["bucket"] == BUCKET
    planned = tofu(local_release, "plan", "-detailed-exitcode")
    assert planned.code == 0, planned.stderr
    versions = s3.list_object_versions(Bucket=BUCKET, Prefix=f"{KEY}.tflock")
    assert versions.get("DeleteMarkers"), "the plan's lock object was taken and released"


def test_migrate_no_keeps_local_and_starts_empty(local_release: Path, s3: Any) -> None:
    before = (local_release / "terraform.tfstate").read_bytes()
    child = spawn_init(local_release)
    child.expect_exact("Enter a value: ")
    child.sendline("no")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert s3_state(s3) is None
    assert (local_release / "terraform.tfstate").read_bytes() == before
    planned = tofu(local_release, "plan", "-detailed-exitcode")
    assert planned.code == 2 and "1 to add" in planned.stdout


def test_two_invalid_answers_count_as_no(local_release: Path, s3: Any) -> None:
    child = spawn_init(local_release)
    child.expect_exact("Enter a value: ")
    child.sendline("maybe")
    child.expect_exact("Do you want to copy existing state to the new backend?")
    child.expect_exact("Enter a value: ")
    child.sendline("perhaps")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert s3_state(s3) is None
    assert (local_release / "terraform.tfstate").stat().st_size > 0


def test_input_false_without_force_copy_is_the_sample_error(
    local_release: Path, s3: Any, samples: Path
) -> None:
    result = tofu(local_release, "init", "-migrate-state", "-input=false")
    assert result.code == 1
    assert result.stderr == (samples / "tofu_init_migrate_state_input_false.stderr.txt").read_text()
    assert s3_state(s3) is None


def test_force_copy_copies_without_asking(local_release: Path, s3: Any) -> None:
    result = tofu(local_release, "init", "-force-copy", "-input=false")
    assert result.code == 0 and "Enter a value" not in result.stdout
    assert s3_state(s3) is not None


def test_non_empty_destination_prompt(local_release: Path, s3: Any, samples: Path) -> None:
    other = {
        "version": 4,
        "terraform_version": "1.10.7",
        "serial": 3,
        "lineage": "x",
        "outputs": {"o": {"value": "v", "type": "string"}},
        "resources": [],
        "check_results": None,
    }
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=json.dumps(other).encode())
    child = spawn_init(local_release)
    child.expect_exact("Enter a value: ")
    prompt = re.sub(r"/tmp/terraform\w+/", "/tmp/terraformN/", _plain(child.before))
    sample = (samples / "tofu_init_migrate_state_nonempty.prompt.txt").read_text()
    assert prompt + "Enter a value: " == re.sub(r"/tmp/terraform\d+/", "/tmp/terraformN/", sample)
    child.sendline("no")
    child.expect(pexpect.EOF)
    assert s3_state(s3) == other


def _normalise_ids(text: str) -> str:
    text = re.sub(r"RequestID: \S+", "RequestID: R", text)
    text = re.sub(r"HostID:\s*\n?│?\s*\S+,", "HostID: H,", text)
    return text


def _sample_info(samples: Path, name: str) -> dict[str, str]:
    text = (samples / name).read_text()
    fields = dict(re.findall(r"│   (\w+):\s+(.*)", text))
    created = fields["Created"].removesuffix(" +0000 UTC").replace(" ", "T") + "Z"
    return {
        "ID": fields["ID"],
        "Operation": fields["Operation"],
        "Info": "",
        "Who": fields["Who"],
        "Version": fields["Version"],
        "Created": created,
        "Path": fields["Path"],
    }


def _structure(text: str) -> list[str]:
    """Every line but the backend error's (its request ids wrap differently)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "Lock Info:" in line)
    return lines[:3] + lines[start:]


def test_held_s3_lockfile_gives_the_sample_error(s3: Any, tmp_path: Path, samples: Path) -> None:
    write(tmp_path / "main.tf", 'resource "terraform_data" "app" {\n  input = "a"\n}\n')
    write(tmp_path / "backend.tf", backend_tf())
    assert tofu(tmp_path, "init", "-input=false").code == 0
    info = _sample_info(samples, "tofu_state_lock_s3_lockfile.stderr.txt")
    s3.put_object(Bucket=BUCKET, Key=f"{KEY}.tflock", Body=json.dumps(info).encode())
    result = tofu(tmp_path, "plan")
    sample = (samples / "tofu_state_lock_s3_lockfile.stderr.txt").read_text()
    assert result.code == 1
    assert _structure(result.stderr) == _structure(sample)
    assert "operation error S3: PutObject, https response error" in result.stderr
    assert "PreconditionFailed: At least one of the pre-conditions you" in result.stderr


def test_held_dynamodb_lock_gives_the_sample_error(s3: Any, tmp_path: Path, samples: Path) -> None:
    write(tmp_path / "main.tf", 'resource "terraform_data" "app" {\n  input = "a"\n}\n')
    write(tmp_path / "backend.tf", backend_tf(f'    dynamodb_table = "{TABLE}"\n'))
    assert tofu(tmp_path, "init", "-input=false").code == 0
    info = _sample_info(samples, "tofu_state_lock_dynamodb.stderr.txt")
    boto3.client("dynamodb", region_name="eu-central-1").put_item(
        TableName=TABLE, Item={"LockID": {"S": f"{BUCKET}/{KEY}"}, "Info": {"S": json.dumps(info)}}
    )
    result = tofu(tmp_path, "plan")
    sample = (samples / "tofu_state_lock_dynamodb.stderr.txt").read_text()
    assert result.code == 1
    assert _structure(result.stderr) == _structure(sample)
    assert "ConditionalCheckFailedException: The conditional request failed" in result.stderr


def test_state_push_to_s3_stores_pushed_serial_plus_one(local_release: Path, s3: Any) -> None:
    assert tofu(local_release, "init", "-force-copy").code == 0
    current = s3_state(s3)
    assert current is not None
    pushed = {
        **current,
        "serial": current["serial"] + 5,
        "outputs": {"o": {"value": "changed", "type": "string"}},
    }
    write(local_release / "pushed.tfstate", json.dumps(pushed))
    result = tofu(local_release, "state", "push", "pushed.tfstate")
    assert (result.code, result.stdout, result.stderr) == (0, "", "")
    stored = s3_state(s3)
    assert stored is not None and stored["serial"] == pushed["serial"] + 1
    older = {**current, "serial": 1}
    write(local_release / "older.tfstate", json.dumps(older))
    refused = tofu(local_release, "state", "push", "older.tfstate")
    assert refused.code == 1
    assert refused.stderr == (  # a red Ui.Error line, as OpenTofu and Terraform write it
        f"\x1b[31mFailed to write state: cannot import state with serial 1 over newer state "
        f"with serial {stored['serial']}\x1b[0m\x1b[0m\n"
    )


def test_unreachable_endpoint_is_a_clear_error(local_release: Path, s3: Any) -> None:
    result = tofu(local_release, "init", "-force-copy", AWS_ENDPOINT_URL="http://127.0.0.1:9")
    assert result.code == 1 and "Traceback" not in result.stderr
    assert "Error: Failed to reach the state backend" in result.stderr
    assert "http://127.0.0.1:9" in result.stderr
    assert (local_release / "terraform.tfstate").stat().st_size > 0
