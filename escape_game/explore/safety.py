"""What no state of a story can go wrong with, proved from the story's text alone.

When the breadth-first search stops at its cap it has not seen every state, so it
cannot say that no dead end or error is reachable. This module can, for a story
written carefully enough: it shows that *no* state, reachable or not, can fail. Every
way a move can fail (`playtest.classify`) is covered by one argument:

- **dead end**: in every scene, some choice is open whatever the state holds
  (`check`'s dead-end logic: each term given representative values, `lint.logic`);
- **cycle of automatic moves**: `check` finds no cycle of textless fallbacks;
- **`back` with nowhere to go**: the start scene offers no `goto: back`;
- **expression error** (division by zero, a number beyond `MAX_NUMBER`): every
  number the story computes is bounded (interval arithmetic over declared bounds,
  literals and `random()` ranges), and no divisor's interval holds zero.

A variable without a declared bound on a side is bounded there by its initial value
and the literals assigned to it only when no effect moves it that way; visit counts
and the turn are taken to stay below `MAX_COUNT` (a billion moves). Whatever the
arguments cannot show is returned as a reason, and the story is then not proved safe;
the arguments never claim safety they have not shown.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator
from dataclasses import dataclass

from escape_game.expressions import MAX_NUMBER
from escape_game.model import BACK, Story
from escape_game.program import Program

#: The most visits of a scene, or turns, a game is taken to reach.
MAX_COUNT = 10**9

Interval = tuple[float, float]


@dataclass(frozen=True)
class Safety:
    """The verdict: `proved` when no state can fail; else `reasons`, one a doubt."""

    proved: bool
    reasons: tuple[str, ...] = ()


def prove_safe(story: Story, program: Program) -> Safety:
    """Try to prove that no move from any state of `story` can fail.

    Returns:
        `Safety(True)`, or `Safety(False, reasons)` naming each doubt (the scene or
        expression, and what might happen there).
    """
    reasons = [*_route_doubts(story, program), *_start_doubts(story),
               *_number_doubts(story, program)]
    return Safety(not reasons, tuple(dict.fromkeys(reasons)))


def _route_doubts(story: Story, program: Program) -> Iterator[str]:
    """`check`'s dead ends and automatic cycles, as doubts."""
    from escape_game.lint import Checker
    from escape_game.lint.routes import automatic_cycles, dead_ends

    checker = Checker(story, program)
    checker.conditions()  # marks the choices that can never be taken, as `check` does
    for diagnostic in [*dead_ends(checker), *automatic_cycles(checker)]:
        yield f"{diagnostic.code}: {diagnostic.message}"


def _start_doubts(story: Story) -> Iterator[str]:
    from escape_game.explore.liveness import offered

    start = story.manifest.start
    for owner, choice in offered(story, start):
        if choice.goto == BACK:
            yield (f"back-at-start: choice '{choice.id}' ({owner}) goes back, and the "
                   f"story starts in '{start}' with nowhere to go back to")


# -- numbers ------------------------------------------------------------------------


def _number_doubts(story: Story, program: Program) -> Iterator[str]:
    bounds = _variable_bounds(story)
    for source, mode in _expressions(story, program):
        tree = ast.parse(source.strip().replace("\n", " ") if mode == "eval"
                         else source.strip(), "<story>", mode)
        doubts: list[str] = []
        if mode == "eval":
            _interval(tree.body, bounds, doubts)
        else:
            for statement in tree.body:
                if isinstance(statement, ast.Assign):
                    _interval(statement.value, bounds, doubts)
                elif isinstance(statement, ast.AugAssign):
                    _stored(statement, story, bounds, doubts)
        for doubt in doubts:
            yield f"{doubt}, in '{' '.join(source.split())}'"


def _stored(statement: ast.AugAssign, story: Story, bounds: dict[str, Interval],
            doubts: list[str]) -> None:
    """Doubts about `x += e` / `x -= e`: `e` itself, and the sum on a side where `x`
    has no declared bound to clamp it to."""
    change = _interval(statement.value, bounds, doubts)
    name = statement.target.id
    if change is None or name not in bounds:
        return
    low, high = bounds[name]
    if isinstance(statement.op, ast.Sub):
        change = (-change[1], -change[0])
    declared = story.manifest.variable(name)
    rises = change[1] > 0 and declared.max is None and high + change[1] > MAX_NUMBER
    falls = change[0] < 0 and declared.min is None and low + change[0] < -MAX_NUMBER
    if rises or falls:
        doubts.append(f"'{name}' has no bound to keep it within {MAX_NUMBER:.0e}, and "
                      f"'{ast.unparse(statement)}' may take it beyond")


def _expressions(story: Story, program: Program) -> Iterator[tuple[str, str]]:
    """(source, "eval" or "exec") for every condition, effect and text expression."""
    from escape_game.stats import walk_text

    texts: list[str] = []
    choices = [*story.manifest.choices]
    for location in story.manifest.locations.values():
        choices += location.choices
    for scene in story.scenes.values():
        choices += scene.choices
        texts.append(scene.text)
        if scene.on_enter:
            yield scene.on_enter, "exec"
    for choice in choices:
        texts += [choice.text, choice.reason]
        for condition in (choice.if_, choice.locked_if):
            if condition:
                yield condition, "eval"
        if choice.do:
            yield choice.do, "exec"
    for text in dict.fromkeys(texts):
        if text and "{" in text:
            for kind, value in walk_text(program.text(text)):
                if kind != "literal":
                    yield value.source, "eval"


