"""The stand-in's UUIDs (lineages, lock IDs, terraform_data ids) as Python's uuid prints them."""

from __future__ import annotations

import getpass
import hashlib
import socket
import uuid

from tui.sandbox.tofu.locks import new_lock_info
from tui.sandbox.tofu.state import random_uuid, uuid_text


def test_uuid_text_is_what_uuid_prints() -> None:
    for n in range(500):
        digits = hashlib.sha256(str(n).encode()).hexdigest()[:32]
        assert uuid_text(digits) == str(uuid.UUID(digits))
        assert uuid_text(digits.upper()) == str(uuid.UUID(digits))


def test_random_uuids_are_version_4() -> None:
    made = {random_uuid() for _ in range(500)}
    assert len(made) == 500
    for text in made:
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and str(parsed) == text


def test_lock_info_names_its_holder_as_getpass_and_socket_do() -> None:
    info = new_lock_info("OperationTypePlan", "terraform.tfstate")
    assert info["Who"] == f"{getpass.getuser()}@{socket.gethostname()}"
    assert uuid.UUID(info["ID"]).version == 4 and info["Operation"] == "OperationTypePlan"
