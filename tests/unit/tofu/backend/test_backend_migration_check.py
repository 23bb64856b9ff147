"""What the Backend step says after B.1: which facts were compared, and whether they match."""

from __future__ import annotations

import pytest

from tests.support.preflight import LINEAGE, state_text
from tui.core.tofu.backend.readback import MigratedStateCheck
from tui.core.tofu.statefile import StateFile, parse_state

WHERE = "s3://acme-mocm-tfstate/mocm/prod/terraform.tfstate"


def state(buckets: list[str], serial: int = 57, lineage: str = LINEAGE) -> StateFile:
    return parse_state(state_text(buckets, serial=serial, lineage=lineage).encode(), "x")


LOCAL = state(["b-media", "b-logs"])


def test_same_history_is_verified_by_lineage_serial_and_content() -> None:
    check = MigratedStateCheck(LOCAL, state(["b-media", "b-logs"]), WHERE)
    assert check.verified
    assert check.sentence() == (
        f"Verified: {WHERE} has the local state's lineage {LINEAGE} and serial 57, and the same "
        "1 resource (2 instances) and outputs as the local state."
    )
    assert check.basis == "lineage, serial and content compared"


def test_new_lineage_says_so_and_what_was_compared_instead() -> None:
    check = MigratedStateCheck(LOCAL, state(["b-media", "b-logs"], 1, "0000-new"), WHERE)
    assert check.verified
    assert check.sentence() == (
        "Lineage and serial could not be compared: the tool gave the S3 copy a new lineage "
        f"0000-new and serial 1 (the local state has lineage {LINEAGE}, serial 57). Compared "
        f"instead: resources and outputs. Verified by content: {WHERE} holds the same "
        "1 resource (2 instances) and outputs as the local state."
    )
    assert check.basis == "content compared (the tool gave S3 a new lineage 0000-new)"


def test_same_lineage_other_serial_is_verified_by_content() -> None:
    check = MigratedStateCheck(LOCAL, state(["b-media", "b-logs"], 58), WHERE)
    assert check.verified
    assert "it has the same lineage" in check.sentence()
    assert "but serial 58 where the local state had 57" in check.sentence()


@pytest.mark.parametrize(
    ("serial", "lineage"), [(57, LINEAGE), (1, "0000-new")], ids=["same-history", "new-lineage"]
)
def test_other_content_is_never_verified(serial: int, lineage: str) -> None:
    check = MigratedStateCheck(LOCAL, state(["b-media"], serial, lineage), WHERE)
    assert not check.verified
    assert check.sentence() == (
        f"{WHERE} (lineage {lineage}, serial {serial}, 1 resource (1 instance)) does not hold "
        f"what the local state holds (lineage {LINEAGE}, serial 57, 1 resource (2 instances))."
    )
