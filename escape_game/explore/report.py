"""What a search reports: moves, findings, the exploration, and how it reads as text."""

from __future__ import annotations

from dataclasses import dataclass, field

from escape_game.explore.crowding import Crowd
from escape_game.explore.safety import Safety
from escape_game.model import Story


@dataclass(frozen=True)
class Move:
    """One move of a route: a choice id and the `random()` outcomes it drew, in order."""

    choice: str
    draws: tuple[int, ...] = ()

    def __str__(self) -> str:
        if not self.draws:
            return self.choice
        return f"{self.choice} (random: {', '.join(map(str, self.draws))})"


@dataclass(frozen=True)
class Found:
    """Something the search reached, with the route to it (a shortest one unless
    `shortest` is False).

    Attributes:
        kind: "ending", "dead-end", "cycle", "expression", "error" (as
            `playtest.classify`), or "no-ending" for a move after which no ending
            can be reached.
        scene: the ending's scene; for a failure or a point of no return, the scene
            the move was made in.
        title: the ending's title; for a failure, "".
        message: what happened ("" for an ending).
        hint: what to do about it.
        route: the moves from the start; for a failure the last one fails.
        start_draws: `random()` outcomes drawn while starting.
        seed: a game seed with which the engine draws the route's outcomes (see
            `replay_seed`): 0 for a route that draws none, None when none was found.
        shortest: whether the route is a shortest one (False for an ending found by
            the directed search, `directed.reach_ending`).
    """

    kind: str
    scene: str
    route: tuple[Move, ...]
    title: str = ""
    message: str = ""
    hint: str = ""
    start_draws: tuple[int, ...] = ()
    seed: int | None = 0
    shortest: bool = True

    def to_dict(self) -> dict:
        data = {"kind": self.kind, "scene": self.scene,
                "route": [m.choice for m in self.route],
                "draws": [list(m.draws) for m in self.route],
                "start_draws": list(self.start_draws), "seed": self.seed,
                "shortest": self.shortest}
        if self.title:
            data["title"] = self.title
        if self.message:
            data["message"], data["hint"] = self.message, self.hint
        return data


@dataclass(frozen=True)
class Exploration:
    """What a search found.

    Attributes:
        states: distinct (reduced) states reached.
        transitions: moves played (one per outcome of each choice in each state).
        complete: whether every reachable state was explored.
        stopped: why the search stopped early ("" when complete).
        endings: each ending reached, with its shortest route, in story order.
        unreached_endings: ending scene ids never reached (proven unreachable only
            when complete).
        failures: each distinct dead end or error reached, shortest route first.
        no_ending: moves after which no ending can be reached (found only when
            complete), one per scene and choice.
        unreached_scenes: scene ids no explored state was in.
        limits: reasons the state space may be endless (see `Analysis.limits`).
        ranges: for each variable among those reasons, (lowest, highest) value seen.
        crowded: when the search stopped at its cap, the scenes with the most states
            and what their states differ in (see `crowding`).
        safety: when the search stopped at its cap, whether the story proves that no
            state can fail (`safety.prove_safe`); None after a complete search, which
            has seen every state.
        directed_states: states the directed searches found (each scene the
            breadth-first search did not reach gets one, `directed.reach`).
    """

    states: int
    transitions: int
    complete: bool
    stopped: str
    endings: tuple[Found, ...]
    unreached_endings: tuple[str, ...]
    failures: tuple[Found, ...]
    no_ending: tuple[Found, ...]
    unreached_scenes: tuple[str, ...]
    limits: tuple[str, ...]
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    crowded: tuple[Crowd, ...] = ()
    safety: Safety | None = None
    directed_states: int = 0

    @property
    def ok(self) -> bool:
        """Every ending reached, no failure met, and none possible: the search
        completed with no point of no return, or the story is proved safe."""
        if self.failures or self.unreached_endings:
            return False
        if self.complete:
            return not self.no_ending
        return self.safety is not None and self.safety.proved

    def to_dict(self) -> dict:
        """The exploration as JSON-able data."""
        return {
            "ok": self.ok, "complete": self.complete, "stopped": self.stopped,
            "states": self.states, "transitions": self.transitions,
            "directed_states": self.directed_states,
            "endings": [f.to_dict() for f in self.endings],
            "unreached_endings": list(self.unreached_endings),
            "failures": [f.to_dict() for f in self.failures],
            "no_ending": [f.to_dict() for f in self.no_ending],
            "unreached_scenes": list(self.unreached_scenes),
            "limits": list(self.limits),
            "ranges": {name: list(r) for name, r in self.ranges.items()},
            "crowded": [{"scene": c.scene, "states": c.states, "differ_in": dict(c.atoms)}
                        for c in self.crowded],
            "safety": None if self.safety is None else {
                "proved": self.safety.proved, "reasons": list(self.safety.reasons)},
        }


