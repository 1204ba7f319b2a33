"""Varying text: Markdown passages with inline expressions and ink-style variation.

`{expr}` prints a value; `{cond: a|b}` chooses by a condition (the `|b` may be left
out); `{a|b|c}` is a sequence that stops at its last, `{&a|b}` a cycle, `{~a|b}` a
shuffle, `{!a|b}` once only. Alternatives may be empty and may nest. A backslash before
`{ } | : \\` gives that character literally, anywhere in the text; a backslash before
anything else stays a backslash (so Markdown's own `\\*` still reaches Markdown).
Square brackets mean nothing here: `[sic]` is prose.

A text is parsed once into a tree and rendered many times. A text without blocks renders
as a constant string (the source itself when it has no escapes either), and every
all-literal alternative is a precomputed string, so rendering costs one call per block.

Variation holds no state: sequences, cycles and once-only blocks follow the scene's
visit count; a shuffle draws from the game's seed at (turn, draw number) in the Scope
and advances the draw number, as `random()` does.

How a block is read (the main design decision: be strict, never guess):

- Braces and bars are always structure inside a block, even inside a quoted string in
  an expression: write `\\{`, `\\}`, `\\|` for literal ones (`{'a\\|b'}`).
- A block that starts with `&`, `~` or `!` is a variation of that kind; colons in it
  are prose.
- Otherwise, a `:` in the first alternative, outside quoted strings and nested blocks,
  makes the block a conditional, and the part before it must compile as a true/false
  expression. If it does not, that is an error; when the part before the colon looks
  like prose (words, not a comparison), its hint says to write `\\:` for a literal
  colon. Prose such as `{Note: tea|coffee}` is never silently taken as a
  sequence. A quote with no closing partner in that alternative is an ordinary
  character, so an apostrophe in prose does not hide a colon.
- Otherwise a block with a `|` is a sequence, and a block with neither is an
  expression whose value is printed.

Spaces and tabs right after a conditional's colon are layout (`{cond: text}` shows
"text"); everything else in an alternative is kept as written. Expressions may span
lines. Errors carry `offset` into the whole source, so the loader can point at the
file's line and column.
"""

from __future__ import annotations

import re

from escape_game.expressions import (
    BOOL,
    ExpressionError,
    Names,
    Scope,
    compile_expression,
)

#: Deepest nesting of blocks accepted (deeper is an error, never a RecursionError).
MAX_NESTING = 20

#: Characters a backslash makes literal.
ESCAPABLE = frozenset("{}|:\\")

_SPECIAL = re.compile(r"[\\{}]")
_BRACE_HINT = "write \\{ or \\} for a literal brace"
#: What may come before a colon that was meant as prose: words and punctuation, no
#: operators, brackets or quotes of an expression.
_PROSE = re.compile(r"[^\W\d][\w'’ .,;!?-]*")
_COLON_HINT = "if you meant a literal colon, write \\:"


def format_value(value: object) -> str:
    """A value as the player reads it.

    Whole numbers as digits, decimals with at most nine places and no trailing zeros
    (a whole decimal such as 3.0 prints as "3"), true/false as "true"/"false", text as is.
    """
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = f"{value:.9f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return str(value)


class _Join:
    """A run of literal strings and blocks, rendered one after another."""

    __slots__ = ("parts",)

    def __init__(self, parts: tuple) -> None:
        self.parts = parts

    def render(self, scope: Scope, index: int) -> str:
        return "".join(
            [p if p.__class__ is str else p.render(scope, index) for p in self.parts]
        )


class _Print:
    """`{expr}`: the expression's value."""

    __slots__ = ("expression", "positions")

    def __init__(self, expression, positions: tuple[int, ...]) -> None:
        self.expression = expression
        self.positions = positions

    def render(self, scope: Scope, index: int) -> str:
        try:
            return format_value(self.expression.evaluate(scope))
        except ExpressionError as error:
            raise _moved(error, self.positions) from error


class _Conditional:
    """`{cond: yes|no}`."""

    __slots__ = ("condition", "yes", "no", "positions")

    def __init__(self, condition, yes, no, positions: tuple[int, ...]) -> None:
        self.condition = condition
        self.yes = yes
        self.no = no
        self.positions = positions

    def render(self, scope: Scope, index: int) -> str:
        try:
            chosen = self.yes if self.condition.evaluate(scope) else self.no
        except ExpressionError as error:
            raise _moved(error, self.positions) from error
        return chosen if chosen.__class__ is str else chosen.render(scope, index)


class _Sequence:
    """`{a|b|c}`: by visit, stopping at the last."""

    __slots__ = ("alternatives", "last")

    def __init__(self, alternatives: tuple) -> None:
        self.alternatives = alternatives
        self.last = len(alternatives) - 1

    def render(self, scope: Scope, index: int) -> str:
        chosen = self.alternatives[index if index < self.last else self.last]
        return chosen if chosen.__class__ is str else chosen.render(scope, index)


