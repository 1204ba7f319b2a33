"""Random playtests: many playthroughs driving the engine directly, and what they found.

Pure (no terminal, no files): `playtest` plays `runs` games, each choosing at random
among the choices that can be taken, until an ending, a story error, or `max_steps`
choices; it returns a frozen `Report` of the endings reached, the scenes and choices
never reached, and every failure with the shortest route that reproduces it (as
walkthrough text, `walkthrough_text`).

The design decision is that run `i` depends only on (`seed`, `i`): its game seed and
its chooser's random numbers both derive from them (`run_seed`), and runs are tallied
into sums, unions and minimums, which do not depend on order. So the report is the
same whatever the number of jobs and however the runs are split between them. With
`jobs` above 1 the runs go to worker processes in chunks, and only tallies come back.
A forked worker plays with the engine it inherits; where processes are spawned
instead, each worker loads the story itself through a picklable `factory` (a
module-level function, or a `functools.partial` of one), so no engine is pickled.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from escape_game.engine import Engine, Step
from escape_game.errors import EscapeGameError
from escape_game.expressions import ExpressionError, seeded_fraction
from escape_game.model import BACK, CONTINUE_ID, Story

#: Choices a playthrough may make before it is stopped (a loop with no way out).
MAX_STEPS = 500

#: Kinds of failure, by what the engine reported.
DEAD_END, CYCLE, EXPRESSION, ERROR = "dead-end", "cycle", "expression", "error"

#: The largest game seed `run_seed` gives (seeds stay small enough to read and type).
_SEED_RANGE = 2**31


def run_seed(seed: int, run: int) -> int:
    """The game seed of run `run` of a playtest seeded `seed` (0 <= result < 2**31)."""
    return int(seeded_fraction(seed, run) * _SEED_RANGE)


def classify(error: EscapeGameError) -> str:
    """The kind of failure an engine error is: DEAD_END, CYCLE, EXPRESSION or ERROR.

    The engine raises a plain `StoryError` for a scene with no choice to take and for
    automatic moves in a cycle (or too many in a row); they are told apart by its
    wording here, in one place.
    """
    if isinstance(error, ExpressionError):
        return EXPRESSION
    if "offers no choice the player can take" in error.message:
        return DEAD_END
    if "automatic moves go round in a cycle" in error.message or \
            "automatic moves in a row" in error.message:
        return CYCLE
    return ERROR


@dataclass(frozen=True)
class Failure:
    """A failure playtests met, with the shortest route found to it.

    Attributes:
        kind: DEAD_END, CYCLE, EXPRESSION or ERROR.
        message: the engine's message.
        hint: the engine's hint.
        scene: the scene the failing move was made in (the start scene when starting
            failed).
        choice: the choice that failed ("" when starting failed).
        seed: the game seed of the run with the shortest route.
        run: that run's number.
        route: the choice ids from the start; the last one fails.
        runs: how many runs met this failure.
        origin: `path:line` of the failing choice (or scene) in the story's files,
            when known.
    """

    kind: str
    message: str
    hint: str
    scene: str
    choice: str
    seed: int
    run: int
    route: tuple[str, ...]
    runs: int = 1
    origin: str = ""


@dataclass
class Tally:
    """What a batch of runs found; tallies merge in any order with the same result.

    Attributes:
        runs: playthroughs played.
        choices: choices made in all of them.
        capped: playthroughs stopped at `max_steps`.
        endings: ending scene id -> playthroughs that reached it.
        scenes: scene ids entered.
        taken: (scene, choice id) pairs chosen by the player.
        automatic: (scene, next scene) pairs of automatic moves.
        failures: failure key -> the failure with the shortest route (fewest choices,
            then lowest run number), its `runs` counting every run that met it.
    """

    runs: int = 0
    choices: int = 0
    capped: int = 0
    endings: dict[str, int] = field(default_factory=dict)
    scenes: set[str] = field(default_factory=set)
    taken: set[tuple[str, str]] = field(default_factory=set)
    automatic: set[tuple[str, str]] = field(default_factory=set)
    failures: dict[tuple, Failure] = field(default_factory=dict)

    def merge(self, other: Tally) -> None:
        """Add `other`'s findings to this tally."""
        self.runs += other.runs
        self.choices += other.choices
        self.capped += other.capped
        for scene, count in other.endings.items():
            self.endings[scene] = self.endings.get(scene, 0) + count
        self.scenes |= other.scenes
        self.taken |= other.taken
        self.automatic |= other.automatic
        for key, failure in other.failures.items():
            self.add_failure(key, failure)

    def add_failure(self, key: tuple, failure: Failure) -> None:
        known = self.failures.get(key)
        if known is None:
            self.failures[key] = failure
            return
        best = min(known, failure, key=lambda f: (len(f.route), f.run))
        self.failures[key] = replace(best, runs=known.runs + failure.runs)

    def note(self, step: Step) -> None:
        """Record the scenes a step entered and its automatic moves."""
        passages = step.passages
        previous = ""
        for passage in passages:
            self.scenes.add(passage.scene)
            if previous:
                self.automatic.add((previous, passage.scene))
            previous = passage.scene


