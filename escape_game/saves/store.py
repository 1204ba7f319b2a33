"""The save folder of one story: numbered slots, the quicksave and the autosave rings.

Files live in `data_dir()/saves/<story id>/`:

- `slot-1.json` ... `slot-9.json`: the numbered slots (named `1` ... `9`);
- `quick.json`: the quicksave (named `quick`);
- `auto-<game>-<sequence>.json`: autosaves. Each game (playthrough) keeps a ring of
  the `RING` newest; a new file is written, read back, and only then is the ring
  turned. Every earlier game keeps its newest autosave, so starting a new game never
  destroys the last one. Autosaves are named `auto` (the newest), `auto2`, `auto3`...
  in lists, newest first; the file's stem names one too. One process at a time plays a
  game and writes its ring (`claim`, `claims`): another playing on from the same
  autosave, in a second window, plays on as a branch, and no ring another process
  holds is trimmed.

A damaged file (truncated, not JSON, an unknown format version, another story's) is
listed with the reason and never overwritten, turned out of a ring or deleted unless
the player deletes it by name. Nothing here ever writes outside the folder.
"""

from __future__ import annotations

import os
import re
from contextlib import suppress
from pathlib import Path

from escape_game.errors import SaveError
from escape_game.paths import data_dir, read_capped
from escape_game.saves import claims
from escape_game.saves.atomic import clean_temporary_files, describe, write_atomic
from escape_game.saves.entries import (
    AUTO,
    QUICK,
    RING,
    SLOTS,
    SaveEntry,
    canonical,
    file_time,
    renamed,
    slot_filename,
)
from escape_game.saves.format import Damaged, SaveFile, decode, encode

_AUTO_FILE = re.compile(r"auto-([0-9a-f]{1,32})-(\d{1,9})\.json\Z")
_SLOT_FILE = re.compile(r"slot-(\d{1,2})\.json\Z")
#: The largest save file read (a save is a few kilobytes; this stops a stream such as
#: /dev/zero, or a wrong file, from being read into memory).
MAX_SAVE_BYTES = 16_000_000
_SEE_LIST = "see the list: 'saves' while playing, or escape-game saves list"


def saves_root() -> Path:
    """The folder holding one save folder per story id."""
    return data_dir() / "saves"


