"""boto3 clients for the Stage-4 screen, cached, from the wizard's explicit environment.

``EnvSession`` reads credentials, region, endpoint and retry settings from
``WizardContext.env``; this adds a client cache (creating one costs ~0.1 s).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from tui.core.aws.session import EnvSession


class EnvAwsSession:
    """Cached clients of one ``EnvSession``; thread-safe (workers share it)."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.session = EnvSession(env)
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region_name: str) -> Any:
        """The (cached) client of ``service`` in ``region_name``."""
        key = (service, region_name)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self.session.client(service, region_name=region_name)
            return self._clients[key]