def play_run(engine: Engine, seed: int, run: int, max_steps: int, tally: Tally) -> None:
    """Play run `run` of a playtest seeded `seed` and add what it found to `tally`."""
    game_seed = run_seed(seed, run)
    choose = random.Random(int(seeded_fraction(seed, run, 1) * 2**53)).random
    tally.runs += 1
    route: list[str] = []
    scene = engine.story.manifest.start
    taken, scenes, note, play = tally.taken.add, tally.scenes.add, tally.note, engine.choose
    try:
        step = engine.start(seed=game_seed)
        note(step)
        while not step.ended:
            if len(route) >= max_steps:
                tally.capped += 1
                return
            state = step.state
            open_ids = [c.id for c in step.choices if not c.locked]
            choice_id = open_ids[int(choose() * len(open_ids))]
            route.append(choice_id)
            scene = state.scene
            taken((scene, choice_id))
            step = play(state, choice_id)
            if len(step.passages) == 1:
                scenes(step.state.scene)
            else:
                note(step)
        tally.endings[step.state.scene] = tally.endings.get(step.state.scene, 0) + 1
    except EscapeGameError as error:
        kind = classify(error)
        choice = route[-1] if route else ""
        where = () if kind in (DEAD_END, CYCLE) else (scene, choice)
        tally.add_failure((kind, error.message, *where), Failure(
            kind, error.message, error.hint, scene, choice, game_seed, run, tuple(route)))
    finally:
        tally.choices += len(route)


def play_runs(engine: Engine, seed: int, first: int, count: int, max_steps: int) -> Tally:
    """Runs `first` to `first + count - 1`, tallied."""
    tally = Tally()
    for run in range(first, first + count):
        play_run(engine, seed, run, max_steps, tally)
    return tally


# -- worker processes ------------------------------------------------------------------

_worker_engine: Engine | None = None
#: The engine a forked worker finds already in memory (set just before forking).
_inherited: Engine | None = None


def _start_worker(factory: Callable[[], Engine]) -> None:
    global _worker_engine
    _worker_engine = _inherited if _inherited is not None else factory()


def _worker_runs(seed: int, first: int, count: int, max_steps: int) -> Tally:
    assert _worker_engine is not None, "the worker was started without its story"
    return play_runs(_worker_engine, seed, first, count, max_steps)


