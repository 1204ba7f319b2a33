"""Saves across story edits: the fixture story in two versions, and renames of every kind.

`tests/stories/saves_v1` is edited into `saves_v2`: the garden is renamed the orchard,
`hall.wait` is renamed `linger`, digging and the cellar are removed, the map item is
removed, the `lamp` variable is removed and `courage` is new.
"""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from escape_game import saves
from escape_game.engine import Engine
from escape_game.errors import SaveError
from escape_game.loader import load_story
from escape_game.session import Session, Start
from tests.support import build_engine

STORIES = Path(__file__).parent / "stories"


def engine_of(version: str) -> Engine:
    loaded = load_story(STORIES / f"saves_{version}")
    return Engine(loaded.story, loaded.program)


@pytest.fixture
def v1() -> Engine:
    return engine_of("v1")


@pytest.fixture
def v2() -> Engine:
    return engine_of("v2")


def save_on_v1(v1: Engine, log: list[str], start: Start = Start(seed=5)) -> saves.SaveStore:
    store = saves.store_for(v1)
    session = Session(v1, start)
    for choice in log:
        session.choose(choice)
    saves.save_game(store, session, "1", "before the edit")
    return store


def load_on_v2(store: saves.SaveStore, v2: Engine) -> saves.Restored:
    path = store.folder / "slot-1.json"
    before = path.read_bytes()
    restored = saves.load_game(store, v2, "1")
    assert path.read_bytes() == before  # loading never modifies the save
    return restored


def test_the_same_version_loads_without_replay(v1):
    store = save_on_v1(v1, ["wait", "go_garden", "dig"])
    restored = saves.load_game(store, engine_of("v1"), "1")
    assert restored.replayed == 0 and restored.notices == ()


def test_renamed_scene(v1, v2):
    store = save_on_v1(v1, ["go_garden", "pick", "back", "go_garden"])
    restored = load_on_v2(store, v2)
    state = restored.session.state
    assert restored.applied == 4 and state.scene == "orchard"
    assert state.visits == {"hall": 2, "orchard": 3} and state.inventory == ("ticket",)
    assert state.taken == frozenset({"orchard.pick"})
    assert restored.notices[0] == ("The story has changed since this game was saved "
                                   "(version 1, now 2).")
    assert "The scene 'garden' is now called 'orchard'." in restored.notices


def test_renamed_choice(v1, v2):
    store = save_on_v1(v1, ["wait", "wait", "wait"])
    restored = load_on_v2(store, v2)
    assert restored.applied == 3 and restored.session.state.vars["coins"] == 3
    assert restored.session.log == ["linger", "linger", "linger"]
    assert "The choice 'wait' in 'hall' is now called 'linger'." in restored.notices


def test_removed_choice_mid_log_resumes_at_the_last_step_that_applied(v1, v2):
    store = save_on_v1(v1, ["wait", "go_garden", "dig", "back", "wait"])
    restored = load_on_v2(store, v2)
    session = restored.session
    assert restored.applied == 2 and session.log == ["linger", "go_garden"]
    assert session.state.scene == "orchard" and session.state.vars["coins"] == 1
    stopped = [n for n in restored.notices if "no longer all apply" in n]
    assert stopped == ["The saved choices no longer all apply (step 3 ('dig'): there is "
                       "no choice 'dig' here); the game resumes after 2 of its 5 choices."]
    session.choose("back")  # the game plays on from there
    assert session.state.scene == "hall"


def test_a_partly_replayed_game_plays_on_as_a_branch_and_keeps_the_ring(v1, v2):
    store = saves.store_for(v1)
    session = Session(v1, Start(seed=5))
    for choice in ["wait", "go_garden", "dig", "back", "wait"]:
        session.choose(choice)
        saves.autosave(store, session)
    full = store.read("auto")
    restored = saves.continue_game(store, v2)
    assert restored.applied == 2 and not restored.continues
    assert restored.session.game != session.game
    stopped = restored.notices.index(
        "The saved choices no longer all apply (step 3 ('dig'): there is no choice "
        "'dig' here); the game resumes after 2 of its 5 choices.")
    assert restored.notices[stopped + 1] == "It plays on as a new game; the save is kept as it was."
    branch = restored.session
    for _ in range(saves.RING + 2):
        branch.choose("back" if branch.state.scene == "orchard" else "go_garden")
        saves.autosave(store, branch)
    kept = [entry.save for entry in store.entries()
            if entry.kind == "auto" and entry.game == session.game]
    assert kept == [full]  # the whole game's newest autosave, as it was


