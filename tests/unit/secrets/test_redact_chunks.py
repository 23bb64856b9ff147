"""Redacting a chunk of lines at once masks exactly what redacting line by line masks.

``LineRedactor.lines`` looks over a whole chunk first and sends only the lines that may hold
a secret through the line-by-line redaction. These tests hold it to the line-by-line result
for every secret form the redactor knows, wherever the stream is cut into chunks and lines.
"""

from __future__ import annotations

import json

import pytest

from tui.core.exec.line_splitter import LineSplitter
from tui.core.secrets.redact import FIND_FORMS, MASK, Redactor

AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
BARE_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLE9Z1"
KNOWN = 'Kn0wn"secret-value'  # registered; its JSON-escaped form holds a backslash
FILLER = "module.eks.aws_eks_node_group.general[0]: Still modifying... [id=acme:general, 10s]"

# (line, the secret it must not show): one line for each form the redactor masks.
SECRET_LINES = [
    ('    password: "Vq8#nT2!eL6@rW4z"', "Vq8#nT2!eL6@rW4z"),
    ("password: my secret phrase # note", "my secret phrase"),
    ("db_password = 'x1y2z3'", "x1y2z3"),
    ('"client_secret": "abc123def"', "abc123def"),
    ("--db-password=hunter22", "hunter22"),
    ("GITHUB_TOKEN=ghp_abcdef123456", "ghp_abcdef123456"),
    ("  apiKey: 'k-998877'", "k-998877"),
    ("PRIVATE_KEY=pk-112233", "pk-112233"),
    ("credentials = c-445566", "c-445566"),
    ("authorization => z-778899", "z-778899"),
    (f"aws_secret_access_key = {AWS_SECRET}", AWS_SECRET),
    (f"the value {BARE_KEY} here", BARE_KEY),
    (f"export X={BARE_KEY}", BARE_KEY),
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0", "eyJhbGciOiJIUzI1NiJ9"),
    ("Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA"),
    ("url https://admin:s3cr3t@db.example:5432/x", "s3cr3t"),
    ('  ~ token = "old-token-1" -> "new-token-2"', "new-token-2"),
    ("session IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD", "IQoJb3JpZ2luX2VjEJr"),
    ("AWS_SESSION_TOKEN FwoGZXIvYXdzEBaaDOExampleSessionToken0123", "FwoGZXIvYXdzEBaa"),
    (r'"SecretString": "{\"username\":\"admin\",\"password\":\"Vq8nT2eL6rW4z\"}"', "Vq8nT2eL6rW4z"),
    ("x -----BEGIN EC PRIVATE KEY-----MHcCAQEE-----END EC PRIVATE KEY----- y", "MHcCAQEE"),
    (f"connecting with {KNOWN} now", KNOWN),
    (f'{{"value": {json.dumps(KNOWN)}}}', json.dumps(KNOWN)[1:-1]),
]
PEM_BLOCK = [
    "-----BEGIN RSA PRIVATE KEY-----",
    "MIIEowIBAAKCAQEA1pemBodyLineOne",
    "q2x0Zm9vYmFyPemBodyLineTwo",
    "-----END RSA PRIVATE KEY-----",
]
PEM_BODY = ["MIIEowIBAAKCAQEA1pemBodyLineOne", "q2x0Zm9vYmFyPemBodyLineTwo"]
# Lines that look like secrets but are not: they must come out unchanged either way.
HARMLESS = [
    '      passwordKey: "password"',
    "  imagePullSecrets: []",
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    "commit 3c1f9a7e52d44b8e9f06a2d7c4e1b358aabbccdd",
    "  + password = (sensitive value)",
    "see https://git.example/x.git",
]


def stream_lines() -> list[str]:
    """Filler with every secret form, the harmless look-alikes and a PEM block between."""
    lines: list[str] = []
    for number, (line, _) in enumerate(SECRET_LINES):
        lines += [f"{number:04d} {FILLER}", line, f"{FILLER} {number}"]
    lines += [*HARMLESS, "before the block", *PEM_BLOCK, "after the block"]
    return lines + [FILLER] * 5


def line_by_line(lines: list[str]) -> list[str]:
    redact = Redactor([KNOWN]).line_redactor()
    return [redact(line) for line in lines]


def through_chunks(lines: list[str], size: int, line_ending: str = "\n") -> list[str]:
    """The lines as bytes cut every ``size`` bytes, split and redacted chunk by chunk."""
    data = "".join(line + line_ending for line in lines).encode()
    splitter = LineSplitter()
    redact = Redactor([KNOWN]).line_redactor()
    out: list[str] = []
    for at in range(0, len(data), size):
        out += redact.lines(splitter.feed(data[at : at + size]))
    return out


def assert_no_secret(lines: list[str]) -> None:
    text = "\n".join(lines)
    for _, secret in SECRET_LINES:
        assert secret not in text
    for body in PEM_BODY:
        assert body not in text


