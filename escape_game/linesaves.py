"""Saves in the plain line mode: `save`, `load`, `saves`, autosave, and saving on exit.

Kept apart from `linemode` so the line mode only calls in: the commands print one
line each, every `SaveError` becomes one sentence for the player (never a
traceback), and "Saved" is printed only after the file was written and read back.
An autosave follows every choice; Ctrl+C, SIGTERM, SIGHUP and the end of input
autosave before the program exits (`stop_signals` turns the two signals into
`Stopped`, where the platform has them). The `saves` package is imported at the
first save or load, so a new game shows its first scene without waiting for it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from escape_game.errors import CommandError, SaveError

if TYPE_CHECKING:
    from escape_game import saves
    from escape_game.engine import Step
    from escape_game.session import Session

#: The plain-mode commands this module answers, with their help lines.
COMMANDS = {
    "save": "save the game: save [1-9 or quick] [label]",
    "load": "load a save: load [1-9, quick or auto]",
    "saves": "list the saves",
}


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is so it can autosave and exit.

    Attributes:
        signum: the signal's number (the exit code is 128 + signum).
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def stop_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into `Stopped` while the game runs.

    A no-op outside the main thread (Python allows handlers only there) and for a
    signal the platform lacks (Windows has no SIGHUP). The old handlers come back after.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Stopped(signum)

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class SaveCommands:
    """The save commands and autosaves of one plain-mode game.

    Args:
        story_id: the story's id (its save folder is made at the first save).
        session: a function returning the game now being played.
        write: prints one line of the game's output.
    """

    def __init__(self, story_id: str, session: Callable[[], Session],
                 write: Callable[[str], None]) -> None:
        self.story_id = story_id
        self.session = session
        self.write = write
        self._saved_step: Step | None = None
        self._problem = ""
        self._store: saves.SaveStore | None = None
        self._profile: saves.ProfileStore | None = None

    @property
    def store(self) -> saves.SaveStore:
        """The story's save folder."""
        if self._store is None:
            from escape_game.saves import SaveStore

            self._store = SaveStore(self.story_id)
        return self._store

    def save(self, argument: str) -> None:
        """`save [SLOT] [LABEL]`: the quicksave when no slot is named.

        Raises:
            SaveError: a bad slot, a damaged file there, or a failed write.
        """
        from escape_game import saves

        slot, _, label = argument.strip().partition(" ")
        entry = saves.save_game(self.store, self.session(), slot or saves.QUICK, label)
        where = "the quicksave" if entry.kind == saves.QUICK else f"slot {entry.name}"
        self.write(f"\nSaved in {where}" + (f": “{entry.save.label}”." if entry.save.label
                                              else "."))

    def load(self, argument: str) -> Session:
        """`load [SLOT]`: the quicksave when no slot is named; returns the game loaded.

        Raises:
            SaveError: nothing there, a damaged file, or a save that no longer applies.
        """
        from escape_game import saves

        name = argument.strip() or saves.QUICK
        if name.lower() == saves.AUTO:
            restored = saves.continue_game(self.store, self.session().engine)
        else:
            restored = saves.load_game(self.store, self.session().engine, name)
        # The game being left stays in its autosave ring; saved only now, once the save
        # is read: its autosave turns the rings, which renumbers `auto2`... and may
        # remove the older autosave being loaded.
        left = self.session().game
        self.autosave()
        shown = {saves.QUICK: "the quicksave", saves.AUTO: "the newest autosave"}.get(
            name.lower(), f"slot {name}" if name.isdigit() else name)
        self.write(f"\nLoaded {shown}.")
        self.tell(restored)
        if restored.session.game == left:
            # The same game's ring, just turned by the game as it was left (after an
            # undo, an older place): the game as loaded is to be its newest again.
            self._saved_step = None
        return restored.session

    def tell(self, restored: saves.Restored) -> None:
        """Print the notices of a load (what changed in the story), one line each, claim
        the game for this process (a branch when another plays it: said), and note
        whether the game as loaded is already in an autosave."""
        from escape_game import saves

        for notice in restored.notices:
            self.write("\n" + notice)
        continues = restored.continues and not self.claim(restored.session)
        self._saved_step = restored.session.step if continues else None

    def claim(self, session: Session) -> bool:
        """Make this process the one that autosaves `session`'s game (see `saves.claim`);
        True, and said, when it plays on as a branch."""
        from escape_game import saves

        branched = saves.claim(self.store, session)
        if branched:
            self.write(f"\n{saves.BRANCHED}")
        return branched

    def list(self, argument: str = "") -> None:
        """`saves`: every slot (empty ones too), the quicksave, and the autosaves."""
        from escape_game import saves

        entries = {entry.name: entry for entry in self.store.entries()}
        self.write("")
        for number in range(1, saves.SLOTS + 1):
            entry = entries.pop(str(number), None)
            self.write(entry.summary() if entry else f"{number}  (empty)")
        for entry in entries.values():
            self.write(entry.summary())

    def run(self, word: str, argument: str) -> Session | None:
        """Run `save`, `load` or `saves`; a game loaded is returned.

        Raises:
            SaveError, CommandError: told to the player as one sentence.
        """
        if word == "save":
            self.save(argument)
        elif word == "load":
            return self.load(argument)
        elif word == "saves":
            self.list(argument)
        else:
            raise CommandError(f"there is no command '{word}'")
        return None

    def autosave(self) -> bool:
        """Add the game to its autosave ring, unless this very step is saved already.

        A game with no choice made yet is not saved (there is nothing to lose, and
        `--continue` should not prefer it to the game before). A failure is told once
        (again only when the reason changes), never raised.

        Returns:
            whether the game as it is now is in an autosave (False for a game with
            no choice made: nothing was written).
        """
        from escape_game import saves

        session = self.session()
        if not session.log:
            return False
        if session.step is self._saved_step:
            return True
        self.claim(session)
        try:
            saves.autosave(self.store, session)
        except SaveError as error:
            if error.message != self._problem:
                self.write(f"\nThe autosave failed: {error.message}.")
            self._problem = error.message
            return False
        self._problem = ""
        self._saved_step = session.step
        return True

    def ending(self, step: Step) -> None:
        """Remember an ending reached in the profile (quietly; a failure is told)."""
        passage = step.passages[-1]
        if passage.ending is None:
            return
        from escape_game.saves import ProfileStore

        if self._profile is None:
            self._profile = ProfileStore()
        problem = ""
        try:
            self._profile.record_ending(self.story_id, passage.scene, passage.ending.title)
        except SaveError as error:
            problem = error.message
        if self._profile.notice:  # says why, when the profile is why
            self.write("\n" + self._profile.notice)
            self._profile.notice = ""
        elif problem:
            self.write(f"\nThe ending could not be recorded: {problem}.")
