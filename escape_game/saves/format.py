"""The save file: one typed msgspec model, written and read as UTF-8 JSON.

A save holds two records of the same game. The event log (seed, start and the choice
ids in order) is the truth: replaying it on the story rebuilds the state exactly, which
is how a save survives an edited story. The state itself is kept too, for display
(`saves list`) and so an unchanged story loads without replay. Decoding is two-staged:
a small header first, so that a file of another format version is reported as such
rather than as a pile of type errors.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import msgspec

from escape_game.errors import SaveError
from escape_game.model import Value
from escape_game.state import GameState

# Format versions, and what each changed:
#   1  First version: story (id, version, digest, title), game (playthrough id),
#      engine (program version), seed, start_scene, start_vars, log, state, saved_at,
#      play_time, title, location, label.
FORMAT_VERSION = 1


class StoryStamp(msgspec.Struct, frozen=True):
    """Which story, and which text of it, a save was made with.

    Attributes:
        id: the story's id (saves are kept per story id).
        version: the version number the author gave it.
        digest: a hash of every source file's content (`Story.digest`).
        title: the story's title, for display.
    """

    id: str
    version: int
    digest: str
    title: str = ""


class SaveFile(msgspec.Struct, frozen=True, kw_only=True):
    """One saved game.

    Attributes:
        format: the file format version (`FORMAT_VERSION` when written).
        story: the story it was made with.
        game: the playthrough id (autosaves are kept per playthrough).
        engine: the program version that wrote it; a save from another version is
            rebuilt by replay even when the story is unchanged.
        seed: the game's seed.
        start_scene: the scene the game began at ("" for the story's start).
        start_vars: variables set before the start, by name.
        log: every choice id taken, in order.
        state: the state when saved.
        saved_at: when, in UTC, ISO 8601 (e.g. "2026-11-05T21:04:09.120+00:00").
        play_time: seconds played in this game.
        title: the current scene's title, for display.
        location: the current location's name, for display.
        label: the player's label; any text, never used as a file name.
    """

    format: int
    story: StoryStamp
    game: str
    engine: str = ""
    seed: int
    start_scene: str = ""
    start_vars: dict[str, Value] = {}
    log: tuple[str, ...] = ()
    state: GameState
    saved_at: str
    play_time: float = 0.0
    title: str = ""
    location: str = ""
    label: str = ""

    @property
    def turn(self) -> int:
        """Choices made when saved."""
        return len(self.log)


class _Header(msgspec.Struct):
    format: int = -1
    story: StoryStamp | None = None


class Damaged(Exception):
    """A save file that cannot be read as a save; the message is the reason.

    Attributes:
        reason: a short phrase such as "truncated" or "from another story ('x')".
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(SaveFile)
_HEADER = msgspec.json.Decoder(_Header)


def now_iso() -> str:
    """The current UTC time as ISO 8601 with milliseconds (sorts as text)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def clean_label(label: str) -> str:
    """`label` made safe to store: one line, no lone surrogates, at most 200 characters."""
    text = " ".join(label.split())[:200]
    return text.encode("utf-8", "replace").decode("utf-8")


def stamp_of(story) -> StoryStamp:
    """The `StoryStamp` of a loaded `Story`."""
    manifest = story.manifest
    return StoryStamp(manifest.id, manifest.version, story.digest, manifest.title)


def encode(save: SaveFile) -> bytes:
    """The file content for `save`, checked to decode back to the same value.

    Raises:
        SaveError: the game holds a value JSON cannot carry faithfully (a string with
            a lone surrogate, a float that is not finite).
    """
    try:
        data = _ENCODER.encode(save)
        faithful = _DECODER.decode(data) == save
    except (UnicodeError, TypeError, ValueError, OverflowError, msgspec.MsgspecError) as error:
        raise SaveError(f"this game cannot be saved: {error}") from None
    if not faithful:
        raise SaveError("this game cannot be saved: a value would not read back the same",
                        "a number that is not finite, perhaps; please report it")
    return data


def decode(data: bytes, story_id: str = "") -> SaveFile:
    """Read a save file's content.

    Args:
        data: the file's bytes.
        story_id: when given, a save of another story is damaged for this folder.

    Raises:
        Damaged: with the reason: empty, truncated, not JSON, not a save, an unknown
            format version, from another story, or a field of the wrong type.
    """
    if not data.strip():
        raise Damaged("empty")
    try:
        return _decode(data, story_id)
    except RecursionError:
        raise Damaged("not a save (nested too deeply)") from None


def _decode(data: bytes, story_id: str) -> SaveFile:
    try:
        header = _HEADER.decode(data)
    except msgspec.ValidationError as error:  # a subclass of DecodeError: first
        raise Damaged(f"not a save ({_validation_reason(error)})") from None
    except msgspec.DecodeError as error:
        raise Damaged(_decode_reason(error, data)) from None
    if header.format == -1 or header.story is None:
        raise Damaged("not a save (no format version or story)")
    if header.format > FORMAT_VERSION:
        raise Damaged(f"unknown format version {header.format} "
                      f"(a newer version of the game wrote it; this one reads {FORMAT_VERSION})")
    if header.format != FORMAT_VERSION:
        raise Damaged(f"unknown format version {header.format}")
    if story_id and header.story.id != story_id:
        raise Damaged(f"from another story ('{header.story.id}')")
    try:
        return _DECODER.decode(data)
    except msgspec.ValidationError as error:
        raise Damaged(f"not a valid save ({_validation_reason(error)})") from None


def _decode_reason(error: msgspec.DecodeError, data: bytes) -> str:
    """"truncated" when the JSON breaks off at the end of the file, else "not JSON"."""
    text = str(error)
    at = re.search(r"\(byte (\d+)\)", text)
    if "truncated" in text or (at and int(at.group(1)) >= len(data.rstrip()) - 1):
        return "truncated (the file ends early)"
    return "not JSON"


def _validation_reason(error: msgspec.ValidationError) -> str:
    return str(error).replace("`", "'")
