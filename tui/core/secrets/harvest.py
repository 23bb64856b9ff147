"""Secret values found in a loaded values tree, by what their keys mean (``mask``'s rule).

Registered with the Redactor at start-up, so a password typed in values.yaml is
masked wherever it shows later (a log, a tool's error, the journal), whatever
the line around it looks like. Beyond ``mask``'s rule it finds:

* every item of a list under a secret key (``passwords: [- …]``);
* Kubernetes-style entries ``{name: SMTP_PASS, value: …}``;
* ``NAME=value`` and ``name: value`` lines inside text values (env blocks, config files);
* the password of a URL with credentials (``scheme://user:password@host``);
* ``PASS``/``PW`` as a word of an environment-style name (``SMTP_PASS``, ``DB_PW``).

Booleans, nulls and placeholders are never secrets; numbers under a secret key are. A
value that names a key of the same file, or is a secret word itself (``passwordKey:
password``: the key inside a Kubernetes Secret), is a reference: registering it would mask
the file's own keys and every sentence that says "password".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tui.core.secrets.mask import (
    GROUPING_KEYS,
    REFERENCE_WORDS,
    SECRET_WORDS,
    key_looks_secret,
    key_words,
)

ENV_SECRET_WORDS = frozenset({"pass", "pw"})
_ASSIGNMENT = re.compile(
    r"""^\s*(?:export\s+|-\s+)?["']?(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[=:]\s*(?P<value>\S.*?)\s*$"""
)
_URL_CREDENTIALS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]+:(?P<password>[^\s@/]+)@")


def name_looks_secret(name: object) -> bool:
    """``mask``'s rule for a key, plus ``PASS``/``PW`` words of environment-style names."""
    if key_looks_secret(name):
        return True
    if not isinstance(name, str):
        return False
    words = key_words(name)
    return bool(words) and words[-1] not in REFERENCE_WORDS and bool(ENV_SECRET_WORDS & set(words))


def secrets_in_tree(tree: Any, placeholder: re.Pattern[str] | None = None) -> list[str]:
    """Every secret value in a parsed values tree, once each, in the order found."""
    found: dict[str, None] = {}
    references = _key_names(tree) | SECRET_WORDS
    for value in _candidates(tree):
        text = _unquoted(value)
        if not text or text.lower() in references:
            continue
        if not (placeholder is not None and placeholder.fullmatch(text)):
            found.setdefault(text, None)
    return list(found)


def _key_names(tree: Any) -> set[str]:
    """Every mapping key of the tree, lower-cased (iterative, like the walk below)."""
    names: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            names.update(key.lower() for key in node if isinstance(key, str))
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
    return names


def _candidates(tree: Any) -> Iterator[str]:
    # iterative: the tree comes from a file we did not write
    stack: list[tuple[Any, bool]] = [(tree, False)]
    while stack:
        node, secret = stack.pop()
        if isinstance(node, dict):
            entry = _named_entry(node)
            if entry is not None:
                yield entry
            children = []
            for key, value in node.items():
                grouping = isinstance(key, str) and key.lower() in GROUPING_KEYS
                if grouping and isinstance(value, dict | list):  # groups hosts and ports too
                    children.append((value, secret))
                else:
                    children.append((value, secret or name_looks_secret(key)))
            stack.extend(reversed(children))  # popped in the file's order
        elif isinstance(node, list | tuple):
            stack.extend((item, secret) for item in reversed(node))
        elif isinstance(node, bool) or node is None:
            continue
        elif secret and isinstance(node, int | float | str):
            yield str(node)
            if isinstance(node, str) and "\n" in node.strip():  # a key's lines show one by one
                yield from node.splitlines()
        if isinstance(node, str):
            yield from _in_text(node)


def _named_entry(node: dict[Any, Any]) -> str | None:
    """The value of ``{name: SMTP_PASS, value: …}`` (Kubernetes env entries and the like)."""
    name, value = node.get("name"), node.get("value")
    if (
        name_looks_secret(name)
        and isinstance(value, str | int | float)
        and not isinstance(value, bool)
    ):
        return str(value)
    return None


def _in_text(text: str) -> Iterator[str]:
    for line in text.splitlines():
        found = _ASSIGNMENT.match(line)
        if found is not None and name_looks_secret(found["name"]):
            yield found["value"]
    for found in _URL_CREDENTIALS.finditer(text):
        yield found["password"]


def _unquoted(value: str) -> str:
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    return text
