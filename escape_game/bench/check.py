"""`check` on the big story, cold: the loader and every static check, against bare YAML.

Ours is what `escape-game check` does on the `--scenes` story (10,000 scenes in 100
files) when nothing is cached: `lint.check_story(root)` with the story's cache file
removed before each run, so it reads, checks and compiles every file, writes the cache,
and runs the static checks of `lint`. The peer is a bare
`yaml.load(f, Loader=yaml.CSafeLoader)` of the same files: what the YAML parser alone
costs. Runs of the two alternate so that the machine's drift hits both alike. The note
gives the static checks' own share.
"""

from __future__ import annotations

import time

from escape_game.bench.core import Bench, Figure, Section, Timing

#: `check` cold may take at most this many times a bare CSafeLoader parse (issue 5).
CHECK_TARGET = 1.5


def _check(root, n: int) -> float:
    """One cold `check` of the story in `root` (its cache removed first); seconds."""
    from escape_game.cache import cache_file
    from escape_game.lint import check_story

    cache_file(root).unlink(missing_ok=True)
    start = time.perf_counter()
    result = check_story(root)
    total = time.perf_counter() - start
    errors = [d.format() for d in result.diagnostics if d.severity == "error"]
    if errors or result.loaded is None:
        raise RuntimeError(f"the synthetic story has errors: {errors[:3]}")
    if len(result.loaded.story.scenes) != n:
        raise RuntimeError(f"checked {len(result.loaded.story.scenes)} scenes, not {n}")
    return total


def _lint_seconds(root) -> float:
    """Seconds the static checks alone take on the loaded story (loaded once, untimed)."""
    from escape_game.lint import lint
    from escape_game.loader import read_story

    loaded = read_story(root, use_cache=False).loaded
    start = time.perf_counter()
    lint(loaded)
    return time.perf_counter() - start


def check_cold(bench: Bench) -> Figure:
    """Median ms of `check` (loader + static checks, no cache) on the big story, vs a bare
    CSafeLoader parse of the same files."""
    import yaml

    n = bench.options.scenes
    written = bench.story(n)

    def bare() -> None:
        for path in written.files:
            with open(path, encoding="utf-8") as stream:
                yaml.load(stream, Loader=yaml.CSafeLoader)

    bench.warm_loader()
    ours, peer = [], []
    for _ in range(bench.options.runs):
        start = time.perf_counter()
        bare()
        peer.append((time.perf_counter() - start) * 1000)
        ours.append(_check(written.root, n) * 1000)
    lint_ms = _lint_seconds(written.root) * 1000
    if bench.options.profile:
        bench.profile(f"check of {n:,} scenes, no cache",
                      lambda: _check(written.root, n))
    ours_timing, peer_timing = Timing(tuple(ours)), Timing(tuple(peer))
    return Figure(
        f"check {n:,} scenes cold", ours_timing.median, "ms", peer_timing.median,
        f"bare yaml.load CSafeLoader, {len(written.files)} files", CHECK_TARGET,
        note=f"static checks alone {lint_ms:,.0f} ms; ours {ours_timing.spread()}, "
             f"bare {peer_timing.spread()}",
    )


SECTION = Section("check", "`escape-game check` on the big story, cold", (check_cold,))