def _variable_bounds(story: Story) -> dict[str, Interval]:
    """Number variable -> the interval its values stay in (see the module docstring)."""
    up: set[str] = set()
    down: set[str] = set()
    assigned: dict[str, list[float]] = {}
    for source in _effect_sources(story):
        for statement in ast.parse(source.strip(), "<story>", "exec").body:
            if isinstance(statement, ast.Assign):
                name, value = statement.targets[0].id, _literal(statement.value)
                if value is None:
                    up.add(name)
                    down.add(name)
                else:
                    assigned.setdefault(name, []).append(value)
            elif isinstance(statement, ast.AugAssign):
                name, value = statement.target.id, _literal(statement.value)
                if value is None:
                    up.add(name)
                    down.add(name)
                elif (value > 0) == isinstance(statement.op, ast.Add):
                    up.add(name)
                elif value:
                    down.add(name)
    bounds = {}
    for name in story.manifest.vars:
        declared = story.manifest.variable(name)
        value = declared.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        seen = [value, *assigned.get(name, ())]
        low = declared.min if declared.min is not None else \
            -math.inf if name in down else min(seen)
        high = declared.max if declared.max is not None else \
            math.inf if name in up else max(seen)
        bounds[name] = (min(low, value), max(high, value))
    return bounds


def _effect_sources(story: Story) -> Iterator[str]:
    choices = [*story.manifest.choices]
    for location in story.manifest.locations.values():
        choices += location.choices
    for scene in story.scenes.values():
        choices += scene.choices
        if scene.on_enter:
            yield scene.on_enter
    yield from (choice.do for choice in choices if choice.do)


def _literal(node: ast.AST) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _literal(node.operand)
        if inner is not None:
            return -inner if isinstance(node.op, ast.USub) else inner
    return None


def _interval(node: ast.AST, bounds: dict[str, Interval], doubts: list[str]
              ) -> Interval | None:
    """The interval a number expression's value stays in (None for text and truth
    values), adding to `doubts` each way it might fail: a divisor that may be 0, or a
    sum, difference, product or quotient beyond the language's largest number (a
    variable's own value was checked when it was stored)."""
    found = _node_interval(node, bounds, doubts)
    if isinstance(node, ast.BinOp) and found is not None and _beyond(found):
        doubts.append(f"'{ast.unparse(node)}' may go beyond {MAX_NUMBER:.0e}")
    return found


def _beyond(interval: Interval) -> bool:
    return max(abs(interval[0]), abs(interval[1])) > MAX_NUMBER


def _node_interval(node: ast.AST, bounds: dict[str, Interval], doubts: list[str]
                   ) -> Interval | None:
    literal = _literal(node)
    if literal is not None:
        return literal, literal
    if isinstance(node, ast.Name):
        return bounds.get(node.id)
    if isinstance(node, ast.UnaryOp):
        inner = _node_interval(node.operand, bounds, doubts)
        if inner is None or isinstance(node.op, ast.Not):
            return None
        return (-inner[1], -inner[0]) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        left = _node_interval(node.left, bounds, doubts)
        right = _node_interval(node.right, bounds, doubts)
        if left is None or right is None:
            return None
        return _arithmetic(node, left, right, doubts)
    if isinstance(node, ast.IfExp):
        _interval(node.test, bounds, doubts)
        yes, no = _interval(node.body, bounds, doubts), _interval(node.orelse, bounds, doubts)
        return None if yes is None or no is None else (min(yes[0], no[0]), max(yes[1], no[1]))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        arguments = [_interval(argument, bounds, doubts) for argument in node.args]
        if node.func.id in ("visits", "turns"):
            return 0, MAX_COUNT
        if node.func.id == "random" and None not in arguments:
            return min(a[0] for a in arguments), max(a[1] for a in arguments)
        return None
    for child in ast.iter_child_nodes(node):  # comparisons, and/or: check the parts
        _interval(child, bounds, doubts)
    return None


def _arithmetic(node: ast.BinOp, left: Interval, right: Interval, doubts: list[str]
                ) -> Interval:
    if isinstance(node.op, ast.Add):
        return left[0] + right[0], left[1] + right[1]
    if isinstance(node.op, ast.Sub):
        return left[0] - right[1], left[1] - right[0]
    if isinstance(node.op, ast.Mult):
        return _hull([_times(a, b) for a in left for b in right])
    if right[0] <= 0 <= right[1]:
        doubts.append(f"'{ast.unparse(node.right)}' may be 0 where it divides")
        return -math.inf, math.inf
    if isinstance(node.op, ast.Mod):
        largest = max(abs(right[0]), abs(right[1]))
        return -largest, largest
    low, high = _hull([a / b for a in left for b in right])
    return (math.floor(low), math.floor(high)) if isinstance(node.op, ast.FloorDiv) \
        else (low, high)


def _times(a: float, b: float) -> float:
    return 0.0 if a == 0 or b == 0 else a * b  # 0 times an unbounded side is 0


def _hull(values: list[float]) -> Interval:
    return min(values), max(values)
