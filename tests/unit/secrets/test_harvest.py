"""The secret values found in a parsed values tree, by what their keys mean."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tui.core.secrets.harvest import name_looks_secret, secrets_in_tree

PLACEHOLDER = re.compile(r"<\s*REPLACE_VALUE_[A-Z0-9_]+\s*>")


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("password", True),
        ("SMTP_PASS", True),
        ("DB_PW", True),
        ("dbPassword", True),
        ("smtpPass", True),
        ("PASSWORD_NAME", False),  # names a secret, does not hold it
        ("secretsManagerId", False),
        ("passport", False),  # a word that starts like one is not one
        ("LOG_LEVEL", False),
        (42, False),
        (None, False),
    ],
)
def test_which_names_hold_a_secret(name: object, secret: bool) -> None:
    assert name_looks_secret(name) is secret


def test_each_secret_once_in_the_order_found_and_nothing_else() -> None:
    tree: dict[str, Any] = {
        "a": {"password": "Same-Value-1"},
        "b": {"token": "Same-Value-1"},  # the same value under another key: once
        "c": {"enabled": True, "password": None, "apiKey": False},  # never secrets
        "d": {"dbPassword": 12345678},  # a number under a secret key is one
        "e": {"password": "< REPLACE_VALUE_DB >"},  # a placeholder is what is left to fill
        "f": {"host": "db.example.com", "port": 5432},
    }
    assert secrets_in_tree(tree, PLACEHOLDER) == ["Same-Value-1", "12345678"]


def test_a_quoted_value_inside_text_is_found_without_its_quotes() -> None:
    tree = {"config": "export MAIL_PASSWORD='Quoted-Pass-77'\nlisten: 0.0.0.0\n"}
    assert secrets_in_tree(tree) == ["Quoted-Pass-77"]


def test_a_deep_tree_from_a_hostile_file_is_walked_without_recursion() -> None:
    tree: dict[str, Any] = {"password": "Deep-Secret-9"}
    for _ in range(20_000):  # deeper than Python's recursion limit
        tree = {"level": tree}
    assert secrets_in_tree(tree) == ["Deep-Secret-9"]


def test_an_empty_or_scalar_document_holds_no_secret() -> None:
    assert secrets_in_tree(None) == []
    assert secrets_in_tree("just text") == []
    assert secrets_in_tree([]) == []


def test_a_value_naming_a_key_is_a_reference_not_a_secret() -> None:
    # a Kubernetes Secret's key named under a secret-sounding key: registering "password"
    # would mask the file's keys and every sentence that says "password"
    tree = {
        "admin": {"password": "Real-Admin-Pass-1"},
        "db": {"passwordKey": "password", "tokenKey": "Token"},
        "smtp": {"userKey": "admin", "passwordKey": "admin"},  # the name of another key
    }
    assert secrets_in_tree(tree) == ["Real-Admin-Pass-1"]
