"""The benchmark's command line: pick sections and a scale, run, print figures.

Exit status: 0 whatever the figures say (a MISS is a figure, not a failure); 1 only
when a measurement could not be made because something broke (its traceback is on
stderr); 2 for wrong usage.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from escape_game.bench import sections
from escape_game.bench.core import Bench, Options, Unavailable, figure_record, format_figure
from escape_game.paths import HOME_VARIABLE

#: What `--quick` changes: small stories, short timings (a run of a few seconds).
QUICK = dict(scenes=300, play_scenes=100, runs=1, startup_runs=2, seconds=0.5)


def parse(argv: list[str] | None) -> tuple[Options, argparse.Namespace]:
    known = [section.name for section in sections()]
    parser = argparse.ArgumentParser(
        prog="python -m escape_game.bench",
        description="Measure the engine against its peers and print figures with their "
                    "targets (PASS or MISS; the exit status ignores them).",
    )
    parser.add_argument("sections", nargs="*", metavar="SECTION",
                        help=f"sections to run (default all): {', '.join(known)}")
    parser.add_argument("--quick", action="store_true",
                        help="a fast run: stories of 100 and 300 scenes, one run each, short timings")
    parser.add_argument("--scenes", type=int, metavar="N",
                        help="scenes in the story the load section reads (default 10000)")
    parser.add_argument("--play-scenes", type=int, metavar="N",
                        help="scenes in the story compared with ink (default 1000)")
    parser.add_argument("--runs", type=int, metavar="N",
                        help="timed runs per measurement; the median is shown (default 3)")
    parser.add_argument("--startup-runs", type=int, metavar="N",
                        help="runs of each process in the start-up section (default 7)")
    parser.add_argument("--seconds", type=float, metavar="S",
                        help="seconds of random playthroughs on each side (default 5)")
    parser.add_argument("--no-ink", action="store_true", help="do not run the inkjs peer")
    parser.add_argument("--ink-dir", type=Path, metavar="DIR",
                        help="the folder holding gen_ink.py and play.js "
                             f"(default {Options.ink_dir})")
    parser.add_argument("--profile", action="store_true",
                        help="print where our side's time goes (cProfile) per measurement")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="write stories and caches to DIR and keep them")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="also write every figure to FILE as JSON")
    parser.add_argument("--list", action="store_true", help="list the sections and exit")
    args = parser.parse_args(argv)
    unknown = [name for name in args.sections if name not in known]
    if unknown:
        parser.error(f"unknown section {unknown[0]!r}; choose from {', '.join(known)}")
    scale = dict(QUICK) if args.quick else {}
    for name in ("scenes", "play_scenes", "runs", "startup_runs", "seconds"):
        value = getattr(args, name)
        if value is not None:
            if value <= 0:
                parser.error(f"--{name.replace('_', '-')} must be more than 0")
            scale[name] = value
    options = Options(quick=args.quick, ink=not args.no_ink, profile=args.profile, **scale,
                      **({"ink_dir": args.ink_dir} if args.ink_dir else {}))
    return options, args


def header(bench: Bench) -> None:
    from escape_game.bench.ink import node_version

    options = bench.options
    bench.say(f"The Escape benchmark{' (--quick)' if options.quick else ''}: "
              f"Python {platform.python_version()}, {os.cpu_count()} cores, "
              f"node {node_version()}; {time.strftime('%Y-%m-%d %H:%M')}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") \
        else "unknown"
    bench.say(f"load average {load} (a busy machine makes every figure noisy; the ratios "
              "compare sides measured in this run)")
    bench.say(f"work folder {bench.workdir}")


def run(bench: Bench, names: list[str]) -> int:
    """Run the named sections (all when empty); the number of figures that broke."""
    broken = 0
    for section in sections():
        if names and section.name not in names:
            continue
        bench.say("")
        bench.say(section.title)
        started = time.perf_counter()
        for function in section.figures:
            try:
                figure = function(bench)
            except Unavailable as missing:
                bench.say(f"  {function.__name__}: unavailable: {missing}")
                continue
            except Exception as error:  # traceback on stderr, and the exit status says so
                broken += 1
                first = (str(error).splitlines() or [""])[0][:200]
                bench.say(f"  {function.__name__}: ERROR: {type(error).__name__}: {first} "
                          "(traceback on stderr)")
                traceback.print_exc()
                continue
            bench.figures.append((section.name, figure))
            bench.say(format_figure(figure))
        bench.say(f"  (section took {time.perf_counter() - started:.1f} s)")
    return broken


def main(argv: list[str] | None = None) -> int:
    options, args = parse(argv)
    if args.list:
        for section in sections():
            print(f"{section.name:<14} {section.title}")
        return 0
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    workdir = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="escape-bench-"))
    previous_home = os.environ.get(HOME_VARIABLE)
    bench = Bench(options, workdir)
    os.environ[HOME_VARIABLE] = str(bench.home)  # our cache, never the player's
    try:
        header(bench)
        broken = run(bench, args.sections)
        misses = sum(figure.verdict == "MISS" for _, figure in bench.figures)
        passes = sum(figure.verdict == "PASS" for _, figure in bench.figures)
        bench.say("")
        bench.say(f"{passes} PASS, {misses} MISS" + (f", {broken} broken" if broken else ""))
        if args.json:
            args.json.write_text(json.dumps(
                [figure_record(name, figure) for name, figure in bench.figures], indent=2,
                default=str) + "\n", encoding="utf-8")
    finally:
        if previous_home is None:
            os.environ.pop(HOME_VARIABLE, None)
        else:
            os.environ[HOME_VARIABLE] = previous_home
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
