"""Redaction of secrets in command output, before it reaches a screen or a transcript.

Two sources of truth:

* **Known secret values** registered at run time (a password read from Secrets
  Manager, a ``password:`` from values.yaml). Every occurrence is masked, in its
  raw form and in its JSON-escaped form.
* **Patterns**, for secrets nobody told us about:

  - ``key: value``, ``key = "value"``, ``key=value``, ``"key": "value"`` (also
    inside escaped JSON such as ``SecretString``) where the *key ends with* a
    secret word: password, passwd, passphrase, secret, token, api_key/apikey,
    access_key, secret_key, private_key, credential(s), auth, authorization,
    secret_string, secret_binary (any case, ``_``/``-``/camelCase).
  - ``Bearer``/``Basic`` credentials, credentials in URLs (``scheme://user:pw@``),
    AWS secret access keys (40 base64 characters mixing cases and digits),
    AWS session tokens, PEM blocks (body masked, BEGIN/END lines kept).

The key rule is "ends with", not "contains", so that names which only *point*
at a secret stay readable: ``secretsManagerId``, ``passwordKey``,
``authSource``, ``existingSecretName``, ``aws_access_key_id``. Values that carry
no secret are left alone even under a secret key: empty strings, ``[]``, ``{}``,
``null``, ``~``, booleans, placeholders such as ``< REPLACE_VALUE_X >``, and
``(sensitive value)`` (already masked by tofu). Unquoted values are masked to the
end of the line (up to a `` #`` comment), so a multi-word secret never leaks its tail.
"""

from __future__ import annotations

import json
import re
import string
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate

MASK = "••••••"

# Shorter literals would mask ordinary words everywhere; the key patterns still catch them.
MIN_SECRET_LENGTH = 4
# Up to this many secret forms, a chunk is searched with str.find per form (~0.5 ns a
# character each) rather than with their regex (~4 ns a character for a few forms).
FIND_FORMS = 8

_SECRET_WORD = (
    r"(?:pass(?:word|wd|phrase)|secret(?:[_-]?(?:key|string|binary))?|token"
    r"|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth(?:orization)?)s?"
)
_KEY = rf"(?P<key>(?:\\?[\"'])?[\w.-]*?{_SECRET_WORD}(?:\\?[\"'])?)"
_SEP = r"(?P<sep>[ \t]*(?:=>|:|=)[ \t]*)"
_VALUE = (
    r"(?P<val>"
    r"\\\"(?P<esc>.*?)\\\""  # a value inside escaped JSON: \"...\"
    r"|\"(?P<dq>(?:[^\"\\]|\\.)*)\""
    r"|'(?P<sq>[^']*)'"
    r"|(?P<bare>[^\s\"',;{}\[\]][^,;{}\"']*?)(?=[ \t]+\#|[ \t]*[,;}\]\"']|[ \t]*$)"
    r")"
    r"(?:[ \t]*->[ \t]*\"(?P<after>(?:[^\"\\]|\\.)*)\")?"  # tofu diff: "old" -> "new"
)
# Not after an account id: ``arn:aws:secretsmanager:…:123456789012:secret:name`` is a name.
_KEY_VALUE = rf"(?<![\w.-])(?<!\d{{12}}:){_KEY}{_SEP}{_VALUE}"
_BEARER = r"(?P<scheme>\b(?:Bearer|Basic)[ \t]+)(?P<cred>[A-Za-z0-9._~+/=-]{8,})"
_URL_CREDENTIAL = r"(?P<url>://[^/\s:@]+:)(?P<urlpw>[^@\s/]+)(?=@)"
_AWS_SESSION_TOKEN = r"(?P<sts>\b(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9/+=]{20,})"
# Not after "=": that is an assignment (``export X=<key>``); padding only ends base64.
_AWS_SECRET_KEY = r"(?<![A-Za-z0-9/+])(?P<awskey>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
_PEM_INLINE = (
    r"(?P<pembegin>-----BEGIN [A-Z0-9 ]+-----)(?P<pembody>.*?)(?P<pemend>-----END [A-Z0-9 ]+-----)"
)

