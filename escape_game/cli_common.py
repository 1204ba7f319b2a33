"""What the CLI's modules share: finding the story folder, printing diagnostics, JSON.

Imports only click and the error types, like the rest of the CLI, so commands stay
quick to start.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

import click

from escape_game.errors import CommandError, Diagnostic

PROG = "escape-game"
"""The program name used in messages, however the program was started."""

STORY_HINT = "give the folder that holds story.yaml"


def story_folder(given: str | None) -> Path:
    """The story folder to use, checked.

    Args:
        given: the STORY_DIR argument, or None for the bundled story. A path to a
            `story.yaml` file is taken to mean the folder holding it.

    Returns:
        the folder as the loader should be given it: relative paths stay relative, so
        diagnostics name files as the user would.

    Raises:
        CommandError: the folder does not exist, is a file, or has no story.yaml.
    """
    if given is None:
        from escape_game.paths import bundled_story

        root = relative_if_below_cwd(bundled_story())
    else:
        root = Path(given)
        if root.name == "story.yaml" and root.is_file():
            root = root.parent
    shown = given if given is not None and root == Path(given) else str(root)
    if not root.exists():
        raise CommandError(f"no story folder at '{shown}'", STORY_HINT)
    if not root.is_dir():
        raise CommandError(f"'{shown}' is a file, not a story folder", STORY_HINT)
    if not (root / "story.yaml").is_file():
        raise CommandError(f"no story.yaml in '{shown}'", STORY_HINT)
    return root


def relative_if_below_cwd(path: Path) -> Path:
    """`path` relative to the working folder when it lies below it, else as it is."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def print_diagnostics(diagnostics: Iterable[Diagnostic], root: Path, out: TextIO) -> int:
    """Print each diagnostic and a summary line such as "2 errors, 1 warning in story/".

    Returns:
        the number of errors among them.
    """
    counts = {"error": 0, "warning": 0}
    for diagnostic in diagnostics:
        click.echo(diagnostic.format(), file=out)
        if diagnostic.severity in counts:
            counts[diagnostic.severity] += 1
    summary = ", ".join(count(n, word) for word, n in counts.items())
    click.echo(f"{summary} in {os.path.join(root, '')}", file=out)
    return counts["error"]


def count(number: int, word: str) -> str:
    """"1 error", "2 errors"."""
    return f"{number} {word}{'' if number == 1 else 's'}"


def echo_json(data: Any) -> None:
    import json

    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def is_terminal(stream: TextIO) -> bool:
    """Whether `stream` is a terminal (False for closed or replaced streams)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
