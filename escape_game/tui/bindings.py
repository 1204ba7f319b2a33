"""Ctrl+Q, on every screen: the one key binding the app and its dialogs share.

Not a priority binding: Textual acts on those as the key arrives, ahead of keys typed
before it and still waiting to be handled, so F5 then Ctrl+Q quit without the
quicksave. A binding that is not a priority stops at a modal screen, so every dialog
carries this one as well as the app.
"""

from __future__ import annotations

from textual.binding import Binding

#: Quit (the app autosaves the game first).
QUIT = Binding("ctrl+q", "app.quit", "Quit", show=False)
