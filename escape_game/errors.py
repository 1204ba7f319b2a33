"""One exception family and the diagnostic value every check reports.

Every error the program raises for bad input is an `EscapeGameError`: a message and a
hint that names the fix. The CLI turns them into one clear line on stderr and an exit
code; nothing here ever reaches the player as a traceback. Checks that can find many
problems collect `Diagnostic` values first and raise one `StoryError` holding them all,
as a compiler does.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import msgspec


class Diagnostic(msgspec.Struct, frozen=True):
    """One problem found in a story, located in its source.

    Attributes:
        path: the file, as given to the loader (relative paths stay relative).
        line: 1-based line, or 0 when the problem belongs to the whole file.
        col: 1-based column, or 0 when unknown.
        severity: "error" or "warning".
        code: a short stable code, such as "unknown-scene" (for editors and CI).
        message: what is wrong, in one sentence.
        hint: what to do about it; may be empty.
    """

    path: str
    line: int
    col: int
    severity: str
    code: str
    message: str
    hint: str = ""

    def format(self) -> str:
        """The diagnostic as `path:line:col: severity[code]: message` plus a hint line."""
        where = self.path
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        text = f"{where}: {self.severity}[{self.code}]: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


class EscapeGameError(Exception):
    """Base of every error this program reports for bad input.

    Args:
        message: what went wrong, in one line.
        hint: what the user can do about it; may be empty.
    """

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class StoryError(EscapeGameError):
    """A story that cannot be loaded or played as written.

    Args:
        message: a one-line summary.
        hint: what to do.
        diagnostics: every located problem found, in source order.
    """

    def __init__(
        self, message: str, hint: str = "", diagnostics: Iterable[Diagnostic] = ()
    ) -> None:
        super().__init__(message, hint)
        self.diagnostics = tuple(diagnostics)


class SaveError(EscapeGameError):
    """A save that cannot be written, read or applied."""


class CommandError(EscapeGameError):
    """Wrong usage of a command: a bad option, a missing folder, an unknown command."""

    exit_code = 2


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A hint suggesting the closest candidate to `word`, or "" when none is close.

    Returns:
        for example "did you mean 'attic'?".
    """
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
