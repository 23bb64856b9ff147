"""Mutant generation: one small change of a module's syntax tree at a time.

Operators (the classic set): a comparison flipped or its bound moved, a condition
negated, ``and``/``or`` swapped, ``not`` removed, ``+``/``-``, ``&``/``|`` and
``<<``/``>>`` swapped, a number or boolean constant changed, ``break``/``continue``
swapped, a call statement, ``raise`` or ``+=`` deleted, a returned value replaced by
``None``. Strings are never mutated (they are messages or patterns whose every
alternative the tests pin down), nor are docstrings, annotations, decorators or the
text of f-strings.

A mutant is named by where it is (the enclosing function), what it does and the
source it changes, plus an occurrence number: a name that survives unrelated edits.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable
from dataclasses import dataclass

Build = Callable[[ast.AST], ast.AST]

_COMPARE_SWAPS: dict[type[ast.cmpop], tuple[type[ast.cmpop], ...]] = {
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.Lt: (ast.LtE, ast.GtE),
    ast.LtE: (ast.Lt, ast.Gt),
    ast.Gt: (ast.GtE, ast.LtE),
    ast.GtE: (ast.Gt, ast.Lt),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
}
_BINOP_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
}
_SYMBOL = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Add: "+",
    ast.Sub: "-",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.And: "and",
    ast.Or: "or",
}


def _operand(node: ast.AST) -> ast.AST:
    """``not x`` → ``x``."""
    assert isinstance(node, ast.UnaryOp)
    return node.operand


@dataclass(frozen=True)
class Mutant:
    """One mutant of one module: ``index`` is its rank in this run's enumeration."""

    module: str  # path relative to the repository
    index: int
    scope: str  # qualified name of the enclosing function or class, or <module>
    operator: str
    code: str  # the original source of the node changed
    line: int
    occurrence: int  # 1 for the first mutant with the same scope, operator and code

    @property
    def key(self) -> str:
        """The stable name used in survivors.toml."""
        return f"{self.scope} | {self.operator} | {self.code} | #{self.occurrence}"


def _snippet(source: str, node: ast.AST) -> str:
    """The node's source on one line, whole: it is part of the mutant's name."""
    text = ast.get_source_segment(source, node) or ast.unparse(node)
    return " ".join(text.split())


