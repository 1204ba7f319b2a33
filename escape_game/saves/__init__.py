"""Saves that never lose a game: slots, quicksave, autosave rings, profile.

The front ends (plain mode, TUI, CLI) use only the names exported here:

- `SaveStore(story_id)`: one story's save folder (`data_dir()/saves/<story id>/`):
  `entries()` lists every file (damaged ones with their reason), `write` fills a
  slot, `autosave` adds to the game's ring, `delete`, `export`, `import_file`.
- `save_game`, `autosave`, `load_game`, `continue_game`: the same, from a `Session`.
- `restore(engine, save)`: a save back into a `Session`, on the story as it is now
  (unchanged: no replay; edited: replay with `renamed:` and notices).
- `ProfileStore`: endings found and settings, across games.

Every failure is a `SaveError` with one clear line; a function that returns has
written the file and read it back. Module map: `format` (the file model and its
version history), `atomic` (crash-safe writes), `entries` (names and list lines),
`store` (the folder and its rings), `claims` (one writer per ring), `profile`: the
file layer (L1), importing only L0 types. `rebuild` (games from saves, story edits) is
pure L2 logic over `Session` and writes nothing; it lives here so that one package
holds everything about saves.
"""

from __future__ import annotations

from escape_game.engine import Engine
from escape_game.errors import SaveError
from escape_game.saves.format import FORMAT_VERSION, SaveFile, StoryStamp
from escape_game.saves.profile import EndingFound, Profile, ProfileStore
from escape_game.saves.rebuild import Restored, branch_game, restore, snapshot
from escape_game.saves.entries import AUTO, QUICK, RING, SLOTS, SaveEntry, is_slot_name
from escape_game.saves.store import SaveStore
from escape_game.session import Session
from escape_game.state import new_game_id

__all__ = [
    "AUTO", "BRANCHED", "FORMAT_VERSION", "QUICK", "RING", "SLOTS", "EndingFound",
    "Profile", "ProfileStore", "Restored", "SaveEntry", "SaveFile", "SaveStore", "StoryStamp",
    "autosave", "claim", "continue_game", "is_slot_name", "load_game", "restore", "save_game",
    "snapshot", "store_for",
]


def store_for(engine: Engine) -> SaveStore:
    """The save folder of the story `engine` plays."""
    return SaveStore(engine.story.manifest.id)


def save_game(store: SaveStore, session: Session, name: str = QUICK,
              label: str = "") -> SaveEntry:
    """Save a game into a numbered slot or the quicksave.

    Raises:
        SaveError: a bad slot, a damaged file there (kept), or a failed write.
    """
    return store.write(name, snapshot(session, label))


#: Told when a game plays on as a branch because another window plays it too.
BRANCHED = ("This game is open in another window too: from here, this window's moves "
            "are saved as a game of their own. Both are kept.")


def claim(store: SaveStore, session: Session) -> bool:
    """Make this process the one that autosaves the game `session` plays (see
    `claims`); when another process plays that game, `session` plays on as a branch,
    under a new id. True when it did (tell the player `BRANCHED`)."""
    if store.claim(session.game):
        return False
    session.game = new_game_id()
    store.claim(session.game)
    return True


def autosave(store: SaveStore, session: Session) -> SaveEntry:
    """Add the game as it is now to its autosave ring (claimed first: see `claim`).

    Raises:
        SaveError: the write failed (no older autosave was removed).
    """
    claim(store, session)
    return store.autosave(snapshot(session))


def load_game(store: SaveStore, engine: Engine, name: str) -> Restored:
    """Load the save a player's name points at ("3", "quick", "auto", "auto2"...).

    The loaded game plays on under its own playthrough id only when it is that game's
    newest autosave; otherwise it becomes a new branch (see `branch_game`).

    Raises:
        SaveError: nothing there, a damaged file, or a save that no longer applies.
    """
    entry = store.find(name)
    if entry.save is None:
        raise SaveError(f"the save '{entry.name}' is damaged: {entry.problem}",
                        "it is kept as it is; load another save")
    return _load(store, engine, entry)


def continue_game(store: SaveStore, engine: Engine) -> Restored:
    """Load the newest autosave of any game.

    Raises:
        SaveError: there is no readable autosave, or it no longer applies.
    """
    entry = store.latest_autosave()
    if entry is None:
        raise SaveError("there is no autosave to continue from",
                        "start a new game; it is saved after every choice")
    return _load(store, engine, entry)


def _load(store: SaveStore, engine: Engine, entry: SaveEntry) -> Restored:
    save = entry.save
    assert save is not None
    latest = entry.kind == "auto" and store.is_latest_of_game(save)
    return restore(engine, save, game=branch_game(save, latest))
