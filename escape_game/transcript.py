"""Transcripts: what a game showed and what the player chose, as Markdown."""

from __future__ import annotations

from pathlib import Path

from escape_game.errors import EscapeGameError
from escape_game.session import Session


def transcript_markdown(session: Session) -> str:
    """The whole game so far as a Markdown document."""
    story = session.engine.story
    lines = [f"# {story.manifest.title}", ""]
    for turn in session.journal():
        for passage in turn.step.passages:
            location = story.manifest.locations.get(passage.location)
            heading = " · ".join(x for x in (location.name if location else "",
                                             passage.title) if x)
            lines += [f"## {heading or passage.scene}", "", passage.text.strip(), ""]
            if passage.ending is not None:
                lines += [f"**The end: {passage.ending.title}**", ""]
        if turn.chosen is not None:
            lines += [f"> You chose: {' '.join(turn.chosen.text.split())}", ""]
    return "\n".join(lines)


def write_transcript(session: Session, path: Path) -> None:
    """Write the transcript to `path` (UTF-8), replacing it.

    Raises:
        EscapeGameError: the file cannot be written.
    """
    try:
        Path(path).write_text(transcript_markdown(session), encoding="utf-8")
    except OSError as error:
        raise EscapeGameError(f"cannot write the transcript to '{path}': {error.strerror}",
                              "give a path in a folder you can write to") from None
