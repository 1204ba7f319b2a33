"""Section 5: random playthroughs through the engine, against inkjs on the same story.

Played as play.js plays: start a game, pick a random open choice until an ending or
200 choices, again and again for `--seconds`, checking the clock between
playthroughs. Every `Engine.start` and `Engine.choose` renders the passage and the
choices as a player would read them (Markdown text, as ink's `ContinueMaximally`
returns text); nothing is reduced further. The engine is driven directly, as ink's
`Story` is, with no session (undo, log) around it.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from escape_game.bench import ink
from escape_game.bench.core import Bench, Figure, Section, Unavailable

CHOICES_TARGET = 4.0


@dataclass(frozen=True)
class Played:
    """What a batch of random playthroughs did.

    Attributes:
        playthroughs: games played.
        choices: choices made in all of them.
        endings: games that reached an ending (the rest hit the cap).
        seconds: wall time.
    """

    playthroughs: int
    choices: int
    endings: int
    seconds: float


def play(engine, seconds: float, max_steps: int, seed: int = 1) -> Played:
    """Random playthroughs of `engine`'s story for `seconds`, as play.js plays them."""
    rng = random.Random(seed)
    plays = choices = endings = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        step = engine.start(seed=plays)
        made = 0
        while True:
            if step.ended:
                endings += 1
                break
            if made >= max_steps:
                break
            open_ids = [choice.id for choice in step.choices if not choice.locked]
            step = engine.choose(step.state, rng.choice(open_ids))
            made += 1
        plays += 1
        choices += made
    return Played(plays, choices, endings, time.perf_counter() - start)


def _played(bench: Bench) -> Played:
    from escape_game.engine import Engine
    from escape_game.loader import load_story

    loaded = load_story(bench.story(bench.options.play_scenes).root)
    engine = Engine(loaded.story, loaded.program)
    options = bench.options
    result = play(engine, options.seconds, options.max_steps)
    if options.profile:
        bench.profile("random playthroughs", lambda: play(engine, min(options.seconds, 2),
                                                          options.max_steps, seed=2))
    return result


def _peer(bench: Bench):
    try:
        return ink.run(bench), ""
    except Unavailable as missing:
        return None, f"inkjs: {missing}"


def choices_per_second(bench: Bench) -> Figure:
    """Choices a second, text rendered, against inkjs's on the same story."""
    played = bench.memo("playthroughs", lambda: _played(bench))
    peer, missing = _peer(bench)
    return Figure(
        f"choices a second, {bench.options.play_scenes:,} scenes",
        played.choices / played.seconds, "choices/s",
        peer.choices_per_second if peer else None,
        f"inkjs {ink.INKJS_VERSION}" if peer else missing, CHOICES_TARGET, at_least=True,
        note=f"ours: {played.choices:,} choices in {played.seconds:.1f} s, "
             f"{played.choices / max(played.playthroughs, 1):.1f} a playthrough"
             + (f"; inkjs: {peer.choices_per_playthrough:.1f} a playthrough" if peer else ""),
    )


def playthroughs_per_second(bench: Bench) -> Figure:
    """Playthroughs a second (capped at 200 choices), against inkjs's."""
    played = bench.memo("playthroughs", lambda: _played(bench))
    peer, missing = _peer(bench)
    return Figure(
        "playthroughs a second", played.playthroughs / played.seconds, "playthroughs/s",
        peer.playthroughs_per_second if peer else None,
        f"inkjs {ink.INKJS_VERSION}" if peer else missing,
        note=f"ours: {played.playthroughs:,} playthroughs, {played.endings:,} reached an "
             f"ending, the rest stopped at {bench.options.max_steps} choices"
             + (f"; inkjs: {peer.playthroughs:,} in {peer.seconds:.1f} s" if peer else ""),
    )


SECTION = Section("engine", "5. Random playthroughs, text rendered, vs inkjs",
                  (choices_per_second, playthroughs_per_second))
