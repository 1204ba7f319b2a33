"""Everything the TUI writes or reads on disk, off the UI thread: saves and the profile.

One writer thread does every file operation in the order asked (a single-thread
executor), so an autosave made after a move can never land before the one made before
it, and the screen never waits for a disk. The UI thread takes the snapshot of the game
(a frozen `SaveFile`, cheap) and hands it over; the result comes back to the UI loop
and is told as a notification. "Saved" is said only when the file was written and read
back (the saves module's promise when it returns).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from textual.app import App

    from escape_game.engine import Engine
    from escape_game.loader import Loaded
    from escape_game.saves import Profile, ProfileStore, Restored, SaveEntry, SaveStore
    from escape_game.session import Session


def peek_theme() -> str:
    """The theme remembered in the profile, read without the saves machinery.

    A read-only look with a regular expression (no JSON or msgspec import), so the
    first frame is painted in the player's theme at no start-up cost; theme names are
    plain words. Every write goes through `ProfileStore`, and a damaged profile is dealt
    with when the saves are opened. Returns "" when there is none to be found.
    """
    import re

    from escape_game.paths import data_dir

    try:
        data = (data_dir() / "profile.json").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    match = re.search(r'"theme"\s*:\s*"([\w\-]{1,64})"', data)
    return match.group(1) if match else ""


class Keeper:
    """The saves and the profile of the story being played.

    Args:
        app: the running app (for notifications).

    Attributes:
        store: the story's save folder (None until `open`).
        profile: the profile as last read or changed (None until `open`).
        notice: a message about a damaged profile, for the player ("" if none).
        has_autosave: whether a readable autosave existed when last looked.
    """

    def __init__(self, app: App) -> None:
        self.app = app
        self.store: SaveStore | None = None
        self.profiles: ProfileStore | None = None
        self.profile: Profile | None = None
        self.notice = ""
        self.has_autosave = False
        self._profile_problem = ""  # the last profile write's failure, told once
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="escape-saves")
        self._problem = ""

    # -- in the writer thread -------------------------------------------------------

    async def load(self, story_root: Path) -> Loaded:
        """Load the story in `story_root`, then open its save folder and read the
        profile, all in the writer thread (one thread does every file operation, so the
        load needs no thread of its own).

        Raises:
            EscapeGameError: the story cannot be loaded (see `load_story`).
        """
        return await self.queue(self._load, story_root)

    def _load(self, story_root: Path) -> Loaded:
        from escape_game.loader import load_story

        loaded = load_story(story_root)
        self._open(loaded.story.manifest.id)
        return loaded

    def _open(self, story_id: str) -> None:
        from escape_game import saves

        self.store = saves.SaveStore(story_id)
        self.profiles = saves.ProfileStore()
        self.profile = self.profiles.load()
        self.notice = self.profiles.notice
        self.has_autosave = self.store.latest_autosave() is not None

    def queue(self, function: Callable[..., Any], *args: Any) -> asyncio.Future:
        """Queue `function(*args)` for the writer thread now, after everything asked
        before; await the result to learn how it went. A write is queued when it is asked for, not when a worker first
        runs: a worker that has not started by the time the app exits never runs, and
        the save it was to write would be lost."""
        return asyncio.wrap_future(self._writer.submit(function, *args))

    def wait(self) -> None:
        """Block until every write asked for has finished (on the way out)."""
        self._writer.submit(lambda: None).result()

    # -- saves ----------------------------------------------------------------------

    def save(self, session: Session, name: str, label: str = "") -> None:
        """Save the game in slot `name` ("1".."9" or "quick") with the player's `label`
        ("" for none); told when written."""
        from escape_game.saves import snapshot

        assert self.store is not None
        written = self.queue(self.store.write, name, snapshot(session, label))
        self.app.run_worker(partial(self._saved, written, name), group="saves")

    async def _saved(self, written: asyncio.Future, name: str) -> None:
        from escape_game.errors import SaveError
        from escape_game.tui.app import describe_save

        try:
            entry: SaveEntry = await written
        except SaveError as error:
            message = _sentence(error.message)
            if await self.queue(self._damaged, name):
                message += " Open Load (l) and delete it with d."
            self.app.notify(message, title="Not saved", severity="error", markup=False,
                            timeout=8)
            return
        label = entry.save.label if entry.save is not None else ""
        self.app.notify(f"Saved in {describe_save(entry.name)}"
                        + (f": “{label}”." if label else "."), markup=False)

    def _damaged(self, name: str) -> bool:
        """Whether the save `name` is a damaged file (in the writer thread)."""
        from escape_game.errors import SaveError

        assert self.store is not None
        try:
            return self.store.find(name).damaged
        except SaveError:
            return False

    async def delete(self, name: str) -> None:
        """Delete the save `name` (the player has confirmed), in the writer thread.

        Raises:
            SaveError: nothing there, or it could not be removed.
        """
        assert self.store is not None
        await self.queue(self._delete, name)

    def _delete(self, name: str) -> None:
        assert self.store is not None
        self.store.delete(name)
        self.has_autosave = self.store.latest_autosave() is not None

    def autosave(self, session: Session, wait: bool = False) -> asyncio.Future | None:
        """Add the game to its autosave ring; quiet unless it fails.

        Args:
            session: the game.
            wait: block until written (used on the way out); otherwise a worker writes.

        Returns:
            the write, queued (it fails with SaveError when the file could not be
            written); None when `wait` (done already) or no save folder is open.
        """
        from escape_game.errors import SaveError
        from escape_game.saves import snapshot

        if self.store is None:
            return None
        self.claim(session)
        save = snapshot(session)
        if wait:
            try:
                self._writer.submit(self.store.autosave, save).result()
            except SaveError:
                pass  # the game is ending; the earlier autosaves stand, told before
            self.has_autosave = True
            return None
        written = self.queue(self.store.autosave, save)
        self.app.run_worker(partial(self._autosaved, written), group="saves")
        return written

    def claim(self, session: Session) -> bool:
        """Make this window the one that autosaves `session`'s game; when another plays
        it, `session` plays on as a branch and the player is told. True when it did.

        On the UI thread, before the snapshot: a lock file opened, a moment's work."""
        from escape_game.saves import BRANCHED, claim

        if self.store is None or not claim(self.store, session):
            return False
        self.app.notify(BRANCHED, severity="warning", markup=False, timeout=10)
        return True

    async def _autosaved(self, written: asyncio.Future) -> None:
        from escape_game.errors import SaveError

        try:
            await written
        except SaveError as error:
            if error.message != self._problem:  # told once, again only when it changes
                self.app.notify(_sentence(f"the autosave failed: {error.message}"),
                                severity="error", markup=False, timeout=8)
            self._problem = error.message
            return
        self._problem = ""
        self.has_autosave = True

    async def entries(self) -> list[SaveEntry]:
        """Every save file of the story, read in the writer thread."""
        if self.store is None:
            return []
        return await self.queue(self.store.entries)

    def restore(self, engine: Engine, name: str) -> Restored:
        """The game a save holds ("auto" is the newest autosave), rebuilt.

        Raises:
            SaveError: nothing there, a damaged file, or a save that no longer applies.
        """
        from escape_game import saves
        from escape_game.errors import SaveError

        if self.store is None:
            raise SaveError("the saves are not read yet")
        self.wait()  # a save still being written is read as written
        if name == saves.AUTO:
            return saves.continue_game(self.store, engine)
        return saves.load_game(self.store, engine, name)

    # -- the profile ----------------------------------------------------------------

    def endings_found(self, story_id: str) -> set[str]:
        """Scene ids of the endings found in the story so far."""
        if self.profile is None:
            return set()
        return {ending.scene for ending in self.profile.endings_of(story_id)}

    def record_ending(self, story_id: str, scene: str, title: str) -> None:
        """Remember an ending reached: in memory at once, in the profile file soon."""
        import msgspec

        from escape_game.saves import EndingFound

        if self.profile is not None and scene not in self.endings_found(story_id):
            found = EndingFound(story_id, scene, title, "")
            self.profile = msgspec.structs.replace(
                self.profile, endings=(*self.profile.endings, found))
        self._change_profile("record_ending", story_id, scene, title)

    def remember_theme(self, theme: str) -> None:
        """Keep the theme chosen in the profile (unless it is the one kept already)."""
        import msgspec

        if self.profiles is None or self.profile is None:
            return
        if self.profile.settings.get("theme") != theme:
            self.profile = msgspec.structs.replace(
                self.profile, settings={**self.profile.settings, "theme": theme})
            self._change_profile("set_setting", "theme", theme)

    def _change_profile(self, method: str, *args: Any) -> None:
        assert self.profiles is not None
        written = self.queue(getattr(self.profiles, method), *args)
        self.app.run_worker(partial(self._profile_changed, written), group="saves")

    async def _profile_changed(self, written: asyncio.Future) -> None:
        from escape_game.errors import SaveError

        try:
            await written
        except SaveError as error:
            if error.message != self._profile_problem:  # told once, as autosave failures
                self.app.notify(_sentence(f"the profile could not be written: {error.message}"),
                                severity="warning", markup=False, timeout=8)
            self._profile_problem = error.message
            return
        self._profile_problem = ""


def _sentence(message: str) -> str:
    """A message as a sentence: a capital first letter and a full stop."""
    message = message.strip()
    if not message:
        return message
    return message[0].upper() + message[1:] + ("" if message.endswith(".") else ".")
