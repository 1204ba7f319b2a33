"""Section 1: the synthetic stories both sides play, and proof that they match.

Prints the shape of our story (scenes, files, size, text length, choices, endings) and
of the ink story gen_ink.py writes for the same size, and whether the two are the same
story knot for knot (they are, on the same Python: see `synthetic`).
"""

from __future__ import annotations

import statistics
import time

from escape_game.bench import synthetic
from escape_game.bench.core import Bench, Figure, Section


def our_story(bench: Bench) -> Figure:
    """Our synthetic story of `--play-scenes` scenes: its size and shape."""
    n = bench.options.play_scenes
    start = time.perf_counter()
    written = bench.story(n)
    elapsed = (time.perf_counter() - start) * 1000
    scenes = synthetic.generate(n)
    endings = sum(scene.ending for scene in scenes)
    conditional = sum(len(scene.choices) for scene in scenes)
    gains = sum(bool(choice.item) for scene in scenes for choice in scene.choices)
    text = statistics.mean(len(scene.text) for scene in scenes)
    return Figure(
        f"our story, {n:,} scenes", written.size / 1e6, "MB",
        note=f"{len(written.files) - 1} scene files of {synthetic.SCENES_PER_FILE} scenes; "
             f"text {text:.0f} chars a scene; {conditional:,} conditional choices "
             f"({gains:,} gaining an item) and {n - endings:,} 'Wander on'; "
             f"{endings} endings ({endings / n:.1%}); written in {elapsed:.0f} ms "
             f"to {written.root}",
    )


def ink_story(bench: Bench) -> Figure:
    """The ink story of the same size, and how it was made."""
    n = bench.options.play_scenes
    path, made_by = bench.ink_story(n)
    return Figure(f"ink story, {n:,} knots", path.stat().st_size / 1e6, "MB",
                  note=f"{path.name}, made by {made_by}")


SECTION = Section("shape", "1. Synthetic stories (ours in YAML, and the ink peer's)",
                  (our_story, ink_story))
