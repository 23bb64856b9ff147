"""boto3 for the Stage-4 screen, built from the wizard's explicit environment.

Credentials, region, endpoint and retry count come from ``WizardContext.env``,
never from ``os.environ``; clients are cached (creating one costs ~0.1 s).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import boto3
from botocore.config import Config

DEFAULT_MAX_ATTEMPTS = 5  # botocore's standard mode backs off on throttling


class EnvAwsSession:
    """A boto3 session and its clients, configured from one environment mapping."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = dict(env)
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._session = boto3.session.Session(
            aws_access_key_id=self.env.get("AWS_ACCESS_KEY_ID") or None,
            aws_secret_access_key=self.env.get("AWS_SECRET_ACCESS_KEY") or None,
            aws_session_token=self.env.get("AWS_SESSION_TOKEN") or None,
            profile_name=None if self.env.get("AWS_ACCESS_KEY_ID") else self._profile(),
        )

    def _profile(self) -> str | None:
        return self.env.get("AWS_PROFILE") or None

    def _max_attempts(self) -> int:
        text = self.env.get("AWS_MAX_ATTEMPTS", "")
        return int(text) if text.isdigit() and int(text) > 0 else DEFAULT_MAX_ATTEMPTS

    def client(self, service: str, region_name: str) -> Any:
        """The (cached) client of ``service`` in ``region_name``."""
        key = (service, region_name)
        with self._lock:
            if key not in self._clients:
                config = Config(
                    retries={"mode": "standard", "total_max_attempts": self._max_attempts()},
                    connect_timeout=10,
                    read_timeout=30,
                )
                self._clients[key] = self._session.client(  # type: ignore[call-overload]
                    service,
                    region_name=region_name,
                    endpoint_url=self.env.get("AWS_ENDPOINT_URL") or None,
                    config=config,
                )
            return self._clients[key]