class _Cycle(_Sequence):
    """`{&a|b}`: by visit, round and round."""

    __slots__ = ()

    def render(self, scope: Scope, index: int) -> str:
        chosen = self.alternatives[index % (self.last + 1)]
        return chosen if chosen.__class__ is str else chosen.render(scope, index)


class _Once(_Sequence):
    """`{!a|b}`: by visit, then nothing."""

    __slots__ = ()

    def render(self, scope: Scope, index: int) -> str:
        if index > self.last:
            return ""
        chosen = self.alternatives[index]
        return chosen if chosen.__class__ is str else chosen.render(scope, index)


class _Shuffle(_Sequence):
    """`{~a|b}`: drawn from the seed at (turn, draw number), as `random()` draws (so
    the explorer, whose scope scripts `random()`, tries every alternative)."""

    __slots__ = ()

    def render(self, scope: Scope, index: int) -> str:
        pick = scope.random(0, self.last)
        chosen = self.alternatives[min(pick, self.last)]
        return chosen if chosen.__class__ is str else chosen.render(scope, index)


_KINDS = {"&": _Cycle, "~": _Shuffle, "!": _Once}


class Text:
    """A compiled text.

    Attributes:
        source: the text as written.
        varies: whether it holds any expression or variation (for stats).
    """

    __slots__ = ("source", "varies", "_static", "_root")

    def __init__(self, source: str, root) -> None:
        self.source = source
        if root.__class__ is str:
            self.varies = False
            self._static = source if root == source else root
            self._root = None
        else:
            self.varies = True
            self._static = None
            self._root = root

    def render(self, scope: Scope, visit: int) -> str:
        """The text as the player sees it, Markdown still in place.

        Args:
            scope: the state to read; shuffles and `random()` advance `scope.draws`.
            visit: the current scene's visit count (1 on the first visit; less than 1
                is read as 1).

        Raises:
            ExpressionError: from an expression inside the text, with `offset` into
                `source`.
        """
        if self._root is None:
            return self._static
        return self._root.render(scope, visit - 1 if visit > 1 else 0)

    def __repr__(self) -> str:
        return f"Text({self.source!r})"


def compile_text(source: str, names: Names) -> Text:
    """Parse and compile `source`.

    Raises:
        ExpressionError: unbalanced braces, or an expression that does not compile,
            with `offset` pointing into `source`.
    """
    if "{" not in source and "}" not in source and "\\" not in source:
        return Text(source, source)
    return Text(source, _Parser(source, names).parse())


def _moved(error: ExpressionError, positions: tuple[int, ...], hint: str = "") -> ExpressionError:
    """`error` with its offset into an expression mapped through `positions` to the source."""
    at = error.offset
    offset = positions[at] if 0 <= at < len(positions) else positions[-1] + 1
    hint = f"{error.hint}; {hint}" if error.hint and hint else error.hint or hint
    return ExpressionError(error.message, hint, offset, error.code)


def _piece(parts: list):
    """A compiled run: a string when all literal, a lone block, or a `_Join`."""
    merged: list = []
    for part in parts:
        if part.__class__ is str:
            if not part:
                continue
            if merged and merged[-1].__class__ is str:
                merged[-1] += part
                continue
        merged.append(part)
    if not merged:
        return ""
    if len(merged) == 1:
        return merged[0]
    if all(part.__class__ is str for part in merged):
        return "".join(merged)
    return _Join(tuple(merged))


