"""The Textual application: loads the story in the background and holds the screens.

The title screen is the default screen, so it paints at once; the story, the profile
and the save folder are read off the UI thread (in the `Keeper`'s writer thread) and
the title's New game, Continue and Load wait for them. The session lives in the game
screen, the only place that calls it. Every write (saves, autosaves, the profile) goes
through `Keeper`, off the UI thread. `Collector` says when garbage is collected.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from escape_game.tui.bindings import QUIT
from escape_game.tui.collector import IDLE_SECONDS, Collector
from escape_game.tui.keeper import Keeper, peek_theme

# The engine side (and msgspec under it) is imported when first needed, after the
# title's first frame: start-up time is what the player sees first.
if TYPE_CHECKING:
    from escape_game.errors import EscapeGameError
    from escape_game.loader import Loaded
    from escape_game.saves import Restored
    from escape_game.session import Session

#: Seconds a termination signal leaves the app to quit after the game is saved, before
#: the process ends regardless (a terminal that hung up can leave Textual stuck).
SIGNAL_GRACE_SECONDS = 5.0


class EscapeApp(App):
    """The game in a terminal.

    Args:
        story_root: the story folder to play.
        seed: the seed for new games (random when None).
        load: a save to open at once instead of the title's menu: a slot name,
            "quick", or "auto" for the newest autosave (`--continue`); None for none.
    """

    CSS_PATH = "escape.tcss"
    TITLE = "The Escape"
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (60, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (16, "-tall")]
    BINDINGS = [
        QUIT,
        # Textual's command palette is a modal screen of its own, which an ordinary
        # binding does not reach: there (only there) Ctrl+Q is a priority binding.
        Binding("ctrl+q", "quit_from_palette", show=False, priority=True),
    ]
    #: What stays on screen around a maximized widget (Textual's default is its Footer,
    #: which the game does not use): the key bar, and the "too small" message.
    ALLOW_IN_MAXIMIZED_VIEW = "KeyBar, TooSmall"

    def __init__(self, story_root: Path, seed: int | None = None,
                 load: str | None = None) -> None:
        super().__init__()
        self.story_root = Path(story_root)
        self.seed = seed
        self.load_at_start = load
        self.loaded: Loaded | None = None
        self.load_error: EscapeGameError | None = None
        self._loading = False
        self._signals: list[int] = []  # the signals caught (SIGTERM, SIGHUP)
        self._quitting = False
        self.collector = Collector()  # when garbage is collected (see its module)
        self.keeper = Keeper(self)
        self.title = peek_title(self.story_root) or self.TITLE
        theme = peek_theme()
        if theme in self.available_themes:
            self.theme = theme

    # -- start ----------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        from escape_game.tui.screens.title import TitleScreen

        return TitleScreen()

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self.remember_theme)
        self.catch_signals()
        self.collector.start()
        self.set_interval(IDLE_SECONDS, self.collector.collect_when_idle,
                          name="idle collection")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.collector.touched()
        await super().on_event(event)

    def catch_signals(self) -> None:
        """Quit the normal way on SIGTERM and SIGHUP (where the platform has them), so
        the game is autosaved and Textual gives the terminal back as it found it (no
        alternate screen, no mouse reporting) instead of dying mid-screen."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for name in ("SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)
            if number is None:
                continue
            try:
                loop.add_signal_handler(number, self.quit_on_signal, number)
            except (NotImplementedError, RuntimeError, ValueError, OSError):
                continue  # not the main thread, or a loop without signal support
            self._signals.append(number)

    def on_unmount(self) -> None:
        import asyncio

        self.collector.stop()
        loop = asyncio.get_running_loop()
        for number in self._signals:
            loop.remove_signal_handler(number)
        self._signals.clear()

    def quit_on_signal(self, number: int = 0) -> None:
        """A termination signal: save at once, then quit as the player's q does (once).

        After a hang-up the terminal may be gone, and Textual's output thread may have
        died writing to it; its queue then fills and quitting waits forever, holding
        the game's claim. So the game is saved first, every write finished, and if the
        process has not ended `SIGNAL_GRACE_SECONDS` later it ends there and then.
        """
        if self._quitting:
            return
        self._quitting = True
        self.autosave_now()
        self.keeper.wait()
        watchdog = threading.Timer(SIGNAL_GRACE_SECONDS, _end_now, (128 + number,))
        watchdog.daemon = True
        watchdog.start()
        self.call_next(self.action_quit)

    def start_loading(self) -> None:
        """Begin loading the story (the title screen calls this once it has painted, so
        the first frame goes out before the load competes with it for the CPU)."""
        if self.loaded is None and self.load_error is None and not self._loading:
            self._loading = True
            self.load_in_background()

    @work(exclusive=True, group="load")
    async def load_in_background(self) -> None:
        """Load the story and look for saves off the UI thread (in the Keeper's writer
        thread), then tell the title."""
        from escape_game.errors import EscapeGameError

        try:
            loaded = await self.keeper.load(self.story_root)
        except EscapeGameError as error:
            self.story_ready(None, error)
            return
        self.story_ready(loaded, None)

    def story_ready(self, loaded: Loaded | None, error: EscapeGameError | None) -> None:
        """The story has loaded (or failed to): update the title, open a save asked for."""
        self.loaded, self.load_error = loaded, error
        if loaded is not None:
            self.title = loaded.story.manifest.title
        self.refresh_title()
        if self.keeper.notice:
            self.notify(self.keeper.notice, severity="warning", markup=False, timeout=10)
        if error is not None:
            self.show_error(error, "The story cannot be played")
        elif self.load_at_start is not None:
            self.open_save(self.load_at_start)

    def refresh_title(self) -> None:
        """Tell the title screen (wherever it is in the stack) to show what is ready."""
        from escape_game.tui.screens.title import TitleScreen

        for screen in self.screen_stack:
            if isinstance(screen, TitleScreen):
                screen.story_ready()

    # -- games ----------------------------------------------------------------------

    def engine(self):
        """A fresh engine for the loaded story."""
        from escape_game.engine import Engine

        assert self.loaded is not None
        return Engine(self.loaded.story, self.loaded.program)

    def new_game(self) -> None:
        """Start a new game on the loaded story, in place of any game on screen."""
        from escape_game.errors import EscapeGameError
        from escape_game.session import Session, Start

        seed = self.seed if self.seed is not None else int.from_bytes(os.urandom(4), "big")
        try:
            session = Session(self.engine(), Start(seed=seed))
        except EscapeGameError as error:
            self.show_error(error)
            return
        self.play(session)

    def play(self, session: Session, saved: bool = False) -> None:
        """Show `session` on a game screen over the title, replacing any game shown.

        Args:
            session: the game.
            saved: the game as it is now is already in an autosave.
        """
        from escape_game.tui.screens.game import GameScreen
        from escape_game.tui.screens.title import TitleScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, TitleScreen):
            self.pop_screen()
        branched = self.keeper.claim(session)  # this window plays it now, or a branch
        self.push_screen(GameScreen(session, saved=saved and not branched))

    def open_save(self, name: str, leaving: Callable[[], None] | None = None) -> None:
        """Load the save called `name` ("auto" is the newest autosave) and play it.

        Args:
            name: the save's name as the Load screen or the player gives it.
            leaving: autosaves the game being left; called once the save has been read
                and before it is played, never before: that autosave turns the rings,
                and would renumber `auto2`... or remove the older autosave being loaded.
        """
        from escape_game.errors import SaveError

        try:
            restored = self.keeper.restore(self.engine(), name)
        except SaveError as error:
            self.notify(error.message[:1].upper() + error.message[1:] + ".",
                        title="Cannot load", severity="error", markup=False, timeout=8)
            return
        if leaving is not None:
            leaving()
        self.play_restored(restored, name)

    def play_restored(self, restored: Restored, name: str) -> None:
        """Play a game rebuilt from a save, telling the player what changed."""
        self.play(restored.session, saved=restored.continues)
        for notice in restored.notices:
            self.notify(notice, severity="warning", markup=False, timeout=10)
        self.notify(f"Loaded {describe_save(name)}.", markup=False)

    def show_error(self, error: EscapeGameError, heading: str = "The story has an error",
                   where: str = "") -> None:
        """A dialog with a story error's message and location; never a traceback."""
        from escape_game.tui.screens.dialogs import ErrorDialog

        self.push_screen(ErrorDialog(error, heading, where))

    # -- quitting and the theme -----------------------------------------------------

    async def action_quit(self) -> None:
        """Quit, autosaving the game on screen first."""
        self.autosave_now()
        self.exit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit_from_palette":
            from textual.command import CommandPalette

            return isinstance(self.screen, CommandPalette)
        return super().check_action(action, parameters)

    async def action_quit_from_palette(self) -> None:
        """Ctrl+Q in the command palette: quit as anywhere else."""
        await self.action_quit()

    def autosave_now(self) -> None:
        """Autosave the game being played, here and now (on the way out)."""
        from escape_game.tui.screens.game import GameScreen

        for screen in self.screen_stack:
            if isinstance(screen, GameScreen):
                screen.autosave(wait=True)

    def remember_theme(self, theme) -> None:
        """Keep the theme chosen in the profile (off the UI thread)."""
        self.keeper.remember_theme(theme.name)

    # -- screenshots ----------------------------------------------------------------

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        """Save an SVG of the screen in `screenshots/` under the game's data folder
        (created when needed), never in ~/Downloads; the notification says where.

        Textual's Screenshot command and `screenshot` action both come here. The
        picture is taken now, on the UI thread; the file is written by the Keeper.
        """
        from textual._files import generate_datetime_filename

        from escape_game.paths import data_dir

        folder = Path(path) if path else data_dir() / "screenshots"
        target = folder / (filename or generate_datetime_filename(self.title, ".svg",
                                                                   time_format))
        written = self.keeper.queue(write_screenshot, target, self.export_screenshot())
        self.run_worker(partial(self._screenshot_written, written, target), group="saves")
        return None

    async def _screenshot_written(self, written: Awaitable[None], target: Path) -> None:
        try:
            await written
        except OSError as error:
            self.notify(f"Could not save the screenshot in {target.parent}: "
                        f"{error.strerror or error}.", title="Screenshot",
                        severity="error", markup=False, timeout=8)
            return
        self.notify(f"Saved in {target}", title="Screenshot", markup=False, timeout=8)

    # -- the command palette --------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from escape_game.tui.screens.game import GameScreen

        if isinstance(screen, GameScreen):
            yield SystemCommand("Save", "Save the game in a slot", screen.action_save)
            yield SystemCommand("Load", "Load a saved game", screen.action_load)
            yield SystemCommand("Quicksave", "Save in the quicksave slot",
                                screen.action_quicksave)
            yield SystemCommand("Quickload", "Load the quicksave", screen.action_quickload)
            yield SystemCommand("Journal", "Every passage read and choice made",
                                screen.action_journal)
            yield SystemCommand("Inventory", "What you carry", screen.action_inventory)
            yield SystemCommand("Undo", "Take back the last choice", screen.action_undo)
            yield SystemCommand("Redo", "Take again a choice taken back", screen.action_redo)
            yield SystemCommand("Status panel", "Show or hide the status panel",
                                screen.action_toggle_panel)
            yield SystemCommand("Help", "Keys and commands", screen.action_help)
        yield SystemCommand("About", "About this story", self.action_about)
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":  # saved where `deliver_screenshot` says
                from escape_game.paths import data_dir

                command = SystemCommand(
                    "Screenshot", f"Save an SVG picture of the screen in "
                    f"{data_dir() / 'screenshots'}", command.callback)
            yield command

    def action_about(self) -> None:
        """Show the story's About text."""
        from escape_game.tui.screens.dialogs import TextDialog
        from escape_game.tui.views import about_markdown

        story = self.loaded.story if self.loaded else None
        self.push_screen(TextDialog("About", about_markdown(story), markdown=True))


