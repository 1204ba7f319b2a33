"""The "make the terminal larger" message, laid over a screen that does not fit.

Every screen yields one. It is hidden until the screen's breakpoint classes say the
terminal is below the minimum (`-tiny` for width, `-short` for height, set by the app's
breakpoints); then it covers the whole screen on a layer of its own. Nothing beneath
is removed or changed, so the game goes on unharmed when the terminal grows again.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

#: The smallest terminal the game is laid out for (the app's breakpoints say the same).
MIN_WIDTH, MIN_HEIGHT = 60, 16


class TooSmall(Static):
    """Covers the screen with a request for a larger terminal when it is too small."""

    def __init__(self) -> None:
        super().__init__(
            Text(f"Make the terminal larger to keep playing\n"
                 f"(at least {MIN_WIDTH} columns by {MIN_HEIGHT} lines).\n\n"
                 "Your game is safe and waits here.", justify="center"),
            classes="too-small", markup=False)