def format_exploration(found: Exploration, story: Story) -> str:
    """The exploration as text for a terminal."""
    def route(item: Found) -> str:
        moves = " ".join(map(str, item.route)) or "(at the start)"
        start = f"(start random: {', '.join(map(str, item.start_draws))}) " \
            if item.start_draws else ""
        count = len(item.route)
        seed = "" if item.seed == 0 else ", no seed found that draws it" \
            if item.seed is None else f", seed {item.seed}"
        found_by = "" if item.shortest else " (directed search, not the shortest)"
        return f"{count} choice{'s' * (count != 1)}{found_by}{seed}: {start}{moves}"

    verdict = "complete" if found.complete else f"incomplete: {found.stopped}"
    lines = [f"explored {found.states:,} states ({found.transitions:,} moves): {verdict}",
             "", f"endings reached: {len(found.endings)} of "
             f"{len(found.endings) + len(found.unreached_endings)}"]
    for item in found.endings:
        lines.append(f"  {item.title} ({item.scene}), {route(item)}")
    if found.unreached_endings:
        proven = "unreachable" if found.complete else "not reached"
        lines.append(f"  {proven}: " + ", ".join(found.unreached_endings))
    none = "none" if found.complete else "none in the states searched"
    lines += ["", f"failures: {len(found.failures)}" if found.failures else f"failures: {none}"]
    for item in found.failures:
        lines.append(f"  {item.kind}: {item.message}")
        if item.hint:
            lines.append(f"    hint: {item.hint}")
        if item.kind not in ("dead-end", "cycle"):
            choice = item.route[-1].choice if item.route else ""
            origin = story.origin(item.scene, choice) or story.origin(item.scene)
            where = f"{item.scene}.{choice}" if choice else item.scene
            lines.append(f"    in {where}" + (f" ({origin.path}:{origin.line})" if origin else ""))
        lines.append(f"    {'shortest route' if item.shortest else 'route'}, {route(item)}")
    if found.safety is not None:
        lines += ["", *_safety_lines(found.safety)]
    if found.no_ending:
        lines += ["", f"points of no return: {len(found.no_ending)}"]
        for item in found.no_ending:
            lines.append(f"  {item.message}")
            lines.append(f"    shortest route, {route(item)}")
    if not found.complete:
        lines += ["", "points of no return: not looked for (that needs a complete search)"]
    if found.unreached_scenes:
        lines += ["", "scenes never reached: " + ", ".join(found.unreached_scenes)]
    if found.limits:
        lines += ["", "why the search may not end:"]
        for limit in found.limits:
            lines.append(f"  {limit}")
        for name, (low, high) in found.ranges.items():
            lines.append(f"  '{name}' took values from {low:g} to {high:g}")
    if found.crowded:
        lines += ["", "where the states are (the scenes with the most, and what they differ in):"]
        for crowd in found.crowded:
            differ = ", ".join(f"{atom} {count}" for atom, count in crowd.atoms) or "nothing"
            plural = 's' * (crowd.states != 1)
            lines.append(f"  {crowd.scene}: {crowd.states:,} state{plural}; {differ}")
    return "\n".join(lines)


def _safety_lines(safety: Safety) -> list[str]:
    if safety.proved:
        return ["proved for every state, reached or not: no dead end, no cycle of automatic",
                "moves, no `back` with nowhere to go, no division by zero, no number out of",
                "range (from each scene's conditions and the declared bounds, for games of",
                "under a billion moves)"]
    return ["not proved that no state can fail, because:",
            *(f"  {reason}" for reason in safety.reasons)]
