"""What the player has done: the frozen game state.

A `GameState` is never changed in place; the engine builds a new one for every move.
It holds nothing derived and no generator state: every random outcome comes from
`seed` and the position in the game (turn, draw number), so replaying the same choices
from the same seed rebuilds the same state.
"""

from __future__ import annotations

import os

import msgspec

from escape_game.model import Value


class GameState(msgspec.Struct, frozen=True):
    """The player's position in a story.

    The dict fields must be treated as read-only: build a new state instead
    (`msgspec.structs.replace`).

    Attributes:
        scene: id of the current scene.
        vars: variable name -> current value, for every declared variable.
        inventory: item ids held, in the order gained.
        visits: scene id -> times entered (absent means never).
        taken: once-only choices already taken, as keys made by `choice_key`.
        turn: choices made so far.
        seed: the game's seed, fixed at the start.
        came_from: the scene left to reach this one, where `goto: back` returns.
    """

    scene: str
    vars: dict[str, Value]
    inventory: tuple[str, ...] = ()
    visits: dict[str, int] = {}
    taken: frozenset[str] = frozenset()
    turn: int = 0
    seed: int = 0
    came_from: str = ""

    def key(self) -> tuple:
        """A canonical hashable key: equal for states that play the same from here."""
        return (
            self.scene,
            self.came_from,
            tuple(sorted(self.vars.items())),
            frozenset(self.inventory),
            tuple(sorted(self.visits.items())),
            self.taken,
            self.turn,
            self.seed,
        )

    def has(self, item: str) -> bool:
        """Whether `item` is held."""
        return item in self.inventory


def choice_key(owner: str, choice_id: str) -> str:
    """The key a once-only choice is remembered by in `GameState.taken`.

    Args:
        owner: the scene id for a scene's choice, `@location` for a location's,
            `*` for the story's.
        choice_id: the choice's id.
    """
    return f"{owner}.{choice_id}"


def new_game_id() -> str:
    """A fresh playthrough id: 12 random hex digits (saves keep autosaves per id)."""
    return os.urandom(6).hex()
