"""The Valkey endpoint the applications must use, from Secrets Manager.

The password is held in a ``MaskedSecret``: printing, logging or journaling the
result never shows it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.core.aws.errors import AwsCallFailed, error_code, explain_aws_error

MASK = "••••••"


class SecretMissing(AwsCallFailed):
    """The secret does not exist in that region (or is scheduled for deletion)."""


class MaskedSecret:
    """A secret value whose ``str``/``repr``/format never reveal it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The clear value — only for handing to a client library, never for display."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __str__(self) -> str:
        return MASK

    def __repr__(self) -> str:
        return f"MaskedSecret({MASK})"

    def __format__(self, spec: str) -> str:
        return format(MASK, spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaskedSecret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[Any, ...]:  # pickling would carry the clear value
        raise TypeError("a MaskedSecret cannot be pickled")


@dataclass(frozen=True)
class ValkeyEndpoint:
    """Host, port and user of the new cache; ``password`` masked."""

    secret_id: str
    region: str
    host: str | None
    port: int | None
    username: str | None
    password: MaskedSecret
    tls: bool | None
    # False when the secret is a plain string (then it is taken as the password alone).
    structured: bool

    @property
    def address(self) -> str:
        """``host:port`` for display ("unknown" parts when the secret lacks them)."""
        return f"{self.host or 'unknown host'}:{self.port if self.port is not None else '?'}"


def _port(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def endpoint_from_secret_string(secret_id: str, region: str, text: str) -> ValkeyEndpoint:
    """Decode a SecretString: JSON with host/port/username/password, or a bare password."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return ValkeyEndpoint(secret_id, region, None, None, None, MaskedSecret(text), None, False)
    host = data.get("host") or data.get("endpoint") or data.get("address")
    username = data.get("username") or data.get("user")
    tls = data.get("tls")
    return ValkeyEndpoint(
        secret_id=secret_id,
        region=region,
        host=str(host) if host else None,
        port=_port(data.get("port")),
        username=str(username) if username else None,
        password=MaskedSecret(str(data.get("password") or data.get("auth_token") or "")),
        tls=tls if isinstance(tls, bool) else None,
        structured=True,
    )


def read_valkey_endpoint(secretsmanager: Any, secret_id: str, region: str) -> ValkeyEndpoint:
    """Read the Valkey secret; a missing one names the secret id and the region."""
    try:
        reply = secretsmanager.get_secret_value(SecretId=secret_id)
    except (ClientError, BotoCoreError) as exc:
        if isinstance(exc, ClientError) and error_code(exc) == "ResourceNotFoundException":
            raise SecretMissing(
                f"Secrets Manager has no secret '{secret_id}' in region {region}",
                "Has the upgrade apply created Valkey? Check name_prefix, valkey_username "
                "and aws_region in terraform.tfvars.",
                error_code(exc),
            ) from exc
        raise explain_aws_error(exc, "secretsmanager:GetSecretValue", region) from exc
    text = reply.get("SecretString")
    if text is None:
        raise AwsCallFailed(
            f"secret '{secret_id}' in {region} holds binary data, not the Valkey connection JSON",
            "Check the secret written by the Valkey module.",
        )
    return endpoint_from_secret_string(secret_id, region, str(text))
