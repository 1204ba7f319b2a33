"""The profile: what lasts across games (endings found, settings), beside the saves.

One file, `data_dir()/profile.json`, shared by every story (endings are kept per story
id), written with the same atomic writer as the saves. A profile that cannot be read is
never silently replaced: it is renamed aside (`profile.damaged-<UTC time>.json`) and a
fresh one starts, with a notice for the player. One written by a newer version of the
game is left where it is, unwritten, and this game plays without it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import msgspec

from escape_game.errors import SaveError
from escape_game.model import Value
from escape_game.paths import data_dir
from escape_game.saves.atomic import describe, write_atomic
from escape_game.saves.format import now_iso

# Profile format versions, and what each changed:
#   1  First version: endings (story, scene, title, found_at) and settings.
PROFILE_VERSION = 1


class EndingFound(msgspec.Struct, frozen=True):
    """An ending the player has reached.

    Attributes:
        story: the story's id.
        scene: the ending scene's id.
        title: the ending's title when found.
        found_at: when it was first found (ISO 8601 UTC).
    """

    story: str
    scene: str
    title: str
    found_at: str


class Profile(msgspec.Struct, frozen=True, kw_only=True):
    """What lasts across games.

    Attributes:
        format: `PROFILE_VERSION` when written.
        endings: endings found, in the order found.
        settings: name -> value; "theme" holds the TUI theme's name.
    """

    format: int = PROFILE_VERSION
    endings: tuple[EndingFound, ...] = ()
    settings: dict[str, Value] = {}

    def endings_of(self, story_id: str) -> tuple[EndingFound, ...]:
        """The endings found in one story."""
        return tuple(ending for ending in self.endings if ending.story == story_id)


class _Format(msgspec.Struct):
    format: int = 0


def _format_of(data: bytes) -> int:
    """The format version a profile file declares (0 when it declares none).

    Raises:
        msgspec.MsgspecError: the file is not a JSON object with a whole-number format.
    """
    return msgspec.json.decode(data, type=_Format).format


#: The hint for a profile that cannot be read or moved aside.
_MOVE_IT = "it is left as it is; move {path} away by hand to start a fresh one"


def profile_path() -> Path:
    """Where the profile lives."""
    return data_dir() / "profile.json"


class ProfileStore:
    """Reads and updates the profile file.

    Args:
        path: the file; `profile_path()` by default.

    Attributes:
        notice: set when a damaged profile was moved aside, for the player ("" if not).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else profile_path()
        self.notice = ""
        # Why a file that is there is never written over, and what to do: ("", "") if not.
        self._blocked: tuple[str, str] = ("", "")

    def load(self) -> Profile:
        """The profile (a fresh one when there is none).

        A damaged profile is renamed aside and `notice` says so; when even that fails
        the file is left alone, a fresh profile is returned, and `update` refuses to
        write over it.
        """
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return Profile()
        except OSError as error:
            self.notice = f"Your profile could not be read ({describe(error)}); playing without it."
            self._blocked = ("the profile cannot be read", _MOVE_IT)
            return Profile()
        try:
            if _format_of(data) > PROFILE_VERSION:
                # Written by a newer version of the game: not damaged, only not ours to
                # read or to write over (playing an older version must not undo it).
                self.notice = ("Your profile was written by a newer version of the game; "
                               "it is left as it is, and nothing is added to it this time.")
                self._blocked = ("the profile is of a newer version of the game",
                                 "it is kept as it is for that version")
                return Profile()
            profile = msgspec.json.decode(data, type=Profile)
            if profile.format != PROFILE_VERSION:
                raise ValueError(f"unknown format version {profile.format}")
            return profile
        except (msgspec.MsgspecError, ValueError, RecursionError) as error:
            reason = "truncated" if "truncated" in str(error) else str(error)
            self._move_aside(reason)
            return Profile()

    def update(self, change: Callable[[Profile], Profile]) -> Profile:
        """Read, change and write the profile atomically.

        Args:
            change: builds the new profile from the current one.

        Raises:
            SaveError: the write failed, or a damaged profile could not be moved aside.
        """
        profile = change(self.load())
        message, hint = self._blocked
        if message:
            raise SaveError(message, hint.format(path=self.path))
        write_atomic(self.path, msgspec.json.encode(profile))
        return profile

    def record_ending(self, story_id: str, scene: str, title: str) -> bool:
        """Remember an ending; True when it is found for the first time.

        Raises:
            SaveError: the profile could not be written.
        """
        new = False

        def add(profile: Profile) -> Profile:
            nonlocal new
            if any(e.story == story_id and e.scene == scene for e in profile.endings):
                return profile
            new = True
            found = EndingFound(story_id, scene, title, now_iso())
            return msgspec.structs.replace(profile, endings=(*profile.endings, found))

        self.update(add)
        return new

    def set_setting(self, name: str, value: Value) -> None:
        """Remember a setting (such as "theme").

        Raises:
            SaveError: the profile could not be written.
        """
        self.update(lambda profile: msgspec.structs.replace(
            profile, settings={**profile.settings, name: value}))

    def _move_aside(self, reason: str) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        aside = self.path.with_name(f"{self.path.stem}.damaged-{stamp}.json")
        try:
            self.path.rename(aside)
        except OSError as error:
            self.notice = (f"Your profile is damaged ({reason}) and could not be moved "
                           f"aside ({describe(error)}); it is left as it is.")
            self._blocked = ("the profile is damaged and could not be moved aside", _MOVE_IT)
            return
        self.notice = (f"Your profile was damaged ({reason}); it is kept as {aside.name} "
                       "and a fresh one has started.")
