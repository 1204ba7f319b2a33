"""The explorer's breadth-first search over reduced states.

`explore` starts the story once per combination of `random()` outcomes, then plays
every choice offered in every state, each outcome of each (see `engines`), keeping
one representative per reduced state (see `analysis`) with the move that first
reached it, so the route to anything found is a shortest one. After a complete
search, the moves after which no ending can be reached are found backwards from the
endings over the recorded moves.
"""

from __future__ import annotations

import dataclasses
import marshal
import math
import operator
from array import array
from collections import deque
from collections.abc import Callable

from msgspec.structs import replace

from escape_game.engine import Engine
from escape_game.errors import CommandError, EscapeGameError
from escape_game.explore.analysis import TURNS, Analysis, analyse
from escape_game.explore.crowding import crowding
from escape_game.explore.directed import reach, shorten
from escape_game.explore.engines import BranchingEngine, TooManyBranches, replay_seed
from escape_game.explore.liveness import EXACT, ITEM, TAKEN, TURN, VISITS, Sides
from escape_game.explore.report import Exploration, Found, Move
from escape_game.explore.safety import Safety, prove_safe
from escape_game.model import Story
from escape_game.playtest import classify
from escape_game.program import Program
from escape_game.state import GameState

#: States a search visits at most, by default.
MAX_STATES = 200_000


class _Plan:
    """How a state at one scene is reduced: what is live there, how finely (`liveness`).

    Attributes:
        names: the live variables needed exactly, in declared order.
        values: picks their values from a state's `vars` (an `operator.itemgetter`),
            or None when there are none.
        sided: (name, `Sides`) for the live numbers needed only by side of boundaries.
        items: live item ids.
        exact: scene ids whose live visit counts are kept exact.
        capped: (scene id, cap) for every other live visit count.
        taken: live once-only choice keys.
        turn: -1 when the turn is not live, 0 when it is kept exact, else its cap.
        came_from: whether the scene offers a `back` choice.
    """

    __slots__ = ("names", "values", "sided", "items", "exact", "capped", "taken", "turn",
                 "came_from")

    def __init__(self, scene: str, analysis: Analysis, order: tuple[str, ...]) -> None:
        live = analysis.needs.get(scene, {})
        names = [name for name in order if name in live and live[name] is EXACT]
        self.names = tuple(names)
        self.values = operator.itemgetter(*names) if names else None
        self.sided = tuple((name, Sides(live[name])) for name in order
                           if name in live and live[name] is not EXACT)
        self.items = frozenset(a[len(ITEM):] for a in live if a.startswith(ITEM))
        counted = sorted(a[len(VISITS):] for a in live if a.startswith(VISITS))
        self.exact = tuple(c for c in counted if c in analysis.exact)
        self.capped = tuple((c, analysis.caps[c]) for c in counted
                            if c not in analysis.exact and analysis.caps.get(c, 0))
        self.taken = frozenset(a[len(TAKEN):] for a in live if a.startswith(TAKEN))
        self.turn = -1 if TURN not in live else 0 if TURNS in analysis.exact else \
            analysis.caps.get(TURNS, 0)
        self.came_from = scene in analysis.back_scenes

    def key(self, state: GameState) -> tuple:
        """The reduced state: equal for states at this scene that play the same."""
        get = state.visits.get
        values = state.vars
        turn = state.turn
        if self.turn < 0:
            turn = 0
        elif self.turn and turn > self.turn:
            turn = self.turn
        return (state.scene, state.came_from if self.came_from else "",
                self.values(values) if self.values is not None else (),
                tuple([side(values[name]) for name, side in self.sided]),
                tuple(sorted(self.items.intersection(state.inventory))),
                tuple([get(c, 0) for c in self.exact]),
                tuple([v if (v := get(c, 0)) < cap else cap for c, cap in self.capped]),
                tuple(sorted(self.taken.intersection(state.taken))), turn)


