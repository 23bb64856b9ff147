"""Evaluation of python-hcl2 values in one scope (variables, locals, each, count, resources)."""

from __future__ import annotations

from typing import Any

from tui.sandbox.tofu.expr import (
    UNKNOWN,
    Resolver,
    Unsupported,
    balanced,
    object_key,
    read_interpolation,
    to_string,
    tokenize,
    unescape,
)
from tui.sandbox.tofu.exprparse import Parser


class BlockDict(dict[str, Any]):
    """A nested block's body: compared with state as a subset (providers add computed fields)."""


class Evaluator:
    """Evaluates python-hcl2 values in one scope (variables, locals, each, count, resources)."""

    def __init__(self, resolve: Resolver, scope: dict[str, Any]) -> None:
        self.resolve = resolve
        self.scope = scope

    def with_scope(self, **extra: Any) -> Evaluator:
        """The same evaluator with `each`/`count` bound."""
        return Evaluator(self.resolve, {**self.scope, **extra})

    def value(self, raw: Any) -> Any:
        """The value of one python-hcl2 attribute value."""
        if isinstance(raw, str):
            if raw.startswith("${") and raw.endswith("}") and balanced(raw[2:-1]):
                return self.expression(raw[2:-1])
            if len(raw) >= 2 and raw[0] == raw[-1] == '"':
                return self.template(raw[1:-1])
            return self.expression(raw)
        if isinstance(raw, list):
            return [self.value(item) for item in raw]
        if isinstance(raw, dict):
            kind = BlockDict if raw.get("__is_block__") else dict
            return kind(
                (object_key(k), self.value(v)) for k, v in raw.items() if not k.startswith("__")
            )
        return raw

    def template(self, body: str) -> Any:
        """A quoted string with `${…}` interpolations."""
        if "%{" in body.replace("%%{", ""):
            return UNKNOWN
        parts: list[Any] = []
        i = 0
        literal = ""
        while i < len(body):
            if body.startswith("$${", i):
                literal += "${"
                i += 3
                continue
            if body.startswith("${", i):
                inner, end = read_interpolation(body, i + 2)
                parts.append(unescape(literal))
                literal = ""
                parts.append(self.expression(inner))
                i = end
                continue
            literal += body[i]
            i += 1
        parts.append(unescape(literal))
        if len(parts) == 3 and parts[0] == "" and parts[2] == "":
            return parts[1]  # "${x}" keeps x's type, as in HCL
        if any(p is UNKNOWN for p in parts):
            return UNKNOWN
        return "".join(to_string(p) for p in parts)

    def expression(self, text: str) -> Any:
        """The value of an expression's text, or UNKNOWN."""
        try:
            parser = Parser(tokenize(text), self)
            result = parser.conditional()
            if parser.pos != len(parser.tokens):
                raise Unsupported(text)
            return result
        except Unsupported:
            return UNKNOWN
