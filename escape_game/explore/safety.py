"""What no state of a story can go wrong with, proved from the story's text alone.

When the breadth-first search stops at its cap it has not seen every state, so it
cannot say that no dead end or error is reachable. This module can, for a story
written carefully enough: it shows that *no* state, reachable or not, can fail. Every
way a move can fail (`playtest.classify`) is covered by one argument:

- **dead end**: in every scene, some choice is open whatever the state holds
  (`check`'s dead-end logic: each term given representative values, `lint.logic`);
- **automatic moves**: `check` finds no cycle of textless fallbacks, and no chain of
  them is as long as the engine allows (`engine.MAX_AUTOMATIC_MOVES`);
- **`back` with nowhere to go**: the start scene offers no `goto: back`;
- **expression error**: no divisor's interval holds zero, and no sum, difference,
  product or quotient, and no value stored where no declared bound clamps it, can
  lie beyond `MAX_NUMBER` (interval arithmetic over declared bounds, literals and
  `random()` ranges); no text variable is built from text that can itself grow.

The assumptions, stated: a game lasts fewer than `MAX_COUNT` moves (a billion), so
visit counts and the turn stay below it, and a variable without a declared bound on
a side that only literal `+=`/`-=` move there stays within what those can do in that
many moves (`_variable_bounds`); no stored number lies beyond `MAX_NUMBER` (the
engine refuses to store one, and each statement that could try is a doubt of its
own). Whatever the arguments cannot show is
returned as a reason, and the story is then not proved safe; the arguments never
claim safety they have not shown.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator
from dataclasses import dataclass

from escape_game.engine import MAX_AUTOMATIC_MOVES
from escape_game.expressions import MAX_NUMBER, MAX_TEXT
from escape_game.model import BACK, Story
from escape_game.program import Program

#: The most visits of a scene, or turns, a game is taken to reach.
MAX_COUNT = 10**9

Interval = tuple[float, float]
_EVERYTHING: Interval = (-math.inf, math.inf)


@dataclass(frozen=True)
class Safety:
    """The verdict: `proved` when no state can fail; else `reasons`, each a doubt
    naming where it is and what might happen there."""

    proved: bool
    reasons: tuple[str, ...] = ()


def prove_safe(story: Story, program: Program) -> Safety:
    """Try to prove that no move from any state of `story` can fail.

    Returns:
        `Safety(True)`, or `Safety(False, reasons)`.
    """
    reasons = [*_route_doubts(story, program), *_start_doubts(story),
               *(doubt for _, doubt in _number_doubts(story, program))]
    return Safety(not reasons, tuple(dict.fromkeys(reasons)))


def risky_sources(story: Story, program: Program | None) -> set[str]:
    """The conditions, effect blocks and text expressions that might fail on some
    values (a divisor that may be 0, a number that may grow too large): the explorer
    must keep every value they read (`liveness`), even where nothing else reads it."""
    if program is None:
        return set()
    return {source for source, _ in _number_doubts(story, program)}


# -- routes -------------------------------------------------------------------------


def _route_doubts(story: Story, program: Program) -> Iterator[str]:
    """`check`'s dead ends and automatic cycles, and chains of automatic moves too
    long for the engine, as doubts."""
    from escape_game.lint import Checker
    from escape_game.lint.routes import automatic_cycles, dead_ends

    checker = Checker(story, program)
    checker.conditions()  # marks the choices that can never be taken, as `check` does
    cycles = automatic_cycles(checker)
    for diagnostic in [*dead_ends(checker), *cycles]:
        yield f"{diagnostic.code}: {diagnostic.message}"
    if not cycles:
        yield from _long_chains(checker)


def _long_chains(checker) -> Iterator[str]:
    """A chain of automatic moves (textless fallbacks) the engine would stop."""
    automatic = {scene: [target for target, offer in checker.graph.moves[scene]
                         if offer.automatic]
                 for scene in checker.graph.offers}
    longest: dict[str, int] = {}  # scene -> the most automatic moves from it
    for first in automatic:  # no cycles here (checked first): a depth-first walk ends
        stack = [(first, iter(automatic.get(first, ())))]
        while stack:
            scene, targets = stack[-1]
            target = next(targets, None)
            if target is None:
                stack.pop()
                longest[scene] = max((1 + longest[t] for t in automatic.get(scene, ())),
                                     default=0)
            elif target not in longest:
                stack.append((target, iter(automatic.get(target, ()))))
        if longest[first] >= MAX_AUTOMATIC_MOVES - 1:
            yield (f"automatic-chain: from scene '{first}' automatic moves can follow "
                   f"one another {longest[first]} times, and the engine stops after "
                   f"{MAX_AUTOMATIC_MOVES}")
            return


def _start_doubts(story: Story) -> Iterator[str]:
    from escape_game.explore.liveness import offered

    start = story.manifest.start
    for owner, choice in offered(story, start):
        if choice.goto == BACK:
            yield (f"back-at-start: choice '{choice.id}' ({owner}) goes back, and the "
                   f"story starts in '{start}' with nowhere to go back to")


# -- numbers ------------------------------------------------------------------------


def _number_doubts(story: Story, program: Program) -> Iterator[tuple[str, str]]:
    """(source, doubt) for each place a number may fail (see the module docstring)."""
    bounds = _variable_bounds(story)
    growing = _growing_texts(story)
    for source, mode, where in _expressions(story, program):
        tree = ast.parse(_one_line(source) if mode == "eval" else source.strip(),
                         "<story>", mode)
        doubts: list[str] = []
        if mode == "eval":
            _interval(tree.body, bounds, doubts)
        else:
            for statement in tree.body:
                if isinstance(statement, (ast.Assign, ast.AugAssign)):
                    _stored(statement, story, bounds, growing, doubts)
        statement = "; ".join(line.strip() for line in source.strip().splitlines())
        beyond = [d for d in doubts if "may go beyond" in d][:1]  # the innermost says it
        for doubt in dict.fromkeys(d for d in doubts if "may go beyond" not in d or d in beyond):
            yield source, f"{doubt}, in '{statement}' ({where})"


def _stored(statement: ast.Assign | ast.AugAssign, story: Story,
            bounds: dict[str, Interval], growing: set[str], doubts: list[str]) -> None:
    """Doubts about `x = e`, `x += e`, `x -= e`: `e` itself, the value stored on a
    side where `x` has no declared bound to clamp it to, and text that can grow."""
    value = _interval(statement.value, bounds, doubts)
    target = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
    name = target.id
    if name in growing and (isinstance(statement, ast.AugAssign) or any(
            isinstance(node, ast.Name) and node.id in growing
            for node in ast.walk(statement.value))):
        doubts.append(f"text '{name}' is built from text that can grow, past the "
                      f"{MAX_TEXT:,} characters a text may hold")
    if value is None or name not in bounds:
        return
    if isinstance(statement, ast.AugAssign):
        low, high = bounds[name]
        if isinstance(statement.op, ast.Sub):
            value = (-value[1], -value[0])
        value = _finite(low + value[0], high + value[1])
    declared = story.manifest.variable(name)
    if declared.max is None and value[1] > MAX_NUMBER or \
            declared.min is None and value[0] < -MAX_NUMBER:
        doubts.append(f"'{name}' has no bound to keep it within {MAX_NUMBER:.0e}, and "
                      f"'{ast.unparse(statement)}' may take it beyond")


def _expressions(story: Story, program: Program) -> Iterator[tuple[str, str, str]]:
    """(source, "eval" or "exec", where) for every condition, effect and text
    expression; `where` names the scene and choice, as "scene 'hall', choice 'go'"."""
    from escape_game.stats import walk_text

    def choices():
        for choice in story.manifest.choices:
            yield choice, "the story's choice"
        for name, location in story.manifest.locations.items():
            for choice in location.choices:
                yield choice, f"location '{name}', choice"
        for scene_id, scene in story.scenes.items():
            for choice in scene.choices:
                yield choice, f"scene '{scene_id}', choice"

    texts: list[tuple[str, str]] = []
    for scene_id, scene in story.scenes.items():
        texts.append((scene.text, f"scene '{scene_id}', text"))
        if scene.on_enter:
            yield scene.on_enter, "exec", f"scene '{scene_id}', on_enter"
    for choice, owner in choices():
        where = f"{owner} '{choice.id}'"
        texts += [(choice.text, where), (choice.reason, where)]
        for condition in (choice.if_, choice.locked_if):
            if condition:
                yield condition, "eval", where
        if choice.do:
            yield choice.do, "exec", where
    for text, where in texts:
        if text and "{" in text:
            for kind, value in walk_text(program.text(text)):
                if kind != "literal":
                    yield value.source, "eval", where


def _one_line(source: str) -> str:
    return source.strip().replace("\n", " ")


def _assignments(story: Story) -> Iterator[ast.Assign | ast.AugAssign]:
    """Every assignment statement in every effect block."""
    sources = [c.do for c in story.manifest.choices]
    for location in story.manifest.locations.values():
        sources += [c.do for c in location.choices]
    for scene in story.scenes.values():
        sources += [scene.on_enter, *(c.do for c in scene.choices)]
    for source in filter(None, sources):
        for statement in ast.parse(source.strip(), "<story>", "exec").body:
            if isinstance(statement, (ast.Assign, ast.AugAssign)):
                yield statement


def _variable_bounds(story: Story) -> dict[str, Interval]:
    """Number variable -> the interval its values stay in (see the module docstring).

    A side without a declared bound is bounded by the initial value and the literals
    assigned, moved by the most that literal `+=` and `-=` can do in `MAX_COUNT`
    moves (each running at most every block once per scene it enters); a variable
    also changed by a computed amount may reach `MAX_NUMBER` on either side.
    """
    computed: set[str] = set()
    rise: dict[str, float] = {}
    fall: dict[str, float] = {}
    assigned: dict[str, list[float]] = {}
    for statement in _assignments(story):
        target = statement.targets[0] if isinstance(statement, ast.Assign) \
            else statement.target
        name, value = target.id, number_literal(statement.value)
        if value is None:
            computed.add(name)
        elif isinstance(statement, ast.Assign):
            assigned.setdefault(name, []).append(value)
        else:
            step = value if isinstance(statement.op, ast.Add) else -value
            moved = rise if step > 0 else fall
            moved[name] = moved.get(name, 0) + abs(step)
    reach = float(MAX_COUNT) * (MAX_AUTOMATIC_MOVES + 1)  # blocks run in a billion moves
    bounds = {}
    for name in story.manifest.vars:
        declared = story.manifest.variable(name)
        value = declared.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        seen = [value, *assigned.get(name, ())]
        low = declared.min if declared.min is not None else -MAX_NUMBER \
            if name in computed else min(seen) - reach * fall.get(name, 0)
        high = declared.max if declared.max is not None else MAX_NUMBER \
            if name in computed else max(seen) + reach * rise.get(name, 0)
        bounds[name] = (float(max(min(low, value), -MAX_NUMBER)),
                        float(min(max(high, value), MAX_NUMBER)))
    return bounds


def _growing_texts(story: Story) -> set[str]:
    """Text variables assigned something other than a literal, or added to."""
    texts = {name for name in story.manifest.vars
             if isinstance(story.manifest.variable(name).value, str)}
    growing = set()
    for statement in _assignments(story):
        target = statement.targets[0] if isinstance(statement, ast.Assign) \
            else statement.target
        if target.id in texts and (isinstance(statement, ast.AugAssign)
                                   or not isinstance(statement.value, ast.Constant)):
            growing.add(target.id)
    return growing


def number_literal(node: ast.AST) -> float | None:
    """The number a literal writes (`3`, `-0.5`), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = number_literal(node.operand)
        if inner is not None:
            return -inner if isinstance(node.op, ast.USub) else inner
    return None


