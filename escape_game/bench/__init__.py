"""`python -m escape_game.bench`: the benchmark, printed as figures against peers.

Each section measures one thing against a peer measured in the same run (the machine
is noisy: only ratios within one run mean anything) and prints, per figure, our value,
the peer's, the ratio, the target and PASS or MISS. Targets never fail the run.

Sections live in modules of this package, one `SECTION` each, listed in
`SECTION_MODULES` in the order they print; a section is a list of figure functions
(`core.FigureFunction`), one per figure. To add a benchmark, write a module with its
figure functions and a `SECTION`, and add its name here.

Generated stories, homes and caches go to a temporary folder, removed at the end.
"""

from __future__ import annotations

from importlib import import_module

from escape_game.bench.core import Section

#: Section modules, in the order they run and print.
SECTION_MODULES = ("shape", "startup", "resolve", "load", "playthroughs", "saves", "tui", "check", "toolkit")


def sections() -> list[Section]:
    """Every section, in order."""
    return [import_module(f"escape_game.bench.{name}").SECTION for name in SECTION_MODULES]
