"""The ink peer: inkjs 2.4.0 compiling and playing the same synthetic story, under Node.

`../shared/bench/play.js` compiles a `.ink` file with inkjs's compiler, then plays random
playthroughs for a number of seconds and prints what it measured. One run of it serves
every figure that compares with ink (compile time, choices and playthroughs a second),
so the peer is measured once per benchmark run, on the same machine, in the same run as
our side. When Node, npm or inkjs is missing the figures say so and the run goes on.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from escape_game.bench.core import Bench, Unavailable

INKJS_VERSION = "2.4.0"
#: Where inkjs is installed (npm's own client, from the npm registry only).
INK_PREFIX = Path("/tmp/inkbench")

_COMPILE = re.compile(r"compile (\d+) ms, ToJson (\d+) ms .*new Story\(json\) (\d+) ms")
_PLAY = re.compile(r"random playthroughs: (\d+) in ([\d.]+) s = ([\d.]+)/s; avg ([\d.]+) "
                   r"choices/playthrough .*reached END (\d+); (\d+) choices/s")


@dataclass(frozen=True)
class InkRun:
    """What play.js measured.

    Attributes:
        scenes: knots in the story it played.
        compile_ms: the compiler's time for the story.
        to_json_ms: writing the compiled story as JSON.
        load_ms: `new Story(json)`.
        playthroughs: random playthroughs played.
        seconds: how long they took.
        playthroughs_per_second: as play.js computed it.
        choices_per_playthrough: the mean.
        choices_per_second: choices made a second.
        made_by: how the .ink file was made (see `synthetic.write_ink`).
    """

    scenes: int
    compile_ms: float
    to_json_ms: float
    load_ms: float
    playthroughs: int
    seconds: float
    playthroughs_per_second: float
    choices_per_playthrough: float
    choices_per_second: float
    made_by: str


def node_modules(bench: Bench) -> Path:
    """The node_modules folder holding inkjs, installed with npm if it is missing.

    Raises:
        Unavailable: no Node, no npm, or the install failed.
    """
    if shutil.which("node") is None:
        raise Unavailable("Node.js is not installed")
    modules = INK_PREFIX / "node_modules"
    if (modules / "inkjs").is_dir():
        return modules
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable("inkjs is missing and npm is not installed")
    bench.say(f"  (installing inkjs {INKJS_VERSION} into {INK_PREFIX} with npm)")
    try:
        done = subprocess.run([npm, "install", "--prefix", str(INK_PREFIX),
                               f"inkjs@{INKJS_VERSION}"], capture_output=True, text=True,
                              timeout=300)
    except subprocess.TimeoutExpired:
        raise Unavailable("npm install inkjs took more than 5 minutes") from None
    if done.returncode != 0 or not (modules / "inkjs").is_dir():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise Unavailable(f"npm install inkjs failed: {last}")
    return modules


def run(bench: Bench) -> InkRun:
    """play.js on the `--play-scenes` ink story, run once per benchmark run.

    Raises:
        Unavailable: `--no-ink`, no play.js, no Node or inkjs, or play.js failed.
    """
    return bench.memo("ink-run", lambda: run_again(bench))


def run_again(bench: Bench) -> InkRun:
    """play.js on the `--play-scenes` ink story, run now (for figures that alternate
    the peer's runs with ours).

    Raises:
        Unavailable: `--no-ink`, no play.js, no Node or inkjs, or play.js failed.
    """
    options = bench.options
    if not options.ink:
        raise Unavailable("skipped with --no-ink")
    play_js = options.ink_dir / "play.js"
    if not play_js.is_file():
        raise Unavailable(f"no play.js in {options.ink_dir}")
    modules = node_modules(bench)
    n = options.play_scenes
    story, made_by = bench.ink_story(n)
    seconds = options.seconds
    try:
        done = subprocess.run(
            ["node", str(play_js), story.name, f"{seconds:g}", str(options.max_steps)],
            cwd=story.parent, capture_output=True, text=True, timeout=600 + seconds,
            env={**bench.child_env(), "NODE_PATH": str(modules)})
    except subprocess.TimeoutExpired:
        raise Unavailable("play.js took more than 10 minutes") from None
    compiled, played = _COMPILE.search(done.stdout), _PLAY.search(done.stdout)
    if done.returncode != 0 or compiled is None or played is None:
        last = (done.stderr.strip().splitlines() or done.stdout.strip().splitlines()
                or ["no output"])[-1]
        raise Unavailable(f"play.js failed (exit {done.returncode}): {last}")
    return InkRun(
        scenes=n,
        compile_ms=float(compiled[1]),
        to_json_ms=float(compiled[2]),
        load_ms=float(compiled[3]),
        playthroughs=int(played[1]),
        seconds=float(played[2]),
        playthroughs_per_second=float(played[3]),
        choices_per_playthrough=float(played[4]),
        choices_per_second=float(played[6]),
        made_by=made_by,
    )


def node_version() -> str:
    """`node --version`, or "none"."""
    if shutil.which("node") is None:
        return "none"
    done = subprocess.run(["node", "--version"], capture_output=True, text=True)
    return done.stdout.strip() or "unknown"
