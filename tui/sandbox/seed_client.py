"""What every seeding module works through: boto3 clients for the sandbox endpoint,
the not-found check that keeps seeding idempotent, and the previous release's state."""

from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from tui.core.playbook.load import Playbook
from tui.sandbox.world import World

# The endpoint is a local process: a refused connection means it was stopped (the wizard
# quit), and retrying it would only hold the exit up.
LOCAL_ENDPOINT = Config(retries={"total_max_attempts": 1}, connect_timeout=2)


def client(service: str, env: dict[str, str]) -> Any:
    """A boto3 client for the endpoint described by ``env`` (AWS_* variables)."""
    session = boto3.session.Session(
        aws_access_key_id=env.get("AWS_ACCESS_KEY_ID", "testing"),
        aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY", "testing"),
        aws_session_token=env.get("AWS_SESSION_TOKEN"),
        region_name=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION"),
    )
    return session.client(  # type: ignore[call-overload]  # stubs want a Literal name
        service, endpoint_url=env.get("AWS_ENDPOINT_URL"), config=LOCAL_ENDPOINT
    )


def exists(call: Any, missing_codes: tuple[str, ...], **kwargs: Any) -> bool:
    """Whether ``call(**kwargs)`` finds the thing; an error code in ``missing_codes`` means not."""
    try:
        call(**kwargs)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in missing_codes:
            return False
        raise
    return True


def state_resources(world: World, playbook: Playbook) -> dict[str, Any]:
    """The previous release's state, parsed (the seeding mirrors it)."""
    path = world.previous / "terraform" / "aws" / playbook.state_file
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
