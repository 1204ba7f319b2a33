"""Walkthroughs: recorded routes through a story, replayed to test it.

A walkthrough file holds one choice id a line; `#` starts a comment; `seed N` sets the
game's seed (before the first choice); `expect <condition>` checks the state at that
point. A choice that is not offered, or an expectation that is false, fails with the
file and line number, so a walkthrough is a test an author can read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from escape_game.engine import Step
from escape_game.errors import CommandError, EscapeGameError
from escape_game.paths import read_capped
from escape_game.session import Session


class WalkthroughError(EscapeGameError):
    """A walkthrough that cannot be read or does not play as recorded."""


@dataclass(frozen=True)
class Entry:
    """One meaningful line: `kind` is "choose" or "expect"; `line` is 1-based."""

    line: int
    kind: str
    value: str


@dataclass(frozen=True)
class Walkthrough:
    """A parsed walkthrough file.

    Attributes:
        path: the file, for messages.
        seed: the seed it sets, or None.
        entries: its choices and expectations, in order.
    """

    path: str
    seed: int | None
    entries: tuple[Entry, ...]

    def play(self, session: Session, on_choice: Callable[[str], None] = lambda _: None,
             on_step: Callable[[Step], None] = lambda _: None) -> None:
        """Play every entry on `session`.

        Raises:
            WalkthroughError: `path:line: ...` for a choice not offered or a false
                expectation.
        """
        for entry in self.entries:
            where = f"{self.path}:{entry.line}"
            if entry.kind == "expect":
                self.expect(session, entry.value, where)
                continue
            if session.step.ended:
                raise WalkthroughError(f"{where}: the story has already ended",
                                       "remove the lines after the ending")
            on_choice(entry.value)
            try:
                on_step(session.choose(entry.value))
            except CommandError as error:
                offered = ", ".join(c.id for c in session.step.choices if not c.locked)
                raise WalkthroughError(f"{where}: choice '{entry.value}' is not available "
                                       f"in scene '{session.state.scene}': {error.message}",
                                       f"offered here: {offered or 'nothing'}") from None

    @staticmethod
    def expect(session: Session, condition: str, where: str) -> None:
        try:
            holds = session.engine.test(session.state, condition)
        except EscapeGameError as error:
            raise WalkthroughError(f"{where}: cannot check '{condition}': {error.message}",
                                   error.hint) from None
        if not holds:
            raise WalkthroughError(f"{where}: expected {condition}, but it is false "
                                   f"in scene '{session.state.scene}'")


def parse_walkthrough(text: str, path: str = "<walkthrough>") -> Walkthrough:
    """Parse walkthrough text.

    Raises:
        WalkthroughError: a `seed` line without a whole number, or after a choice.
    """
    seed, entries = None, []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        word, _, rest = line.partition(" ")
        if word == "seed":
            if entries or not rest.strip().lstrip("-").isdigit():
                raise WalkthroughError(f"{path}:{number}: 'seed' needs a whole number and "
                                       "must come before the first choice")
            seed = int(rest)
        elif word == "expect":
            entries.append(Entry(number, "expect", rest.strip()))
        else:
            entries.append(Entry(number, "choose", line))
    return Walkthrough(path, seed, tuple(entries))


#: The largest walkthrough read (one choice a line: a megabyte is far more than any story).
MAX_WALKTHROUGH_BYTES = 1_000_000


def read_walkthrough(path: Path) -> Walkthrough:
    """Read and parse a walkthrough file.

    Raises:
        WalkthroughError: the file cannot be read, or does not parse.
    """
    try:
        text = read_capped(Path(path), MAX_WALKTHROUGH_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise WalkthroughError(f"cannot read walkthrough '{path}': {error}") from None
    return parse_walkthrough(text, str(path))
