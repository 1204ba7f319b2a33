"""The one mutable game object: the current step, undo and redo, and the event log.

The event log (the choice ids made, in order, from a seed and a start) is the single
record of a game: the journal, the transcript, undo and saves all come from it, and
replaying it on the story rebuilds the state exactly. Steps are frozen, so undo and redo
are stacks of snapshots, not recomputation.

A session restored from a save of an unchanged story is rebuilt from the saved state
without replaying (`Session.resume`): its history then starts at the saved step, so undo
reaches back to the load and no further (`Session.base` counts the log entries before
it). A session rebuilt on an edited story replays the log as far as it still applies
(`Session.replay_prefix`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from escape_game.engine import ChoiceView, Engine, Step
from escape_game.errors import CommandError, EscapeGameError
from escape_game.model import Value
from escape_game.state import GameState, new_game_id

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
        game: the playthrough id (a fresh one when empty); saves keep autosaves per id.
        played: seconds already played in this game before now (from a save).

    Attributes:
        log: every choice id taken this game, in order (the event log).
        history: the steps shown since `base`; the last is the current one.
        base: how many log entries came before `history[0]` (0 unless the game was
            resumed from a saved state).

    Raises:
        StoryError: the start scene is missing or broken.
    """

    def __init__(self, engine: Engine, start: Start = Start(), *, game: str = "",
                 played: float = 0.0) -> None:
        self.engine = engine
        self.start = start
        self.game = game or new_game_id()
        self.history: list[Step] = [self._first_step()]
        self.log: list[str] = []
        self.base = 0
        self.redo_stack: list[tuple[str, Step]] = []
        self._played = played
        self._since = time.monotonic()

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

    @property
    def play_time(self) -> float:
        """Seconds this game has been played, across saves and loads."""
        return self._played + (time.monotonic() - self._since)

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
        if len(self.log) <= self.base or len(self.redo_stack) >= UNDO_LIMIT:
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
        """Begin again from the same start and seed, as a new playthrough (a new `game`
        id and play time), so the old game's autosave is kept; it can be undone no more."""
        self.history = [self._first_step()]
        self.log = []
        self.base = 0
        self.redo_stack = []
        self.game = new_game_id()
        self._played, self._since = 0.0, time.monotonic()
        return self.step

    def journal(self) -> list[Turn]:
        """Every step shown this game (since `base`), each with the choice made from it."""
        turns = []
        for index, step in enumerate(self.history, self.base):
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

    @classmethod
    def replay_prefix(
        cls,
        engine: Engine,
        start: Start,
        log: list[str],
        translate: Callable[[GameState, str], str] | None = None,
        *,
        game: str = "",
        played: float = 0.0,
    ) -> tuple[Session, int, EscapeGameError | None]:
        """Replay as much of a log as still applies (for a save made before a story edit).

        Args:
            engine: the engine for the story as it is now.
            start: how the game began.
            log: the choice ids, in order.
            translate: maps (state, logged choice id) to the id to take now (renames);
                None takes ids as they are.
            game: the playthrough id to keep; played: seconds played before.

        Steps are taken without rendering (only the state matters on the way), so the
        session starts at the last step that applied, as a resumed one does: undo
        reaches back to the load and no further.

        Returns:
            (session, applied, problem): the session after the last step that applied,
            how many steps applied, and the error that stopped the replay (None when
            the whole log applied). Its message names the step, as `replay`'s do.

        Raises:
            StoryError: not even the start applies (the start scene is missing or broken).
        """
        state = engine.start(start.seed, start.scene, start.variables).state
        taken: list[str] = []
        problem: EscapeGameError | None = None
        for number, logged in enumerate(log, 1):
            choice_id = translate(state, logged) if translate else logged
            try:
                state = engine.choose(state, choice_id, render=False).state
            except EscapeGameError as error:
                problem = type(error)(f"step {number} ('{logged}'): {error.message}",
                                      error.hint)
                break
            taken.append(choice_id)
        session = cls.resume(engine, start, taken, state, game=game or new_game_id(),
                             played=played)
        return session, len(taken), problem

    @classmethod
    def resume(cls, engine: Engine, start: Start, log: list[str], state: GameState, *,
               game: str, played: float = 0.0) -> Session:
        """Rebuild a game from a saved state without replaying its log.

        For a save of the very story being played (same digest): the state is trusted,
        the current step is shown again with `Engine.look`, and undo reaches back to
        here and no further (`base` is the length of the log). It costs one render
        instead of one move per logged choice.

        Args:
            engine: the engine for the story.
            start: how the game began (kept for restart and later saves).
            log: the choice ids made to reach `state`.
            state: the saved state.
            game: the playthrough id; played: seconds played before.

        Raises:
            StoryError: the state's scene cannot be shown.
        """
        session = cls.__new__(cls)
        session.engine, session.start, session.game = engine, start, game
        session.history = [engine.look(state)]
        session.log = list(log)
        session.base = len(session.log)
        session.redo_stack = []
        session._played, session._since = played, time.monotonic()
        return session