class _Mutator(ast.NodeTransformer):
    """Walks the tree in a fixed order, numbering every possible mutation.

    With ``target`` = -1 it only lists them; otherwise it applies mutation ``target``.
    """

    def __init__(self, source: str, target: int = -1) -> None:
        self.source = source
        self.target = target
        self.count = 0
        self.found: list[tuple[str, str, str, int]] = []  # scope, operator, code, line
        self._scope: list[str] = []
        self._conditions: set[int] = set()  # ids of nodes that are an if/while test

    # -- bookkeeping --------------------------------------------------------------------

    def _offer(self, node: ast.AST, operator: str, build: Build) -> ast.AST:
        index = self.count
        self.count += 1
        scope = ".".join(self._scope) or "<module>"
        code = _snippet(self.source, node)
        self.found.append((scope, operator, code, getattr(node, "lineno", 0)))
        if index == self.target:
            return ast.copy_location(build(copy.deepcopy(node)), node)
        return node

    def _body(self, statements: list[ast.stmt]) -> list[ast.stmt]:
        start = 0
        if statements and _is_docstring(statements[0]):
            start = 1
        out: list[ast.stmt] = statements[:start]
        for statement in statements[start:]:
            result = self.visit(statement)
            if result is None:
                continue
            out.extend(result if isinstance(result, list) else [result])
        return out

    # -- scopes: only the bodies and default values are mutated -------------------------

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        node.args.defaults = [self.visit(d) for d in node.args.defaults]
        node.args.kw_defaults = [
            None if d is None else self.visit(d) for d in node.args.kw_defaults
        ]
        self._scope.append(node.name)
        node.body = self._body(node.body)
        self._scope.pop()
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return self._function(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self._scope.append(node.name)
        node.body = self._body(node.body)
        self._scope.pop()
        return node

    def visit_Module(self, node: ast.Module) -> ast.AST:
        node.body = self._body(node.body)
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        return node  # message text

    def visit_If(self, node: ast.If) -> ast.AST:
        if _is_type_checking(node.test):
            return node
        self._conditions.add(id(node.test))
        self.generic_visit(node)
        node.test = self._negate(node.test)
        return node

    def visit_While(self, node: ast.While) -> ast.AST:
        self._conditions.add(id(node.test))
        self.generic_visit(node)
        node.test = self._negate(node.test)
        return node

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        self._conditions.add(id(node.test))
        self.generic_visit(node)
        node.test = self._negate(node.test)
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        for test in node.ifs:
            self._conditions.add(id(test))
        self.generic_visit(node)
        node.ifs = [self._negate(test) for test in node.ifs]
        return node

    def visit_Assert(self, node: ast.Assert) -> ast.AST:
        return node  # type narrowing for mypy, not behaviour

    # -- the operators --------------------------------------------------------------------

    def _negate(self, test: ast.expr) -> ast.expr:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            result = self._offer(test, "condition negated", _operand)
        else:
            result = self._offer(test, "condition negated", lambda n: ast.UnaryOp(ast.Not(), n))
        assert isinstance(result, ast.expr)
        return result

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not) and id(node) not in self._conditions:
            return self._offer(node, "not removed", _operand)
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        result: ast.AST = node
        for position, op in enumerate(node.ops):
            for replacement in _COMPARE_SWAPS.get(type(op), ()):
                label = f"{_SYMBOL[type(op)]} → {_SYMBOL[replacement]}"

                def build(
                    n: ast.AST, p: int = position, r: type[ast.cmpop] = replacement
                ) -> ast.AST:
                    assert isinstance(n, ast.Compare)
                    n.ops[p] = r()
                    return n

                result = self._offer(result, label, build)
        return result

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        swapped = ast.Or if isinstance(node.op, ast.And) else ast.And
        label = f"{_SYMBOL[type(node.op)]} → {_SYMBOL[swapped]}"

        def build(n: ast.AST) -> ast.AST:
            assert isinstance(n, ast.BoolOp)
            return ast.BoolOp(swapped(), n.values)

        return self._offer(node, label, build)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        swapped = _BINOP_SWAPS.get(type(node.op))
        if swapped is None:
            return node
        label = f"{_SYMBOL[type(node.op)]} → {_SYMBOL[swapped]}"

        def build(n: ast.AST) -> ast.AST:
            assert isinstance(n, ast.BinOp) and swapped is not None
            return ast.BinOp(n.left, swapped(), n.right)

        return self._offer(node, label, build)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if isinstance(value, bool):
            return self._offer(node, f"{value} → {not value}", lambda n: ast.Constant(not value))
        if isinstance(value, int | float):
            written = ast.get_source_segment(self.source, node) or repr(value)
            bumped = oct(value + 1) if written.startswith("0o") else repr(value + 1)
            return self._offer(node, f"{written} → {bumped}", lambda n: ast.Constant(value + 1))
        return node

    def visit_Break(self, node: ast.Break) -> ast.AST:
        return self._offer(node, "break → continue", lambda n: ast.Continue())

    def visit_Continue(self, node: ast.Continue) -> ast.AST:
        return self._offer(node, "continue → break", lambda n: ast.Break())

    def visit_Expr(self, node: ast.Expr) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.value, ast.Call | ast.Await):
            return self._offer(node, "statement deleted", lambda n: ast.Pass())
        return node

    def visit_Raise(self, node: ast.Raise) -> ast.AST:
        self.generic_visit(node)
        return self._offer(node, "raise deleted", lambda n: ast.Pass())

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        return self._offer(node, "statement deleted", lambda n: ast.Pass())

    def visit_Return(self, node: ast.Return) -> ast.AST:
        self.generic_visit(node)
        value = node.value
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return node
        return self._offer(node, "returns None", lambda n: ast.Return(ast.Constant(None)))


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _is_type_checking(test: ast.expr) -> bool:
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"


def list_mutants(module: str, source: str) -> list[Mutant]:
    """Every mutant of ``source`` (the module at ``module``), in a fixed order."""
    walker = _Mutator(source)
    walker.visit(ast.parse(source))
    seen: dict[tuple[str, str, str], int] = {}
    mutants = []
    for index, (scope, operator, code, line) in enumerate(walker.found):
        nth = seen.get((scope, operator, code), 0) + 1
        seen[(scope, operator, code)] = nth
        mutants.append(Mutant(module, index, scope, operator, code, line, nth))
    return mutants


def mutated_tree(source: str, index: int) -> ast.Module:
    """The module's tree with mutation ``index`` applied."""
    walker = _Mutator(source, index)
    tree = walker.visit(ast.parse(source))
    assert isinstance(tree, ast.Module)
    return ast.fix_missing_locations(tree)
