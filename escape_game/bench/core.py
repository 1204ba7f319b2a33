"""The benchmark's frame: options, the shared context, figures and how they print.

A section is a titled list of *figure functions*; each takes the `Bench` context and
returns one `Figure` (a measured value, the peer's value in the same run, their ratio,
the target and PASS or MISS). Sections share costly work (a generated story, one run of
the ink peer, one batch of playthroughs) through `Bench.memo`, so two figures drawn from
one measurement never measure twice. A target missed prints MISS and nothing more: the
benchmark never fails on time (the machine is noisy; compare ratios within one run).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from escape_game.bench import synthetic
from escape_game.paths import HOME_VARIABLE

#: The folder holding the `escape_game` package, for children that must import it.
PACKAGE_PARENT = Path(__file__).resolve().parent.parent.parent


class Unavailable(Exception):
    """A measurement that cannot be made here (no Node, no inkjs...): said, then skipped."""


@dataclass(frozen=True)
class Options:
    """What to run and at what scale.

    Attributes:
        quick: a fast run (small stories, short timings), for tests.
        scenes: scenes in the big story that the load section reads (10,000).
        play_scenes: scenes in the story compared with ink (compile and play): 1,000.
        runs: timed repetitions of each measurement (the median is reported).
        startup_runs: repetitions of each process in the start-up section.
        seconds: how long to play random playthroughs, on each side.
        max_steps: choices per playthrough at most (play.js's cap).
        ink: whether to run the ink peer at all.
        ink_dir: the folder holding gen_ink.py and play.js.
        profile: print where our side's time goes (cProfile) after each measurement.
    """

    quick: bool = False
    scenes: int = 10_000
    play_scenes: int = 1_000
    runs: int = 3
    startup_runs: int = 7
    seconds: float = 5.0
    max_steps: int = 200
    ink: bool = True
    ink_dir: Path = PACKAGE_PARENT.parent / "shared" / "bench"
    profile: bool = False


@dataclass(frozen=True)
class Figure:
    """One measured figure, with its peer and target.

    Attributes:
        label: what was measured, e.g. "start to first scene".
        value: our measured value, in `unit`.
        unit: "ms", "choices/s", ...
        peer: the peer's value in the same unit (same run), or None.
        peer_label: what the peer is, e.g. "inkjs 2.4.0 compile".
        target: the bound on value/peer (a ratio), or on value when `peer` is not
            part of the target (`target_unit` set); None for a figure with no target.
        at_least: True when the target is a floor (more is better), else a ceiling.
        target_unit: "" for a ratio target, else the unit of an absolute target.
        note: a detail printed after the figure (how it was measured, why a peer is
            missing).
    """

    label: str
    value: float
    unit: str
    peer: float | None = None
    peer_label: str = ""
    target: float | None = None
    at_least: bool = False
    target_unit: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """value / peer, when there is a peer."""
        if self.peer is None or self.peer == 0:
            return None
        return self.value / self.peer

    @property
    def verdict(self) -> str:
        """PASS, MISS, or "n/a" (no target, or no peer to compare with)."""
        if self.target is None:
            return "n/a"
        measured = self.value if self.target_unit else self.ratio
        if measured is None:
            return "n/a"
        ok = measured >= self.target if self.at_least else measured <= self.target
        return "PASS" if ok else "MISS"


def fmt(value: float, unit: str) -> str:
    """`value` with its unit, rounded for reading (12.3 ms, 6,543 choices/s)."""
    if unit == "ms":
        text = f"{value:.1f}" if value < 100 else f"{value:,.0f}"
    elif unit.endswith("/s"):
        text = f"{value:,.1f}" if value < 100 else f"{value:,.0f}"
    elif unit == "MB":
        text = f"{value:.2f}"
    else:
        text = f"{value:,.4g}"
    return f"{text} {unit}".rstrip()


def format_figure(figure: Figure) -> str:
    """The figure as one line: ours | peer | ratio | target | verdict."""
    parts = [f"{figure.label}: {fmt(figure.value, figure.unit)}"]
    if figure.peer is not None:
        parts.append(f"peer {fmt(figure.peer, figure.unit)} ({figure.peer_label})")
        parts.append(f"ratio {figure.ratio:.2f}x" if figure.ratio is not None else "ratio -")
    elif figure.peer_label:
        parts.append(f"peer unavailable ({figure.peer_label})")
    if figure.target is not None:
        sign = ">=" if figure.at_least else "<="
        bound = fmt(figure.target, figure.target_unit) if figure.target_unit \
            else f"{figure.target:g}x"
        parts.append(f"target {sign} {bound}")
        parts.append(figure.verdict)
    line = "  " + " | ".join(parts)
    if figure.note:
        line += f"\n      {figure.note}"
    return line


@dataclass(frozen=True)
class Timing:
    """Wall times of repeated runs, in ms, in the order run."""

    times: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def spread(self) -> str:
        """"median of 3 runs (1,234-1,300 ms)", or "1 run"."""
        if len(self.times) == 1:
            return "1 run"
        return (f"median of {len(self.times)} runs ({min(self.times):,.0f}-"
                f"{max(self.times):,.0f} ms)")


FigureFunction = Callable[["Bench"], Figure]


@dataclass(frozen=True)
class Section:
    """A numbered part of the benchmark.

    Attributes:
        name: what `python -m escape_game.bench NAME` selects it by.
        title: the heading printed above its figures.
        figures: its figure functions, run in order.
    """

    name: str
    title: str
    figures: tuple[FigureFunction, ...]


@dataclass
class Bench:
    """What every figure function gets: the options, a work folder, shared results.

    Args:
        options: what to run.
        workdir: a folder to write stories, homes and caches into (removed by the
            caller).
        out: where figures are printed.
    """

    options: Options
    workdir: Path
    out: TextIO = sys.stdout
    figures: list[tuple[str, Figure]] = field(default_factory=list)
    _memo: dict[Any, Any] = field(default_factory=dict)

    @property
    def home(self) -> Path:
        """The `ESCAPE_GAME_HOME` of this run (this process and its children)."""
        return self.workdir / "home"

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """`compute()`, run once per key for the whole benchmark run.

        An exception raised by `compute` is remembered too and raised again, so a
        measurement that failed for one figure is not repeated for the next.
        """
        if key not in self._memo:
            try:
                self._memo[key] = (True, compute())
            except Exception as error:  # noqa: BLE001 - raised again just below
                self._memo[key] = (False, error)
        ok, value = self._memo[key]
        if not ok:
            raise value
        return value

    def story(self, n: int) -> synthetic.Written:
        """The synthetic story of `n` scenes in our format, written once per run."""
        return self.memo(("story", n), lambda: synthetic.write_story(
            n, self.workdir / f"synthetic_{n}"))

    def ink_story(self, n: int) -> tuple[Path, str]:
        """The ink story of `n` knots (see `synthetic.write_ink`), written once per run."""
        gen_ink = self.options.ink_dir / "gen_ink.py"
        return self.memo(("ink", n), lambda: synthetic.write_ink(
            n, self.workdir / "ink", gen_ink if gen_ink.is_file() else None))

    def warm_loader(self) -> None:
        """Read a small synthetic story once, untimed, so that what is timed afterwards
        is reading, not importing the loader's modules (done once per run)."""

        def read() -> None:
            from escape_game.loader import read_story

            read_story(self.story(20).root, use_cache=False)

        self.memo("loader-warm", read)

    def child_env(self, **extra: str) -> dict[str, str]:
        """The environment for a child Python: this run's home, the package importable,
        its bytecode compiled (`compile_package`, once per run)."""
        self.memo("bytecode", compile_package)
        env = dict(os.environ)
        env[HOME_VARIABLE] = str(self.home)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(PACKAGE_PARENT), *filter(None, [os.environ.get("PYTHONPATH")])])
        env["NO_COLOR"] = "1"
        env["COLUMNS"] = "80"
        env.pop("PYTHONSTARTUP", None)
        env.update(extra)
        return env

    def timed(self, label: str, function: Callable[[], Any], runs: int | None = None,
              before: Callable[[], Any] | None = None) -> Timing:
        """Wall times of `function()` over `runs` runs (the `--runs` option by default).

        Args:
            label: names the profile printed with `--profile`.
            function: what to time.
            runs: how many times.
            before: run, untimed, before each run (to clear a cache, say).
        """
        times = []
        for _ in range(runs or self.options.runs):
            if before is not None:
                before()
            start = time.perf_counter()
            function()
            times.append((time.perf_counter() - start) * 1000)
        if self.options.profile:
            if before is not None:
                before()
            self.profile(label, function)
        return Timing(tuple(times))

    def profile(self, label: str, function: Callable[[], Any]) -> Any:
        """Run `function` under cProfile and print its 15 costliest functions."""
        profiler = cProfile.Profile()
        result = profiler.runcall(function)
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats("tottime")
        stats.print_stats(15)
        self.say(f"    profile of {label} (by own time):")
        body = buffer.getvalue().strip().splitlines()
        start = next((i for i, line in enumerate(body) if "ncalls" in line), 0)
        for line in body[start:]:
            self.say("      " + line)
        return result

    def say(self, text: str) -> None:
        """Print a line of the report."""
        print(text, file=self.out, flush=True)


def figure_record(section: str, figure: Figure) -> dict[str, Any]:
    """A figure as a JSON-able dict (for `--json`)."""
    record = {"section": section, **asdict(figure)}
    record["ratio"] = figure.ratio
    record["verdict"] = figure.verdict
    return record


def compile_package() -> None:
    """Write the package's bytecode, as `pip install` does, so that child processes
    time the game as a player runs it. Where PYTHONDONTWRITEBYTECODE is set (this
    machine sets it) every child would otherwise compile each of our modules from
    source, while Textual's come compiled from its wheel: measured, 0.5 MB of the TUI's
    peak memory and about 15 ms of its start-up. Quiet, and harmless, where the folder
    cannot be written."""
    import compileall

    compileall.compile_dir(PACKAGE_PARENT / "escape_game", quiet=2)
