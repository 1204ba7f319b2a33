"""Turning a save back into a game, on the story as it is now.

Two paths, chosen by the story digest and the program version:

- **Unchanged** (same digest, same program version): the saved state is trusted (it
  was checked when written: encoded, read back and compared) and the session is rebuilt
  from it without replay (`Session.resume`): one render, well under a millisecond,
  however long the log. Undo then reaches back to the load. A state that does not fit
  the story (a hand-edited file) falls back to replay.
- **Edited**: the log is replayed on the current story with the manifest's `renamed:`
  applied to every id: the start scene and variables, and each choice (keys
  `scene.choice`, tried with the scene's current and former ids, then a bare
  `choice`). Renames chain (a -> b, b -> c). New variables take their initial values
  because replay starts from the story's own start. The game resumes after the last
  step that applied, with notices naming what changed; when not even the start
  applies, the load is refused with a `SaveError` naming what is missing.

Nothing here writes: loading never modifies the save file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from escape_game import __version__
from escape_game.engine import Engine
from escape_game.errors import SaveError, StoryError
from escape_game.model import Renamed
from escape_game.saves.format import FORMAT_VERSION, SaveFile, clean_label, now_iso, stamp_of
from escape_game.session import Session, Start
from escape_game.state import GameState, new_game_id

_GAME_ID = re.compile(r"[0-9a-f]{1,32}\Z")


@dataclass(frozen=True)
class Restored:
    """A game rebuilt from a save.

    Attributes:
        session: the game, ready to play on.
        notices: what the player should be told, one sentence each (story changes);
            empty when the story is unchanged.
        replayed: how many logged choices were replayed (0 on the unchanged path).
        applied: how many of the save's logged choices the game now holds.
        continues: whether the game plays on under the save's own playthrough id (the
            save is its game's newest autosave, so it need not be autosaved again).
    """

    session: Session
    notices: tuple[str, ...] = ()
    replayed: int = 0
    applied: int = 0
    continues: bool = False


def snapshot(session: Session, label: str = "") -> SaveFile:
    """The save of a session as it is now.

    Args:
        session: the game.
        label: the player's label (any text; made one line, at most 200 characters).
    """
    story = session.engine.story
    passage = session.step.passages[-1]
    place = story.manifest.locations.get(passage.location)
    start = session.start
    return SaveFile(
        format=FORMAT_VERSION, story=stamp_of(story), game=session.game,
        engine=__version__, seed=start.seed, start_scene=start.scene,
        start_vars=dict(start.variables), log=tuple(session.log), state=session.state,
        saved_at=now_iso(), play_time=round(session.play_time, 3), title=passage.title,
        location=place.name if place else "", label=clean_label(label))


def restore(engine: Engine, save: SaveFile, *, game: str = "") -> Restored:
    """Rebuild the game a save holds, on `engine`'s story.

    Args:
        engine: the engine for the story as it is now.
        save: the save (already read and checked).
        game: the playthrough id to play on under; the save's own when empty.

    Raises:
        SaveError: the save is of another story, or not even its start applies now
            (the message names what is missing).
    """
    story = engine.story
    if save.story.id != story.manifest.id:
        raise SaveError(f"this save is of the story '{save.story.id}', "
                        f"not '{story.manifest.id}'")
    game = game or (save.game if _GAME_ID.match(save.game) else new_game_id())
    start = Start(seed=save.seed, scene=save.start_scene, variables=dict(save.start_vars))
    if (save.story.digest == story.digest and save.engine == __version__
            and _fits(engine, save.state)):
        session = Session.resume(engine, start, list(save.log), save.state, game=game,
                                 played=save.play_time)
        return Restored(session, (), 0, len(save.log), game == save.game)
    return _replay(engine, save, game)


def _fits(engine: Engine, state: GameState) -> bool:
    """Whether a saved state names only what the story has (a cheap sanity check)."""
    story = engine.story
    return (state.scene in story.scenes and state.vars.keys() == engine.initial_vars.keys()
            and all(item in story.manifest.items for item in state.inventory))


def _replay(engine: Engine, save: SaveFile, game: str) -> Restored:
    story = engine.story
    renames = Renames(story.manifest.renamed)
    edited = save.story.digest != story.digest
    start = _start(engine, save, renames)
    try:
        session, applied, problem = Session.replay_prefix(
            engine, start, list(save.log), renames.choice, game=game, played=save.play_time)
    except StoryError as error:
        raise SaveError(f"this save cannot be loaded: its start no longer works: {error.message}",
                        "the story's start was changed; start a new game") from None
    notices: list[str] = []
    if edited:
        notices.append(_changed_line(save, story.manifest.version))
    notices += renames.used_notices(save)
    if problem is not None:
        where = ("at the start" if applied == 0
                 else f"after {applied} of its {len(save.log)} choices")
        notices.append(f"The saved choices no longer all apply ({problem.message}); "
                       f"the game resumes {where}.")
        if session.game == save.game:
            # A shorter game under the save's id would turn that game's ring, newest
            # autosaves first, out of existence: it plays on as a branch instead.
            session.game = new_game_id()
            notices.append("It plays on as a new game; the save is kept as it was.")
    if edited:
        notices += _declaration_notices(engine, save, renames)
    return Restored(session, tuple(notices), len(save.log), applied,
                    session.game == save.game)


def _start(engine: Engine, save: SaveFile, renames: Renames) -> Start:
    """The save's start, renamed to current ids.

    Raises:
        SaveError: the start scene or a start variable no longer exists.
    """
    story = engine.story
    scene = renames.scene(save.start_scene) if save.start_scene else ""
    if scene and scene not in story.scenes:
        raise SaveError(f"this save cannot be loaded: it starts at the scene "
                        f"'{save.start_scene}', which the story no longer has",
                        "add it back, or list it under renamed: scenes:")
    if not save.start_scene and story.manifest.start not in story.scenes:
        raise SaveError(f"this save cannot be loaded: the story's start scene "
                        f"'{story.manifest.start}' is missing")
    variables = {renames.var(name): value for name, value in save.start_vars.items()}
    missing = [name for name in save.start_vars if renames.var(name) not in engine.initial_vars]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        raise SaveError(f"this save cannot be loaded: it starts with the variable(s) {names}, "
                        "which the story no longer has",
                        "add them back, or list them under renamed: vars:")
    return Start(seed=save.seed, scene=scene, variables=variables)


def _changed_line(save: SaveFile, version: int) -> str:
    if save.story.version != version:
        return (f"The story has changed since this game was saved "
                f"(version {save.story.version}, now {version}).")
    return "The story has changed since this game was saved."


def _declaration_notices(engine: Engine, save: SaveFile, renames: Renames) -> list[str]:
    """What the story added or removed that this save's state held or lacks."""
    story, saved = engine.story, save.state
    notices = []
    old_vars = {renames.var(name) for name in saved.vars}
    for name in engine.initial_vars:
        if name not in old_vars:
            notices.append(f"New variable '{name}' starts at "
                           f"{engine.initial_vars[name]!r}.")
    for name in saved.vars:
        if renames.var(name) not in engine.initial_vars:
            notices.append(f"The variable '{name}' is no longer in the story.")
    for item in saved.inventory:
        if renames.item(item) not in story.manifest.items:
            notices.append(f"The item '{item}' is no longer in the story.")
    if renames.scene(saved.scene) not in story.scenes:
        notices.append(f"The scene '{saved.scene}' is no longer in the story.")
    return notices


