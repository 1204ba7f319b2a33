"""Compiles the story language: Python's `ast` through a whitelist, with static types.

Every node is checked against the whitelist and given a type (NUMBER, BOOL or TEXT)
before anything is compiled, so a story that loads cannot run code it should not, and
cannot meet an unknown name or a type mismatch in play. Story functions are renamed to
`_f_<name>` globals that `expressions.Scope.env` binds, beside `true` and `false`.
Results are plain tuples holding code objects, so the loader's cache can marshal them.
"""

from __future__ import annotations

import ast
from typing import Any

from escape_game.errors import did_you_mean
from escape_game.expressions import (
    BOOL,
    MAX_DEPTH,
    MAX_NUMBER,
    MAX_SOURCE,
    NUMBER,
    TEXT,
    ExpressionError,
    Names,
)

# name -> (argument kinds, result type); an argument kind is a type or "scene"/"item" ids.
FUNCTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "visits": (("scene",), NUMBER),
    "has": (("item",), BOOL),
    "turns": ((), NUMBER),
    "random": ((NUMBER, NUMBER), NUMBER),
    "clock": ((NUMBER,), TEXT),
    "money": ((NUMBER,), TEXT),
    "euros": ((NUMBER,), TEXT),
}
EFFECT_FUNCTIONS = ("gain", "lose")
_LITERAL_NAMES = {"true": True, "false": False, "True": True, "False": False}
_ARITHMETIC = {ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%"}
_OTHER_OPERATORS = {ast.Pow: "**", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
                    ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^"}
_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_EQUALITY = (ast.Eq, ast.NotEq)
_REFUSED = {
    ast.Attribute: "attribute access ('.')",
    ast.Subscript: "indexing ('[...]')",
    ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.IfExp: "'x if c else y'",
    ast.NamedExpr: "':='",
    ast.JoinedStr: "an f-string",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.Starred: "'*'",
    ast.Await: "await",
}


def _parse(source: str, mode: str) -> tuple[ast.AST, int]:
    """Parse `source`, returning the tree and the offset its columns count from."""
    if len(source) > MAX_SOURCE:
        raise ExpressionError(
            f"expression is {len(source)} characters long; the limit is {MAX_SOURCE}",
            "split it into smaller steps with a variable", 0, "too-long",
        )
    stripped = source.lstrip()
    base = len(source) - len(stripped)
    text = stripped.rstrip()
    if mode == "eval":
        text = text.replace("\n", " ")  # a condition may wrap over lines in a block
    try:
        return ast.parse(text, "<story>", mode), base
    except SyntaxError as error:
        line_start = sum(len(line) + 1 for line in text.split("\n")[: (error.lineno or 1) - 1])
        offset = base + line_start + max((error.offset or 1) - 1, 0)
        raise ExpressionError(
            f"syntax error: {error.msg}", "check the expression's brackets and operators",
            offset, "syntax",
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(
            "expression is too deeply nested or malformed", "write it in smaller steps",
            base, "syntax",
        ) from None


class _Checker:
    """Walks a parsed expression: refuses what is not allowed, types what is."""

    def __init__(self, names: Names, base: int, line_starts: list[int]) -> None:
        self.names = names
        self.base = base
        self.line_starts = line_starts

    def offset(self, node: ast.AST) -> int:
        line = getattr(node, "lineno", 1)
        return self.base + self.line_starts[line - 1] + getattr(node, "col_offset", 0)

    def fail(self, message: str, node: ast.AST, hint: str = "", code: str = "expression"):
        return ExpressionError(message, hint, self.offset(node), code)

    def check(self, node: ast.AST, depth: int = 0) -> str:
        """The type of `node`, after checking it and everything under it."""
        if depth > MAX_DEPTH:
            raise self.fail("expression is nested too deeply", node,
                            "write it in smaller steps with a variable", "too-deep")
        depth += 1
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                self.expect(value, BOOL, depth, "'and'/'or' joins true/false values")
            return BOOL
        if isinstance(node, ast.UnaryOp):
            return self.unary(node, depth)
        if isinstance(node, ast.BinOp):
            return self.binary(node, depth)
        if isinstance(node, ast.Compare):
            return self.compare(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        what = _REFUSED.get(type(node), type(node).__name__)
        raise self.fail(f"{what} is not part of the story language", node,
                        "use names, numbers, text, and/or/not, comparisons and + - * / // %",
                        "not-allowed")

    def expect(self, node: ast.AST, wanted: str, depth: int, why: str) -> None:
        found = self.check(node, depth)
        if found != wanted:
            raise self.fail(f"expected {wanted}, found {found}: {why}", node, code="type")

    def constant(self, node: ast.Constant) -> str:
        value = node.value
        if isinstance(value, bool):
            return BOOL
        if isinstance(value, (int, float)):
            if abs(value) > MAX_NUMBER:
                raise self.fail(f"the number {value:.3g} is too large", node,
                                f"numbers are limited to {MAX_NUMBER:,}", "too-large")
            return NUMBER
        if isinstance(value, str):
            return TEXT
        raise self.fail(f"{value!r} is not a value in the story language", node,
                        "use numbers, 'text', true or false", "not-allowed")

    def name(self, node: ast.Name) -> str:
        if node.id in _LITERAL_NAMES:
            return BOOL
        if node.id in self.names.variables:
            return self.names.type_of(node.id)
        hint = did_you_mean(node.id, self.names.variables) or "declare it under vars: in story.yaml"
        raise self.fail(f"unknown variable '{node.id}'", node, hint, "unknown-variable")

    def unary(self, node: ast.UnaryOp, depth: int) -> str:
        if isinstance(node.op, ast.Not):
            self.expect(node.operand, BOOL, depth, "'not' takes a true/false value")
            return BOOL
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            self.expect(node.operand, NUMBER, depth, "a sign goes before a number")
            return NUMBER
        raise self.fail("'~' is not part of the story language", node, code="not-allowed")

    def binary(self, node: ast.BinOp, depth: int) -> str:
        left = self.check(node.left, depth)
        right = self.check(node.right, depth)
        if isinstance(node.op, ast.Add):
            if left == right and left in (NUMBER, TEXT):
                return left
            raise self.fail(f"cannot add {left} and {right}", node,
                            "'+' adds two numbers or joins two texts", "type")
        symbol = _ARITHMETIC.get(type(node.op))
        if symbol is None:
            operator = _OTHER_OPERATORS.get(type(node.op), "this operator")
            raise self.fail(f"'{operator}' is not part of the story language", node,
                            "use + - * / // %", "not-allowed")
        if left != NUMBER or right != NUMBER:
            raise self.fail(f"'{symbol}' works on numbers, not {left} and {right}", node,
                            _number_hint(symbol, left, right), "type")
        if (isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod))
                and _literal_zero(node.right)):
            raise self.fail(f"'{symbol} 0' divides by zero", node.right,
                            "divide by a number other than 0", "division-by-zero")
        return NUMBER

    def compare(self, node: ast.Compare, depth: int) -> str:
        types = [self.check(node.left, depth)]
        for op, right in zip(node.ops, node.comparators):
            types.append(self.check(right, depth))
            left_type, right_type = types[-2], types[-1]
            if not isinstance(op, _ORDERING + _EQUALITY):
                raise self.fail("'in' and 'is' are not part of the story language", node,
                                "compare with == != < <= > >=", "not-allowed")
            if left_type != right_type:
                raise self.fail(f"cannot compare {left_type} with {right_type}", node,
                                _compare_hint(left_type, right_type), "type")
            if isinstance(op, _ORDERING) and left_type == BOOL:
                raise self.fail("true/false values can only be compared with == or !=",
                                node, code="type")
        return BOOL

    def call(self, node: ast.Call, depth: int) -> str:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if name not in FUNCTIONS:
            hint = did_you_mean(name, FUNCTIONS) or "the functions are " + ", ".join(FUNCTIONS)
            if name in EFFECT_FUNCTIONS:
                hint = f"{name}() is an effect: use it in do: or on_enter:"
            raise self.fail(f"unknown function '{name or ast.unparse(node.func)}'", node, hint,
                            "unknown-function")
        kinds, result = FUNCTIONS[name]
        if node.keywords or len(node.args) != len(kinds):
            raise self.fail(f"{name}() takes {len(kinds)} argument(s)", node, code="arguments")
        for argument, kind in zip(node.args, kinds):
            if kind in ("scene", "item"):
                self.literal_id(argument, kind, name)
            else:
                self.expect(argument, kind, depth, f"{name}() takes numbers")
        node.func.id = f"_f_{name}"  # in place: the node keeps its location
        return result

    def literal_id(self, node: ast.AST, kind: str, function: str) -> str:
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            raise self.fail(f"{function}() needs a {kind} id written as text, like '{kind}_id'",
                            node, code="arguments")
        known = self.names.scenes if kind == "scene" else self.names.items
        if node.value not in known:
            hint = did_you_mean(node.value, known) or (
                "declare it under items: in story.yaml" if kind == "item" else "")
            raise self.fail(f"unknown {kind} '{node.value}'", node, hint, f"unknown-{kind}")
        return node.value


def _line_starts(source: str, base: int) -> list[int]:
    starts, total = [], 0
    for line in source[base:].split("\n"):
        starts.append(total)
        total += len(line) + 1
    return starts


def _compile(node: ast.expr) -> Any:
    tree = ast.Expression(node)  # true/false are globals in Scope.env(): no rewriting
    return compile(tree, "<story>", "eval")


def expression_code(source: str, names: Names, want: str | None) -> tuple[Any, str]:
    """(code object, type) for an expression; see `expressions.compile_expression`."""
    tree, base = _parse(source, "eval")
    checker = _Checker(names, base, [0])
    found = checker.check(tree.body)
    if want is not None and found != want:
        hint = "compare it, for example 'x > 0'" if want == BOOL else ""
        raise checker.fail(f"expected a {want} condition, found {found}", tree.body, hint,
                           "type")
    return _compile(tree.body), found


def effect_ops(source: str, names: Names) -> tuple[tuple, ...]:
    """The operation tuples for effects; see `expressions.compile_effects`."""
    tree, base = _parse(source, "exec")
    checker = _Checker(names, base, _line_starts(source, base))
    return tuple(_effect(statement, checker, names) for statement in tree.body)


def _effect(node: ast.stmt, checker: _Checker, names: Names) -> tuple:
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        call = node.value
        function = call.func.id if isinstance(call.func, ast.Name) else ""
        if function in EFFECT_FUNCTIONS:
            if call.keywords or len(call.args) != 1:
                raise checker.fail(f"{function}() takes one item id", call, code="arguments")
            item = checker.literal_id(call.args[0], "item", function)
            return (function, item, None, "", None, None)
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        return _assignment(node, node.targets[0], "set", checker, names)
    if isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Add, ast.Sub)):
        kind = "add" if isinstance(node.op, ast.Add) else "sub"
        return _assignment(node, node.target, kind, checker, names)
    hint = "effects are x = e, x += e, x -= e, gain('item') and lose('item')"
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Compare):
        hint = "a comparison does nothing as an effect; did you mean '=' to assign?"
    raise checker.fail(f"'{ast.unparse(node)}' is not an effect", node, hint, "not-an-effect")


