"""Section 4: the big story read cold (no cache) and warm (from the cache).

Cold is `read_story(root, use_cache=False)` on the `--scenes` story (10,000 scenes in
100 files), against a bare `yaml.load(f, Loader=yaml.CSafeLoader)` of the same files:
what the YAML parser alone costs, so the ratio is the price of our checks. Runs of the
two alternate so that the machine's drift hits both alike. Warm is
`read_story(root, use_cache=True)` with the cache filled, timed in a fresh process each
run (so nothing is in memory but what the cache gives back), against our cold figure.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time

from escape_game.bench.core import Bench, Figure, Section, Timing

COLD_TARGET = 1.3
WARM_TARGET = 0.2

#: Run in a fresh process: the time of one warm read, the loader's import excluded.
_WARM_CHILD = """
import json, sys, time
from pathlib import Path
start = time.perf_counter()
from escape_game.loader import read_story
imported = time.perf_counter()
result = read_story(Path(sys.argv[1]), use_cache=True)
done = time.perf_counter()
errors = sum(d.severity == "error" for d in result.diagnostics)
scenes = len(result.loaded.story.scenes) if result.loaded is not None else 0
print(json.dumps({"import_ms": (imported - start) * 1000, "read_ms": (done - imported) * 1000,
                  "errors": errors, "scenes": scenes}))
"""


def _read(root, n: int, use_cache: bool) -> None:
    from escape_game.loader import read_story

    result = read_story(root, use_cache=use_cache)
    errors = [d.format() for d in result.diagnostics if d.severity == "error"]
    if errors or result.loaded is None:
        raise RuntimeError(f"the synthetic story has errors: {errors[:3]}")
    if len(result.loaded.story.scenes) != n:
        raise RuntimeError(f"read {len(result.loaded.story.scenes)} scenes, not {n}")


def cold_timings(bench: Bench) -> tuple[Timing, Timing, float]:
    """Our cold read and the bare parse of the `--scenes` story, measured once per run.

    Shared by every figure that needs them (the `check` benchmark can compare with
    the same bare parse).

    Returns:
        (ours, bare) timings, and one bare parse with the garbage collector off (as
        our loader reads), in ms.
    """
    return bench.memo("cold-read", lambda: _cold(bench))


def _cold(bench: Bench) -> tuple[Timing, Timing, float]:
    import yaml

    n = bench.options.scenes
    written = bench.story(n)

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when built

    def bare() -> None:
        for path in written.files:
            with open(path, encoding="utf-8") as stream:
                yaml.load(stream, Loader=loader)

    def ours() -> None:
        _read(written.root, n, use_cache=False)

    bench.warm_loader()
    ours_times, bare_times = [], []
    for _ in range(bench.options.runs):
        bare_times += _once(bare)
        ours_times += _once(ours)
    gc.disable()
    try:
        bare_no_gc = _once(bare)[0]
    finally:
        gc.enable()
    if bench.options.profile:
        bench.profile(f"read_story of {n:,} scenes, no cache", ours)
    return Timing(tuple(ours_times)), Timing(tuple(bare_times)), bare_no_gc


def _loader_name() -> str:
    import yaml

    return "CSafeLoader" if hasattr(yaml, "CSafeLoader") else "SafeLoader (no libyaml)"


def _once(function) -> list[float]:
    start = time.perf_counter()
    function()
    return [(time.perf_counter() - start) * 1000]


def cold_read(bench: Bench) -> Figure:
    """Median ms of a cacheless `read_story` of the big story, vs bare CSafeLoader."""
    ours, bare, bare_no_gc = cold_timings(bench)
    written = bench.story(bench.options.scenes)
    return Figure(
        f"read {written.scenes:,} scenes cold", ours.median, "ms", bare.median,
        f"bare yaml.load {_loader_name()}, {len(written.files)} files", COLD_TARGET,
        note=f"{written.size / 1e6:.1f} MB of YAML; ours {ours.spread()}, "
             f"bare {bare.spread()}; bare with gc off (as our loader reads): "
             f"{bare_no_gc:,.0f} ms",
    )


def warm_read(bench: Bench) -> Figure:
    """Median ms of a cached `read_story` in a fresh process, vs our cold read."""
    ours_cold = cold_timings(bench)[0]
    n = bench.options.scenes
    written = bench.story(n)
    start = time.perf_counter()
    _read(written.root, n, use_cache=True)  # fills the cache
    fill_ms = (time.perf_counter() - start) * 1000
    reads, imports = [], []
    for _ in range(bench.options.runs):
        done = subprocess.run([sys.executable, "-c", _WARM_CHILD, str(written.root)],
                              capture_output=True, text=True, env=bench.child_env(),
                              cwd=bench.workdir, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"warm read failed: {done.stderr.strip()[-500:]}")
        record = json.loads(done.stdout.strip().splitlines()[-1])
        if record["errors"] or record["scenes"] != n:
            raise RuntimeError(f"warm read gave {record}")
        reads.append(record["read_ms"])
        imports.append(record["import_ms"])
    warm = Timing(tuple(reads))
    return Figure(
        f"read {n:,} scenes warm, fresh process", warm.median, "ms", ours_cold.median,
        "our cold read", WARM_TARGET,
        note=f"{warm.spread()}; importing the loader took {min(imports):.0f} ms more "
             f"(not counted); filling the cache took {fill_ms:,.0f} ms",
    )


SECTION = Section("load", "4. The big story read cold and warm", (cold_read, warm_read))
