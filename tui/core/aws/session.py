"""boto3 built from the wizard's explicit environment (never from whatever os.environ holds).

The demo and the tests reach moto's server only through ``AWS_ENDPOINT_URL`` in that
environment; against real AWS the same variables (profile, region, keys) apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT_TOTAL_ATTEMPTS = 4  # standard mode backs off on throttling between attempts


def retry_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """botocore Config settings: the environment's ``AWS_MAX_ATTEMPTS`` wins.

    botocore reads that variable from ``os.environ`` only; the wizard's environment is
    explicit, so it is applied here for every client.
    """
    text = env.get("AWS_MAX_ATTEMPTS", "")
    attempts = int(text) if text.isdigit() and int(text) > 0 else DEFAULT_TOTAL_ATTEMPTS
    return {
        "retries": {"total_max_attempts": attempts, "mode": "standard"},
        "connect_timeout": 10,
        "read_timeout": 30,
    }


def region_of(client: Any) -> str:
    """The region a boto3 client talks to, for messages."""
    return str(getattr(getattr(client, "meta", None), "region_name", "") or "(no region)")


class EnvSession:
    """A boto3 session whose clients use the given environment's endpoint, region and keys."""

    def __init__(self, env: Mapping[str, str], region: str | None = None) -> None:
        self.env = dict(env)
        self.region_name = region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
        keys: dict[str, Any] = {}
        if env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"):
            keys = {
                "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
                "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"],
                "aws_session_token": env.get("AWS_SESSION_TOKEN") or None,
            }
        profile = None if keys else env.get("AWS_PROFILE") or None
        import boto3  # imported on first use: keeps the wizard's start fast

        self.session = boto3.Session(profile_name=profile, region_name=self.region_name, **keys)

    def endpoint(self, service: str) -> str | None:
        """``AWS_ENDPOINT_URL_<SERVICE>`` or ``AWS_ENDPOINT_URL`` of the environment."""
        specific = f"AWS_ENDPOINT_URL_{service.upper().replace('-', '_')}"
        return self.env.get(specific) or self.env.get("AWS_ENDPOINT_URL") or None

    def client(self, service: str, region_name: str | None = None, **kwargs: Any) -> Any:
        """A client for ``service`` in ``region_name`` (default: the session's region)."""
        from botocore.config import Config

        kwargs.setdefault("config", Config(**retry_settings(self.env)))
        return self.session.client(
            service,  # type: ignore[call-overload]  # stubs want a Literal service name
            region_name=region_name or self.region_name,
            endpoint_url=self.endpoint(service),
            **kwargs,
        )