class _Search:
    """The state of one breadth-first search (kept apart to keep `explore` short).

    States are numbered in the order found. What is kept for every state is small: its
    reduced key (marshalled to bytes), its scene, its parent and the move from there
    (an index into the moves seen), and the moves between states found (for points of
    no return). A state's representative `GameState` is kept only until it is
    expanded, so the rest of memory grows with the frontier.
    """

    def __init__(self, engine: BranchingEngine, analysis: Analysis, max_states: int,
                 progress: Callable[[int], None] | None) -> None:
        self.engine = engine
        self.story = engine.story
        self.analysis = analysis
        self.max_states = max_states
        self.progress = progress
        self.var_order = tuple(self.story.manifest.vars)
        self.plans: dict[str, _Plan] = {}
        self.counted = frozenset(analysis.caps) | frozenset(analysis.exact)
        self.keys: dict[bytes, int] = {}
        self.states: list[GameState | None] = []
        self.scene_of: list[str] = []
        self.first_in: dict[str, int] = {}  # scene id -> the first state found there
        self.parent = array("q")  # parent state, -1 for a start
        self.move_of = array("q")  # index into self.moves, -1 for a start
        self.moves: list[Move] = []
        self.move_index: dict[tuple[str, tuple[int, ...]], int] = {}
        self.start_draws: dict[int, tuple[int, ...]] = {}
        self.edge_from, self.edge_to = array("q"), array("q")
        self.endings: dict[str, Found] = {}
        self.failures: dict[tuple, Found] = {}
        self.transitions = 0
        self.failing: set[int] = set()  # states with a move that fails
        self.ranges: dict[str, list[float]] = {name: [math.inf, -math.inf]
                                               for name in analysis.growing}

    def move(self, choice: str, draws: tuple[int, ...]) -> int:
        """The index of the move (choice, draws), each kept once."""
        index = self.move_index.get((choice, draws))
        if index is None:
            index = self.move_index[(choice, draws)] = len(self.moves)
            self.moves.append(Move(choice, draws))
        return index

    def add(self, state: GameState, parent: int, move: int,
            draws: tuple[int, ...] = ()) -> int:
        """The id of `state`'s reduced state; a new one is queued and recorded."""
        plan = self.plans.get(state.scene)
        if plan is None:
            plan = self.plans[state.scene] = _Plan(state.scene, self.analysis, self.var_order)
        key = marshal.dumps(plan.key(state))
        known = self.keys.get(key)
        if known is not None:
            return known
        number = len(self.states)
        self.keys[key] = number
        # Visit counts no condition reads are dropped from the representative, so the
        # engine copies a small dict on every move from it.
        visits = state.visits
        if len(visits) > len(self.counted):
            state = replace(state, visits={s: n for s, n in visits.items() if s in self.counted})
        self.states.append(state)
        self.scene_of.append(state.scene)
        self.first_in.setdefault(state.scene, number)
        self.parent.append(parent)
        self.move_of.append(move)
        if move < 0:
            self.start_draws[number] = draws
        for name, seen in self.ranges.items():
            value = state.vars[name]
            if isinstance(value, (int, float)):
                seen[0], seen[1] = min(seen[0], value), max(seen[1], value)
        scene = self.story.scenes[state.scene]
        if scene.ending is not None and state.scene not in self.endings:
            self.endings[state.scene] = Found("ending", state.scene, self.route(number),
                                              title=scene.ending.title,
                                              start_draws=self.first_draws(number))
        return number

    def route(self, number: int) -> tuple[Move, ...]:
        moves = []
        while number >= 0 and self.move_of[number] >= 0:
            moves.append(self.moves[self.move_of[number]])
            number = self.parent[number]
        return tuple(reversed(moves))

    def first_draws(self, number: int) -> tuple[int, ...]:
        while self.move_of[number] >= 0:
            number = self.parent[number]
        return self.start_draws[number]

    def fail(self, error: EscapeGameError, scene: str, number: int, move: Move | None,
             draws: tuple[int, ...] = ()) -> None:
        self.failing.add(number)
        kind = classify(error)
        key = (kind, error.message) if kind in ("dead-end", "cycle") else \
            (kind, error.message, scene, move.choice if move else "")
        if key in self.failures:
            return
        route = self.route(number) + ((move,) if move else ()) if number >= 0 else ()
        first = self.first_draws(number) if number >= 0 else draws
        self.failures[key] = Found(kind, scene, route, message=error.message,
                                   hint=error.hint, start_draws=first)

    def start(self) -> None:
        engine = self.engine
        start = self.story.manifest.start
        for step, error, draws in engine.outcomes(lambda: engine.start(seed=0)):
            self.transitions += 1
            if error is not None:
                self.fail(error, start, -1, None, draws)
            else:
                self.add(step.state, -1, -1, draws)

    def expand(self, number: int) -> None:
        """Play every choice, every outcome, from state `number`."""
        engine = self.engine
        state = self.states[number]
        self.states[number] = None  # expanded: only its scene is needed from now on
        if self.story.scenes[state.scene].ending is not None:
            return
        targets: set[int] = set()
        if engine.fast:
            moves = [(offer.choice.id, lambda offer=offer: engine.take(state, offer))
                     for offer in engine.open_offers(state)]
        else:
            offered: dict[str, None] = {}
            for ids, error, _ in engine.outcomes(lambda: engine.open_ids(state)):
                if error is None:
                    offered.update(dict.fromkeys(ids))
            moves = [(choice_id, lambda choice_id=choice_id: engine.play(state, choice_id))
                     for choice_id in offered]
        for choice_id, play in moves:
            for step, error, draws in engine.outcomes(play):
                self.transitions += 1
                if error is None:
                    target = self.add(step.state, number, self.move(choice_id, draws))
                    if target not in targets:
                        targets.add(target)
                        self.edge_from.append(number)
                        self.edge_to.append(target)
                elif not isinstance(error, CommandError):  # not offered in this outcome
                    self.fail(error, state.scene, number, Move(choice_id, draws))

    def run(self) -> str:
        """Search until done or capped; returns why it stopped ("" when complete)."""
        self.start()
        queue = deque(range(len(self.states)))
        while queue:
            if len(self.states) >= self.max_states:
                return f"stopped at its cap of {self.max_states:,} states (--max-states)"
            number = queue.popleft()
            before = len(self.states)
            try:
                self.expand(number)
            except TooManyBranches as many:
                scene = self.scene_of[number]
                return (f"a move in scene '{scene}' has more than {many.args[0]:,} "
                        "combinations of random() outcomes")
            queue.extend(range(before, len(self.states)))
            if self.progress is not None and number % 1000 == 0:
                self.progress(len(self.states))
        return ""

    def no_ending(self) -> list[Found]:
        """Moves into states from which no ending can be reached (after a full search)."""
        into: list[list[int]] = [[] for _ in self.scene_of]
        for source, target in zip(self.edge_from, self.edge_to):
            into[target].append(source)
        alive = [False] * len(self.scene_of)
        # A state with a failing move is counted as going somewhere: the failure is
        # reported already, and a point of no return before it would say it twice.
        queue = deque(n for n, scene in enumerate(self.scene_of)
                      if self.story.scenes[scene].ending is not None or n in self.failing)
        for n in queue:
            alive[n] = True
        while queue:
            for source in into[queue.popleft()]:
                if not alive[source]:
                    alive[source] = True
                    queue.append(source)
        found: dict[tuple[str, str], Found] = {}
        for number, scene in enumerate(self.scene_of):
            parent = self.parent[number]
            if alive[number] or parent < 0 or not alive[parent]:
                continue
            move = self.moves[self.move_of[number]]
            where = self.scene_of[parent]
            if (where, move.choice) not in found:
                found[(where, move.choice)] = Found(
                    "no-ending", where, self.route(number),
                    message=f"after '{move.choice}' in scene '{where}' no ending can be "
                            f"reached (the story goes on from scene '{scene}')",
                    hint="give the scenes after it a way on to an ending",
                    start_draws=self.first_draws(number))
        return list(found.values())


