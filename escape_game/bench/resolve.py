"""Section 3: load and resolve the synthetic story in-process, with no cache, vs inkjs.

Ours is `load_story(root, use_cache=False)` on the `--play-scenes` story (1,000 scenes):
read the YAML, validate every scene, resolve every reference and compile every
condition, effect and text, in this process, after the loader's modules are imported.
The peer is inkjs's `Compiler(src).Compile()` of the same story (the compile time
play.js prints), in the same benchmark run.
"""

from __future__ import annotations

from escape_game.bench import ink
from escape_game.bench.core import Bench, Figure, Section, Unavailable

TARGET = 0.5


def load_and_resolve(bench: Bench) -> Figure:
    """Median ms of a cacheless `load_story` of the story inkjs compiles, vs its compile."""
    from escape_game.loader import load_story

    n = bench.options.play_scenes
    root = bench.story(n).root

    def load() -> None:
        loaded = load_story(root, use_cache=False)
        if len(loaded.story.scenes) != n:
            raise RuntimeError(f"loaded {len(loaded.story.scenes)} scenes, not {n}")

    bench.warm_loader()
    timing = bench.timed(f"load_story of {n:,} scenes", load)
    try:
        peer = ink.run(bench)
        compile_ms, peer_label = peer.compile_ms, f"inkjs {ink.INKJS_VERSION} compile"
        extra = (f"; inkjs also took {peer.to_json_ms:,.0f} ms for ToJson and "
                 f"{peer.load_ms:,.0f} ms for new Story(json)")
    except Unavailable as missing:
        compile_ms, peer_label, extra = None, f"inkjs: {missing}", ""
    return Figure(f"load and resolve {n:,} scenes, no cache", timing.median, "ms",
                  compile_ms, peer_label, TARGET, note=f"ours: {timing.spread()}{extra}")


SECTION = Section("resolve", "3. Load and resolve the synthetic story, no cache, vs inkjs",
                  (load_and_resolve,))
