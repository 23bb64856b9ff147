"""The final snapshot: created and polled, or an existing one reported untouched."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.stage4 import (
    CLUSTER_ID,
    NO_RETRY,
    REGION,
    client,
    edit_replies,
    inject_error,
    seed_cluster,
)
from tui.core.stage4.final_snapshot import (
    SnapshotFailed,
    SnapshotProgress,
    SnapshotTimedOut,
    take_final_snapshot,
)

NAME = f"{CLUSTER_ID}-final"


class FakeClock:
    """Time that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _still(status: str, until_call: int):
    def edit(parsed: dict[str, Any], call: int) -> None:
        if call <= until_call and parsed.get("Snapshots"):
            parsed["Snapshots"][0]["SnapshotStatus"] = status

    return edit


def test_snapshot_is_created_and_polled_until_available(aws) -> None:
    seed_cluster()
    elasticache = client("elasticache")
    # describe #1 is the "does it exist?" look; #2 and #3 answer "creating".
    edit_replies(elasticache, "DescribeSnapshots", _still("creating", until_call=3))
    clock, seen = FakeClock(), []
    snap = take_final_snapshot(
        elasticache,
        CLUSTER_ID,
        NAME,
        REGION,
        on_progress=seen.append,
        poll_seconds=10,
        clock=clock,
        sleep=clock.sleep,
    )
    assert (snap.name, snap.status, snap.already_existed) == (NAME, "available", False)
    assert [p.status for p in seen] == ["creating", "creating", "available"]
    assert seen[-1] == SnapshotProgress(NAME, "available", 20.0, 10, 1800.0)
    assert clock.sleeps == [10, 10]
    assert seen[0].sentence == (
        f"Waiting for {NAME} to be available: creating after 0 s (checked every 10 s; the "
        "wizard stops waiting after 30 min, nothing is destroyed meanwhile)"
    )
    names = [s["SnapshotName"] for s in client("elasticache").describe_snapshots()["Snapshots"]]
    assert names == [NAME]


def test_existing_snapshot_is_reported_not_overwritten(aws) -> None:
    seed_cluster()
    client("elasticache").create_snapshot(CacheClusterId=CLUSTER_ID, SnapshotName=NAME)
    elasticache = client("elasticache")
    creates: list[dict[str, Any]] = []
    elasticache.meta.events.register(
        "before-parameter-build.elasticache.CreateSnapshot",
        lambda params, **_: creates.append(params),
    )
    snap = take_final_snapshot(elasticache, CLUSTER_ID, NAME, REGION)
    assert snap.already_existed and snap.status == "available" and creates == []


def test_snapshot_of_a_missing_cluster_fails_with_the_code(aws) -> None:
    with pytest.raises(SnapshotFailed) as caught:
        take_final_snapshot(client("elasticache"), CLUSTER_ID, NAME, REGION)
    assert caught.value.code == "CacheClusterNotFound"
    assert (
        "[CacheClusterNotFound]" in caught.value.message
        and "Nothing was destroyed" in caught.value.hint
    )


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("InvalidCacheClusterState", "not in the 'available' state"),
        ("SnapshotQuotaExceededFault", "quota is reached"),
        ("AccessDenied", "may not call elasticache:CreateSnapshot"),
    ],
)
def test_snapshot_refused_by_aws_is_typed(aws, code: str, words: str) -> None:
    seed_cluster()
    elasticache = client("elasticache", config=NO_RETRY)
    inject_error(elasticache, "CreateSnapshot", code, "refused")
    with pytest.raises(SnapshotFailed) as caught:
        take_final_snapshot(elasticache, CLUSTER_ID, NAME, REGION)
    assert f"[{code}]" in caught.value.message and words in caught.value.message
    assert client("elasticache").describe_snapshots()["Snapshots"] == []


def test_snapshot_that_fails_while_polling(aws) -> None:
    seed_cluster()
    elasticache = client("elasticache")
    edit_replies(elasticache, "DescribeSnapshots", _still("failed", until_call=9))
    clock = FakeClock()
    with pytest.raises(SnapshotFailed, match="is 'failed', not becoming available"):
        take_final_snapshot(elasticache, CLUSTER_ID, NAME, REGION, clock=clock, sleep=clock.sleep)


def test_snapshot_that_never_becomes_available_times_out(aws) -> None:
    seed_cluster()
    elasticache = client("elasticache")
    edit_replies(elasticache, "DescribeSnapshots", _still("creating", until_call=10_000))
    clock = FakeClock()
    with pytest.raises(SnapshotTimedOut, match="still 'creating' after 60 s"):
        take_final_snapshot(
            elasticache,
            CLUSTER_ID,
            NAME,
            REGION,
            timeout_seconds=60,
            poll_seconds=15,
            clock=clock,
            sleep=clock.sleep,
        )
    assert clock.sleeps == [15, 15, 15, 15]


def test_an_existing_snapshot_still_being_made_is_waited_for(aws) -> None:
    """A restart while AWS was creating it: the same snapshot is polled, never made twice."""
    seed_cluster()
    client("elasticache").create_snapshot(CacheClusterId=CLUSTER_ID, SnapshotName=NAME)
    elasticache = client("elasticache")
    creates: list[dict[str, Any]] = []
    elasticache.meta.events.register(
        "before-parameter-build.elasticache.CreateSnapshot",
        lambda params, **_: creates.append(params),
    )
    # describe #1 is the "does it exist?" look, #2 the first poll: both "creating".
    edit_replies(elasticache, "DescribeSnapshots", _still("creating", until_call=2))
    clock, seen = FakeClock(), []
    snap = take_final_snapshot(
        elasticache,
        CLUSTER_ID,
        NAME,
        REGION,
        on_progress=seen.append,
        poll_seconds=15,
        clock=clock,
        sleep=clock.sleep,
    )
    assert (snap.status, snap.already_existed) == ("available", True) and creates == []
    assert [(p.status, p.already_existed) for p in seen] == [
        ("creating", True),
        ("available", True),
    ]
    assert seen[0].sentence.startswith(f"Waiting for the existing snapshot {NAME}")


def test_an_existing_failed_snapshot_is_refused_not_counted(aws) -> None:
    seed_cluster()
    client("elasticache").create_snapshot(CacheClusterId=CLUSTER_ID, SnapshotName=NAME)
    elasticache = client("elasticache")
    edit_replies(elasticache, "DescribeSnapshots", _still("failed", until_call=9))
    clock = FakeClock()
    with pytest.raises(SnapshotFailed, match="is 'failed', not becoming available"):
        take_final_snapshot(elasticache, CLUSTER_ID, NAME, REGION, clock=clock, sleep=clock.sleep)
