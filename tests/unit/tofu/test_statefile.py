"""Reading v4 state files: compact or pretty, buckets, and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.preflight import state_text
from tests.support.release import run_unprivileged
from tui.core.errors import ParseError
from tui.core.tofu.statefile import UnsupportedStateVersion, parse_state, read_state, state_buckets


def test_compact_and_pretty_samples_read_the_same(samples: Path) -> None:
    compact = read_state(samples / "terraform.tfstate")
    pretty = read_state(samples / "terraform.tfstate.pretty")
    assert (compact.lineage, compact.serial) == ("8c3f6d2e-41b7-4f0a-9a3d-5e7c1b2f9d04", 57)
    assert (pretty.lineage, pretty.serial) == (compact.lineage, compact.serial)
    assert compact.compact and not pretty.compact
    assert compact.content_sha256 == pretty.content_sha256
    assert [r.address for r in compact.resources] == [r.address for r in pretty.resources]


def test_buckets_of_the_sample_state(samples: Path) -> None:
    state = read_state(samples / "terraform.tfstate")
    buckets = state_buckets(state, "aws_s3_bucket")
    assert [b.name for b in buckets] == ["acme-mocm-prod-exports", "acme-mocm-prod-media"]
    assert buckets[0].address.startswith('aws_s3_bucket.buckets["')


def test_backup_is_an_older_serial_of_the_same_lineage(samples: Path) -> None:
    backup = read_state(samples / "terraform.tfstate.backup")
    assert (backup.lineage, backup.serial) == ("8c3f6d2e-41b7-4f0a-9a3d-5e7c1b2f9d04", 56)


def test_instance_addresses_for_count_and_module() -> None:
    raw = {
        "version": 4,
        "serial": 1,
        "lineage": "x",
        "resources": [
            {
                "module": "module.eks",
                "mode": "managed",
                "type": "null_resource",
                "name": "n",
                "instances": [{"index_key": 2, "attributes": {}}],
            },
            {"mode": "data", "type": "aws_caller_identity", "name": "me", "instances": [{}]},
        ],
    }
    state = parse_state(json.dumps(raw).encode(), "mem")
    first, second = state.resources
    assert first.instance_address(first.instances[0]) == "module.eks.null_resource.n[2]"
    assert second.address == "data.aws_caller_identity.me"


def test_bucket_name_falls_back_to_id() -> None:
    raw = json.loads(state_text(["a-b-c"]))
    del raw["resources"][0]["instances"][0]["attributes"]["bucket"]
    state = parse_state(json.dumps(raw).encode(), "mem")
    assert [b.name for b in state_buckets(state, "aws_s3_bucket")] == ["a-b-c"]


def test_not_json_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "terraform.tfstate"
    path.write_text('{"version": 4,\n "serial": oops}\n')
    with pytest.raises(ParseError) as caught:
        read_state(path)
    assert caught.value.path == str(path)
    assert caught.value.line == 2
    assert "is not JSON" in caught.value.message


def test_empty_file_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "terraform.tfstate"
    path.write_bytes(b"")
    with pytest.raises(ParseError, match="is empty"):
        read_state(path)


def test_backend_cache_is_not_a_state(samples: Path) -> None:
    with pytest.raises(UnsupportedStateVersion) as caught:
        read_state(samples / "dot-terraform.terraform.tfstate")
    assert "version 3, expected 4" in caught.value.message
    assert "backend cache" in caught.value.message


def test_another_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps({"version": 5, "serial": 1, "lineage": "x"}))
    with pytest.raises(UnsupportedStateVersion, match="version 5, expected 4"):
        read_state(path)


def test_missing_lineage_is_refused() -> None:
    with pytest.raises(ParseError, match="no valid 'lineage'"):
        parse_state(b'{"version": 4, "serial": 3}', "mem")


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "terraform.tfstate"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ParseError, match="not UTF-8"):
        read_state(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="file not found"):
        read_state(tmp_path / "terraform.tfstate")


def test_unreadable_file_says_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "terraform.tfstate"
    path.write_text(state_text([]))
    path.chmod(0o000)
    out = run_unprivileged(
        "from pathlib import Path\n"
        "from tui.core.tofu.statefile import read_state\n"
        "from tui.core.errors import ParseError\n"
        f"try:\n    read_state(Path({str(path)!r}))\n"
        "except ParseError as e:\n    print(e.reason)\n"
    )
    assert out == "permission denied"


def state_bytes(**fields: object) -> bytes:
    raw: dict[str, object] = {"version": 4, "serial": 3, "lineage": "lin-1", "resources": []}
    raw.update(fields)
    return json.dumps(raw).encode()


@pytest.mark.parametrize("serial", [True, False, -1, None, "5", 1.5, [], {}])
def test_invalid_serial_is_refused(serial: object) -> None:
    with pytest.raises(ParseError, match=r"mem: has no valid 'serial' \(got "):
        parse_state(state_bytes(serial=serial), "mem")


def test_missing_serial_is_refused() -> None:
    with pytest.raises(ParseError, match="no valid 'serial' \\(got None\\)"):
        parse_state(b'{"version": 4, "lineage": "x"}', "mem")


def test_serial_zero_is_a_valid_first_state() -> None:
    assert parse_state(state_bytes(serial=0), "mem").serial == 0


@pytest.mark.parametrize("lineage", ["", None, 7, ["x"]])
def test_invalid_lineage_is_refused(lineage: object) -> None:
    with pytest.raises(ParseError, match="no valid 'lineage'"):
        parse_state(state_bytes(lineage=lineage), "mem")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"   \n", "is empty"),
        (b"[1, 2]", "is JSON but not an object"),
        (state_bytes(resources={"a": 1}), "'resources' is not a list"),
        (state_bytes(resources=[3]), "a 'resources' entry is not an object"),
        (state_bytes(resources=[{"mode": "managed", "type": "t"}]), "entry has no 'name'"),
        (state_bytes(resources=[{"mode": "managed", "name": "n"}]), "entry has no 'type'"),
        (state_bytes(resources=[{"type": "t", "name": "n"}]), "entry has no 'mode'"),
        (
            state_bytes(resources=[{"mode": "managed", "type": "t", "name": "n", "instances": 1}]),
            "t.n: 'instances' is not a list",
        ),
        (
            state_bytes(
                resources=[{"mode": "managed", "type": "t", "name": "n", "instances": [1]}]
            ),
            "an instance of a resource is not an object",
        ),
    ],
)
def test_malformed_state_is_a_parse_error_naming_the_problem(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_state(data, "s3://bucket/key")
    assert caught.value.path == "s3://bucket/key"
    assert reason in caught.value.reason


def test_a_state_without_resources_has_none() -> None:
    for data in (state_bytes(resources=None), b'{"version": 4, "serial": 1, "lineage": "l"}'):
        state = parse_state(data, "mem")
        assert state.resources == ()
        assert state.terraform_version == ""


def test_facts_of_each_instance_are_read() -> None:
    resource = {
        "module": "",
        "mode": "managed",
        "type": "aws_s3_bucket",
        "name": "b",
        "instances": [
            {"index_key": "media", "attributes": {"bucket": "m"}, "status": "tainted"},
            {"index_key": True, "attributes_flat": {"id": "flat"}, "deposed": "00aa"},
            {"index_key": 0, "attributes": ["not", "a", "dict"], "status": 3, "deposed": 4},
        ],
    }
    state = parse_state(state_bytes(resources=[resource], terraform_version="1.11.2"), "mem")
    assert state.terraform_version == "1.11.2"
    [parsed] = state.resources
    assert parsed.module is None and parsed.address == "aws_s3_bucket.b"
    first, second, third = parsed.instances
    assert (first.index_key, first.attributes, first.status, first.deposed) == (
        "media",
        {"bucket": "m"},
        "tainted",
        None,
    )
    assert parsed.instance_address(first) == 'aws_s3_bucket.b["media"]'
    assert (second.index_key, second.attributes, second.deposed) == (None, {"id": "flat"}, "00aa")
    assert parsed.instance_address(second) == "aws_s3_bucket.b"
    assert (third.index_key, third.attributes, third.status, third.deposed) == (0, {}, None, None)
    assert parsed.instance_address(third) == "aws_s3_bucket.b[0]"
    # a deposed object is on its way out: not one of the live buckets
    assert [(b.address, b.name) for b in state_buckets(state, "aws_s3_bucket")] == [
        ('aws_s3_bucket.b["media"]', "m"),
        ("aws_s3_bucket.b[0]", ""),
    ]


def test_buckets_are_managed_resources_of_the_type_only() -> None:
    resources = [
        {"mode": "data", "type": "aws_s3_bucket", "name": "d", "instances": [{"attributes": {}}]},
        {"mode": "managed", "type": "aws_s3_object", "name": "o", "instances": [{}]},
        {
            "mode": "managed",
            "type": "aws_s3_bucket",
            "name": "b",
            "instances": [{"attributes": {"bucket": "keep"}}],
        },
    ]
    state = parse_state(state_bytes(resources=resources), "mem")
    assert [r.address for r in state.resources_of_type("aws_s3_bucket")] == ["aws_s3_bucket.b"]
    assert [b.name for b in state_buckets(state, "aws_s3_bucket")] == ["keep"]


def test_content_digest_covers_resources_and_outputs_only() -> None:
    base = parse_state(state_bytes(outputs={"url": {"value": "a"}}), "mem")
    other_output = parse_state(state_bytes(outputs={"url": {"value": "b"}}), "mem")
    no_output = parse_state(state_bytes(), "mem")
    assert base.content_sha256 != other_output.content_sha256
    assert base.content_sha256 != no_output.content_sha256
    resource = {"mode": "managed", "type": "t", "name": "n", "instances": []}
    with_resource = parse_state(state_bytes(resources=[resource]), "mem")
    assert with_resource.content_sha256 != no_output.content_sha256
    # serial, lineage, whitespace and key order are not content
    same = parse_state(
        json.dumps(
            {"outputs": {"url": {"value": "a"}}, "lineage": "other", "serial": 99, "version": 4},
            indent=2,
        ).encode(),
        "mem",
    )
    assert same.content_sha256 == base.content_sha256
    assert len(base.content_sha256) == 64
    reordered = parse_state(state_bytes(outputs={"url": {"type": "string", "value": "a"}}), "m")
    typed = parse_state(state_bytes(outputs={"url": {"value": "a", "type": "string"}}), "m")
    assert reordered.content_sha256 == typed.content_sha256


def test_compact_means_one_line_of_json() -> None:
    assert parse_state(state_bytes() + b"\n", "mem").compact
    assert not parse_state(json.dumps(json.loads(state_bytes()), indent=2).encode(), "mem").compact


def test_unreadable_paths_are_parse_errors(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="is a directory, expected a state file"):
        read_state(tmp_path)
    with pytest.raises(ParseError, match=r"cannot be read \(File name too long\)"):
        read_state(tmp_path / ("x" * 300))
