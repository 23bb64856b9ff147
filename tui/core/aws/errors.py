"""AWS failures in plain words: the one place where botocore errors become typed errors.

Each message names the call, the region and the AWS error code; the hint says what to do.
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.errors import MocmError

THROTTLE_CODES = frozenset({"Throttling", "ThrottlingException", "RequestLimitExceeded"})
DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})


class AwsCallFailed(MocmError):
    """An AWS call failed; ``code`` is the AWS error code (empty when none)."""

    def __init__(self, message: str, hint: str = "", code: str = "") -> None:
        super().__init__(message, hint)
        self.code = code


class AwsThrottled(AwsCallFailed):
    """AWS refused the call because of its rate limit."""


class AwsAccessDenied(AwsCallFailed):
    """The credentials in use may not make this call."""


def error_code(exc: ClientError) -> str:
    """The AWS error code of a botocore ``ClientError``."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def explain_aws_error(exc: Exception, operation: str, region: str) -> AwsCallFailed:
    """Turn a botocore failure into a typed error naming the call, region and code."""
    if isinstance(exc, ClientError):
        code = error_code(exc)
        detail = str(exc.response.get("Error", {}).get("Message", "")).strip()
        said = f" ({detail})" if detail else ""
        if code in THROTTLE_CODES:
            return AwsThrottled(
                f"AWS is throttling {operation} in {region} [{code}]{said}",
                "Wait a minute and run the check again; nothing was changed.",
                code,
            )
        if code in DENIED_CODES:
            return AwsAccessDenied(
                f"access denied to {operation} in {region} [{code}]{said}",
                "Use credentials allowed to make this call (check AWS_PROFILE and the IAM "
                "policy), then run the check again.",
                code,
            )
        return AwsCallFailed(f"{operation} failed in {region} [{code}]{said}", "", code)
    if isinstance(exc, BotoCoreError):
        return AwsCallFailed(
            f"{operation} could not reach AWS in {region}: {exc}",
            "Check the network, AWS_ENDPOINT_URL and the credentials.",
        )
    return AwsCallFailed(f"{operation} failed in {region}: {exc}")
