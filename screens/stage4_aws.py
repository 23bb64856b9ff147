"""boto3 clients for the Stage-4 screen, cached, from the wizard's explicit environment.

``EnvSession`` reads credentials, region and endpoint from ``WizardContext.env``;
this adds a client cache (creating one costs ~0.1 s) and honours the environment's
``AWS_MAX_ATTEMPTS`` (botocore would only read it from ``os.environ``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from botocore.config import Config

from tui.core.aws_session import EnvSession

DEFAULT_MAX_ATTEMPTS = 4  # botocore's standard mode backs off on throttling


class EnvAwsSession:
    """Cached clients of one ``EnvSession``; thread-safe (workers share it)."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.session = EnvSession(env)
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        text = env.get("AWS_MAX_ATTEMPTS", "")
        attempts = int(text) if text.isdigit() and int(text) > 0 else DEFAULT_MAX_ATTEMPTS
        self._config = Config(
            retries={"mode": "standard", "total_max_attempts": attempts},
            connect_timeout=10,
            read_timeout=30,
        )

    def client(self, service: str, region_name: str) -> Any:
        """The (cached) client of ``service`` in ``region_name``."""
        key = (service, region_name)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self.session.client(
                    service, region_name=region_name, config=self._config
                )
            return self._clients[key]
