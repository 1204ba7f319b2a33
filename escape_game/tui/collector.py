"""When the garbage collector runs while the game is on screen: rarely, and when idle.

Textual builds and drops many small containers for every frame (strips, segments,
caches, messages), nearly all freed at once by reference counting; CPython still counts
each towards its next collection. Measured over 60 moves of the bundled story, the
young collections took a few milliseconds a move, and two or three moves met a
collection of the oldest generation: a walk over every object the game and Textual keep
(some 75,000), 70-90 ms, which made those moves take three to five times as long.

So, while the app runs:

- the first generation is collected after 2,000 new containers instead of 700 (the
  free-threaded CPython build uses 2,000; 700 dates from 2000, when few types were
  tracked: python/cpython#100403): a third as many young collections, each a little
  longer, and fewer objects pushed into the older generations;
- the oldest generation is collected when the player has not touched a key or the mouse
  for `IDLE_SECONDS` (they are reading), if a younger collection has happened since the
  last one. Python's own trigger stays in place for a player who never pauses.

The thresholds are put back when the app stops.

And one cache is emptied with every new passage: Rich keeps the width of the last 4,096
strings it measured, which while playing are the lines and words of passages already
gone (measured, 0.7 MB, a sixth of what the game adds to a bare Textual app's memory).
"""

from __future__ import annotations

import gc
import time

from rich.cells import cached_cell_len

#: Seconds without a key press or a mouse event after which the player is reading.
IDLE_SECONDS = 1.0
#: New containers between two collections of the first generation (CPython: 700).
FIRST_GENERATION = 2000


class Collector:
    """The garbage collector's schedule while the app runs (see the module docstring)."""

    def __init__(self) -> None:
        self._thresholds: tuple[int, ...] | None = None
        self.input_at = time.monotonic()

    def start(self) -> None:
        """Collect the first generation less often (until `stop`)."""
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            first, *older = self._thresholds
            gc.set_threshold(max(first, FIRST_GENERATION), *older)

    def stop(self) -> None:
        """Put the thresholds back as they were."""
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None

    def touched(self) -> None:
        """The player pressed a key or moved the mouse."""
        self.input_at = time.monotonic()

    def collect_when_idle(self) -> bool:
        """Collect the oldest generation if the player is reading and it is due; returns
        whether it ran. Nothing is done while the collector is off (the loader turns it
        off as it reads a story)."""
        if (gc.isenabled() and gc.get_count()[2]
                and time.monotonic() - self.input_at >= IDLE_SECONDS):
            gc.collect()
            return True
        return False


def forget_widths() -> None:
    """Empty Rich's cache of string widths (see the module docstring); a new passage is
    on screen."""
    cached_cell_len.cache_clear()