def _assignment(node: ast.stmt, target: ast.AST, kind: str, checker: _Checker,
                names: Names) -> tuple:
    if not isinstance(target, ast.Name):
        raise checker.fail("only a variable can be assigned to", target, code="not-allowed")
    name = target.id
    if name not in names.variables:
        hint = did_you_mean(name, names.variables) or "declare it under vars: in story.yaml"
        raise checker.fail(f"unknown variable '{name}'", target, hint, "unknown-variable")
    wanted = names.type_of(name)
    source = ast.unparse(node)  # as written: checking renames the story's functions
    value_type = checker.check(node.value)
    if value_type != wanted or (kind == "sub" and wanted != NUMBER) or (
            kind == "add" and wanted == BOOL):
        verb = {"set": "assign", "add": "add", "sub": "subtract"}[kind]
        raise checker.fail(f"'{name}' holds {wanted}; cannot {verb} {value_type}", node,
                           code="type")
    declared = names.variables[name]
    return (kind, name, _compile(node.value), source, declared.min, declared.max)


def _number_hint(symbol: str, left: str, right: str) -> str:
    """The fix for arithmetic on something that is not a number."""
    if TEXT in (left, right):
        return (f"'{symbol}' needs a number on both sides: use a number variable, or "
                "write the number without quotes (3, not '3')")
    return f"'{symbol}' needs a number on both sides: true/false values are not numbers"


def _compare_hint(left: str, right: str) -> str:
    """The fix for comparing values of two types."""
    if TEXT in (left, right) and NUMBER in (left, right):
        return "compare a number with a number (3, not '3') and a text with a quoted text"
    return f"compare like with like: both sides should be {left}, or both {right}"


def _literal_zero(node: ast.AST) -> bool:
    """Whether `node` is the number 0 written out (`0`, `0.0`, `-0`, `+0`)."""
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value == 0