def _end_now(status: int) -> None:
    """End the process at once (saves written already), giving up its claims first."""
    from escape_game.saves.claims import release_all

    release_all()
    os._exit(status)


def write_screenshot(target: Path, svg: str) -> None:
    """Write a screenshot's SVG, making its folder when needed (in the writer thread).

    Raises:
        OSError: the folder or the file cannot be written.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(svg, encoding="utf-8")


def peek_title(story_root: Path) -> str:
    """The story's title from its manifest's `title:` line, for the first frame.

    A quick look with a regular expression (no YAML parser, which costs start-up time);
    the loaded manifest's title replaces it. "" when there is no plain `title:` line.
    """
    import re

    try:
        head = (story_root / "story.yaml").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    match = re.search(r"^title:[ \t]*([^\n#]+?)[ \t]*(?:#.*)?$", head, re.MULTILINE)
    if match is None:
        return ""
    title = match.group(1)
    if len(title) >= 2 and title[0] == title[-1] and title[0] in "'\"":
        title = title[1:-1]
    return "" if title[:1] in "|>[{&*!" else title


def describe_save(name: str) -> str:
    """How a save's name reads in a sentence: "slot 3", "the quicksave", "the autosave"."""
    if name.isdigit():
        return f"slot {name}"
    if name == "quick":
        return "the quicksave"
    if name.startswith("auto"):
        return "the newest autosave" if name == "auto" else f"the autosave {name}"
    return f"'{name}'"


def run_tui(story_root: Path, seed: int | None = None, load: str | None = None) -> int:
    """Play `story_root` in the TUI; returns the exit code.

    Args:
        story_root: the story folder.
        seed: the seed for new games (random when None).
        load: a save to open at once ("auto" for the newest autosave), or None.
    """
    app = EscapeApp(story_root, seed, load)
    try:
        app.run()
    finally:
        app.keeper.wait()  # every save asked for is on the disk before the process ends
    return app.return_code or 0
