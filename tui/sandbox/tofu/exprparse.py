"""Recursive-descent parser/evaluator for the HCL expression subset the model knows."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.sandbox.tofu import gojson
from tui.sandbox.tofu.expr import UNKNOWN, Unsupported, contains_unknown, to_number, to_string

if TYPE_CHECKING:
    from tui.sandbox.tofu.evaluate import Evaluator

_SCOPED_ROOTS = ("var", "local", "each", "count", "path", "terraform")


def _merge(*maps: Any) -> Any:
    out: dict[str, Any] = {}
    for item in maps:
        if not isinstance(item, dict):
            raise Unsupported("merge of a non-object")
        out.update(item)
    return out


def _keys_sorted(value: Any) -> Any:
    """cty objects keep their attributes in name order: jsonencode writes keys sorted."""
    if isinstance(value, dict):
        return {k: _keys_sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_keys_sorted(v) for v in value]
    return value


def _format(fmt: Any, *args: Any) -> str:
    if not isinstance(fmt, str):
        raise Unsupported("format")
    return fmt.replace("%s", "{}").replace("%d", "{}").format(*[to_string(a) for a in args])


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "toset": lambda v: sorted(set(v), key=str) if isinstance(v, list) else _bad(),
    "tolist": lambda v: list(v) if isinstance(v, list) else _bad(),
    "tomap": lambda v: dict(v) if isinstance(v, dict) else _bad(),
    "tostring": to_string,
    "tonumber": to_number,
    "merge": _merge,
    "concat": lambda *ls: [x for lst in ls for x in lst],
    "length": lambda v: len(v),
    "lower": lambda s: str(s).lower(),
    "upper": lambda s: str(s).upper(),
    "join": lambda sep, lst: str(sep).join(to_string(x) for x in lst),
    "format": _format,
    "jsonencode": lambda v: gojson.compact(_keys_sorted(v)),
    "keys": lambda m: sorted(m),
    "sort": lambda v: sorted(v, key=to_string) if isinstance(v, list) else _bad(),
    "values": lambda m: [m[k] for k in sorted(m)],
    "coalesce": lambda *a: next(x for x in a if x not in (None, "")),
}


def _bad() -> Any:
    raise Unsupported("wrong argument type")


class Parser:
    """Parses and evaluates in one pass; raises Unsupported for anything else."""

    def __init__(self, tokens: list[tuple[str, str]], evaluator: Evaluator) -> None:
        self.tokens = tokens
        self.pos = 0
        self.ev = evaluator

    def _peek(self, offset: int = 0) -> tuple[str, str]:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else ("eof", "")

    def _take(self, text: str | None = None) -> tuple[str, str]:
        token = self._peek()
        if token[0] == "eof" or (text is not None and token[1] != text):
            raise Unsupported(f"expected {text}")
        self.pos += 1
        return token

    def _at(self, text: str) -> bool:
        return self._peek()[0] == "op" and self._peek()[1] == text

    def conditional(self) -> Any:
        cond = self._binary(0)
        if not self._at("?"):
            return cond
        self._take("?")
        yes = self.conditional()
        self._take(":")
        no = self.conditional()
        if cond is UNKNOWN:
            return UNKNOWN
        return yes if cond else no

    _LEVELS = (("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%"))

    def _binary(self, level: int) -> Any:
        if level == len(self._LEVELS):
            return self._unary()
        left = self._binary(level + 1)
        while self._peek()[0] == "op" and self._peek()[1] in self._LEVELS[level]:
            op = self._take()[1]
            right = self._binary(level + 1)
            left = _apply(op, left, right)
        return left

    def _unary(self) -> Any:
        if self._at("-") or self._at("!"):
            op = self._take()[1]
            value = self._unary()
            if value is UNKNOWN:
                return UNKNOWN
            return -to_number(value) if op == "-" else not value
        return self._postfix(self._primary())

    def _primary(self) -> Any:
        kind, text = self._take()
        if kind == "num":
            return to_number(text)
        if kind == "str":
            return self.ev.template(text)
        if kind == "op" and text == "(":
            value = self.conditional()
            self._take(")")
            return value
        if kind == "op" and text == "[":
            return self._list()
        if kind == "op" and text == "{":
            return self._object()
        if kind == "ident":
            if text in ("true", "false"):
                return text == "true"
            if text == "null":
                return None
            if self._at("("):
                return self._call(text)
            return self._traversal(text)
        raise Unsupported(text)

    def _list(self) -> Any:
        items: list[Any] = []
        if self._peek() == ("ident", "for"):
            return self._for_list()
        while not self._at("]"):
            items.append(self.conditional())
            if not self._at("]"):
                self._take(",")
        self._take("]")
        return items

    def _for_list(self) -> Any:
        """``[for k, v in coll : body if cond]``: the body evaluated once per element."""
        self._take("for")
        names = [self._take()[1]]
        if self._at(","):
            self._take(",")
            names.append(self._take()[1])
        self._take("in")
        collection = self.conditional()
        self._take(":")
        body, condition = self._skip_to_close()
        self._take("]")
        if contains_unknown(collection):
            return UNKNOWN
        if isinstance(collection, dict):
            pairs = [(k, collection[k]) for k in sorted(collection)]
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            raise Unsupported("for over a non-collection")
        out = []
        for key, item in pairs:
            bound = {names[0]: item} if len(names) == 1 else {names[0]: key, names[1]: item}
            ev = self.ev.with_scope(**bound)
            if condition and not Parser(condition, ev).conditional():
                continue
            out.append(Parser(body, ev).conditional())
        return out

    def _skip_to_close(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """The tokens up to the closing bracket: the body, and the ``if`` condition's."""
        depth, start, split = 0, self.pos, None
        while True:
            kind, text = self._peek()
            if kind == "eof":
                raise Unsupported("unclosed for expression")
            if kind == "op" and text in "([{":
                depth += 1
            elif kind == "op" and text in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif (kind, text) == ("ident", "if") and depth == 0:
                split = self.pos
            self.pos += 1
        end = split if split is not None else self.pos
        condition = self.tokens[split + 1 : self.pos] if split is not None else []
        return self.tokens[start:end], condition

    def _object(self) -> Any:
        out: dict[str, Any] = {}
        if self._peek() == ("ident", "for"):
            raise Unsupported("for expression")
        while not self._at("}"):
            kind, text = self._peek()
            if kind == "ident" and self._peek(1)[1] in ("=", ":"):
                self.pos += 1
                key: Any = text
            else:
                key = self.conditional()
            self._take()  # = or :
            out[to_string(key) if key is not UNKNOWN else "?"] = self.conditional()
            if self._at(","):
                self._take(",")
        self._take("}")
        return out

    def _call(self, name: str) -> Any:
        self._take("(")
        args: list[Any] = []
        while not self._at(")"):
            args.append(self.conditional())
            if self._at("..."):
                raise Unsupported("expansion")
            if not self._at(")"):
                self._take(",")
        self._take(")")
        function = FUNCTIONS.get(name)
        if function is None or any(contains_unknown(a) for a in args):
            return UNKNOWN
        try:
            return function(*args)
        except (TypeError, ValueError, KeyError, StopIteration) as exc:
            raise Unsupported(name) from exc

    def _traversal(self, root: str) -> Any:
        if root in _SCOPED_ROOTS or root in self.ev.scope:
            base = self.ev.scope.get(root, UNKNOWN)
            return base
        if root == "data":
            self._take(".")
            rtype = self._take()[1]
            self._take(".")
            name = self._take()[1]
            return self.ev.resolve(f"data.{rtype}.{name}", [])
        if root in ("module", "self"):
            return UNKNOWN
        if not self._at("."):
            raise Unsupported(f"bare name {root}")
        self._take(".")
        name = self._take()[1]
        return self.ev.resolve(f"{root}.{name}", [])

    def _postfix(self, base: Any) -> Any:
        while True:
            if self._at(".") and self._peek(1)[0] == "ident":
                self.pos += 1
                base = _step(base, self._take()[1])
            elif self._at(".") and self._peek(1)[0] == "num":
                self.pos += 1
                base = _step(base, int(self._take()[1]))
            elif self._at("["):
                self._take("[")
                if self._at("*"):
                    raise Unsupported("splat")
                key = self.conditional()
                self._take("]")
                base = _step(base, key)
            elif self._at(".") and self._peek(1) == ("op", "*"):
                raise Unsupported("splat")
            else:
                return base


def _step(base: Any, key: Any) -> Any:
    if base is UNKNOWN or key is UNKNOWN:
        return UNKNOWN
    if hasattr(base, "lookup"):
        return base.lookup(key)
    if isinstance(base, dict):
        return base.get(str(key), UNKNOWN)
    if isinstance(base, list) and isinstance(key, int | float | str):
        index = int(to_number(key))
        return base[index] if 0 <= index < len(base) else UNKNOWN
    return UNKNOWN


def _apply(op: str, left: Any, right: Any) -> Any:
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if op == "||":
        return bool(left) or bool(right)
    if op == "&&":
        return bool(left) and bool(right)
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    a, b = to_number(left), to_number(right)
    results: dict[str, Callable[[], Any]] = {
        "<": lambda: a < b,
        ">": lambda: a > b,
        "<=": lambda: a <= b,
        ">=": lambda: a >= b,
        "+": lambda: a + b,
        "-": lambda: a - b,
        "*": lambda: a * b,
        "/": lambda: a / b,
        "%": lambda: a % b,
    }
    value = results[op]()
    if isinstance(value, float) and value.is_integer() and op != "/":
        return int(value)
    return value
