"""Engines for the explorer: one whose `random()` is scripted, one that records it.

The engine draws `random(a, b)` from the game's seed; the explorer needs every
outcome instead. Both engines here change only how a scope is built
(`Engine._scope`), so the engine itself needs no hook: `BranchingEngine` answers each
draw from a script and runs a move once per combination of outcomes, and
`RecordingEngine` draws as the engine does and records what it drew, which
`replay_seed` uses to find a seed that replays a route found with chosen outcomes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from msgspec.structs import replace

from escape_game.engine import Engine, Step
from escape_game.errors import EscapeGameError
from escape_game.explore.safety import risky_sources
from escape_game.expressions import ExpressionError, Scope
from escape_game.model import Story
from escape_game.program import Program
from escape_game.state import GameState

if TYPE_CHECKING:
    from escape_game.explore.report import Found

#: Outcome combinations of `random()` one move may branch into, at most.
MAX_BRANCHES = 4096


class ScriptedScope(Scope):
    """A scope whose `random()` asks its engine's script instead of the seed.

    A draw is known by its position, (turn, draw number), as `Scope.random` knows it:
    the engine gives each condition and text its own draw numbers, so a condition
    evaluated twice in one move draws the same value twice, here as in play.
    """

    brancher: BranchingEngine | None = None

    def random(self, low, high) -> int:  # noqa: D102 (as Scope.random)
        value = self.brancher.draw(low, high, (self.turn, self.draws))
        self.draws += 1
        return value


class BranchingEngine(Engine):
    """An engine that runs a move once per combination of `random()` outcomes.

    It replaces how a scope is built (`Engine._scope`), so that `random(a, b)` returns
    the next value of a script instead of a seeded draw; `outcomes` runs a move with
    every script, odometer-fashion, the last draw turning fastest.

    Two shortcuts keep the search fast without changing what it finds. Text that
    cannot fail (see `can_fail`) is not rendered (`Engine._render`): it only shows.
    And when no condition calls `random()`, looking a choice up again cannot draw,
    so `take` plays an offer found by `open_offers` directly (`Engine._take`), as
    `Engine.choose` would after finding it.

    Attributes:
        fast: whether `open_offers` and `take` may be used (no `random()` in any
            condition).
        render: whether moves render at all: only when some text can fail, since a
            move that does not render builds no passages and no choice views.
    """

    def __init__(self, story: Story, program: Program) -> None:
        super().__init__(story, program)
        self._script: list[int] = []
        self._values: list[int] = []
        self._ranges: list[tuple[int, int]] = []
        self._drawn: dict[tuple[int, int], int] = {}
        self._shown_only: dict[str, bool] = {}
        self.fast = not any(_calls_random(source) for source in _conditions(story))
        self.risky = risky_sources(story, program)
        self.render = any(can_fail(program.text(source), story, self.risky)
                          for source in _texts(story))

    def _render(self, source: str, scope: Scope, state: GameState) -> str:
        if not source:
            return ""
        shown_only = self._shown_only.get(source)
        if shown_only is None:
            shown_only = self._shown_only[source] = not can_fail(
                self.program.text(source), self.story, self.risky)
        return "" if shown_only else super()._render(source, scope, state)

    def open_offers(self, state: GameState) -> list:
        """The offers that can be taken in `state` (for `take`; no text rendered)."""
        return [offer for offer, locked in self._offers(state, self._scope(state))
                if not locked]

    def take(self, state: GameState, offer) -> Step:
        """Play an offer from `open_offers`, as `Engine.choose` plays it once found
        (an expression error located at the choice, as `choose` locates it)."""
        scope = self._scope(state)
        scope.turn = state.turn + 1
        try:
            return self._take(replace(state, turn=scope.turn), scope, offer, [], self.render)
        except ExpressionError as error:
            raise self._located(error, state.scene, offer.choice.id) from None

    def play(self, state: GameState, choice_id: str) -> Step:
        """`Engine.choose`, rendering only when some text can fail (`render`)."""
        return self.choose(state, choice_id, render=self.render)

    def _scope(self, state: GameState) -> Scope:
        scope = ScriptedScope(vars=dict(state.vars), inventory=list(state.inventory),
                               visits=state.visits, turn=state.turn, seed=state.seed)
        scope.brancher = self
        return scope

    def draw(self, low, high, position: tuple[int, int]) -> int:
        """The value of the draw at `position` in this run of a move: the script's
        next value for a new position (its lowest value past the script's end), the
        same value again for a position already drawn."""
        known = self._drawn.get(position)
        if known is not None:
            return known
        low, high = int(low), int(high)
        if high < low:
            low, high = high, low
        index = len(self._values)
        value = self._script[index] if index < len(self._script) else low
        value = min(max(value, low), high)
        self._values.append(value)
        self._ranges.append((low, high))
        self._drawn[position] = value
        return value

    def outcomes(self, move: Callable[[], object]) -> Iterator[tuple[object, Exception | None,
                                                                      tuple[int, ...]]]:
        """(result or None, error or None, the draws made) for every outcome of `move`.

        Raises:
            TooManyBranches: more than MAX_BRANCHES outcomes.
        """
        script: list[int] = []
        made = 0
        while True:
            self._script, self._values, self._ranges, self._drawn = script, [], [], {}
            try:
                result, error = move(), None
            except EscapeGameError as caught:
                result, error = None, caught
            values, ranges = self._values, self._ranges
            yield result, error, tuple(values)
            made += 1
            while values and values[-1] >= ranges[-1][1]:
                values.pop()
                ranges.pop()
            if not values:
                return
            if made >= MAX_BRANCHES:
                raise TooManyBranches(made)
            values[-1] += 1
            script = list(values)

    def open_ids(self, state: GameState) -> list[str]:
        """Ids of the choices that can be taken in `state` (no text rendered)."""
        scope = self._scope(state)
        return [offer.choice.id for offer, locked in self._offers(state, scope) if not locked]


def _conditions(story: Story) -> Iterator[str]:
    choices = [c for scene in story.scenes.values() for c in scene.choices]
    choices += [c for loc in story.manifest.locations.values() for c in loc.choices]
    choices += list(story.manifest.choices)
    for choice in choices:
        yield from filter(None, (choice.if_, choice.locked_if))


def _texts(story: Story) -> Iterator[str]:
    for scene in story.scenes.values():
        yield scene.text
        for choice in scene.choices:
            yield choice.text
            yield choice.reason
    for location in story.manifest.locations.values():
        for choice in location.choices:
            yield choice.text
            yield choice.reason
    for choice in story.manifest.choices:
        yield choice.text
        yield choice.reason


def _calls_random(source: str) -> bool:
    return "random" in source and any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        and node.func.id == "random" for node in ast.walk(_tree(source)))


def _tree(source: str) -> ast.AST:
    return ast.parse(source.strip().replace("\n", " "), "<story>", "eval")


def can_fail(text, story: Story, risky: set[str]) -> bool:
    """Whether rendering a compiled text can raise or draw: it holds an expression
    that may fail (`risky`, from `safety.risky_sources`), or calls `random()` (whose
    draws a replay must repeat). Other text only shows, so the search need not render
    it."""
    from escape_game.stats import walk_text

    for kind, value in walk_text(text):
        if kind == "literal":
            continue
        if value.source in risky or "random" in value.source and any(
                isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "random" for node in ast.walk(_tree(value.source))):
            return True
    return False


class TooManyBranches(Exception):
    pass


class RecordingScope(Scope):
    """A scope that draws as the engine does and tells its engine what it drew, once
    for each position (as `ScriptedScope` branches once for each)."""

    recorder: RecordingEngine | None = None

    def random(self, low, high) -> int:  # noqa: D102 (as Scope.random)
        position = (self.turn, self.draws)
        value = super().random(low, high)
        if position not in self.recorder.positions:
            self.recorder.positions.add(position)
            self.recorder.drawn.append(value)
        return value


class RecordingEngine(Engine):
    """The engine as it plays, with every `random()` outcome recorded in `drawn`."""

    def __init__(self, story: Story, program: Program) -> None:
        super().__init__(story, program)
        self.drawn: list[int] = []
        self.positions: set[tuple[int, int]] = set()

    def _scope(self, state: GameState) -> Scope:
        scope = RecordingScope(vars=dict(state.vars), inventory=list(state.inventory),
                                visits=state.visits, turn=state.turn, seed=state.seed)
        scope.recorder = self
        return scope


#: Seeds `replay_seed` tries before giving up.
SEED_TRIES = 5000


def replay_seed(story: Story, program: Program, found: Found,
                tries: int = SEED_TRIES) -> int | None:
    """A game seed with which the engine draws exactly `found`'s `random()` outcomes,
    so `seed N` and the route replay it (`play --walkthrough`); 0 when the route draws
    nothing, None when no seed up to `tries` does.
    """
    if not found.start_draws and not any(move.draws for move in found.route):
        return 0
    engine = RecordingEngine(story, program)
    moves = [("", found.start_draws)] + [(m.choice, m.draws) for m in found.route]
    fails_last = found.kind not in ("ending", "no-ending")
    for seed in range(tries):
        state = None
        for index, (choice, draws) in enumerate(moves):
            engine.drawn, engine.positions = [], set()
            failed = False
            try:
                step = engine.choose(state, choice) if choice else engine.start(seed=seed)
                state = step.state
            except EscapeGameError:
                failed = True
            last = index == len(moves) - 1
            if tuple(engine.drawn) != draws or failed != (last and fails_last):
                break
        else:
            return seed
    return None


