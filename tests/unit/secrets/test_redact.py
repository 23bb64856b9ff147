"""Redaction: secrets are masked, names that merely point at secrets stay readable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.core.secrets.redact import MASK, LineRedactor, Redactor

AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
BARE_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLE9Z1"  # no trigger word inside, not even "key"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('    password: "Vq8#nT2!eL6@rW4z"', f'    password: "{MASK}"'),
        ("password: my secret phrase # note", f"password: {MASK} # note"),
        ("db_password = 'x1y2z3'", f"db_password = '{MASK}'"),
        ('"client_secret": "abc123def"', f'"client_secret": "{MASK}"'),
        ("--db-password=hunter22", f"--db-password={MASK}"),
        ("GITHUB_TOKEN=ghp_abcdef123456", f"GITHUB_TOKEN={MASK}"),
        (f"aws_secret_access_key = {AWS_SECRET}", f"aws_secret_access_key = {MASK}"),
        (f"key is {AWS_SECRET} here", f"key is {MASK} here"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0", f"Authorization: {MASK}"),
        ("sent Bearer eyJhbGciOiJIUzI1NiJ9 upstream", f"sent Bearer {MASK} upstream"),
        (
            "url https://admin:s3cr3t@db.example:5432/x",
            f"url https://admin:{MASK}@db.example:5432/x",
        ),
        ('  ~ token = "old-token-1" -> "new-token-2"', f'  ~ token = "{MASK}" -> "{MASK}"'),
        ("session IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD", f"session {MASK}"),
        (
            '"private_key": "-----BEGIN RSA PRIVATE KEY-----\\nMIIabc\\n'
            '-----END RSA PRIVATE KEY-----"',
            f'"private_key": "{MASK}"',
        ),
        (
            "x -----BEGIN EC PRIVATE KEY-----MHcCAQEE-----END EC PRIVATE KEY----- y",
            f"x -----BEGIN EC PRIVATE KEY-----{MASK}-----END EC PRIVATE KEY----- y",
        ),
    ],
)
def test_secret_patterns_are_masked(line: str, expected: str) -> None:
    assert Redactor().redact(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # "ſ" (long s) is "s" to the case-blind patterns but stays "ſ" lowercased: the
        # cheap first look, which searches the lowercased line, must not let it through.
        ("ſecret: hunter2xyz", f"ſecret: {MASK}"),
        ("db_paſſword = 'x1y2z3'", f"db_paſſword = '{MASK}'"),
        ("tokeN: café-au-lait-42", f"tokeN: {MASK}"),
    ],
)
def test_secret_names_spelt_with_unicode_are_masked(line: str, expected: str) -> None:
    assert Redactor().redact(line) == expected
    assert LineRedactor(Redactor()).lines(["ok", line]) == ["ok", expected]  # a stream chunk


@pytest.mark.parametrize(
    "line",
    [
        '      passwordKey: "password"',  # names the key inside a k8s secret, not a secret
        '    secretsManagerId: "acme-mocm-prod/valkey/fusion"',
        '    authSource: "admin"',
        "  imagePullSecrets: []",
        "    existingSecret:",
        '    password: ""',
        '    password: "< REPLACE_VALUE_ADMIN_PASSWORD >"',
        "  + password = (sensitive value)",
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        "commit 3c1f9a7e52d44b8e9f06a2d7c4e1b358aabbccdd",  # 40 hex chars: a digest, not a key
        "Initializing the backend...",
        "token: null",
        # A Secrets Manager ARN names a secret ("…:secret:name"): an id, not the secret.
        '  ~ arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/mocm/auth-AbCdEf"',
    ],
)
def test_harmless_lines_are_left_alone(line: str) -> None:
    assert Redactor().redact(line) == line


def test_known_secret_is_masked_raw_and_json_escaped() -> None:
    secret = 'p"w\\d-with-quote'
    redactor = Redactor([secret])
    assert redactor.redact(f"connect using {secret} now") == f"connect using {MASK} now"
    escaped = json.dumps({"value": secret})
    assert secret not in redactor.redact(escaped)
    assert json.dumps(secret)[1:-1] not in redactor.redact(escaped)


def test_secrets_added_later_are_masked_from_then_on() -> None:
    redactor = Redactor()
    assert redactor.redact("the value Zx81-late") == "the value Zx81-late"
    redactor.add_secret("Zx81-late")
    assert redactor.redact("the value Zx81-late") == f"the value {MASK}"
    assert redactor.secret_count == 1


def test_too_short_secrets_are_not_registered_as_literals() -> None:
    redactor = Redactor(["abc", ""])
    assert redactor.secret_count == 0
    assert redactor.redact("abc is a word") == "abc is a word"


def test_pem_block_body_is_masked_across_lines() -> None:
    redact = Redactor().line_redactor()
    lines = [
        "before",
        "-----BEGIN RSA PRIVATE KEY-----",
        "MIIEowIBAAKCAQEA1",
        "q2x0Zm9vYmFy",
        "-----END RSA PRIVATE KEY-----",
        "after",
    ]
    assert [redact(line) for line in lines] == [
        "before",
        "-----BEGIN RSA PRIVATE KEY-----",
        MASK,
        MASK,
        f"{MASK}-----END RSA PRIVATE KEY-----",
        "after",
    ]


def test_secrets_manager_output_loses_its_secret(samples: Path) -> None:
    text = (samples / "secretsmanager_get_secret_value.json").read_text()
    password = json.loads(json.loads(text)["SecretString"])["password"]
    redacted = "\n".join(Redactor().redact(line) for line in text.splitlines())
    assert password not in redacted
    assert '"Name": "acme-mocm-prod/valkey/fusion"' in redacted


def test_values_file_keeps_key_names_but_not_passwords(samples: Path) -> None:
    lines = (samples / "values_prev.yaml").read_text().splitlines()
    redacted = [Redactor().redact(line) for line in lines]
    passwords = [line.split('"')[1] for line in lines if "password:" in line and '""' not in line]
    assert len(passwords) == 3
    for password in passwords:
        assert all(password not in line for line in redacted)
    assert sum("password:" in line for line in redacted) == 4
    # Everything else is untouched.
    assert [a for a, b in zip(lines, redacted, strict=True) if a != b] == [
        line for line in lines if any(p in line for p in passwords)
    ]


def test_new_template_is_unchanged(samples: Path) -> None:
    text = (samples / "values_new_template.yaml").read_text()
    redactor = Redactor()
    assert [redactor.redact(line) for line in text.splitlines()] == text.splitlines()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (BARE_KEY, MASK),  # a bare key: no trigger word on the line
        (f"  {BARE_KEY}", f"  {MASK}"),
        (f"export X={BARE_KEY}", f"export X={MASK}"),
        (f"X={BARE_KEY}", f"X={MASK}"),
        (f"env: [{BARE_KEY}]", f"env: [{MASK}]"),
        # inside escaped JSON, as a SecretString holds it
        (r"{\"password\": \"Vq8#nT2!eL6\"}", rf"{{\"password\": \"{MASK}\"}}"),
        (
            r'"SecretString": "{\"username\":\"admin\",\"password\":\"Vq8nT2eL6rW4z\"}"',
            f'"SecretString": "{MASK}"',
        ),
        (
            r"{\"user\":\"admin\",\"db_password\":\"a b,c\"}",
            rf"{{\"user\":\"admin\",\"db_password\":\"{MASK}\"}}",
        ),
    ],
)
def test_secrets_without_a_telling_key_or_inside_escaped_json_are_masked(
    line: str, expected: str
) -> None:
    assert Redactor().redact(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        BARE_KEY.lower(),  # no capitals: a word or a digest, not a key
        BARE_KEY.upper(),
        "abcdefghijABCDEFGHIJabcdefghijABCDEFGHIJ",  # no digit
        f"{BARE_KEY}A",  # 41 characters: not a key
        f"A{BARE_KEY}",
        f"{BARE_KEY}==",  # base64 padding: a longer encoded value, not a key
    ],
)
def test_forty_character_runs_that_are_not_keys_stay(line: str) -> None:
    assert Redactor().redact(line) == line


def test_a_secret_that_starts_with_another_is_masked_whole() -> None:
    for order in (["hunter22", "hunter22-longer-tail"], ["hunter22-longer-tail", "hunter22"]):
        redactor = Redactor(order)
        assert redactor.redact("pw hunter22-longer-tail end") == f"pw {MASK} end"
        assert redactor.redact("pw hunter22 end") == f"pw {MASK} end"
        assert redactor.secret_count == 2


def test_four_character_secrets_are_masked_three_are_too_short() -> None:
    redactor = Redactor(["Zq9!", "abc", "  "])
    assert redactor.redact("the code is Zq9! here") == f"the code is {MASK} here"
    assert redactor.redact("abc is a word") == "abc is a word"
    assert redactor.secret_count == 1


def test_registered_secret_is_stripped_and_registered_once() -> None:
    redactor = Redactor(["  s3cr3t-value\n"])
    redactor.add_secret("s3cr3t-value")
    assert redactor.secret_count == 1
    assert redactor.redact("x s3cr3t-value y") == f"x {MASK} y"
    # Its JSON-escaped form is a second form of the same secret.
    redactor.add_secret('q"uote')
    assert redactor.secret_count == 3


def test_known_secret_is_masked_on_a_line_without_any_trigger_word() -> None:
    redactor = Redactor(["Vq8#nT2!eL6"])
    assert redactor.redact("connecting with Vq8#nT2!eL6") == f"connecting with {MASK}"


def test_credentials_in_a_url_and_sessions_are_masked_and_the_rest_kept() -> None:
    redactor = Redactor()
    assert redactor.redact("git clone https://bob:pa55@git.example/x.git") == (
        f"git clone https://bob:{MASK}@git.example/x.git"
    )
    assert redactor.redact("see https://git.example/x.git") == "see https://git.example/x.git"
    token = "FwoGZXIvYXdzEBaaDOExampleSessionToken0123"
    assert redactor.redact(f"AWS_SESSION_TOKEN {token}") == f"AWS_SESSION_TOKEN {MASK}"
    assert redactor.redact("Basic dXNlcjpwYXNzd29yZA==") == f"Basic {MASK}"
    assert redactor.redact("Basic auth is off") == "Basic auth is off"


def test_line_redactor_after_a_pem_block_redacts_normally_again() -> None:
    redact = Redactor(["hunter22"]).line_redactor()
    assert redact("key: -----BEGIN PRIVATE KEY-----") == "key: -----BEGIN PRIVATE KEY-----"
    assert redact("hunter22 inside") == MASK
    assert redact("-----END PRIVATE KEY----- hunter22") == f"{MASK}-----END PRIVATE KEY----- {MASK}"
    assert redact("plain line hunter22") == f"plain line {MASK}"
    assert (
        redact("x -----BEGIN A-----y-----END A----- z")
        == f"x -----BEGIN A-----{MASK}-----END A----- z"
    )
