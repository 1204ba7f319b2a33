"""The story language: conditions, effects and expressions in text.

One small Python-like syntax, compiled once per distinct string from Python's `ast`
through a whitelist: names, literals, `and or not`, comparisons, `+ - * / // %`, and a
fixed set of story functions whose id arguments must be literals. Anything else
(attributes, subscripts, other calls, comprehensions, lambdas, `**`) is refused when the
story loads, so evaluation is safe by construction. Types are checked statically against
the declared variables, so `'ab' * n` or an unknown name is a load error, not a surprise
in play. A compiled expression is a code object evaluated with no builtins, its
variables read straight from the scope's dict (about a microsecond an evaluation).

Randomness holds no hidden state: `random(a, b)` derives from the game's seed, the turn
and a draw number counted in the `Scope` (see `seeded_fraction`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from escape_game.errors import StoryError
from escape_game.model import Value, Variable

#: Longest expression or effect block accepted, in characters.
MAX_SOURCE = 2000
#: Deepest expression tree accepted.
MAX_DEPTH = 40
#: Largest number literal or result accepted (beyond it: an error, never a hang).
MAX_NUMBER = 10**15
#: The longest text a variable may hold, in characters.
MAX_TEXT = 100_000

NUMBER, BOOL, TEXT = "number", "true/false", "text"

_MASK = (1 << 64) - 1


class ExpressionError(StoryError):
    """An expression that cannot be compiled or evaluated.

    Attributes:
        offset: 0-based character offset of the problem in the source string.
        code: a diagnostic code such as "syntax", "unknown-name", "type".
    """

    def __init__(
        self, message: str, hint: str = "", offset: int = 0, code: str = "expression"
    ) -> None:
        super().__init__(message, hint)
        self.offset = offset
        self.code = code


@dataclass(frozen=True)
class Names:
    """What a story declares, for compiling its expressions.

    Attributes:
        variables: variable name -> full declaration.
        items: item ids.
        scenes: scene ids.
        memo: compiled results by source (filled by compiling; the cache stores it).
    """

    variables: Mapping[str, Variable]
    items: frozenset[str] = frozenset()
    scenes: frozenset[str] = frozenset()
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def type_of(self, name: str) -> str:
        """NUMBER, BOOL or TEXT for a declared variable."""
        return _type_of_value(self.variables[name].value)


def _type_of_value(value: Any) -> str:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, (int, float)):
        return NUMBER
    return TEXT


@dataclass
class Scope:
    """The mutable working context of one move: what expressions read and effects change.

    The engine builds one from a `GameState` (copying `vars` and `inventory`), runs
    conditions, effects and text against it, then freezes the result into a new state.

    Attributes:
        vars: variable name -> value (effects assign here).
        inventory: item ids held, in the order gained (effects append and remove).
        visits: scene id -> times entered.
        turn: choices made so far.
        seed: the game's seed.
        draws: random draws made so far in this move (advanced by `random()`).
        gained: items gained by effects in this move, in order (for notifications).
        lost: items lost by effects in this move, in order.
    """

    vars: dict[str, Value]
    inventory: list[str]
    visits: Mapping[str, int]
    turn: int = 0
    seed: int = 0
    draws: int = 0
    gained: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    _env: dict | None = field(default=None, repr=False, compare=False)

    def env(self) -> dict:
        """The globals expressions run with: the story functions bound to this scope."""
        if self._env is None:
            self._env = {
                "__builtins__": {},
                "true": True, "false": False, "True": True, "False": False,
                "_f_visits": lambda scene: self.visits.get(scene, 0),
                "_f_has": lambda item: item in self.inventory,
                "_f_turns": lambda: self.turn,
                "_f_random": self.random,
                "_f_clock": clock,
                "_f_money": money,
                "_f_euros": euros,
            }
        return self._env

    def random(self, low: Any, high: Any) -> int:
        """A whole number from `low` to `high` inclusive, from (seed, turn, draw)."""
        low, high = int(low), int(high)
        if high < low:
            low, high = high, low
        fraction = seeded_fraction(self.seed, self.turn, self.draws)
        self.draws += 1
        return low + int(fraction * (high - low + 1))


def _mix(z: int) -> int:
    z = (z + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def seeded_fraction(seed: int, *position: int) -> float:
    """A repeatable number in [0, 1) for `seed` at `position` (turn, draw, ...).

    A splitmix64 hash: no generator state, the same inputs always give the same output.
    """
    h = _mix(seed & _MASK)
    for part in position:
        h = _mix(h ^ (part & _MASK))
    return (h >> 11) / 9007199254740992.0


def clock(minutes: Any) -> str:
    """Minutes after midnight as a 24-hour time, e.g. 450 -> "07:30" (wraps at a day)."""
    total = int(minutes) % 1440
    return f"{total // 60:02d}:{total % 60:02d}"


def money(pence: Any) -> str:
    """Pence as pounds, e.g. 21000 -> "£210.00", -150 -> "-£1.50"."""
    pence = int(round(pence))
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"


def euros(cents: Any) -> str:
    """Euro cents as euros, e.g. 1250 -> "€12.50"."""
    cents = int(round(cents))
    sign = "-" if cents < 0 else ""
    return f"{sign}€{abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def _arithmetic_error(error: Exception, source: str) -> ExpressionError:
    """A division by zero, or a number too large for Python's floats (say a huge whole
    number divided, or formatted as money), as the story's error."""
    if isinstance(error, ZeroDivisionError):
        return ExpressionError(f"'{source}' divides by zero",
                               "guard the division with a condition", code="division-by-zero")
    return ExpressionError(f"'{source}' worked with a number too large to hold",
                           "give the variables a min and max so they stay small",
                           code="too-large")