class Renames:
    """`renamed:` from the manifest, applied to old ids (following chains).

    Args:
        renamed: the manifest's renames.
    """

    def __init__(self, renamed: Renamed) -> None:
        self.renamed = renamed
        self.former_scenes: dict[str, list[str]] = {}
        for old in renamed.scenes:
            self.former_scenes.setdefault(self.scene(old), []).append(old)
        self.used: dict[str, dict[str, str]] = {"choices": {}}
        self._choices: dict[tuple[str, str], str] = {}  # (scene, logged) -> id now

    def scene(self, old: str) -> str:
        """The current id of a scene."""
        return _follow(self.renamed.scenes, old)

    def var(self, old: str) -> str:
        """The current id of a variable."""
        return _follow(self.renamed.vars, old)

    def item(self, old: str) -> str:
        """The current id of an item."""
        return _follow(self.renamed.items, old)

    def choice(self, state: GameState, old: str) -> str:
        """The current id of a choice logged as `old`, taken in `state.scene`.

        Tries `scene.choice` with the scene's current id, then each former id, then
        the bare choice id; follows chains.
        """
        choices = self.renamed.choices
        if not choices:
            return old
        known = self._choices.get((state.scene, old))
        if known is not None:
            return known
        scenes = [state.scene, *self.former_scenes.get(state.scene, ())]
        current, seen = old, {old}
        while True:
            key = next((f"{scene}.{current}" for scene in scenes
                        if f"{scene}.{current}" in choices), current)
            new = choices.get(key)
            if new is None:
                break
            new = new.rsplit(".", 1)[-1]  # a value may be written `scene.choice`
            if new in seen:
                break
            seen.add(new)
            current = new
        if current != old:
            self.used["choices"][f"{state.scene}.{old}"] = current
        self._choices[(state.scene, old)] = current
        return current

    def used_notices(self, save: SaveFile) -> list[str]:
        """One sentence for each rename this save needed."""
        notices = []
        visited = set(save.state.visits) | {save.state.scene}
        if save.start_scene:
            visited.add(save.start_scene)
        for kind, mapping, names in (("scene", self.scene, sorted(visited)),
                                     ("variable", self.var, list(save.state.vars)),
                                     ("item", self.item, list(save.state.inventory))):
            for old in names:
                new = mapping(old)
                if new != old:
                    notices.append(f"The {kind} '{old}' is now called '{new}'.")
        for key, new in self.used["choices"].items():
            scene, old = key.rsplit(".", 1)
            notices.append(f"The choice '{old}' in '{scene}' is now called '{new}'.")
        return notices


def _follow(mapping: dict[str, str], old: str) -> str:
    """`old` renamed through `mapping`, following chains and stopping at a cycle."""
    current, seen = old, {old}
    while current in mapping and mapping[current] not in seen:
        current = mapping[current]
        seen.add(current)
    return current


def branch_game(save: SaveFile, latest_of_game: bool) -> str:
    """The playthrough id to play on under after loading `save`.

    Playing on from a game's newest autosave continues that game (its ring turns as
    before); loading anything else (a slot, an older autosave) starts a branch with a
    new id, so the ring of the game it came from is never turned by the branch.
    """
    return save.game if latest_of_game and _GAME_ID.match(save.game) else new_game_id()
