"""A search aimed at one scene, for when the breadth-first search stops at its cap.

A story whose state space is too large to search through (a clock that every look
moves on, times the choices taken, times the money spent) can still show each ending
and each scene reachable: a route to it is the proof. `reach` is a greedy best-first
search over the same reduced states as the breadth-first one (`search._Search`): it
expands first the states whose scene is fewest moves from the goal in the scene graph
(conditions ignored, `graph.successors`), deepest first among equals (so it keeps
doing things where the goal needs things done first, as an ending that asks for all
six tapestries does), and never expands a state whose scene has no way to the goal.
The route it finds is real, found by playing the engine, but need not be the
shortest.
"""

from __future__ import annotations

import ast
import heapq
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from escape_game.explore.analysis import Analysis
from escape_game.explore.engines import BranchingEngine, TooManyBranches
from escape_game.explore.report import Move
from escape_game.graph import successors
from escape_game.model import BACK, Story
from escape_game.state import GameState

if TYPE_CHECKING:
    from escape_game.explore.search import _Search


_TRUTH = {"true": True, "True": True, "false": False, "False": False}
#: A fact a choice can ask for: ("has", item) for an item held, else (variable, value).
Fact = tuple[str, object]


class _Guide:
    """How many moves a state seems to be from the goal: the heuristic.

    The distance is taken in the scene graph with conditions ignored, except that a
    choice whose condition plainly asks for a fact (`has('book')`, `flag`, `not flag`
    or `name == 'value'` and-ed into its `if`, or `not has('book')` as its
    `locked_if`) is a way on only for a state where the fact holds. A state lacking
    facts it needs is as far as the way round by the scenes that make them hold
    (`gain('book')`, `name = 'value'`), up to `DETOURS` of them in the best order; a
    state with no way even so is `LATE` moves further than the plain distance (still
    searched, after everything nearer), and one whose scene has no way to the goal in
    the plain graph is never searched.
    """

    LATE, DETOURS = 10_000, 3

    def __init__(self, story: Story, goal: str) -> None:
        from escape_game.explore.liveness import offered

        self.goal = goal
        plain = successors(story)
        self.edges: list[tuple[str, str, frozenset[Fact]]] = []  # (from, to, facts needed)
        self.made_at: dict[Fact, set[str]] = {}  # fact -> scenes where an effect makes it
        for scene_id, scene in story.scenes.items():
            for fact in _made(scene.on_enter):
                self.made_at.setdefault(fact, set()).add(scene_id)
            for _, choice in offered(story, scene_id):
                for fact in _made(choice.do):
                    self.made_at.setdefault(fact, set()).add(scene_id)
                needs = _needed(choice.if_, choice.locked_if)
                targets = plain[scene_id] if choice.goto == BACK else \
                    [choice.goto] if choice.goto in story.scenes else []
                self.edges += [(scene_id, target, needs) for target in targets]
        self.relevant = frozenset().union(*(needs for _, _, needs in self.edges))
        self.cache: dict[tuple[str, frozenset[Fact]], dict[str, int]] = {}
        self.memo: dict[tuple[str, frozenset[Fact], int], int | None] = {}
        self.plain = self.distances(goal, self.relevant)

    def distances(self, goal: str, held: frozenset[Fact]) -> dict[str, int]:
        """Scene -> fewest moves to `goal` where the facts `held` hold (memoized)."""
        key = (goal, held)
        if key in self.cache:
            return self.cache[key]
        into: dict[str, list[str]] = {}
        for source, target, needs in self.edges:
            if needs <= held:
                into.setdefault(target, []).append(source)
        distance = self.cache[key] = {goal: 0}
        queue = deque([goal])
        while queue:
            scene = queue.popleft()
            for source in into.get(scene, ()):
                if source not in distance:
                    distance[source] = distance[scene] + 1
                    queue.append(source)
        return distance

    def __call__(self, state: GameState) -> int | None:
        plain = self.plain.get(state.scene)
        if plain is None:
            return None
        held = frozenset(fact for fact in self.relevant if _holds(fact, state))
        found = self.moves(state.scene, held, self.DETOURS)
        return found if found is not None else plain + self.LATE

    def moves(self, scene: str, held: frozenset[Fact], detours: int) -> int | None:
        """Fewest moves from `scene` to the goal where `held` hold, by way of at most
        `detours` scenes that make a needed fact hold; None if there is no way."""
        key = (scene, held, detours)
        if key in self.memo:
            return self.memo[key]
        best = self.distances(self.goal, held).get(scene)
        for fact in (self.relevant - held) if detours else ():
            for place in self.made_at.get(fact, ()):
                there = self.distances(place, held).get(scene)
                if there is None or best is not None and there >= best:
                    continue
                onward = self.moves(place, held | {fact}, detours - 1)
                if onward is not None and (best is None or there + onward < best):
                    best = there + onward
        self.memo[key] = best
        return best


def _holds(fact: Fact, state: GameState) -> bool:
    name, value = fact
    return value in state.inventory if name == "has" else state.vars.get(name) == value


