"""A small evaluator for the HCL values python-hcl2 hands back.

python-hcl2 keeps string quotes (`'"redis"'`) and wraps expressions as `"${…}"`.
Literals, `var.*`, `local.*`, `each.*`, `count.index`, references to other
resources and a few functions are evaluated; anything else is UNKNOWN
("known after apply"), exactly where real tofu could not know it either.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any


class _Unknown:
    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


class Unsupported(Exception):
    """Syntax the model does not evaluate: the value becomes UNKNOWN."""


def contains_unknown(value: Any) -> bool:
    """True when the value or any part of it is unknown."""
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


Resolver = Callable[[str, list[Any]], Any]

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<str>")
  | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||=>|\.\.\.|[-+*/%<>!?:.,\[\](){}=])
    )""",
    re.VERBOSE,
)


def _read_string(text: str, pos: int) -> tuple[str, int]:
    """The raw body of a quoted string starting after `"`; nested `${}` kept."""
    depth = 0
    i = pos
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if text.startswith("${", i) or text.startswith("%{", i):
            depth += 1
            i += 2
            continue
        if ch == "}" and depth:
            depth -= 1
        elif ch == '"' and not depth:
            return text[pos:i], i + 1
        i += 1
    raise Unsupported("unterminated string")


def tokenize(text: str) -> list[tuple[str, str]]:
    """Tokens of one HCL expression."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            raise Unsupported(f"cannot read {text[pos:]!r}")
        kind = match.lastgroup or ""
        if kind == "str":
            body, pos = _read_string(text, match.end())
            tokens.append(("str", body))
            continue
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPES:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "{"
        depth -= ch == "}"
        if depth < 0:
            return False
    return depth == 0


def read_interpolation(body: str, start: int) -> tuple[str, int]:
    depth = 1
    i = start
    in_string = False
    while i < len(body):
        ch = body[i]
        if in_string:
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return body[start:i], i + 1
        i += 1
    raise Unsupported("unterminated interpolation")


def object_key(key: str) -> str:
    if len(key) >= 2 and key[0] == key[-1] == '"':
        return unescape(key[1:-1])
    return key


def to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | str):
        return str(value)
    raise Unsupported("not a string")


def to_number(value: Any) -> Any:
    """HCL's string-to-number conversion."""
    if isinstance(value, bool):
        raise Unsupported("bool is not a number")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError as exc:
            raise Unsupported("not a number") from exc
        return int(number) if number.is_integer() else number
    raise Unsupported("not a number")