@pytest.mark.parametrize("size", [1, 2, 3, 7, 40, 64, 101, 512, 2048, 4096, 1 << 16])
def test_every_secret_form_is_masked_wherever_the_chunks_are_cut(size: int) -> None:
    lines = stream_lines()
    redacted = through_chunks(lines, size)
    assert redacted == line_by_line(lines)
    assert_no_secret(redacted)
    assert MASK in redacted[1]


def test_carriage_return_line_endings_are_redacted_the_same() -> None:
    lines = stream_lines()
    assert through_chunks(lines, 97, "\r\n") == line_by_line(lines)


def test_each_secret_line_alone_and_at_each_place_of_a_chunk() -> None:
    for line, secret in SECRET_LINES:
        for before in range(4):
            chunk = [FILLER] * before + [line] + [FILLER] * (3 - before)
            redacted = Redactor([KNOWN]).line_redactor().lines(chunk)
            assert redacted == line_by_line(chunk)
            assert secret not in redacted[before]


def test_harmless_lines_come_out_unchanged() -> None:
    chunk = [FILLER, *HARMLESS, FILLER]
    assert Redactor().line_redactor().lines(chunk) == chunk


def test_a_pem_block_across_chunks_is_masked_until_its_end() -> None:
    redact = Redactor().line_redactor()
    first = redact.lines([FILLER, PEM_BLOCK[0], PEM_BLOCK[1]])
    middle = redact.lines([PEM_BLOCK[2], FILLER])  # still inside: every line is the mask
    last = redact.lines([PEM_BLOCK[3], FILLER])
    assert first == [FILLER, PEM_BLOCK[0], MASK]
    assert middle == [MASK, MASK]
    assert last == [f"{MASK}{PEM_BLOCK[3]}", FILLER]


def test_a_secret_learnt_between_chunks_is_masked_from_the_next_chunk_on() -> None:
    redactor = Redactor()
    redact = redactor.line_redactor()
    assert redact.lines([FILLER, "the value Zx81-late"]) == [FILLER, "the value Zx81-late"]
    redactor.add_secret("Zx81-late")
    assert redact.lines([FILLER, "the value Zx81-late"]) == [FILLER, f"the value {MASK}"]


@pytest.mark.parametrize(
    "line",
    [
        "│ Error: password = hunter22-box",  # tofu's diagnostics box: not ASCII
        "api_\u212aey=hunter22-kelvin",  # a Kelvin sign: "key" only once lowercased
        "naïve password: hunter22-accent",
    ],
)
def test_chunks_that_are_not_ascii_are_redacted_line_by_line(line: str) -> None:
    chunk = [FILLER, line, FILLER]
    redacted = Redactor().line_redactor().lines(chunk)
    assert redacted == [Redactor().line_redactor()(text) for text in chunk]
    assert "hunter22" not in redacted[1]


def test_a_known_secret_holding_a_newline_is_treated_as_line_by_line() -> None:
    redactor = Redactor(["two\nlines-secret", "lines-secret"])
    chunk = [FILLER, "ends with two", "lines-secret starts this", FILLER]
    redact = redactor.line_redactor()
    expected = [redactor.line_redactor()(line) for line in chunk]
    assert redact.lines(chunk) == expected
    assert expected[2] == f"{MASK} starts this"


def test_no_lines_give_no_lines() -> None:
    assert Redactor().line_redactor().lines([]) == []


@pytest.mark.parametrize("count", [1, FIND_FORMS // 2, FIND_FORMS, FIND_FORMS + 3])
def test_known_secrets_are_found_in_a_chunk_however_many_there_are(count: int) -> None:
    """Up to FIND_FORMS forms a chunk is searched form by form, beyond by their regex."""
    secrets = [f"Kn0wn-{number:02d}-value" for number in range(count)]
    redactor = Redactor(secrets)
    overlapping = "Kn0wn-00-value-tail and Kn0wn-00-Kn0wn-00-value"  # one inside another
    chunk = [FILLER, *(f"with {secret} inside" for secret in secrets), overlapping, FILLER]
    redacted = redactor.line_redactor().lines(chunk)
    assert redacted == [redactor.line_redactor()(line) for line in chunk]
    assert redacted[1 : 1 + count] == [f"with {MASK} inside"] * count
    assert not any(secret in "\n".join(redacted) for secret in secrets)


def test_every_trigger_word_marks_its_line_wherever_it_is() -> None:
    """Each word of the first look, alone on a line, at its start, middle and end."""
    words = ["password", "secret", "token", "apikey", "credentials", "auth"]
    chunk = [FILLER]
    for word in words:
        chunk += [f"{word}: hunter22-{word}", f"the {word} = hunter22-{word} x", FILLER]
    chunk += ["Bearer hunter22-bearer", "x Basic hunter22-basic", FILLER]
    chunk += ["url https://u:hunter22-url@h/x", "-----BEGIN X-----hunter22-pem-----END X-----"]
    redacted = Redactor().line_redactor().lines(chunk)
    assert redacted == line_by_line(chunk)
    assert "hunter22" not in "\n".join(redacted)