def _made(effects: str) -> list[Fact]:
    """The facts an effect block makes hold: items gained, values assigned."""
    if not effects:
        return []
    made: list[Fact] = []
    for statement in ast.parse(effects.strip()).body:
        if isinstance(statement, ast.Expr) and _has(statement.value) and \
                statement.value.func.id == "gain":
            made.append(("has", _has(statement.value)))
        elif isinstance(statement, ast.Assign) and \
                (value := _constant(statement.value)) is not None:
            made.append((statement.targets[0].id, value))
    return made


def _constant(node: ast.AST) -> object:
    """The value of a literal (`'paris'`, `3`, `true`), else None."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id in _TRUTH:
        return _TRUTH[node.id]
    return None


def _needed(condition: str | None, lock: str | None) -> frozenset[Fact]:
    """The facts a choice plainly needs (see `_Guide`)."""
    needed: set[Fact] = set()
    if condition:
        tree = ast.parse(condition.strip().replace("\n", " "), mode="eval").body
        parts = tree.values if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And) \
            else [tree]
        needed.update(fact for part in parts if (fact := _fact(part)))
    if lock:
        tree = ast.parse(lock.strip().replace("\n", " "), mode="eval").body
        if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.Not) and _has(tree.operand):
            needed.add(("has", _has(tree.operand)))
    return frozenset(needed)


def _fact(node: ast.AST) -> Fact | None:
    """The fact a condition part plainly states, if it is one of the plain forms."""
    if _has(node):
        return "has", _has(node)
    if isinstance(node, ast.Name) and node.id not in _TRUTH:
        return node.id, True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) and \
            isinstance(node.operand, ast.Name):
        return node.operand.id, False
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and \
            isinstance(node.ops[0], ast.Eq) and isinstance(node.left, ast.Name) and \
            (value := _constant(node.comparators[0])) is not None:
        return node.left.id, value
    return None


def _has(node: ast.AST) -> str:
    """The item id of a `has('x')` or `gain('x')` call, else ""."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
            node.func.id in ("has", "gain") and node.args and \
            isinstance(node.args[0], ast.Constant):
        return str(node.args[0].value)
    return ""


def reach(story: Story, engine: BranchingEngine, analysis: Analysis, goal: str,
          max_states: int) -> _Search:
    """Search for a route to the scene `goal`, best first, within `max_states` states.

    Returns:
        the search: `goal in search.first_in` when it was reached (`search.route` of
        that state is the route), its `endings` each ending reached with the route
        that first reached it, its `failures` what failed on the way.
    """
    from escape_game.explore.search import _Search  # the search this one reorders

    guide = _Guide(story, goal)
    search = _Search(engine, analysis, max_states, None)
    search.start()
    queue: list[tuple[int, int, int]] = []  # (moves left, -depth, state)

    def push(numbers: range, depth: int) -> None:
        for number in numbers:
            left = guide(search.states[number])
            if left is not None:
                heapq.heappush(queue, (left, -depth, number))

    push(range(len(search.states)), 0)
    while queue and goal not in search.first_in and len(search.states) < max_states:
        _, negative_depth, number = heapq.heappop(queue)
        before = len(search.states)
        try:
            search.expand(number)
        except TooManyBranches:
            continue  # too many outcomes to play here; other states may lead on
        push(range(before, len(search.states)), 1 - negative_depth)
    return search


#: The longest run of moves `shorten` looks for repeats of.
REPEAT_SIZES = (1, 2, 3, 4)


def shorten(route: tuple[Move, ...], plays: Callable[[tuple[Move, ...]], bool]
            ) -> tuple[Move, ...]:
    """`route` with moves repeated back to back cut down to as few rounds as still
    `play` (reach the goal). A greedy search wanders: while nothing it does brings the
    goal nearer, it goes round a loop as long as the clock moves on ("back", "touch
    again", "back", "touch again", ...).

    Args:
        route: the moves found.
        plays: whether a route reaches the goal when played from the start.
    """
    route = tuple(route)
    changed = True
    while changed:
        changed = False
        for size in REPEAT_SIZES:
            start = 0
            while start + 2 * size <= len(route):
                block, end = route[start:start + size], start + size
                while route[end:end + size] == block:
                    end += size
                rounds = (end - start) // size
                if rounds == 1:
                    start += 1
                    continue
                kept = _fewest_rounds(rounds, lambda k: plays(
                    route[:start + k * size] + route[end:]))
                if kept < rounds:
                    route, changed = route[:start + kept * size] + route[end:], True
                start += kept * size  # past the loop: the same loop, shifted, is no other
    return route


def _fewest_rounds(rounds: int, plays: Callable[[int], bool]) -> int:
    """The fewest rounds of a loop, from 1 up to `rounds`, with which the route still
    plays, found by bisection: a loop that passes time may be needed a few times (to
    wait until a call comes), and more rounds than needed are taken to play too."""
    low, high = 1, rounds  # `high` rounds play
    while low < high:
        middle = (low + high) // 2
        if plays(middle):
            high = middle
        else:
            low = middle + 1
    return high
