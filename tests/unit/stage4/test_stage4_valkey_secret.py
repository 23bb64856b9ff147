"""The Valkey endpoint from Secrets Manager, with the password never shown."""

from __future__ import annotations

import json
import logging
import pickle
from pathlib import Path

import pytest

from tests.support.stage4 import REGION, SECRET_ID, VALKEY_GROUP, client, seed_secret
from tui.core.stage4.valkey_endpoint import (
    MASK,
    SecretMissing,
    endpoint_from_secret_string,
    read_valkey_endpoint,
)

PASSWORD = "h3Q!v9r#Lm2x(Tz8_Kp4=Wc7[Ns1]Bd6"


def test_endpoint_is_read_and_password_masked(aws, caplog: pytest.LogCaptureFixture) -> None:
    seed_secret()
    endpoint = read_valkey_endpoint(client("secretsmanager"), SECRET_ID, REGION)
    host = f"master.{VALKEY_GROUP}.x7p2lm.euc1.cache.amazonaws.com"
    assert (endpoint.host, endpoint.port, endpoint.username, endpoint.tls) == (
        host,
        6379,
        "fusion",
        True,
    )
    assert endpoint.address == f"{host}:6379"
    assert endpoint.password.reveal() == PASSWORD
    logging.getLogger("stage4").warning(
        "endpoint %s / %r / %s", endpoint, endpoint, endpoint.password
    )
    shown = [str(endpoint), repr(endpoint), f"{endpoint.password}", caplog.text]
    assert all(PASSWORD not in text for text in shown)
    assert MASK in str(endpoint)
    with pytest.raises(TypeError):
        pickle.dumps(endpoint.password)


def test_missing_secret_names_id_and_region(aws) -> None:
    with pytest.raises(SecretMissing) as caught:
        read_valkey_endpoint(client("secretsmanager"), SECRET_ID, REGION)
    assert caught.value.code == "ResourceNotFoundException"
    assert f"'{SECRET_ID}'" in caught.value.message and REGION in caught.value.message


def test_plain_string_secret_is_taken_as_the_password() -> None:
    endpoint = endpoint_from_secret_string(SECRET_ID, REGION, "just-a-password")
    assert not endpoint.structured and endpoint.host is None
    assert endpoint.address == "unknown host:?"
    assert endpoint.password.reveal() == "just-a-password" and "just-a" not in repr(endpoint)


def test_sample_secret_string_decodes(samples: Path) -> None:
    reply = json.loads((samples / "secretsmanager_get_secret_value.json").read_text())
    endpoint = endpoint_from_secret_string(reply["Name"], REGION, reply["SecretString"])
    assert endpoint.port == 6379 and endpoint.username == "fusion"
    assert endpoint.host == "master.acme-mocm-prod-valkey.x7p2lm.euc1.cache.amazonaws.com"
    assert PASSWORD not in repr(endpoint)