def _chunks(runs: int, jobs: int) -> list[tuple[int, int]]:
    """(first, count) pieces: about 20 a job, so the jobs finish together."""
    size = max(1, min(2000, -(-runs // (jobs * 20))))
    return [(first, min(size, runs - first)) for first in range(0, runs, size)]


def _mp_context():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


# -- the report ------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """What a playtest found.

    Attributes:
        runs: playthroughs played.
        seed: the playtest's seed.
        max_steps: the cap on choices per playthrough.
        choices: choices made in all playthroughs.
        capped: playthroughs stopped at the cap without an ending.
        endings: (scene id, title, playthroughs) for every ending, most reached
            first; an ending never reached has 0.
        scenes: scenes in the story.
        unreached_scenes: scene ids never entered, in story order.
        choice_keys: every choice in the story as `scene.choice`, `@location.choice`
            or `*.choice` (a `next:` as `scene.continue`).
        untaken_choices: those never taken, in story order.
        failures: every distinct failure, the one met by most runs first.
    """

    runs: int
    seed: int
    max_steps: int
    choices: int
    capped: int
    endings: tuple[tuple[str, str, int], ...]
    scenes: int
    unreached_scenes: tuple[str, ...]
    choice_keys: tuple[str, ...]
    untaken_choices: tuple[str, ...]
    failures: tuple[Failure, ...]

    @property
    def ok(self) -> bool:
        """Whether no playthrough failed."""
        return not self.failures

    def to_dict(self, walkthroughs: dict[int, str] | None = None) -> dict:
        """The report as JSON-able data; `walkthroughs` maps a failure's index to the
        file its walkthrough was written to."""
        walkthroughs = walkthroughs or {}
        return {
            "ok": self.ok,
            "runs": self.runs,
            "seed": self.seed,
            "max_steps": self.max_steps,
            "choices": self.choices,
            "capped": self.capped,
            "endings": [{"scene": s, "title": t, "runs": n} for s, t, n in self.endings],
            "coverage": {
                "scenes": {"total": self.scenes,
                           "reached": self.scenes - len(self.unreached_scenes),
                           "unreached": list(self.unreached_scenes)},
                "choices": {"total": len(self.choice_keys),
                            "taken": len(self.choice_keys) - len(self.untaken_choices),
                            "untaken": list(self.untaken_choices)},
            },
            "failures": [
                {"kind": f.kind, "message": f.message, "hint": f.hint, "scene": f.scene,
                 "choice": f.choice, "origin": f.origin, "runs": f.runs, "run": f.run,
                 "seed": f.seed,
                 "route": list(f.route), "walkthrough": walkthroughs.get(index)}
                for index, f in enumerate(self.failures)
            ],
        }


def choice_owners(story: Story) -> dict[str, list[tuple[str, str, str, bool]]]:
    """Scene id -> (key, choice id, goto, automatic) for every choice offered there,
    in the engine's order: the scene's own (or its `continue`), its location's, the
    story's. `automatic` marks a textless fallback, which the engine takes by itself."""
    manifest = story.manifest
    owners: dict[str, list[tuple[str, str, str, bool]]] = {}
    for scene_id, scene in story.scenes.items():
        if scene.ending is not None:
            owners[scene_id] = []
            continue
        if scene.next:
            offered = [(f"{scene_id}.{CONTINUE_ID}", CONTINUE_ID, scene.next, False)]
        else:
            offered = [(f"{scene_id}.{c.id}", c.id, c.goto, c.fallback and not c.text)
                       for c in scene.choices]
        location = manifest.locations.get(scene.location)
        if location is not None:
            offered += [(f"@{scene.location}.{c.id}", c.id, c.goto, c.fallback and not c.text)
                        for c in location.choices if c.goto != scene_id]
        offered += [(f"*.{c.id}", c.id, c.goto, c.fallback and not c.text)
                    for c in manifest.choices if c.goto != scene_id]
        owners[scene_id] = offered
    return owners


def all_choice_keys(story: Story) -> list[str]:
    """Every choice in the story as a coverage key, in story order."""
    keys = []
    for scene_id, scene in story.scenes.items():
        if scene.next:
            keys.append(f"{scene_id}.{CONTINUE_ID}")
        keys += [f"{scene_id}.{c.id}" for c in scene.choices]
    for location_id, location in story.manifest.locations.items():
        keys += [f"@{location_id}.{c.id}" for c in location.choices]
    keys += [f"*.{c.id}" for c in story.manifest.choices]
    return keys


def _covered(story: Story, tally: Tally) -> set[str]:
    """The coverage keys of the choices a tally took (player's and automatic)."""
    owners = choice_owners(story)
    covered = set()
    for scene_id, choice_id in tally.taken:
        for key, offered_id, _, _ in owners.get(scene_id, ()):
            if offered_id == choice_id:
                covered.add(key)
                break
    for scene_id, target in tally.automatic:
        for key, _, goto, automatic in owners.get(scene_id, ()):
            if automatic and goto in (target, BACK):
                covered.add(key)
                break
    return covered


def _origin(story: Story, scene: str, choice: str) -> str:
    origin = story.origin(scene, choice) or story.origin(scene)
    return f"{origin.path}:{origin.line}" if origin else ""


def report(story: Story, tally: Tally, seed: int, max_steps: int) -> Report:
    """The report of a tally on `story`."""
    titles = {s: scene.ending.title for s, scene in story.scenes.items() if scene.ending}
    order = {scene_id: index for index, scene_id in enumerate(story.scenes)}
    endings = sorted(((s, titles.get(s, ""), tally.endings.get(s, 0))
                      for s in dict.fromkeys([*titles, *tally.endings])),
                     key=lambda e: (-e[2], order.get(e[0], 0)))
    keys = all_choice_keys(story)
    covered = _covered(story, tally)
    failures = [replace(f, origin=_origin(story, f.scene, f.choice))
                for f in sorted(tally.failures.values(), key=lambda f: (-f.runs, f.run))]
    return Report(
        runs=tally.runs, seed=seed, max_steps=max_steps, choices=tally.choices,
        capped=tally.capped, endings=tuple(endings), scenes=len(story.scenes),
        unreached_scenes=tuple(s for s in story.scenes if s not in tally.scenes),
        choice_keys=tuple(keys), untaken_choices=tuple(k for k in keys if k not in covered),
        failures=tuple(failures),
    )


def playtest(engine: Engine, runs: int, seed: int, *, jobs: int = 1,
             max_steps: int = MAX_STEPS, factory: Callable[[], Engine] | None = None,
             progress: Callable[[int], None] | None = None) -> Report:
    """Play `runs` random playthroughs and report what they found.

    Args:
        engine: the engine of the story (used in this process when `jobs` is 1).
        runs: how many playthroughs.
        seed: the playtest's seed: run `i` is seeded from (`seed`, `i`).
        jobs: worker processes; 1 plays in this process.
        max_steps: choices a playthrough may make before it is stopped.
        factory: a picklable callable that returns the engine, called once in each
            worker; required when `jobs` is above 1.
        progress: called with the number of runs finished so far, now and then.

    Returns:
        the report; the same for the same story, runs, seed and max_steps, whatever
        `jobs` is.

    Raises:
        ValueError: `jobs` above 1 without a factory, or a count below 1.
    """
    if runs < 0 or jobs < 1 or max_steps < 1:
        raise ValueError("runs must be 0 or more, jobs and max_steps 1 or more")
    tally = Tally()
    chunks = _chunks(runs, jobs)
    if jobs == 1 or len(chunks) <= 1:
        for first, count in chunks:
            tally.merge(play_runs(engine, seed, first, count, max_steps))
            if progress is not None:
                progress(tally.runs)
        return report(engine.story, tally, seed, max_steps)
    if factory is None:
        raise ValueError("playing in several jobs needs a factory that loads the engine")
    from concurrent.futures import ProcessPoolExecutor, as_completed

    global _inherited
    context = _mp_context()
    # A forked worker starts with this process's memory, engine included: it need not
    # load the story again. A spawned one (where fork is missing) calls the factory.
    _inherited = engine if context.get_start_method() == "fork" else None
    # Frozen objects are left alone by the workers' garbage collector, so its passes
    # neither walk nor copy (on write) the story every worker shares with this one.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                 initializer=_start_worker, initargs=(factory,)) as pool:
            futures = [pool.submit(_worker_runs, seed, first, count, max_steps)
                       for first, count in chunks]
            for future in as_completed(futures):
                tally.merge(future.result())
                if progress is not None:
                    progress(tally.runs)
    finally:
        _inherited = None
        gc.unfreeze()
    return report(engine.story, tally, seed, max_steps)


# -- reading it ------------------------------------------------------------------------


def walkthrough_text(failure: Failure, story_dir: str = "STORY_DIR",
                     path: str = "FILE") -> str:
    """A walkthrough that replays `failure`: comments, `seed N`, then the route.

    `escape-game play STORY_DIR --walkthrough FILE` plays it and stops with the same
    error at its last line.
    """
    lines = [
        f"# escape-game playtest: {failure.kind} (met by {failure.runs} run"
        f"{'s' * (failure.runs != 1)}; this is run {failure.run})",
        *(f"# {line}" for line in failure.message.splitlines()),
        *([f"# hint: {failure.hint}"] if failure.hint else []),
        f"# replay: escape-game play {story_dir} --walkthrough {path}",
        f"seed {failure.seed}",
        *failure.route,
    ]
    return "\n".join(lines) + "\n"


def format_report(rep: Report, story: Story, walkthroughs: dict[int, str] | None = None) -> str:
    """The report as text for a terminal."""
    walkthroughs = walkthroughs or {}
    lines = [f"{rep.runs:,} random playthroughs of '{story.manifest.title}' from seed "
             f"{rep.seed}, at most {rep.max_steps} choices each: {rep.choices:,} choices made",
             "", "endings:"]
    for scene, title, count in rep.endings:
        lines.append(f"  {count:>8,}  {title} ({scene})" if count else
                     f"  {'never':>8}  {title} ({scene})")
    if rep.capped:
        lines.append(f"  {rep.capped:>8,}  stopped at {rep.max_steps} choices with no ending")
    reached = rep.scenes - len(rep.unreached_scenes)
    taken = len(rep.choice_keys) - len(rep.untaken_choices)
    lines += ["", f"scenes reached: {reached} of {rep.scenes}"]
    if rep.unreached_scenes:
        lines.append("  never reached: " + ", ".join(rep.unreached_scenes))
    lines.append(f"choices taken: {taken} of {len(rep.choice_keys)}")
    if rep.untaken_choices:
        lines.append("  never taken: " + ", ".join(rep.untaken_choices))
    lines += ["", f"failures: {len(rep.failures)}" if rep.failures else "failures: none"]
    for index, failure in enumerate(rep.failures):
        lines.append(f"  {failure.kind}: {failure.message}")
        if failure.hint:
            lines.append(f"    hint: {failure.hint}")
        if failure.kind not in (DEAD_END, CYCLE):
            where = f"{failure.scene}.{failure.choice}" if failure.choice else failure.scene
            lines.append(f"    in {where}" + (f" ({failure.origin})" if failure.origin else ""))
        count = len(failure.route)
        lines.append(f"    met by {failure.runs:,} run{'s' * (failure.runs != 1)}; shortest "
                     f"route ({count} choice{'s' * (count != 1)}, seed {failure.seed}): "
                     + (" ".join(failure.route) or "(at the start)"))
        if index in walkthroughs:
            lines.append(f"    walkthrough: {walkthroughs[index]}")
    return "\n".join(lines)
