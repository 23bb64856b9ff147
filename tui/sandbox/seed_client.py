"""What every seeding module works through: boto3 clients for the sandbox endpoint,
the not-found check that keeps seeding idempotent, and the previous release's state."""

from __future__ import annotations

import json
import threading
from functools import cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from tui.core.playbook.load import Playbook
from tui.sandbox.world import World

# The endpoint is a local process: a refused connection means it was stopped (the wizard
# quit), and retrying it would only hold the exit up.
LOCAL_ENDPOINT = Config(retries={"total_max_attempts": 1}, connect_timeout=2)


# botocore sessions are not thread-safe while they make clients: one at a time.
_SESSIONS_LOCK = threading.Lock()


@cache
def _session(key: str, secret: str, token: str | None, region: str | None) -> Any:
    """One boto3 session per set of keys and region: its service models are read from
    disk once (a new session per client read them again, ~70 ms of JSON each)."""
    return boto3.session.Session(
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        region_name=region,
    )


def client(service: str, env: dict[str, str]) -> Any:
    """A boto3 client for the endpoint described by ``env`` (AWS_* variables)."""
    with _SESSIONS_LOCK:
        session = _session(
            env.get("AWS_ACCESS_KEY_ID", "testing"),
            env.get("AWS_SECRET_ACCESS_KEY", "testing"),
            env.get("AWS_SESSION_TOKEN"),
            env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION"),
        )
        return session.client(  # stubs want a Literal name
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
