"""The plain line mode: the game as plain text, for screen readers, pipes and scripts.

It prints the location, the passage reduced to wrapped paragraphs, and numbered
choices (locked ones marked in words), then reads a number, a choice id or a command.
No box drawing, no escape codes unless the output is a terminal and NO_COLOR is unset,
and then only bold headings. When the input is not a terminal each command is echoed
after the prompt, so a piped session reads as a transcript.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TextIO

from escape_game.engine import Step
from escape_game.errors import CommandError, SaveError, StoryError
from escape_game.expressions import day_and_time, formatted
from escape_game.linesaves import COMMANDS as SAVE_COMMANDS
from escape_game.linesaves import SaveCommands, Stopped, stop_signals
from escape_game.markdown_plain import inline_plain, to_plain
from escape_game.session import Session, Start
from escape_game.transcript import write_transcript
from escape_game.walkthrough import Walkthrough, read_walkthrough

COMMANDS = {
    "undo": "take back your last choice",
    "redo": "take it again",
    "restart": "begin the story again",
    "look": "show the current passage again",
    "inventory": "list what you carry",
    "status": "show the day, the time and the story's measures",
    **SAVE_COMMANDS,
    "help": "show this list",
    "quit": "stop playing",
}


class LineMode:
    """One plain-text game on a pair of streams.

    Args:
        session: the game to play.
        stdin: where commands come from.
        stdout: where the game is written.
        width: wrap width in columns (default: the terminal's, at most 100).
        saving: enables `save`, `load`, `saves` and an autosave after every choice,
            in the story's save folder.
    """

    def __init__(self, session: Session, stdin: TextIO, stdout: TextIO,
                 width: int | None = None, saving: bool = False) -> None:
        self.session = session
        self.saves = SaveCommands(session.engine.story.manifest.id, lambda: self.session,
                                  self.write) if saving else None
        self.stdin = stdin
        self.stdout = stdout
        self.width = width or min(shutil.get_terminal_size((80, 24)).columns - 1, 100)
        self.echo = not _is_tty(stdin)
        self.bold = _is_tty(stdout) and "NO_COLOR" not in os.environ and \
            os.environ.get("TERM") != "dumb"
        self.manifest = session.engine.story.manifest

    # -- output ---------------------------------------------------------------------

    def write(self, text: str = "") -> None:
        self.stdout.write(text + "\n")

    def heading(self, text: str) -> str:
        return f"\x1b[1m{text}\x1b[0m" if self.bold else text

    def show(self, step: Step) -> None:
        """Print a step's passages and its choices."""
        for passage in step.passages:
            self.write()
            self.write(self.heading(self.place_line(passage.location, passage.title)))
            if passage.text.strip():
                self.write()
                self.write(to_plain(passage.text, self.width))
            for item in passage.gained:
                self.write(f"\nAdded: {self.item_name(item)}.")
            for item in passage.lost:
                self.write(f"\nGone: {self.item_name(item)}.")
            if passage.ending is not None:
                self.write()
                self.write(self.heading(f"The end: {passage.ending.title}"))
        self.show_choices(step)

    def show_choices(self, step: Step) -> None:
        if not step.choices:
            return
        self.write()
        for number, choice in enumerate(step.choices, 1):
            text = inline_plain(choice.text)
            if choice.locked:
                reason = inline_plain(choice.reason)
                text = f"{text} (locked: {reason})" if reason else f"{text} (locked)"
            self.write(f"{number}. {text}")

    def place_line(self, location_id: str, title: str) -> str:
        parts = []
        location = self.manifest.locations.get(location_id)
        if location is not None:
            region = self.manifest.regions.get(location.region)
            parts.append(f"{location.name}, {region.name}" if region else location.name)
        if title and (location is None or title != location.name):
            parts.append(title)
        when = self.when()
        if when:
            parts.append(when)
        return " · ".join(parts)

    def when(self) -> str:
        status = self.manifest.status
        return ", ".join(day_and_time(self.session.state.vars, status.day, status.time))

    def item_name(self, item_id: str) -> str:
        item = self.manifest.items.get(item_id)
        return item.name if item else item_id

    # -- commands -------------------------------------------------------------------

    def command(self, word: str, argument: str = "") -> bool:
        """Run a command word (with what followed it); False when the game should stop.

        Raises:
            CommandError, SaveError: told to the player by `play`.
        """
        if word == "quit":
            return False
        if word in SAVE_COMMANDS:
            if self.saves is None:
                raise CommandError("saving is off in this game")
            loaded = self.saves.run(word, argument)
            if loaded is not None:
                self.session = loaded
                self.show(loaded.step)
                self.saves.autosave()  # on disk at once: its file may be out of its ring
            return True
        if word == "help":
            self.write()
            self.write("Type the number or the id of a choice, or one of these:")
            for name, meaning in COMMANDS.items():
                self.write(f"  {name:<10} {meaning}")
        elif word == "look":
            self.show(self.session.engine.look(self.session.state))
        elif word == "inventory":
            self.inventory()
        elif word == "status":
            self.status()
        elif word in ("undo", "redo", "restart"):
            if word == "restart" and self.saves is not None:
                self.saves.autosave()  # the game left behind keeps its autosave
            self.show(getattr(self.session, word)())
            if word == "restart" and self.saves is not None:
                self.saves.claim(self.session)  # a new game: the old one is free
        return True

    def inventory(self) -> None:
        held = self.session.state.inventory
        self.write()
        if not held:
            self.write("You carry nothing of note.")
        for item_id in held:
            item = self.manifest.items.get(item_id)
            description = " ".join(item.description.split()) if item else ""
            self.write(f"- {self.item_name(item_id)}" + (f": {description}" if description else ""))

    def status(self) -> None:
        self.write()
        when = self.when()
        if when:
            self.write(when)
        for name in self.manifest.vars:
            declared = self.manifest.variable(name)
            if declared.show:
                shown = formatted(self.session.state.vars[name], declared.format)
                if declared.max is not None and not declared.format:
                    shown += f" of {declared.max}"
                self.write(f"{declared.label or name}: {shown}")

    def pick(self, entry: str) -> str:
        """The choice id an entry names (a number or an id).

        Raises:
            CommandError: the entry names no choice offered.
        """
        choices = self.session.step.choices
        if entry.isdigit():
            number = int(entry)
            if 1 <= number <= len(choices):
                return choices[number - 1].id
            raise CommandError(f"there is no choice {number}",
                               f"type a number from 1 to {len(choices)}, or help")
        return entry

    def play(self, show_first: bool = True) -> int:
        """Read and act on input until an ending, `quit` or the end of input."""
        if show_first:
            self.show(self.session.step)
        while not self.session.step.ended:
            self.stdout.write("\n> ")
            self.stdout.flush()
            line = self.stdin.readline()
            if not line:
                self.write()
                if self.saves is not None and self.saves.autosave() and not self.echo:
                    self.write("Your game is saved: continue it with escape-game play --continue")
                return 0
            entry = line.strip()
            if self.echo:
                self.write(entry)
            if not entry:
                continue
            word, _, argument = entry.partition(" ")
            try:
                if word.lower() in COMMANDS:
                    if not self.command(word.lower(), argument.strip()):
                        if self.saves is not None:
                            self.saves.autosave()
                        return 0
                    continue
                step = self.session.choose(self.pick(entry))
                self.show(step)
                if self.saves is not None:
                    self.saves.autosave()
                    self.saves.ending(step)
            except (CommandError, SaveError) as error:
                self.write("\n" + _sentence(error.message) + (f" ({error.hint})" if error.hint else ""))
            except StoryError as error:
                self.write(f"\nThe story has an error here: {error}")
        return 0


def _sentence(text: str) -> str:
    """`text` with a capital first letter and a full stop (unless it has one)."""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def run(loaded, *, seed: int | None = None, walkthrough: Path | None = None,
        transcript: Path | None = None, stdin: TextIO, stdout: TextIO,
        scene: str = "", variables: dict | None = None, width: int | None = None,
        load: str | None = None, save: bool = True) -> int:
    """Play a loaded story in plain mode; returns the exit code.

    Args:
        loaded: the loader's `Loaded` (story and program).
        seed: the game's seed (random when None, unless the walkthrough sets one).
        walkthrough: a route to play first (choice ids, `seed N`, `expect <condition>`).
        transcript: where to write what was shown and chosen, as Markdown.
        stdin: input stream; stdout: output stream.
        scene: a scene to start from instead of the story's start.
        variables: values to set at the start.
        load: a save to play on from instead of a new game: a slot name, or "auto"
            for the newest autosave (`--continue`).
        save: enable `save`, `load`, `saves` and the autosaves (after every choice,
            and on Ctrl+C, SIGTERM, SIGHUP and the end of input).

    Returns:
        0, or 128 + the signal's number when Ctrl+C, SIGTERM or SIGHUP stopped it.

    Raises:
        EscapeGameError: a walkthrough that fails (with its file and line), a broken
            start, or a save that cannot be loaded (`SaveError`).
    """
    from escape_game.engine import Engine

    route: Walkthrough | None = read_walkthrough(walkthrough) if walkthrough else None
    if route is not None and load is not None:
        raise CommandError("a walkthrough starts a new game; it cannot follow a load")
    if route is not None and route.seed is not None:
        seed = route.seed
    if seed is None:
        seed = int.from_bytes(os.urandom(4), "big")
    engine = Engine(loaded.story, loaded.program)
    restored = None
    if load is not None:
        from escape_game import saves  # only now: a new game shows its first scene first

        store = saves.store_for(engine)
        restored = (saves.continue_game(store, engine) if load == saves.AUTO
                    else saves.load_game(store, engine, load))
        session = restored.session
    else:
        session = Session(engine, Start(seed=seed, scene=scene, variables=variables or {}))
    mode = LineMode(session, stdin, stdout, width, saving=save)
    try:
        with stop_signals():
            if mode.saves is not None and restored is not None:
                mode.saves.tell(restored)
            elif restored is not None:
                for notice in restored.notices:
                    mode.write("\n" + notice)
            if route is None:
                return mode.play()
            mode.show(session.step)
            route.play(session, on_choice=lambda choice_id: mode.write(f"\n> {choice_id}"),
                       on_step=mode.show)
            return 0 if session.step.ended else mode.play(show_first=False)
    except KeyboardInterrupt as stop:  # Ctrl+C, or SIGTERM / SIGHUP (`Stopped`)
        saved = mode.saves is not None and mode.saves.autosave()
        try:
            mode.write("\nYour game is saved: continue it with escape-game play --continue"
                       if saved else "\nStopped.")
            stdout.flush()
        except (OSError, ValueError):
            pass  # the terminal hung up: the save is what matters
        return 128 + (stop.signum if isinstance(stop, Stopped) else 2)
    finally:
        if transcript is not None:
            write_transcript(mode.session, transcript)