class _Parser:
    """One pass over a source string, building the render tree."""

    def __init__(self, source: str, names: Names) -> None:
        self.source = source
        self.names = names

    def parse(self):
        """The whole text's tree; an unmatched `}` at top level is an error."""
        return self.run(0, len(self.source), 0)

    def run(self, start: int, end: int, depth: int):
        """Compile `source[start:end]`, `depth` blocks deep: literal text, escapes, blocks."""
        source = self.source
        parts: list = []
        literal: list[str] = []
        i = start
        while True:
            found = _SPECIAL.search(source, i, end)
            if found is None:
                literal.append(source[i:end])
                break
            j = found.start()
            literal.append(source[i:j])
            char = source[j]
            if char == "\\":
                if j + 1 < end and source[j + 1] in ESCAPABLE:
                    literal.append(source[j + 1])
                    i = j + 2
                else:
                    literal.append("\\")
                    i = j + 1
            elif char == "{":
                if depth >= MAX_NESTING:
                    raise ExpressionError(
                        f"blocks nested more than {MAX_NESTING} deep",
                        "split the text into simpler blocks",
                        offset=j,
                        code="nesting",
                    )
                close, bars = self.match(j)
                parts.append("".join(literal))
                literal = []
                parts.append(self.block(j, close, bars, depth + 1))
                i = close + 1
            else:  # a `}` with no `{`: only reachable at top level
                raise ExpressionError(
                    "unmatched '}'", _BRACE_HINT, offset=j, code="unbalanced-brace"
                )
        parts.append("".join(literal))
        return _piece(parts)

    def match(self, open_at: int) -> tuple[int, list[int]]:
        """The position of the `}` closing the `{` at `open_at`, and its top-level bars."""
        source = self.source
        depth = 0
        bars: list[int] = []
        i = open_at + 1
        end = len(source)
        while i < end:
            char = source[i]
            if char == "\\":
                i += 2 if i + 1 < end and source[i + 1] in ESCAPABLE else 1
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                if not depth:
                    return i, bars
                depth -= 1
            elif char == "|" and not depth:
                bars.append(i)
            i += 1
        raise ExpressionError(
            "unmatched '{'", _BRACE_HINT, offset=open_at, code="unbalanced-brace"
        )

    def block(self, open_at: int, close: int, bars: list[int], depth: int):
        """Compile the block `source[open_at:close + 1]`, `depth` blocks deep."""
        source = self.source
        first = open_at + 1
        kind = _KINDS.get(source[first]) if first < close else None
        bounds = [first + 1 if kind else first, *[bar + 1 for bar in bars]]
        stops = [*bars, close]
        if kind:
            return kind(tuple(self.run(a, b, depth) for a, b in zip(bounds, stops)))
        colon = self.colon(first, stops[0])
        if colon >= 0:
            return self.conditional(first, colon, stops, bounds, depth)
        if bars:
            return _Sequence(tuple(self.run(a, b, depth) for a, b in zip(bounds, stops)))
        return _Print(*self.expression(first, close, None, open_at))

    def conditional(
        self, first: int, colon: int, stops: list[int], bounds: list[int], depth: int
    ):
        """Compile `{cond: yes|no}` whose colon is at `colon`."""
        if len(stops) > 2:
            raise ExpressionError(
                "a conditional has a true part and a false part, so at most one '|'",
                "write \\| for a literal bar, or nest another block",
                offset=stops[1],
                code="conditional",
            )
        condition, positions = self.expression(first, colon, BOOL, first - 1)
        start = colon + 1
        while start < stops[0] and self.source[start] in " \t":
            start += 1
        yes = self.run(start, stops[0], depth)
        no = self.run(bounds[1], stops[1], depth) if len(stops) == 2 else ""
        return _Conditional(condition, yes, no, positions)

    def colon(self, start: int, end: int) -> int:
        """The first `:` in `source[start:end]` outside quoted strings and nested blocks.

        Returns:
            its position, or -1.
        """
        source = self.source
        # Where a failed search for each kind of closing quote stopped: a later quote
        # of that kind before there cannot close either, so it is not searched again
        # (this keeps the scan linear).
        dead = {"'": -1, '"': -1}
        i = start
        while i < end:
            char = source[i]
            if char == "\\":
                i += 2 if i + 1 < end and source[i + 1] in ESCAPABLE else 1
                continue
            if char == ":":
                return i
            if char == "{":
                i = self.match(i)[0] + 1
                continue
            if char in dead and i > dead[char]:
                closing = _closing_quote(source, i, end)
                if closing > 0:
                    i = closing + 1
                    continue
                dead[char] = -closing
            i += 1
        return -1

    def expression(self, start: int, end: int, want: str | None, open_at: int):
        """Compile `source[start:end]` as an expression.

        Escapes are resolved first; surrounding whitespace is dropped; line breaks read
        as spaces. Returns the expression and, for each of its characters, the
        position in the source it came from (to map error offsets back).
        """
        source = self.source
        chars: list[str] = []
        positions: list[int] = []
        i = start
        while i < end:
            char = source[i]
            if char == "\\" and i + 1 < end and source[i + 1] in ESCAPABLE:
                i += 1
                char = source[i]
            elif char in "\r\n":
                char = " "
            chars.append(char)
            positions.append(i)
            i += 1
        text = "".join(chars)
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        if not text:
            where = "condition" if want == BOOL else "expression"
            hint = _COLON_HINT if want == BOOL else "write \\{\\} for literal braces"
            raise ExpressionError(
                f"empty {where} in braces", hint, offset=open_at, code="empty"
            )
        kept = tuple(positions[lead : lead + len(text)])
        try:
            compiled = compile_expression(text, self.names, want)
        except ExpressionError as error:
            # Prose before a colon fails as syntax, names or types; a condition with a
            # wrong id in a story function is plainly a condition and needs no such hint.
            # Only words look like prose: a comparison or a sum is plainly a condition.
            prose = (error.code not in ("unknown-item", "unknown-scene", "arguments")
                     and _PROSE.fullmatch(text) is not None)
            hint = _COLON_HINT if want == BOOL and prose else ""
            raise _moved(error, kept, hint) from error
        return compiled, kept


def _closing_quote(source: str, start: int, end: int) -> int:
    """The position of the quote closing the one at `start` on its line.

    Returns:
        the position, or minus the position where the search stopped (line end or `end`).
    """
    quote = source[start]
    i = start + 1
    while i < end:
        char = source[i]
        if char == quote:
            return i
        if char == "\n":
            return -i
        i += 2 if char == "\\" else 1
    return -end