def _interval(node: ast.AST, bounds: dict[str, Interval], doubts: list[str]
              ) -> Interval | None:
    """The interval a number expression's value stays in (None for text and truth
    values), adding to `doubts` each divisor that may be 0 and each sum, difference,
    product or quotient that may lie beyond the language's largest number (a
    variable's own value was checked when it was stored)."""
    literal = number_literal(node)
    if literal is not None:  # floats throughout: they overflow to inf, never raise
        return float(literal), float(literal)
    if isinstance(node, ast.Name):
        return bounds.get(node.id)
    if isinstance(node, ast.UnaryOp):
        inner = _interval(node.operand, bounds, doubts)
        if inner is None or isinstance(node.op, ast.Not):
            return None
        return (-inner[1], -inner[0]) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        left = _interval(node.left, bounds, doubts)
        right = _interval(node.right, bounds, doubts)
        if left is None or right is None:
            return None
        found = _arithmetic(node, left, right, doubts)
        if max(abs(found[0]), abs(found[1])) > MAX_NUMBER:
            doubts.append(f"'{ast.unparse(node)}' may go beyond {MAX_NUMBER:.0e}")
        return found
    if isinstance(node, ast.IfExp):
        _interval(node.test, bounds, doubts)
        yes, no = _interval(node.body, bounds, doubts), _interval(node.orelse, bounds, doubts)
        return None if yes is None or no is None else (min(yes[0], no[0]), max(yes[1], no[1]))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        arguments = [_interval(argument, bounds, doubts) for argument in node.args]
        if node.func.id in ("visits", "turns"):
            return 0.0, float(MAX_COUNT)
        if node.func.id == "random" and None not in arguments:
            # `Scope.random` takes int() of each bound: truncation, which never falls
            # as its argument rises, so the truncated ends hold every outcome
            low, high = min(a[0] for a in arguments), max(a[1] for a in arguments)
            return (float(math.trunc(low)) if math.isfinite(low) else low,
                    float(math.trunc(high)) if math.isfinite(high) else high)
        return None
    for child in ast.iter_child_nodes(node):  # comparisons, and/or: what is inside
        _interval(child, bounds, doubts)
    return None


