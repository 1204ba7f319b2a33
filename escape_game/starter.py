"""`escape-game new DIR`: a small story that runs at once, to be changed into a new one.

The starter story lives as plain files in the package (`escape_game/starter/`), so it
reads as a story and is checked as one by the tests; `create` copies it, putting the
folder's name in as the story's id and title, and writes the editor schemas beside it
(generated now, so they always match the engine that wrote them). It refuses to write
into a folder that already holds anything: nothing of the author's is ever overwritten.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from escape_game.errors import CommandError

#: The starter's own id and title, replaced in every file by the new story's.
_STARTER_ID = "starter-story"
_STARTER_TITLE = "Starter Story"
#: The starter's files, relative to the package folder `starter/`.
FILES = ("story.yaml", "scenes/start.yaml", "README.md")


def story_id(name: str) -> str:
    """A story id (`[a-z][a-z0-9_-]*`) made from a folder name; "my-story" if none."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")
    slug = re.sub(r"^[^a-z]+", "", slug)
    return slug or "my-story"


def story_title(name: str) -> str:
    """A title made from a folder name: "my_first-story" -> "My First Story"."""
    words = re.split(r"[^\w']+|_", name.strip())
    title = " ".join(word[:1].upper() + word[1:] for word in words if word)
    return title or "My Story"


def create(folder: Path, title: str | None = None) -> list[Path]:
    """Write the starter story into `folder` (created if missing).

    Args:
        folder: where to write; must not exist, or be empty.
        title: the story's title (by default made from the folder's name).

    Returns:
        every file written, in order.

    Raises:
        CommandError: `folder` is a file, or a folder that is not empty.
    """
    from escape_game.schema import render, schemas

    if folder.exists() and not folder.is_dir():
        raise CommandError(f"'{folder}' is a file", "give a name for a new folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise CommandError(f"the folder '{folder}' is not empty",
                           "give a new folder, or an empty one: nothing is overwritten")
    name = folder.resolve().name
    new_id, new_title = story_id(name), title or story_title(name)
    source = resources.files("escape_game") / "starter"
    written = []
    for relative in FILES:
        text = (source / relative).read_text(encoding="utf-8")
        text = text.replace(_STARTER_ID, new_id).replace(_STARTER_TITLE, new_title)
        written.append(_write(folder / relative, text))
    for file_name, schema in schemas().items():
        written.append(_write(folder / "schema" / file_name, render(schema)))
    return written


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as stream:  # never overwrite
        stream.write(text)
    return path
