"""Conditions read into formulas, for `check`'s logic (`logic`).

A formula is a tuple: ("const", bool), ("atom", key), ("cmp", term, op, value),
("and", parts), ("or", parts) or ("not", part); a term is ("var", name),
("visits", scene), ("turns",) or ("has", item). A comparison of one term with a literal
is a `cmp`; anything else that is not `and`/`or`/`not` (arithmetic on variables,
`random()`, two variables compared) is an opaque `atom`, free to be true or false.

Conditions are read by a small hand-written parser for the common shapes (names,
literals, story functions, comparisons, `and or not`, parentheses), about five times
faster than `ast.parse` plus a walk, which matters on a story of 10,000 scenes; anything
else it meets (arithmetic, say) falls back to Python's `ast`. The loader has already
accepted every condition, so neither ever meets a syntax error in practice.
"""

from __future__ import annotations

import ast
import re

Formula = tuple
TRUE: Formula = ("const", True)

_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_BOOLS = {"true": True, "false": False, "True": True, "False": False}
OTHER_TEXT = "\x00another text"  # stands for every text no literal names


def _formula(node: ast.AST) -> Formula:
    if isinstance(node, ast.BoolOp):
        kind = "and" if isinstance(node.op, ast.And) else "or"
        return (kind, tuple(_formula(value) for value in node.values))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return ("not", _formula(node.operand))
    if isinstance(node, ast.Compare):
        parts, left = [], node.left
        for op, right in zip(node.ops, node.comparators):
            parts.append(_comparison(left, op, right))
            left = right
        return parts[0] if len(parts) == 1 else ("and", tuple(parts))
    term = _term(node)
    if term is not None:
        return ("cmp", term, "==", True)
    literal = _literal(node)
    if isinstance(literal, bool):
        return ("const", literal)
    return ("atom", ("source", ast.dump(node)))


def _comparison(left: ast.AST, op: ast.cmpop, right: ast.AST) -> Formula:
    symbol = _OPS.get(type(op))
    term, value = _term(left), _literal(right)
    if term is None:
        term, value = _term(right), _literal(left)
        symbol = _FLIP.get(symbol or "")
    if symbol is None or term is None or value is _NOT_LITERAL:
        return ("atom", ("source", ast.dump(ast.Compare(left, [op], [right]))))
    return ("cmp", term, symbol, value)


def _term(node: ast.AST) -> tuple | None:
    if isinstance(node, ast.Name) and node.id not in _BOOLS:
        return ("var", node.id)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        name, args = node.func.id, node.args
        if name == "turns" and not args:
            return ("turns",)
        if name in ("visits", "has") and len(args) == 1 and isinstance(args[0], ast.Constant):
            return (name, args[0].value)
    return None


_NOT_LITERAL = object()


def _literal(node: ast.AST):
    """The value of a constant subexpression (`3`, `-2`, `60 * 14`, `'a'`), or _NOT_LITERAL."""
    if isinstance(node, ast.Name):
        return _BOOLS.get(node.id, _NOT_LITERAL)
    if isinstance(node, ast.Constant):
        return node.value
    if any(isinstance(child, (ast.Name, ast.Call)) for child in ast.walk(node)):
        return _NOT_LITERAL
    try:  # only numbers and operators are left: the loader has whitelisted them
        return eval(compile(ast.Expression(node), "<story>", "eval"), {"__builtins__": {}})
    except (ArithmeticError, TypeError, ValueError, SyntaxError):
        return _NOT_LITERAL


def negate(formula: Formula) -> Formula:
    """`not formula`."""
    return ("not", formula)


def conjoin(*parts: Formula) -> Formula:
    """`a and b and ...` (TRUE for none)."""
    kept = tuple(part for part in parts if part != TRUE)
    return kept[0] if len(kept) == 1 else ("and", kept) if kept else TRUE



# -- the fast path ------------------------------------------------------------------

_TOKENS = re.compile(r"""\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+|[A-Za-z_]\w*|'[^'\\]*'"""
                     r"""|"[^"\\]*"|==|!=|<=|>=|//|[<>()+\-*/%,]|\S""")
_KEYWORDS = {"and", "or", "not"}
_ARITHMETIC = {"+", "-", "*", "/", "//", "%"}


class _Bail(Exception):
    """The fast parser met something it does not read; use `ast`."""


