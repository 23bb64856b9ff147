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
