"""Recognition of known tofu failures (every tofu_* sample)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.tofu.failures import FailureKind, diagnostic_lines, recognise_failure


@pytest.mark.parametrize(
    ("sample", "kind"),
    [
        ("tofu_apply_stale_plan.stderr.txt", FailureKind.STALE_PLAN),
        ("tofu_apply_stale_plan.no-color.stderr.txt", FailureKind.STALE_PLAN),
        ("tofu_apply_wrong_lineage.stderr.txt", FailureKind.PLAN_OTHER_LINEAGE),
        ("tofu_state_lock_dynamodb.stderr.txt", FailureKind.LOCK_HELD),
        ("tofu_state_lock_s3_lockfile.stderr.txt", FailureKind.LOCK_HELD),
        ("tofu_state_lock_local.stderr.txt", FailureKind.LOCK_HELD),
        ("tofu_state_push_older_serial.stderr.txt", FailureKind.PUSH_OLDER_SERIAL),
        ("tofu_state_push_lineage_mismatch.stderr.txt", FailureKind.PUSH_OTHER_LINEAGE),
        ("tofu_state_push_same_serial.stderr.txt", FailureKind.PUSH_SAME_SERIAL),
    ],
)
def test_every_failure_sample_is_recognised(samples: Path, sample: str, kind: FailureKind) -> None:
    failure = recognise_failure((samples / sample).read_text(encoding="utf-8"))
    assert failure is not None and failure.kind is kind
    assert failure.summary and failure.next_action


def test_sample_that_is_not_a_known_failure(samples: Path) -> None:
    text = (samples / "tofu_init_migrate_state_input_false.stderr.txt").read_text()
    assert recognise_failure(text) is None
    assert recognise_failure("") is None


def test_lock_info_is_extracted_and_force_unlock_only_if_holder_gone(samples: Path) -> None:
    text = (samples / "tofu_state_lock_dynamodb.stderr.txt").read_text()
    failure = recognise_failure(text, binary="tofu")
    assert failure is not None and failure.lock is not None
    assert failure.lock.id == "3f2b9c4e-7d1a-5e60-8b2f-41c9a0d7e6b3"
    assert failure.lock.who == "deploy@ops-jump-01"
    assert failure.lock.operation == "OperationTypeApply"
    assert failure.lock.path == "acme-mocm-tfstate/mocm/prod/terraform.tfstate"
    assert "deploy@ops-jump-01 for apply" in failure.summary
    assert "2026-05-19 08:44:02" in failure.summary
    assert "`tofu force-unlock 3f2b9c4e-7d1a-5e60-8b2f-41c9a0d7e6b3`" in failure.next_action
    assert failure.next_action.index("Only if") < failure.next_action.index("force-unlock")


def test_lock_operation_for_a_plan(samples: Path) -> None:
    failure = recognise_failure((samples / "tofu_state_lock_s3_lockfile.stderr.txt").read_text())
    assert failure is not None and failure.lock is not None
    assert failure.lock.operation_words == "plan" and failure.lock.who == "ci@runner-7f9c4"


def test_push_refusal_states_both_serials(samples: Path) -> None:
    failure = recognise_failure((samples / "tofu_state_push_older_serial.stderr.txt").read_text())
    assert failure is not None
    assert "(serial 52)" in failure.summary and "(serial 58)" in failure.summary
    assert "-force" in failure.next_action and "typed confirmation" in failure.next_action


def test_colour_codes_and_box_are_stripped_before_matching(samples: Path) -> None:
    boxed = (samples / "tofu_apply_stale_plan.stderr.txt").read_text()
    coloured = boxed.replace("Error:", "\x1b[31m\x1b[1mError:\x1b[0m\x1b[0m")
    coloured = coloured.replace("│", "\x1b[31m│\x1b[0m")
    assert recognise_failure(coloured) is not None
    lines = diagnostic_lines(coloured)
    assert "Error: Saved plan is stale" in lines
    assert not any("│" in line or "\x1b" in line for line in lines)


def test_summary_wrapped_differently_still_matches() -> None:
    wrapped = "Error: Saved plan\n is\n stale\n"
    failure = recognise_failure(wrapped)
    assert failure is not None and failure.kind is FailureKind.STALE_PLAN


@pytest.mark.parametrize(
    ("stderr", "kind"),
    [
        (
            '╷\n│ Error: Backend initialization required, please run "tofu init"\n│\n'
            '│ Reason: Initial configuration of the requested backend "s3"\n╵\n',
            FailureKind.INIT_REQUIRED,
        ),
        (
            "╷\n│ Error: Inconsistent dependency lock file\n│\n│ The following dependency "
            "selections recorded in the lock file are inconsistent\n╵\n",
            FailureKind.INIT_REQUIRED,
        ),
        (
            "Error: Module not installed\n\nThis module is not yet installed.",
            FailureKind.INIT_REQUIRED,
        ),
        (
            "│ Error: No valid credential sources found\n│\n│ Please see "
            "https://registry.terraform.io/providers/hashicorp/aws\n",
            FailureKind.CREDENTIALS,
        ),
        (
            "│ Error: Failed to get existing workspaces: operation error S3: ListObjectsV2,\n│ "
            "https response error StatusCode: 403, RequestID: X, api error AccessDenied:\n"
            "│ Access Denied\n",
            FailureKind.ACCESS_DENIED,
        ),
        (
            '│ Error: Failed to get existing workspaces: S3 bucket "acme-tfstate" does not '
            "exist.\n│\n│ The referenced S3 bucket must have been previously created.\n",
            FailureKind.BACKEND_MISSING,
        ),
        (
            "│ Error: Failed to get existing workspaces: operation error S3: ListObjectsV2, "
            "api error NoSuchBucket: The specified bucket does not exist\n",
            FailureKind.BACKEND_MISSING,
        ),
        (
            "│ Error: Failed to get existing workspaces: dial tcp: lookup s3.example: "
            "no such host\n",
            FailureKind.BACKEND_ERROR,
        ),
        (
            "│ Error: Backend configuration changed\n│\n│ A change in the backend configuration",
            FailureKind.BACKEND_CHANGED,
        ),
        (
            "Error: Error acquiring the state lock\n\nError message: operation error DynamoDB: "
            "PutItem, https response error StatusCode: 400, api error AccessDeniedException: "
            "not authorized\n",
            FailureKind.ACCESS_DENIED,
        ),
        (
            "Error: state data in S3 does not have the expected content.\n\nThe checksum "
            "calculated for the state stored in S3 does not match",
            FailureKind.STATE_DIGEST_MISMATCH,
        ),
    ],
)
def test_init_backend_and_credential_failures(stderr: str, kind: FailureKind) -> None:
    failure = recognise_failure(stderr)
    assert failure is not None and failure.kind is kind, failure


def test_unknown_error_is_not_guessed() -> None:
    assert recognise_failure("│ Error: Unsupported argument\n│ An argument named x\n") is None