class SaveStore:
    """The saves of one story.

    Args:
        story_id: the story's id (a save of another story is damaged here).
        folder: where the files are; `data_dir()/saves/<story id>` by default.
    """

    def __init__(self, story_id: str, folder: Path | None = None) -> None:
        self.story_id = story_id
        self.folder = folder if folder is not None else saves_root() / story_id

    # -- reading --------------------------------------------------------------------

    def entries(self) -> list[SaveEntry]:
        """Every save file, read: slots in order, the quicksave, autosaves newest first.

        Leftover temporary files of dead writers are removed on the way. A folder that
        does not exist yet has no entries.
        """
        return self._scan(autos_only=False)

    def _scan(self, autos_only: bool) -> list[SaveEntry]:
        clean_temporary_files(self.folder)
        claims.sweep(self.folder)
        try:
            names = sorted(path.name for path in self.folder.iterdir())
        except OSError:
            return []
        slots, quick, autos = [], [], []
        for filename in names:
            slot, auto = _SLOT_FILE.match(filename), _AUTO_FILE.match(filename)
            if autos_only and not auto:
                continue
            if slot and 1 <= int(slot.group(1)) <= SLOTS:
                slots.append(self._entry(str(int(slot.group(1))), "slot", filename))
            elif filename == f"{QUICK}.json":
                quick.append(self._entry(QUICK, "quick", filename))
            elif auto:
                autos.append(self._entry("", "auto", filename, auto.group(1),
                                         int(auto.group(2))))
        slots.sort(key=lambda entry: int(entry.name))
        autos.sort(key=lambda entry: (entry.when, entry.sequence), reverse=True)
        autos = [renamed(entry, AUTO if index == 0 else f"{AUTO}{index + 1}")
                 for index, entry in enumerate(autos)]
        return slots + quick + autos

    def find(self, name: str) -> SaveEntry:
        """The entry a player's name points at ("3", "quick", "auto", "auto2", a stem).

        Raises:
            SaveError: no such name, or nothing saved there.
        """
        wanted = canonical(name)
        for entry in self.entries():
            if wanted in (entry.name, entry.path.stem):
                return entry
        if wanted.isdigit() or wanted in (QUICK, AUTO):
            where = f"slot {wanted}" if wanted.isdigit() else f"the {wanted}save"
            raise SaveError(f"there is nothing saved in {where}", _SEE_LIST)
        raise SaveError(f"there is no save called '{name}'",
                        f"name a slot from 1 to {SLOTS}, quick, or auto")

    def read(self, name: str) -> SaveFile:
        """The save a name points at.

        Raises:
            SaveError: nothing saved there, or the file is damaged (with the reason).
        """
        entry = self.find(name)
        if entry.save is None:
            raise SaveError(f"the save '{entry.name}' is damaged: {entry.problem}",
                            "it is kept as it is; load another save")
        return entry.save

    def latest_autosave(self) -> SaveEntry | None:
        """The newest readable autosave of any game, or None."""
        return next((entry for entry in self._scan(autos_only=True) if not entry.damaged),
                    None)

    def is_latest_of_game(self, save: SaveFile) -> bool:
        """Whether `save` is its game's newest autosave (so playing on continues it)."""
        for entry in self._scan(autos_only=True):
            if entry.game == save.game and not entry.damaged:
                return entry.save == save
        return False

    # -- writing --------------------------------------------------------------------

    def write(self, name: str, save: SaveFile) -> SaveEntry:
        """Save into a numbered slot or the quicksave, replacing what was there.

        Returns:
            the entry as read back from the disk.

        Raises:
            SaveError: a bad slot name, a damaged file in the slot (never overwritten),
                or a failed write (every existing file is then untouched).
        """
        filename = slot_filename(name)
        path = self.folder / filename
        if path.exists():
            existing = self._entry(name, "slot", filename)
            if existing.damaged:
                raise SaveError(
                    f"'{canonical(name)}' holds a damaged save ({existing.problem}); "
                    "it is kept as it is",
                    "save in another slot, or delete it with 'escape-game saves delete "
                    f"{canonical(name)}'")
        kind = QUICK if canonical(name) == QUICK else "slot"
        return self._write(path, save, canonical(name), kind)

    def autosave(self, save: SaveFile) -> SaveEntry:
        """Add an autosave to its game's ring, then turn the ring.

        Older autosaves of this game beyond `RING`, and all but the newest of every
        other game, are removed only after the new file is written and read back,
        and only when they read as saves (a damaged file is never removed).

        Raises:
            SaveError: the write failed (no file was removed), or the game's id is not
                the short hex a file name can carry.
        """
        if not re.fullmatch(r"[0-9a-f]{1,32}", save.game):
            raise SaveError(f"the game id '{save.game}' cannot name an autosave",
                            "a playthrough id is 1 to 32 hex digits")
        games = self._auto_files()
        number = 1 + max((sequence for sequence, _ in games.get(save.game, [])), default=0)
        path = self.folder / f"auto-{save.game}-{number:06d}.json"
        written = self._write(path, save, AUTO, "auto", save.game, number)
        games.setdefault(save.game, []).append((number, path.name))
        self._turn_rings(games, save.game, path.name)
        return written

    def claim(self, game: str) -> bool:
        """Claim `game`'s autosave ring for this process (see `claims`), giving up the
        one it held. True when this process may write it; False when another plays it."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            return claims.claim(self.folder, game)
        except OSError:
            return True  # no lock file can be made here, nor a save: the write says why

    def delete(self, name: str) -> SaveEntry:
        """Delete the file a name points at (damaged ones too: the player asked).

        Raises:
            SaveError: nothing there, or it could not be removed.
        """
        entry = self.find(name)
        try:
            entry.path.unlink()
        except OSError as error:
            raise SaveError(f"could not delete '{entry.name}': {describe(error)}") from None
        return entry

    def export(self, name: str, target: Path) -> SaveEntry:
        """Copy a save's file, byte for byte, to `target` (written atomically).

        Raises:
            SaveError: nothing there, or the copy failed.
        """
        entry = self.find(name)
        try:
            data = read_capped(entry.path, MAX_SAVE_BYTES)
        except OSError as error:
            raise SaveError(f"could not read '{entry.name}': {describe(error)}") from None
        write_atomic(Path(target), data)
        return entry

    def import_file(self, source: Path, name: str = "", replace: bool = False) -> SaveEntry:
        """Copy a save file into a slot (the first free numbered one by default).

        Raises:
            SaveError: the file cannot be read, is damaged or of another story, the slot
                holds a save and `replace` is False, or the write failed.
        """
        try:
            save = decode(read_capped(Path(source), MAX_SAVE_BYTES), self.story_id)
        except OSError as error:
            raise SaveError(f"could not read '{source}': {describe(error)}") from None
        except Damaged as damaged:
            raise SaveError(f"'{source}' is not a save of this story: {damaged.reason}") from None
        taken = {entry.name for entry in self.entries() if entry.kind != "auto"}
        if not name:
            name = next((str(n) for n in range(1, SLOTS + 1) if str(n) not in taken), "")
            if not name:
                raise SaveError("every slot is taken", "name a slot to replace, with --force")
        elif canonical(name) in taken and not replace:
            raise SaveError(f"slot '{canonical(name)}' already holds a save",
                            "add --force to replace it, or name an empty slot")
        return self.write(name, save)

    # -- internals ------------------------------------------------------------------

    def _entry(self, name: str, kind: str, filename: str, game: str = "",
               sequence: int = 0) -> SaveEntry:
        path = self.folder / filename
        try:
            save = decode(read_capped(path, MAX_SAVE_BYTES), self.story_id)
        except Damaged as damaged:
            return SaveEntry(name, kind, path, None, damaged.reason, game, sequence,
                             file_time(path))
        except OSError as error:
            return SaveEntry(name, kind, path, None, f"cannot be read: {describe(error)}",
                             game, sequence, file_time(path))
        if kind == "auto" and save.game != game:
            return SaveEntry(name, kind, path, None,
                             f"its name does not match its game ('{save.game}')", game,
                             sequence, file_time(path))
        return SaveEntry(name, kind, path, save, "", save.game, sequence, save.saved_at)

    def _write(self, path: Path, save: SaveFile, name: str, kind: str, game: str = "",
               sequence: int = 0) -> SaveEntry:
        if save.story.id != self.story_id:
            raise SaveError(f"this game is of the story '{save.story.id}', "
                            f"not '{self.story_id}'")
        write_atomic(path, encode(save))
        entry = self._entry(name, kind, path.name, game or save.game, sequence)
        if entry.save != save:
            raise SaveError(f"'{path.name}' did not read back as written"
                            f" ({entry.problem or 'it differs'})")
        return entry

    def _auto_files(self) -> dict[str, list[tuple[int, str]]]:
        """Autosave files by game, as (sequence, file name), from the names alone."""
        games: dict[str, list[tuple[int, str]]] = {}
        try:
            names = os.listdir(self.folder)
        except OSError:
            return games
        for filename in names:
            match = _AUTO_FILE.match(filename)
            if match:
                games.setdefault(match.group(1), []).append((int(match.group(2)), filename))
        return games

    def _turn_rings(self, games: dict[str, list[tuple[int, str]]], current: str,
                    written: str) -> None:
        """Keep the newest `RING` readable autosaves of the current game and the newest
        readable one of every other game; damaged files are never removed.

        Files are read only as far as needed, so a folder of many earlier games (each
        already down to one file) costs a directory listing, not a read of each.
        """
        for game, files in games.items():
            keep = RING if game == current else 1
            if len(files) <= keep or game != current and claims.held_elsewhere(self.folder, game):
                continue
            readable = 0
            for _, filename in sorted(files, reverse=True):
                if filename != written and not self._readable(filename, game):
                    continue
                readable += 1
                if readable > keep:
                    with suppress(OSError):  # gone already, or kept: both harmless
                        (self.folder / filename).unlink()

    def _readable(self, filename: str, game: str) -> bool:
        return not self._entry("", "auto", filename, game).damaged