_PATTERNS = re.compile(
    "|".join(
        (_PEM_INLINE, _KEY_VALUE, _BEARER, _URL_CREDENTIAL, _AWS_SESSION_TOKEN, _AWS_SECRET_KEY)
    ),
    re.IGNORECASE,
)
# Cheap first look: most lines contain none of these and skip the big pattern.
# (Searched in the lowercased line: an IGNORECASE alternation is ~10x slower.)
_TRIGGER_WORD_LIST = (
    "pass", "secret", "token", "key", "cred", "auth",
    "bearer", "basic", "://", "-----", "iqoj", "fwog",
)  # fmt: skip
_TRIGGER_WORDS = re.compile("|".join(map(re.escape, _TRIGGER_WORD_LIST)))
_TRIGGER_RUN = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}")
# The same look over a whole chunk of ASCII lines at once (see ``Redactor.suspect_spans``):
# each word in the lowercased bytes; a run of 40 key characters as 40 "a"s in the bytes
# translated to "a" (a key character), "\n" (kept) or " " (anything else).
_TRIGGER_WORDS_BYTES = tuple(word.encode("ascii") for word in _TRIGGER_WORD_LIST)
_RUN_CHARACTERS = frozenset((string.ascii_letters + string.digits + "/+").encode("ascii"))
_RUN_TABLE = bytes(
    ord("a") if byte in _RUN_CHARACTERS else byte if byte == ord("\n") else ord(" ")
    for byte in range(256)
)
_RUN_BYTES = b"a" * 40
_HARMLESS_VALUE = re.compile(
    r"\s*(?:|\[\]|\{\}|null|none|nil|~|true|false|\(sensitive(?: value)?\)|<[^<>]*>)\s*",
    re.IGNORECASE,
)
_PEM_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]+-----")
_PEM_END = re.compile(r"-----END [A-Z0-9 ]+-----")


def _looks_like_aws_secret_key(candidate: str) -> bool:
    # Hex digests and plain words are 40 chars too; a real key mixes cases and digits.
    return (
        any(c.isupper() for c in candidate)
        and any(c.islower() for c in candidate)
        and any(c.isdigit() for c in candidate)
    )


def _mask_spans(match: re.Match[str], groups: Iterable[str]) -> str:
    """The match's text with the named groups' contents masked (harmless values kept)."""
    text = match.group(0)
    offset = match.start(0)
    spans = []
    for group in groups:
        inner = match.group(group)
        if inner is not None and not _HARMLESS_VALUE.fullmatch(inner):
            spans.append(match.span(group))
    for start, end in sorted(spans, reverse=True):
        text = text[: start - offset] + MASK + text[end - offset :]
    return text


def _mask_match(match: re.Match[str]) -> str:
    if match.group("pembegin") is not None:
        return f"{match.group('pembegin')}{MASK}{match.group('pemend')}"
    if match.group("key") is not None:
        return _mask_spans(match, ("esc", "dq", "sq", "bare", "after"))
    if match.group("cred") is not None:
        return f"{match.group('scheme')}{MASK}"
    if match.group("urlpw") is not None:
        return f"{match.group('url')}{MASK}"
    if match.group("sts") is not None:
        return MASK
    text = match.group(0)
    return MASK if _looks_like_aws_secret_key(text) else text


