"""Section: saves. A game with a 1,000-choice log, saved and loaded.

Three figures against absolute targets (issue 4, item 11), each the median of many
runs on the real file system under the benchmark's work folder:

- a save into a numbered slot, everything included: the check of the file it
  replaces, encoding and the faithful-round-trip check, the temporary file, its
  fsync, the read-back, the rename and the folder fsync (target 5 ms);
- a load of the unchanged story: read, decode, check, rebuild without replay
  (target 5 ms);
- a load after a story edit (another digest, a scene and a choice renamed): the whole
  log replayed with the renames applied (target 100 ms).

The story is built in memory (no YAML), a loop of three scenes with text expressions,
effects and seeded random draws, so the log can be as long as wanted.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import msgspec

from escape_game.bench.core import Bench, Figure, Section, format_figure

LOG_LENGTH = 1000
SAVE_TARGET_MS = 5.0
LOAD_TARGET_MS = 5.0
EDITED_TARGET_MS = 100.0

_SCENES = {
    "hall": {"title": "The hall", "location": "home",
             "text": "{~Rain.|Wind.|Sun.} {coins} coins; {visits('hall') > 2: again.|first.}",
             "choices": [
                 {"id": "walk", "text": "Walk out", "goto": "garden",
                  "do": "steps += 1; luck = random(1, 6); mood += 0.25"},
                 {"id": "wait", "text": "Wait ({coins})", "goto": "hall", "do": "coins += 1"},
                 {"id": "take", "text": "Take the key", "once": True, "goto": "hall",
                  "do": "gain('key')"},
             ]},
    "garden": {"title": "The garden", "location": "home",
               "text": "{steps > 10: Familiar grass.|New grass.} Luck {luck}.",
               "choices": [
                   {"id": "back", "text": "Go back", "goto": "hall"},
                   {"id": "dig", "text": "Dig", "goto": "garden", "if": "luck > 3",
                    "do": "coins += 2"},
               ]},
}
_MANIFEST = {
    "id": "bench-saves", "title": "Bench", "start": "hall",
    "vars": {"steps": 0, "coins": 0, "luck": 0, "mood": 0.5, "name": "Tara"},
    "items": {"key": {"name": "A key"}},
    "regions": {"r": {"name": "Region"}},
    "locations": {"home": {"name": "Home", "region": "r"}},
}


def _engine(edited: bool = False):
    from escape_game.engine import Engine
    from escape_game.model import Manifest, Scene, Story
    from escape_game.program import Program, names_of

    manifest, scenes = dict(_MANIFEST), {k: dict(v) for k, v in _SCENES.items()}
    if edited:  # the garden becomes the orchard; walk becomes stroll
        scenes["orchard"] = scenes.pop("garden")
        scenes["hall"]["choices"] = [
            {**choice, "id": "stroll", "goto": "orchard"} if choice["id"] == "walk"
            else choice for choice in scenes["hall"]["choices"]]
        manifest["version"] = 2
        manifest["renamed"] = {"scenes": {"garden": "orchard"},
                               "choices": {"hall.walk": "stroll"}}
    declared = msgspec.convert(manifest, Manifest)
    parsed = {sid: msgspec.convert(scene, Scene) for sid, scene in scenes.items()}
    story = Story(declared, parsed, {}, digest="edited" if edited else "original")
    return Engine(story, Program(names_of(declared, frozenset(parsed))))


def _game(engine):
    from escape_game.session import Session, Start

    session = Session(engine, Start(seed=2016))
    session.choose("take")
    while len(session.log) < LOG_LENGTH:
        session.choose("walk" if session.state.scene == "hall" else "back")
    return session


def _alternate(ours: Callable[[], object], peer: Callable[[], object],
               runs: int) -> tuple[list[float], list[float], list[float]]:
    """Times in ms of `ours` and `peer`, run alternately (drift hits both alike).

    Returns:
        (our wall times, the peer's wall times, our CPU times). CPU time leaves out
        waiting for the disk and for other processes: on a busy machine it shows
        what the work itself costs.
    """
    times: tuple[list[float], list[float], list[float]] = ([], [], [])
    for _ in range(runs):
        for function, into in ((ours, times[0]), (peer, times[1])):
            start, cpu = time.perf_counter(), time.process_time()
            function()
            into.append((time.perf_counter() - start) * 1000)
            if into is times[0]:
                times[2].append((time.process_time() - cpu) * 1000)
    return times


def _bare_write(path: Path, data: bytes) -> None:
    """The floor a durable replace costs: write, fsync, rename, fsync the folder."""
    import os

    from escape_game.saves.atomic import fsync_folder

    temp = path.with_name(".bare.tmp")
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    fsync_folder(path.parent)


def measure(folder: Path, runs: int = 50) -> list[Figure]:
    """The three figures, measured with save files in `folder`.

    Each is set against a peer measured alternately in the same run: the bare durable
    write of the same bytes; reading and decoding the file; replaying the log on the
    unchanged story with `Session.replay`.

    Raises:
        SaveError: a save could not be written (the benchmark reports it as broken).
    """
    from escape_game import saves
    from escape_game.saves.format import decode
    from escape_game.saves.store import SaveStore
    from escape_game.session import Session

    engine, edited = _engine(), _engine(edited=True)
    session = _game(engine)
    store = SaveStore("bench-saves", folder)
    saves.save_game(store, session, "1")  # the folder exists and the slot is filled
    path = folder / "slot-1.json"
    data = path.read_bytes()
    restored = saves.load_game(store, edited, "1")
    assert restored.applied == LOG_LENGTH and restored.session.state.scene == "orchard"
    saved = decode(data)
    edited_runs = min(runs, max(5, runs // 5))
    timings = [
        _alternate(lambda: saves.save_game(store, session, "1"),
                   lambda: _bare_write(folder / "bare.json", data), runs),
        _alternate(lambda: saves.load_game(store, engine, "1"),
                   lambda: decode(path.read_bytes()), runs),
        _alternate(lambda: saves.load_game(store, edited, "1"),
                   lambda: Session.replay(engine, session.start, list(saved.log)),
                   edited_runs),
    ]
    detail = f"{LOG_LENGTH}-choice log, file {len(data) / 1024:.1f} KB"
    specs = [
        ("save into a slot, fsync included", SAVE_TARGET_MS, "bare write+fsync+rename+folder fsync",
         "check of the old file, encode and round-trip check, temp file, fsync, read back, "
         "rename, folder fsync"),
        ("load, story unchanged", LOAD_TARGET_MS, "read and decode the file",
         "read, decode, check, rebuild from the saved state without replay"),
        ("load after a story edit", EDITED_TARGET_MS, "Session.replay, unchanged story",
         "replay of the log with a renamed scene and choice"),
    ]
    figures = []
    for (label, target, peer_label, how), (ours, peer, cpu) in zip(specs, timings):
        figures.append(Figure(
            label, statistics.median(ours), "ms", statistics.median(peer), peer_label,
            target=target, target_unit="ms",
            note=f"{how}; median of {len(ours)} runs ({min(ours):.2f}-{max(ours):.2f} ms), "
                 f"alternating with the peer; CPU time {statistics.median(cpu):.2f} ms; "
                 f"{detail}"))
    return figures


def _figures(bench: Bench) -> list[Figure]:
    runs = 15 if bench.options.quick else 50
    return bench.memo("saves", lambda: measure(bench.workdir / "saves-bench", runs))


def save_figure(bench: Bench) -> Figure:
    """A save of a 1,000-choice game into a slot (fsync included)."""
    return _figures(bench)[0]


def load_figure(bench: Bench) -> Figure:
    """A load of that save on the unchanged story."""
    return _figures(bench)[1]


def edited_load_figure(bench: Bench) -> Figure:
    """A load of that save after a story edit (replay with renames)."""
    return _figures(bench)[2]


SECTION = Section("saves", "Saves: a 1,000-choice game saved and loaded",
                  (save_figure, load_figure, edited_load_figure))


def bench_saves(out: TextIO = sys.stdout, runs: int = 50, folder: Path | None = None) -> list[Figure]:
    """Measure and print the save figures (for `python -m escape_game.bench`).

    Args:
        out: where the figures are printed.
        runs: timed runs of the save and the unchanged load (a fifth of them, at least
            5, for the load after an edit).
        folder: where the save files go; a temporary folder (removed after) when None.

    Returns:
        the figures printed.
    """
    print("Saves: a 1,000-choice game saved and loaded", file=out)
    if folder is not None:
        figures = measure(folder, runs)
    else:
        with tempfile.TemporaryDirectory(prefix="escape-bench-saves-") as temporary:
            figures = measure(Path(temporary), runs)
    for figure in figures:
        print(format_figure(figure), file=out, flush=True)
    return figures


if __name__ == "__main__":
    bench_saves()