def _arithmetic(node: ast.BinOp, left: Interval, right: Interval, doubts: list[str]
                ) -> Interval:
    if isinstance(node.op, ast.Add):
        return _finite(left[0] + right[0], left[1] + right[1])
    if isinstance(node.op, ast.Sub):
        return _finite(left[0] - right[1], left[1] - right[0])
    if isinstance(node.op, ast.Mult):
        return _hull([_times(a, b) for a in left for b in right])
    if right[0] <= 0 <= right[1]:
        doubts.append(f"'{ast.unparse(node.right)}' may be 0 where it divides")
        return _EVERYTHING
    if isinstance(node.op, ast.Mod):
        largest = max(abs(right[0]), abs(right[1]))
        return -largest, largest
    low, high = _hull([a / b for a in left for b in right])
    if isinstance(node.op, ast.FloorDiv) and math.isfinite(low) and math.isfinite(high):
        # floats divide inexactly: 1 // 0.1 is 9.0, while floor(1 / 0.1) is 10
        return float(math.floor(low)) - 1, float(math.floor(high)) + 1
    return low, high


def _times(a: float, b: float) -> float:
    return 0.0 if a == 0 or b == 0 else a * b  # 0 times an unbounded side is 0


def _finite(low: float, high: float) -> Interval:
    """(low, high), or everything when float arithmetic gave no number."""
    return _EVERYTHING if math.isnan(low) or math.isnan(high) else (low, high)


def _hull(values: list[float]) -> Interval:
    if any(math.isnan(value) for value in values):
        return _EVERYTHING
    return min(values), max(values)