def _shortened(story: Story, program: Program, item: Found) -> tuple[Move, ...]:
    """A directed search's route to an ending, with its wandering cut (`shorten`);
    a route that draws `random()` outcomes is kept as found."""
    if item.start_draws or any(move.draws for move in item.route):
        return item.route
    engine = Engine(story, program)

    def plays(route: tuple[Move, ...]) -> bool:
        try:
            state = engine.start().state
            for move in route:
                state = engine.choose(state, move.choice, render=False).state
        except EscapeGameError:
            return False
        return state.scene == item.scene

    return shorten(item.route, plays)


def _aim_at_what_was_missed(search: _Search, found_endings: dict[str, Found],
                            reached: set[str]) -> int:
    """Run a directed search (`directed.reach`) for each scene the stopped search
    did not reach, endings first, adding what they find to `found_endings`, `reached`
    and `search.failures`; returns the states they found."""
    story, engine = search.story, search.engine
    states = 0
    for goal in sorted(story.scenes, key=lambda s: story.scenes[s].ending is None):
        if goal in reached:
            continue
        directed = reach(story, engine, search.analysis, goal, search.max_states)
        reached.update(directed.first_in)
        states += len(directed.states)
        for ending, item in directed.endings.items():
            if ending not in found_endings:
                found_endings[ending] = dataclasses.replace(
                    item, route=_shortened(story, engine.program, item), shortest=False)
        for key, item in directed.failures.items():
            search.failures.setdefault(key, dataclasses.replace(item, shortest=False))
    return states


