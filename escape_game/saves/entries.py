"""Names and entries of a save folder: what the player types, and one line per save.

Slots are named `1` ... `SLOTS` (also "slot 3", "Slot-3"), `quick`, and `auto`,
`auto2`, `auto3`... for autosaves, newest first. A label is text inside the file and
never part of a name, so any label is safe.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from escape_game.errors import SaveError
from escape_game.saves.format import SaveFile

#: How many numbered slots there are.
SLOTS = 9
#: How many autosaves the current game keeps.
RING = 3
QUICK = "quick"
AUTO = "auto"


@dataclass(frozen=True)
class SaveEntry:
    """One file of the save folder, read.

    Attributes:
        name: what the player types: "1".."9", "quick", "auto", "auto2"...
        kind: "slot", "quick" or "auto".
        path: the file.
        save: the save, or None when the file is damaged.
        problem: why it is damaged ("" when it is not).
        game: the playthrough id (autosaves; "" for a damaged slot).
        sequence: an autosave's number within its game (0 for slots).
        when: the save time, or the file's time when damaged (ISO 8601 UTC).
    """

    name: str
    kind: str
    path: Path
    save: SaveFile | None
    problem: str = ""
    game: str = ""
    sequence: int = 0
    when: str = ""

    @property
    def damaged(self) -> bool:
        """Whether the file cannot be read as a save of this story."""
        return self.save is None

    def summary(self) -> str:
        """One line for a list: name, label, place, turn, time saved, time played.

        For example `3  "Before Paris" · The hall, The house · turn 12 ·
        2026-11-05 21:04 UTC · played 0:12`, or `auto2  damaged: truncated`.
        """
        if self.save is None:
            return f"{self.name}  damaged: {self.problem}"
        save = self.save
        parts = [f'"{save.label}"'] if save.label else []
        place = ", ".join(dict.fromkeys(part for part in (save.title, save.location) if part))
        if place:
            parts.append(place)
        parts += [f"turn {save.turn}", short_time(save.saved_at),
                  f"played {played(save.play_time)}"]
        return f"{self.name}  " + " · ".join(parts)


def canonical(name: str) -> str:
    """A player's slot name normalised: "Slot 3", " 3 " -> "3"; "Quick" -> "quick"."""
    text = name.strip().lower()
    if text.startswith("slot"):
        text = text[4:].strip(" -")
    return str(int(text)) if text.isdigit() else text


def slot_filename(name: str) -> str:
    """The file for a slot a game can be saved in.

    Raises:
        SaveError: not a numbered slot or the quicksave.
    """
    wanted = canonical(name)
    if wanted == QUICK:
        return f"{QUICK}.json"
    if wanted.isdigit() and 1 <= int(wanted) <= SLOTS:
        return f"slot-{wanted}.json"
    raise SaveError(f"there is no slot '{name}' to save in",
                    f"name a slot from 1 to {SLOTS}, or quick")


def is_slot_name(name: str) -> bool:
    """Whether `name` names a slot a game can be saved in (1..9 or quick)."""
    try:
        slot_filename(name)
    except SaveError:
        return False
    return True


def renamed(entry: SaveEntry, name: str) -> SaveEntry:
    """`entry` under another name."""
    return replace(entry, name=name)


def file_time(path: Path) -> str:
    """A file's modification time as ISO 8601 UTC ("" when it cannot be read)."""
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return ""
    return datetime.fromtimestamp(stamp, timezone.utc).isoformat(timespec="milliseconds")


def short_time(iso: str) -> str:
    """"2026-11-05T21:04:09.120+00:00" -> "2026-11-05 21:04 UTC" (as given if odd)."""
    try:
        when = datetime.fromisoformat(iso).astimezone(timezone.utc)
    except (ValueError, OverflowError):  # not a time, or one no calendar here holds
        return iso
    return when.strftime("%Y-%m-%d %H:%M UTC")


def played(seconds: float) -> str:
    """Seconds of play as "h:mm" (0:12 is twelve minutes)."""
    minutes = int(seconds // 60)
    return f"{minutes // 60}:{minutes % 60:02d}"
