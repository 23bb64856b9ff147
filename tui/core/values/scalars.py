"""Scalar values of a values.yaml: quoting style on port, typed text on edit, one-line rendering."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    ScalarString,
    SingleQuotedScalarString,
)

from tui.core.errors import MocmError
from tui.core.values.doc import dump_text, make_yaml

STR_TAG = "tag:yaml.org,2002:str"
# Spellings YAML 1.1 readers (Helm's Go YAML among them) turn into booleans, octals or sexagesimals.
_YAML11_AMBIGUOUS = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?0[0-7_]+"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$"
)
_PLAIN_SAFE = re.compile(r"^[A-Za-z0-9_./@=+$^()<][^#:\n\t]*$")
_resolver = VersionedResolver()


class ValueEditRefused(MocmError):
    """The operator's edit or port cannot be applied (the reason says why)."""


def resolves_to_str(text: str, yaml11: bool = True) -> bool:
    """Whether ``text`` written plain is read back as the same string (by YAML 1.2 and,
    unless ``yaml11`` is False, by YAML 1.1 too)."""
    tag = str(_resolver.resolve(ScalarNode, text, (True, False)))
    return tag == STR_TAG and not (yaml11 and _YAML11_AMBIGUOUS.match(text))


def plain_is_safe(text: str) -> bool:
    """Whether a string may be written without quotes and read back unchanged."""
    return (
        bool(text)
        and text == text.strip()
        and _PLAIN_SAFE.match(text) is not None
        and " #" not in text
        and resolves_to_str(text)
    )


def styled_for_target(value: Any, target: Any) -> Any:
    """A copy of ``value`` to put where ``target`` is, keeping the target's quoting when sensible.

    Strings take the target's quote style if the target was quoted; otherwise they keep
    their own, and a string that would read back as another type is double-quoted.
    """
    if isinstance(value, str):
        text = str(value)
        if isinstance(target, DoubleQuotedScalarString | SingleQuotedScalarString):
            if isinstance(target, SingleQuotedScalarString) and "\n" not in text:
                return SingleQuotedScalarString(text)
            return DoubleQuotedScalarString(text)
        if isinstance(value, ScalarString):
            return copy.deepcopy(value)
        return text if plain_is_safe(text) else DoubleQuotedScalarString(text)
    return _faithful_floats(copy.deepcopy(value))


def _faithful_floats(node: Any) -> Any:
    """Replace, in place and below, every ScalarFloat that would not read back equal."""
    if isinstance(node, float) and type(node) is not float:
        return _faithful_float(node)
    if isinstance(node, CommentedMap):
        for key in node:
            node[key] = _faithful_floats(node[key])
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            node[i] = _faithful_floats(item)
    return node


def _faithful_float(value: float) -> float:
    """ruamel's ScalarFloat keeps its written form but can lose a digit: fall back to float."""
    try:
        again = make_yaml().load(dump_text(make_yaml(), {"v": value}))["v"]
    except YAMLError:
        return float(value)
    return copy.deepcopy(value) if float(again) == float(value) else float(value)


def parse_typed_value(text: str, target: Any) -> Any:
    """The value the operator typed, as YAML would read one scalar, refusing anything else.

    A target that holds a string stays a string (``10.6`` typed over ``"10.5"`` is the
    string ``"10.6"``); explicit quotes always make a string; otherwise YAML's type rules.
    """
    if "\n" in text or "\r" in text:
        raise ValueEditRefused("a value typed here must fit on one line")
    stripped = text.strip()
    quoted = len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "\"'"
    if quoted:
        try:
            value = make_yaml().load(f"v: {stripped}\n")["v"]
        except YAMLError as exc:
            raise ValueEditRefused(f"{stripped} is not a valid quoted string") from exc
        if not isinstance(value, str):
            raise ValueEditRefused(f"{stripped} is not a single quoted string")
        cls = DoubleQuotedScalarString if stripped[0] == '"' else SingleQuotedScalarString
        return cls(str(value))
    if isinstance(target, str):
        return styled_for_target(stripped, target)
    if stripped == "":
        return None
    if stripped[0] in "[{&*!|>%@`" or stripped.startswith("- "):
        raise ValueEditRefused(
            f"{stripped} is not a single value; quote it to keep it as text",
        )
    if resolves_to_str(stripped):
        return styled_for_target(stripped, target)
    try:
        value = make_yaml().load(f"v: {stripped}\n")["v"]
    except YAMLError as exc:
        raise ValueEditRefused(
            f"{stripped} is not a valid value: quote it to keep it as text"
        ) from exc
    if isinstance(value, CommentedMap | CommentedSeq):
        raise ValueEditRefused(f"{stripped} is not a single value; quote it to keep it as text")
    return value


def render_scalar(value: Any) -> str | None:
    """The one-line YAML text of a scalar as it would be written after ``key: ``, or None."""
    if isinstance(value, CommentedMap | CommentedSeq | dict | list):
        return None
    if isinstance(value, DoubleQuotedScalarString):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, SingleQuotedScalarString):
        text = str(value)
        return None if "\n" in text else "'" + text.replace("'", "''") + "'"
    if isinstance(value, str) and type(value) is str:
        return value if plain_is_safe(value) else json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    rendered = dump_text(make_yaml(), {"v": value})
    if not rendered.startswith("v: ") or rendered.count("\n") != 1:
        return None
    return rendered[3:-1]