def explore(story: Story, program: Program, *, max_states: int = MAX_STATES,
            progress: Callable[[int], None] | None = None) -> Exploration:
    """Search every distinct state the story's start can lead to, breadth first.

    Args:
        story: the loaded story.
        program: its compiled program.
        max_states: stop after this many distinct states.
        progress: called with the number of states found, now and then.

    Returns:
        what was found; routes are shortest in moves, since the search is breadth
        first.
    """
    analysis = analyse(story, program)
    search = _Search(BranchingEngine(story, program), analysis, max_states, progress)
    stopped = search.run()
    complete = not stopped
    found_endings, reached = dict(search.endings), set(search.first_in)
    safety, directed_states = None, 0
    if not complete:  # what can still be proved: a route to each scene, and safety
        directed_states = _aim_at_what_was_missed(search, found_endings, reached)
        safety = prove_safe(story, program)
        if safety.proved and search.failures:  # never expected
            safety = Safety(False, ("a failure was met in a state the proof covers, so "
                                    "the proof is wrong here: please report it",))
    order = {scene_id: index for index, scene_id in enumerate(story.scenes)}
    endings = sorted(found_endings.values(), key=lambda f: order[f.scene])
    unreached = tuple(s for s, scene in story.scenes.items()
                      if scene.ending is not None and s not in found_endings)
    failures = sorted(search.failures.values(), key=lambda f: len(f.route))
    no_ending = sorted(search.no_ending() if complete else [], key=lambda f: len(f.route))

    def seeded(items: list[Found]) -> tuple[Found, ...]:
        return tuple(dataclasses.replace(f, seed=replay_seed(story, program, f))
                     for f in items)

    return Exploration(
        states=len(search.states), transitions=search.transitions, complete=complete,
        stopped=stopped, endings=seeded(endings), unreached_endings=unreached,
        failures=seeded(failures), no_ending=seeded(no_ending),
        unreached_scenes=tuple(s for s in story.scenes if s not in reached),
        limits=analysis.limits if not complete else (),
        ranges={name: (low, high) for name, (low, high) in search.ranges.items()
                if low <= high} if not complete else {},
        crowded=crowding(search.keys, search.plans) if not complete else (),
        safety=safety, directed_states=directed_states,
    )