def _check_number(value: Any, source: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ExpressionError(
            f"'{source}' gave a number that is not finite",
            "keep numbers within sensible bounds (give the variable a min and max)",
            code="not-finite",
        )
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise ExpressionError(
            f"'{source}' gave {value:.3g}, larger than the language allows",
            "give the variable a min and max so it stays small",
            code="too-large",
        )


class Expression:
    """A compiled expression.

    Attributes:
        source: the text it was compiled from.
        type: NUMBER, BOOL or TEXT.
        code: the code object, evaluated with no builtins.
    """

    __slots__ = ("source", "type", "code")

    def __init__(self, source: str, type_: str, code: Any) -> None:
        self.source, self.type, self.code = source, type_, code

    def evaluate(self, scope: Scope) -> Value:
        """The expression's value in `scope`.

        Raises:
            ExpressionError: a division by zero, or a number that is not finite or is
                larger than MAX_NUMBER.
        """
        try:
            value = eval(self.code, scope.env(), scope.vars)
        except (ArithmeticError, ValueError) as error:  # ValueError: int() of a NaN
            raise _arithmetic_error(error, self.source) from None
        if self.type is NUMBER:
            _check_number(value, self.source)
        return value


# An effect operation: (kind, name, code, source, low, high), kind in set/add/sub/gain/lose.
_Op = tuple


class Effects:
    """A compiled block of effect statements.

    Attributes:
        source: the text it was compiled from.
        ops: the operations, in order, as plain tuples (marshal-able for the cache).
    """

    __slots__ = ("source", "ops")

    def __init__(self, source: str, ops: tuple[_Op, ...]) -> None:
        self.source, self.ops = source, ops

    def apply(self, scope: Scope) -> None:
        """Run the statements in order, changing `scope` (numbers clamped to bounds).

        Raises:
            ExpressionError: as `Expression.evaluate`.
        """
        for kind, name, code, source, low, high in self.ops:
            if kind == "gain":
                if name not in scope.inventory:
                    scope.inventory.append(name)
                    scope.gained.append(name)
            elif kind == "lose":
                if name in scope.inventory:
                    scope.inventory.remove(name)
                    scope.lost.append(name)
            else:
                scope.vars[name] = _assigned(scope, kind, name, code, source, low, high)


def _assigned(scope: Scope, kind: str, name: str, code: Any, source: str,
              low: Any, high: Any) -> Value:
    """The value an assignment stores: computed, clamped to [low, high], checked."""
    try:
        value = eval(code, scope.env(), scope.vars)
    except (ArithmeticError, ValueError) as error:  # ValueError: int() of a NaN
        raise _arithmetic_error(error, source) from None
    if kind == "add":
        value = scope.vars[name] + value
    elif kind == "sub":
        value = scope.vars[name] - value
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise ExpressionError(f"'{source}' made a text of {len(value):,} characters, longer "
                              f"than the language allows ({MAX_TEXT:,})",
                              "build text from a few literals, not from itself in a loop",
                              code="too-long")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if low is not None and value < low:
            value = low
        elif high is not None and value > high:
            value = high
        _check_number(value, source)
    return value


def compile_expression(source: str, names: Names, want: str | None = None) -> Expression:
    """Compile an expression; `want=BOOL` for a condition.

    Compiled results are memoized in `names.memo`, so each distinct string is compiled
    once per story (and restored from the cache without compiling at all).

    Raises:
        ExpressionError: syntax, a refused construct, an unknown name or id (with a
            did-you-mean), a type mismatch, or the wrong type for `want`.
    """
    key = ("expression", source, want)
    hit = names.memo.get(key)
    if hit is None:
        from escape_game.compiler import expression_code

        hit = names.memo[key] = expression_code(source, names, want)
    return Expression(source, hit[1], hit[0])


def compile_effects(source: str, names: Names) -> Effects:
    """Compile effect statements separated by newlines or `;`.

    Raises:
        ExpressionError: as `compile_expression`, plus anything that is not one of
            `x = e`, `x += e`, `x -= e`, `gain('item')`, `lose('item')`.
    """
    key = ("effects", source, None)
    hit = names.memo.get(key)
    if hit is None:
        from escape_game.compiler import effect_ops

        hit = names.memo[key] = effect_ops(source, names)
    return Effects(source, hit)


#: Display formats a variable may declare (`format:`), by name.
FORMATS = {"money": money, "euros": euros, "clock": clock}


def formatted(value: Value, style: str) -> str:
    """`value` shown in a variable's declared `format` ("" shows it as it is)."""
    if style in FORMATS and not isinstance(value, (bool, str)):
        return FORMATS[style](value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def day_and_time(values: Mapping[str, Value], day: str, time: str) -> tuple[str, ...]:
    """The day and time a manifest's `status` names, e.g. ("Day 1", "07:00").

    Args:
        values: the current variables.
        day: the variable counting days ("" for none); time: the variable holding
            minutes after midnight ("" for none).
    """
    parts = []
    if day and day in values:
        parts.append(f"Day {values[day]}")
    if time and time in values:
        parts.append(clock(values[time]))
    return tuple(parts)
