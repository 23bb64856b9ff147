"""Which values.yaml keys look secret, and how a secret value is shown.

The rule (documented for operators in the module so the screen and the CLIs agree):

* A key is split into lower-case words (``camelCase``, ``snake_case``, ``kebab-case``,
  dots and slashes all separate words): ``existingSecret`` -> ``existing secret``.
* If its **last** word names a reference to a secret rather than the secret itself
  (``name``, ``id``, ``arn``, ``ref``, ``prefix``, ``enabled``, ``file``, ``path`` ...) it is
  not secret: ``secretName``, ``secretsManagerId``, ``keyPrefix``, ``tokenTtl`` stay visible.
* Otherwise it is secret when any word is one of ``password``, ``passwd``, ``pwd``,
  ``passphrase``, ``secret(s)``, ``token(s)``, ``credential(s)``, ``key``, ``apikey``,
  ``privatekey``, ``dsn``: ``password``, ``productKey``, ``apiKey``, ``tls.key``.
  ``passwordKey`` (the name of an entry inside a Kubernetes Secret) is masked too:
  when in doubt we mask, since a needless mask costs a key press and a leak costs more.
* A value is secret when its own key looks secret, or when an enclosing key does
  (``existingSecret: {name: ...}``) — except the grouping key ``credentials`` itself,
  which in charts groups host names and ports as well as passwords.
* The value's type counts too: a boolean, a number or null is never a secret
  (``auth.usePasswordFiles: true``, ``redis.port: 6379`` under ``credentials``);
  text, and a list holding text, is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

MASK = "••••••"

SECRET_WORDS = frozenset(
    {
        "password",
        "passwords",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "tokens",
        "credential",
        "credentials",
        "key",
        "apikey",
        "privatekey",
        "dsn",
    }
)
REFERENCE_WORDS = frozenset(
    {
        "name",
        "names",
        "id",
        "arn",
        "ref",
        "prefix",
        "suffix",
        "enabled",
        "file",
        "files",
        "path",
        "paths",
        "length",
        "ttl",
        "class",
        "type",
        "policy",
        "mode",
        "format",
        "version",
        "selector",
        "annotations",
        "labels",
    }
)
GROUPING_KEYS = frozenset({"credentials"})

_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def key_words(key: object) -> list[str]:
    """Lower-case words of a key: ``secretsManagerId`` -> ``['secrets', 'manager', 'id']``."""
    return [w.lower() for w in _WORD_SPLIT.split(str(key)) if w]


def key_looks_secret(key: object) -> bool:
    """Whether a single key names a secret value (see the module rule)."""
    return isinstance(key, str) and _text_key_looks_secret(key)


@lru_cache(maxsize=8192)  # a values file repeats its keys; the merge asks for each path
def _text_key_looks_secret(key: str) -> bool:
    words = key_words(key)
    if not words or words[-1] in REFERENCE_WORDS:
        return False
    return any(word in SECRET_WORDS for word in words)


def path_is_secret(path: Iterable[object]) -> bool:
    """Whether the value at a key path is secret: its key or an enclosing key looks secret."""
    segments = [seg for seg in path if isinstance(seg, str)]
    if not segments:
        return False
    if key_looks_secret(segments[-1]):
        return True
    return any(key_looks_secret(seg) and seg.lower() not in GROUPING_KEYS for seg in segments[:-1])


def value_can_be_secret(value: object) -> bool:
    """Whether a value of this type can hold a secret: text, or a container holding text."""
    stack = [value]
    while stack:  # iterative: values come from files we did not write
        node = stack.pop()
        if isinstance(node, str):
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return False


def value_is_secret(path: Iterable[object], *values: object) -> bool:
    """Whether the value at ``path`` is secret: the key says so and a side can hold text.

    ``values`` are the sides shown together (previous and new): one textual side is enough.
    """
    return path_is_secret(path) and any(value_can_be_secret(v) for v in values)


def shown(value_text: str, secret: bool, placeholder_pattern: re.Pattern[str] | None = None) -> str:
    """The text an operator may see: masked when secret, unless it is only a placeholder."""
    if not secret or value_text in ("", "[]", "{}", "null"):
        return value_text
    only_placeholder = placeholder_pattern is not None and not placeholder_pattern.sub(
        "", value_text
    ).strip(" \"'")
    if only_placeholder:
        return value_text
    return MASK
