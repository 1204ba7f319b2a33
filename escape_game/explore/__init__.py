"""Exhaustive exploration: a breadth-first search over every distinct game state.

Pure (no terminal, no files): `explore` plays every choice from every state the start
can lead to, breadth first, and returns an `Exploration`: each ending reachable with
its shortest route, each dead end or story error reachable with its shortest route,
the points of no return (moves after which no ending can be reached), the number of
states, and whether the search completed or stopped at its cap, with the reasons the
state space may have no end.

The design decision is the reduced state: two states that play the same from here on
are one. `analyse` reads every condition and effect (not text, which only shows) to
find what the story can tell apart:

- at each scene, only the variables, items, visit counts and once-only choices that
  some way on from there reads before overwriting (a compiler's live-variable
  analysis, `liveness`): the morning's clock is forgotten once the evening resets it;
- a visit count only as far as the numbers (or bounded variables' maximums) any
  condition compares it with tell counts apart; a count used any other way is kept
  exact;
- the turn only if `turns()` is used, capped the same way;
- `came_from` only in scenes that offer a `back` choice;
- the inventory as a set, and no seed at all: every outcome of `random(a, b)` is a
  branch of its own, so the seed has nothing left to decide. The engine draws from
  its seed, so the search uses an engine whose scope asks a script for each draw
  (`engines.BranchingEngine`) and runs each move once per combination of outcomes.

Numeric variables stay exact, within their declared bounds (the engine clamps to
them); a variable with no bound in the direction an effect in a loop moves it, or an
exact count or turn in a loop, can make the state space endless, and is reported as
the reason when the search stops at `max_states`.

A story can have more states than any search visits (The Escape's clock, once-only
choices and money make hundreds of thousands a day). A search stopped at its cap
goes on to prove what it can: `directed` aims a search at each scene and ending it
missed (a real route to each is the proof it can be reached), and `safety` proves
from the story's text that no state at all, reached or not, can be a dead end or an
error. Its analysis of numbers also tells `liveness` which values an expression that
may fail reads, so the complete search never merges them away.

The package: `analysis` and `liveness` (the reduced state), `engines` (scripted and
recorded `random()`), `search` (the search), `directed` (a search aimed at one
scene), `safety` (the proof), `report` (what it found), `crowding` (where the states
are, when there are too many).
"""

from escape_game.explore.analysis import TURNS, Analysis, analyse
from escape_game.explore.engines import MAX_BRANCHES, SEED_TRIES, replay_seed
from escape_game.explore.report import Exploration, Found, Move, format_exploration
from escape_game.explore.search import MAX_STATES, explore

__all__ = [
    "MAX_BRANCHES", "MAX_STATES", "SEED_TRIES", "TURNS", "Analysis", "Exploration", "Found",
    "Move", "analyse", "explore", "format_exploration", "replay_seed",
]