class Redactor:
    """Masks known secret values and secret-looking patterns in text.

    One Redactor is shared by everything that shows or stores command output;
    secrets learnt at run time are added with :meth:`add_secret`.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._literal: re.Pattern[str] | None = None
        self._forms: tuple[str, ...] = ()  # the forms in _literal, for suspect_spans
        for secret in secrets:
            self.add_secret(secret)

    def add_secret(self, value: str) -> None:
        """Register a secret value; it is masked wherever it appears from now on.

        Values shorter than ``MIN_SECRET_LENGTH`` characters are not registered as
        literals (they would mask ordinary words); key patterns still mask them.
        """
        value = value.strip()
        if len(value) < MIN_SECRET_LENGTH:
            return
        forms = {value, json.dumps(value)[1:-1]}
        if forms <= self._secrets:
            return
        self._secrets |= forms
        ordered = sorted(self._secrets, key=len, reverse=True)
        # Each swapped in one assignment: a reader on another thread sees old or new, never
        # half (a reader of both may see one of each: either holds old or new secrets).
        self._literal = re.compile("|".join(re.escape(s) for s in ordered))
        self._forms = tuple(ordered)

    @property
    def secret_count(self) -> int:
        """How many distinct secret forms are registered (for diagnostics, never the values)."""
        return len(self._secrets)

    def redact(self, text: str) -> str:
        """Return ``text`` with every known secret and secret-looking value masked."""
        literal = self._literal
        if literal is not None:
            text = literal.sub(MASK, text)
        # The first look is for ASCII text: the patterns ignore case as Unicode does
        # ("ſecret" is "secret" to them), lowercasing does not ("ſ" stays "ſ").
        if (
            text.isascii()
            and _TRIGGER_WORDS.search(text.lower()) is None
            and _TRIGGER_RUN.search(text) is None
        ):
            return text
        return _PATTERNS.sub(_mask_match, text)

    def suspect_spans(self, text: str) -> list[tuple[int, int]] | None:
        """Where ``text`` (lines joined with "\\n") may hold a secret; None: look everywhere.

        Every line on which ``redact`` could change anything overlaps a span: the line
        holds a known secret, a trigger word or a run of 40 key characters (the same
        first look ``redact`` takes, over the whole text at once: C-speed searches,
        not a regex step per character). A line no span touches comes out of
        ``redact`` unchanged. Text that is not all ASCII gets None (lowercasing could
        move positions or make a trigger word: look at every line then).
        """
        if not text.isascii():
            return None
        spans: list[tuple[int, int]] = []
        literal, forms = self._literal, self._forms
        if len(forms) <= FIND_FORMS:  # each form found where it is: no regex step a character
            for form in forms:
                at = text.find(form)
                while at >= 0:
                    spans.append((at, at + len(form)))
                    at = text.find(form, at + 1)
        elif literal is not None:
            spans.extend(match.span() for match in literal.finditer(text))
        data = text.encode("ascii")
        lowered = data.lower()
        for word in _TRIGGER_WORDS_BYTES:  # a find per word: faster than one regex
            at = lowered.find(word)
            while at >= 0:
                spans.append((at, at + len(word)))
                at = lowered.find(b"\n", at) + 1  # one hit is enough: the next line
                if at == 0:
                    break
                at = lowered.find(word, at)
        runs = data.translate(_RUN_TABLE)
        at = runs.find(_RUN_BYTES)
        while at >= 0:
            spans.append((at, at + len(_RUN_BYTES)))
            at = runs.find(b"\n", at) + 1
            if at == 0:
                break
            at = runs.find(_RUN_BYTES, at)
        return spans

    def line_redactor(self) -> LineRedactor:
        """A redactor for one stream of lines, which also masks multi-line PEM bodies."""
        return LineRedactor(self)


class LineRedactor:
    """Redacts one stream line by line, remembering whether it is inside a PEM block."""

    def __init__(self, redactor: Redactor) -> None:
        self._redactor = redactor
        self._in_pem = False

    def __call__(self, line: str) -> str:
        """Return ``line`` redacted; lines inside a PEM block become the mask."""
        if self._in_pem:
            end = _PEM_END.search(line)
            if end is None:
                return MASK
            self._in_pem = False
            return MASK + self._redactor.redact(line[end.start() :])
        redacted = self._redactor.redact(line)
        begin = _PEM_BEGIN.search(redacted)
        if begin is not None and _PEM_END.search(redacted, begin.end()) is None:
            self._in_pem = True
            return redacted[: begin.end()]
        return redacted

    def lines(self, lines: Sequence[str]) -> list[str]:
        """``[self(line) for line in lines]``, with the same result, faster for a chunk.

        One look over the whole chunk (``Redactor.suspect_spans``) finds the lines that
        may hold a secret; only those, and the lines of a PEM block begun on one of them,
        go through the line-by-line redaction. Every other line would come out of it
        unchanged, so it is kept as it is.
        """
        if not lines:
            return []
        spans = self._redactor.suspect_spans("\n".join(lines))
        if spans is None:
            return [self(line) for line in lines]
        if not spans and not self._in_pem:
            return list(lines)
        starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
        suspects: set[int] = set()
        for start, end in spans:
            first = bisect_right(starts, start) - 1
            suspects.update(range(first, bisect_right(starts, max(start, end - 1))))
        redacted = list(lines)
        marked = iter(sorted(suspects))
        count = len(lines)
        at = 0 if self._in_pem else next(marked, count)
        while at < count:
            redacted[at] = self(lines[at])
            if self._in_pem:  # inside a PEM block: every line until its end
                at += 1
                continue
            following = next(marked, count)
            while following <= at:
                following = next(marked, count)
            at = following
        return redacted
