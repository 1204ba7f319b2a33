"""The one mutable game object: the current step, undo and redo, and the event log.

The event log (the choice ids made, in order, from a seed and a start) is the single
record of a game: the journal, the transcript, undo and saves all come from it, and
replaying it on the story rebuilds the state exactly. Steps are frozen, so undo and redo
are stacks of snapshots, not recomputation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from escape_game.engine import ChoiceView, Engine, Step
from escape_game.errors import CommandError, EscapeGameError
from escape_game.model import Value
from escape_game.state import GameState

#: How many moves can be undone (and redone) at most.
UNDO_LIMIT = 200


@dataclass(frozen=True)
class Start:
    """How a game began: everything besides the log that replay needs.

    Attributes:
        seed: the game's seed.
        scene: the scene played from ("" for the story's start).
        variables: values set before the start (`--set`), by name.
    """

    seed: int = 0
    scene: str = ""
    variables: dict[str, Value] = field(default_factory=dict)


@dataclass(frozen=True)
class Turn:
    """One entry of the journal: what was shown, and the choice then made.

    Attributes:
        step: the step shown.
        chosen: the choice taken from it, or None for the current step.
    """

    step: Step
    chosen: ChoiceView | None


class Session:
    """A game in progress.

    Args:
        engine: the engine for the story being played.
        start: the seed and start; a new game begins at once.

    Raises:
        StoryError: the start scene is missing or broken.
    """

    def __init__(self, engine: Engine, start: Start = Start()) -> None:
        self.engine = engine
        self.start = start
        self.history: list[Step] = [self._first_step()]
        self.log: list[str] = []
        self.redo_stack: list[tuple[str, Step]] = []

    def _first_step(self) -> Step:
        return self.engine.start(self.start.seed, self.start.scene, self.start.variables)

    @property
    def step(self) -> Step:
        """The current step."""
        return self.history[-1]

    @property
    def state(self) -> GameState:
        """The current state."""
        return self.history[-1].state

    def choose(self, choice_id: str) -> Step:
        """Take a choice and return the new step; clears redo.

        Raises:
            CommandError: the choice is not offered or is locked.
            StoryError: a story error met on the way (the session is unchanged).
        """
        step = self.engine.choose(self.state, choice_id)
        self.history.append(step)
        self.log.append(choice_id)
        self.redo_stack.clear()
        return step

    def undo(self) -> Step:
        """Go back one move.

        Raises:
            CommandError: there is nothing to undo (or the limit is reached).
        """
        if not self.log or len(self.redo_stack) >= UNDO_LIMIT:
            raise CommandError("there is nothing to undo")
        self.redo_stack.append((self.log.pop(), self.history.pop()))
        return self.step

    def redo(self) -> Step:
        """Take again a move that was undone.

        Raises:
            CommandError: there is nothing to redo.
        """
        if not self.redo_stack:
            raise CommandError("there is nothing to redo")
        choice_id, step = self.redo_stack.pop()
        self.log.append(choice_id)
        self.history.append(step)
        return step

    def restart(self) -> Step:
        """Begin again from the same start and seed; the old game can be undone no more."""
        self.history = [self._first_step()]
        self.log = []
        self.redo_stack = []
        return self.step

    def journal(self) -> list[Turn]:
        """Every step shown this game, each with the choice made from it."""
        turns = []
        for index, step in enumerate(self.history):
            chosen = None
            if index < len(self.log):
                chosen = next((c for c in step.choices if c.id == self.log[index]), None)
            turns.append(Turn(step, chosen))
        return turns

    @classmethod
    def replay(cls, engine: Engine, start: Start, log: list[str]) -> Session:
        """Rebuild a game by replaying its log from its start.

        Raises:
            CommandError: a logged choice is not offered where the log takes it
                (the message names the step).
            StoryError: a story error met on the way.
        """
        session = cls(engine, start)
        for number, choice_id in enumerate(log, 1):
            try:
                session.choose(choice_id)
            except EscapeGameError as error:
                raise type(error)(f"step {number} ('{choice_id}'): {error.message}",
                                  error.hint) from None
        return session