def test_a_fully_replayed_autosave_continues_its_game(v1, v2):
    store = saves.store_for(v1)
    session = Session(v1, Start(seed=5))
    for choice in ["wait", "go_garden"]:
        session.choose(choice)
        saves.autosave(store, session)
    restored = saves.continue_game(store, v2)
    assert restored.applied == 2 and restored.continues
    assert restored.session.game == session.game


def test_new_variable_takes_its_initial_value(v1, v2):
    store = save_on_v1(v1, ["wait"])
    restored = load_on_v2(store, v2)
    assert restored.session.state.vars == {"coins": 1, "mood": 0.5, "name": "Tara",
                                           "courage": 3}
    assert "New variable 'courage' starts at 3." in restored.notices
    assert "The variable 'lamp' is no longer in the story." in restored.notices


def test_removed_item(v1, v2):
    store = save_on_v1(v1, ["take_map", "wait"])
    assert store.read("1").state.inventory == ("map",)
    restored = load_on_v2(store, v2)
    assert restored.applied == 2 and restored.session.state.inventory == ()
    assert "The item 'map' is no longer in the story." in restored.notices


def test_a_save_whose_start_is_gone_is_refused_naming_it(v1, v2):
    store = save_on_v1(v1, ["up"], Start(seed=1, scene="cellar"))
    with pytest.raises(SaveError, match="starts at the scene 'cellar', which the story "
                                        "no longer has"):
        load_on_v2(store, v2)
    store = save_on_v1(v1, [], Start(variables={"lamp": True}))
    with pytest.raises(SaveError, match="the variable\\(s\\) 'lamp'"):
        load_on_v2(store, v2)


def test_a_save_started_in_a_renamed_scene_loads(v1, v2):
    store = save_on_v1(v1, ["pick"], Start(seed=2, scene="garden"))
    restored = load_on_v2(store, v2)
    assert restored.session.start.scene == "orchard" and restored.applied == 1


def test_a_save_of_another_story_is_refused(v1):
    session = Session(v1)
    other = build_engine({"a": {"text": "A", "ending": {"title": "E"}}})
    with pytest.raises(SaveError, match="of the story 'saves-fixture', not 'test'"):
        saves.restore(other, saves.snapshot(session))


# -- renames of every kind, built in Python ---------------------------------------------

OLD = {
    "a": {"text": "A", "choices": [
        {"id": "go", "text": "Go", "goto": "b", "do": "n += 1; gain('key')"},
    ]},
    "b": {"text": "B", "choices": [
        {"id": "open", "text": "Open", "goto": "a", "do": "n += 10"},
    ]},
}
NEW = {
    "start": {"text": "A", "choices": [
        {"id": "walk", "text": "Walk", "goto": "door", "do": "count += 1; gain('brass_key')"},
    ]},
    "door": {"text": "B", "choices": [
        {"id": "unlock", "text": "Open", "goto": "start", "do": "count += 10"},
    ]},
}


def test_renames_apply_to_scenes_choices_vars_and_items_and_chain():
    old = build_engine(OLD, vars={"n": 0}, items={"key": {"name": "Key"}})
    session = Session(old, Start(scene="a", variables={"n": 5}))
    for choice in ["go", "open", "go"]:
        session.choose(choice)
    save = saves.snapshot(session)
    new = build_engine(NEW, start="start", vars={"count": 0},
                       items={"brass_key": {"name": "Key"}},
                       renamed={"scenes": {"a": "first", "first": "start", "b": "door"},
                                "choices": {"go": "walk", "door.open": "door.unlock"},
                                "vars": {"n": "count"}, "items": {"key": "brass_key"}})
    new = Engine(msgspec.structs.replace(new.story, digest="v2"), new.program)
    restored = saves.restore(new, save)
    state = restored.session.state
    assert restored.applied == 3 and state.scene == "door"
    assert state.vars == {"count": 17} and state.inventory == ("brass_key",)
    assert restored.session.start == Start(scene="start", variables={"count": 5})
    assert {"The scene 'a' is now called 'start'.", "The scene 'b' is now called 'door'.",
            "The variable 'n' is now called 'count'.",
            "The item 'key' is now called 'brass_key'.",
            "The choice 'go' in 'start' is now called 'walk'.",
            "The choice 'open' in 'door' is now called 'unlock'."} <= set(restored.notices)
    assert not any("no longer" in notice for notice in restored.notices)
