"""Auto-fill never writes the old cache's host: a placeholder wanting the cache host gets the
Valkey endpoint from Secrets Manager (moto), or stays a placeholder — issue 13, point 2."""

from __future__ import annotations

from pathlib import Path

from tests.support.release import make_pair
from tests.support.stage4 import REGION, SECRET_ID, VALKEY_GROUP, client, seed_secret
from tests.support.values import merge_of, playbook
from tui.core.values.known import (
    NOT_THE_OLD_CACHE,
    gather_known_values,
    known_edits,
    needed_sources,
    plan_known_fills,
)
from tui.core.values.merge import ValuesMerge
from tui.sandbox.aws_endpoint import AwsEndpoint

BOOK = playbook()
KNOWN = BOOK.known_placeholders
PREFIX = "acme-mocm-prod"
OLD_HOST = f"{PREFIX}-cache.k3v9qa.0001.euc1.cache.amazonaws.com"
VALKEY_HOST = f"master.{VALKEY_GROUP}.x7p2lm.euc1.cache.amazonaws.com"
PREVIOUS = f'credentials:\n  redis:\n    host: "{OLD_HOST}"\n    port: 6379\n'
# The release's template: the legacy block keeps a placeholder for the cache host.
TEMPLATE = (
    "credentials:\n"
    "  redis:                # legacy ElastiCache (Redis); kept until Stage 4\n"
    '    host: "< REPLACE_VALUE_REDIS_HOST >"\n'
    "    port: 6379\n"
    "  valkey:\n"
    '    host: "< REPLACE_VALUE_VALKEY_HOST >"\n'
)


def auto_fill(tmp_path: Path, with_secret: bool) -> tuple[ValuesMerge, list, list]:
    if with_secret:
        seed_secret()
    _, curr = make_pair(tmp_path)
    merge = merge_of(tmp_path, PREVIOUS, TEMPLATE)
    sources = needed_sources(merge.rows, merge.pattern, KNOWN)
    assert sources == {"valkey_host"}
    known = gather_known_values(
        BOOK, curr, PREFIX, REGION, lambda r: client("secretsmanager", r), sources
    )
    from_previous = {item.label for item in merge.auto_fill_preview()}
    assert from_previous == {"credentials.redis.host"}  # the previous file has a value there
    fills, unfilled = plan_known_fills(
        merge.rows, merge.working, merge.pattern, KNOWN, known, from_previous
    )
    merge.auto_fill(known_edits(merge.working, fills))
    return merge, fills, unfilled


def test_the_cache_host_is_the_valkey_endpoint_not_the_old_one(
    aws: AwsEndpoint, tmp_path: Path
) -> None:
    merge, fills, _ = auto_fill(tmp_path, with_secret=True)
    credentials = merge.working["credentials"]
    assert credentials["redis"]["host"] == VALKEY_HOST
    assert credentials["valkey"]["host"] == VALKEY_HOST
    by_label = {f.label: f for f in fills}
    assert by_label["credentials.redis.host"].origin == (
        f"from Secrets Manager {SECRET_ID} — {NOT_THE_OLD_CACHE}"
    )
    assert by_label["credentials.redis.host"].filled_shown == VALKEY_HOST


def test_without_the_secret_the_placeholder_stays_never_the_old_host(
    aws: AwsEndpoint, tmp_path: Path
) -> None:
    merge, fills, unfilled = auto_fill(tmp_path, with_secret=False)
    credentials = merge.working["credentials"]
    assert credentials["redis"]["host"] == "< REPLACE_VALUE_REDIS_HOST >"
    assert OLD_HOST not in str(credentials)
    assert merge.placeholders_left() == ["credentials.redis.host", "credentials.valkey.host"]
    merge.undo()  # one step, undone whole: the template as it was
    assert merge.working["credentials"]["redis"]["host"] == "< REPLACE_VALUE_REDIS_HOST >"
    merge.redo()
    assert OLD_HOST not in str(merge.working["credentials"])
    kept = next(f for f in fills if f.label == "credentials.redis.host")
    assert kept.origin.startswith("kept as a placeholder: Secrets Manager has no secret")
    assert kept.origin.endswith("the previous value is the old cache")
    assert {u.label for u in unfilled} == {"credentials.redis.host", "credentials.valkey.host"}


def test_the_playbook_says_the_cache_host_placeholder_is_valkeys() -> None:
    assert {k.name: k.source for k in KNOWN}["REPLACE_VALUE_REDIS_HOST"] == "valkey_host"