def parse_condition(source: str) -> Formula:
    """The formula of a condition as the loader accepted it (opaque where not simple)."""
    try:
        return _Fast(source).parse()
    except (_Bail, ValueError):
        pass
    try:
        tree = ast.parse(source.strip().replace("\n", " "), "<story>", "eval")
    except (SyntaxError, ValueError, RecursionError):
        return ("atom", ("source", source))
    return _formula(tree.body)


class _Fast:
    """Recursive descent over token strings: or -> and -> not -> comparison -> operand.

    Arithmetic is read only to make an opaque atom of the comparison that holds it.
    """

    def __init__(self, source: str) -> None:
        self.tokens = _TOKENS.findall(source)
        self.tokens.append("")
        self.at = 0

    def parse(self) -> Formula:
        formula = self.either()
        if self.tokens[self.at] != "":
            raise _Bail
        return formula

    def either(self) -> Formula:
        parts = [self.both()]
        while self.tokens[self.at] == "or":
            self.at += 1
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else ("or", tuple(parts))

    def both(self) -> Formula:
        parts = [self.negation()]
        while self.tokens[self.at] == "and":
            self.at += 1
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else ("and", tuple(parts))

    def negation(self) -> Formula:
        if self.tokens[self.at] == "not":
            self.at += 1
            return ("not", self.negation())
        return self.comparison()

    def comparison(self) -> Formula:
        start = self.at
        if self.tokens[self.at] == "(":
            self.at += 1
            inner = self.either()
            if self.tokens[self.at] != ")":
                raise _Bail
            self.at += 1
            if self.tokens[self.at] in _FLIP or self.tokens[self.at] in _ARITHMETIC:
                raise _Bail  # a parenthesised operand: not ours
            return inner
        left = self.sum()
        pairs = []
        while self.tokens[self.at] in _FLIP:
            op = self.tokens[self.at]
            self.at += 1
            right = self.sum()
            pairs.append((left, op, right))
            left = right
        if not pairs:
            kind, value = left
            if kind == "term":
                return ("cmp", value, "==", True)
            if kind == "literal" and isinstance(value, bool):
                return ("const", value)
            raise _Bail
        if any(side[0] == "sum" for pair in pairs for side in (pair[0], pair[2])):
            return ("atom", ("source", " ".join(self.tokens[start:self.at])))
        parts = tuple(_fast_comparison(*pair) for pair in pairs)
        return parts[0] if len(parts) == 1 else ("and", parts)

    def sum(self) -> tuple:
        """An operand, or operands joined by arithmetic (then ("sum", None))."""
        start = self.at
        first = self.operand()
        if self.tokens[self.at] not in _ARITHMETIC:
            return first
        numbers = first[0] == "literal"
        while self.tokens[self.at] in _ARITHMETIC:
            self.at += 1
            numbers = self.operand()[0] == "literal" and numbers
        if numbers:  # only numbers and operators, as in `60 * 14`: fold them
            try:
                return ("literal", eval(" ".join(self.tokens[start:self.at]),
                                        {"__builtins__": {}}))
            except (ArithmeticError, SyntaxError, TypeError):
                pass
        return ("sum", None)

    def operand(self) -> tuple:
        text = self.tokens[self.at]
        self.at += 1
        first = text[:1]
        if first.isdigit() or first == ".":
            return ("literal", int(text) if text.isdigit() else float(text))
        if first in ("'", '"'):
            return ("literal", text[1:-1])
        if text == "-":
            kind, value = self.operand()
            if kind != "literal" or isinstance(value, (bool, str)):
                raise _Bail
            return ("literal", -value)
        if not (first.isalpha() or first == "_") or text in _KEYWORDS:
            raise _Bail
        if text in _BOOLS:
            return ("literal", _BOOLS[text])
        if self.tokens[self.at] != "(":
            return ("term", ("var", text))
        tokens, at = self.tokens, self.at
        if text == "turns" and tokens[at + 1] == ")":
            self.at += 2
            return ("term", ("turns",))
        if text in ("visits", "has") and tokens[at + 1][:1] in ("'", '"') \
                and tokens[at + 2] == ")":
            self.at += 3
            return ("term", (text, tokens[at + 1][1:-1]))
        raise _Bail


def _fast_comparison(left: tuple, op: str, right: tuple) -> Formula:
    if left[0] == "term" and right[0] == "literal":
        return ("cmp", left[1], op, right[1])
    if left[0] == "literal" and right[0] == "term":
        return ("cmp", right[1], _FLIP[op], left[1])
    raise _Bail
