"""Hypothesis: over random walks of the fixture stories, a save and load changes nothing.

Loading a save gives the same state, and the next 20 steps (passages, choices, random
outcomes) are identical with and without a save and load between them, both on the
unchanged story (no replay) and after a story edit (replay of the log).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from escape_game import saves
from escape_game.engine import Engine
from escape_game.loader import load_story
from escape_game.saves.store import SaveStore
from escape_game.session import Session, Start
from tests.support import STORY
from tests.saves_support import loop_engine, pick

STORIES = Path(__file__).parent / "stories"


def _from_folder(folder: Path) -> Engine:
    loaded = load_story(folder)
    return Engine(loaded.story, loaded.program)


ENGINE = loop_engine()
#: The fixture stories walked: the loop (every kind of value), the small story that uses
#: every feature, the save fixture, and the bundled story.
ENGINES = {"loop": ENGINE, "good": _from_folder(STORIES / "good"),
           "saves_v1": _from_folder(STORIES / "saves_v1"), "bundled": _from_folder(STORY)}


def edited(engine: Engine) -> Engine:
    """The same story under another digest, so a load replays the log."""
    return Engine(msgspec.structs.replace(engine.story, digest="edited"), engine.program)

walks = st.lists(st.integers(0, 9), max_size=60)
labels = st.text(max_size=40)


def walk(seed: int, numbers: list[int], engine: Engine = ENGINE) -> Session:
    session = Session(engine, Start(seed=seed))
    for number in numbers:
        if session.step.ended:
            break
        session.choose(pick(session, number))
    return session


@settings(max_examples=100)
@given(seed=st.integers(0, 2**64 - 1), before=walks, after=st.lists(st.integers(0, 9),
       min_size=20, max_size=20), label=labels, slot=st.sampled_from(["1", "9", "quick"]),
       story_edited=st.booleans(), story=st.sampled_from(sorted(ENGINES)))
def test_save_and_load_changes_nothing(seed, before, after, label, slot, story_edited, story):
    engine = ENGINES[story]
    session = walk(seed, before, engine)
    with tempfile.TemporaryDirectory() as folder:
        store = SaveStore(engine.story.manifest.id, Path(folder))
        entry = saves.save_game(store, session, slot, label)
        assert entry.save.label == " ".join(label.split())[:200]
        loaded = saves.load_game(store, edited(engine) if story_edited else engine, slot)
        assert loaded.replayed == (len(session.log) if story_edited else 0)
        loaded = loaded.session
    assert loaded.state == session.state
    assert loaded.log == session.log
    assert [type(v) for v in loaded.state.vars.values()] == \
        [type(v) for v in session.state.vars.values()]
    assert loaded.step.choices == session.step.choices
    for number in after:
        if session.step.ended:
            assert loaded.step.ended
            break
        choice = pick(session, number)
        assert loaded.choose(choice) == session.choose(choice)


@settings(max_examples=40)
@given(seed=st.integers(0, 2**32), numbers=walks)
def test_a_save_file_reads_back_as_the_same_value(seed, numbers):
    save = saves.snapshot(walk(seed, numbers))
    assert saves.format.decode(saves.format.encode(save), "test") == save


@settings(max_examples=100)
@given(text=st.text(), number=st.integers(-(10**15), 10**15),
       real=st.floats(allow_nan=False, allow_infinity=False))
def test_any_unicode_string_int_and_float_round_trips(text, number, real):
    session = walk(1, [])
    state = msgspec.structs.replace(session.state, vars={
        **session.state.vars, "name": text, "steps": number, "ratio": real})
    save = msgspec.structs.replace(saves.snapshot(session), state=state,
                                   start_vars={"name": text, "steps": number, "ratio": real})
    back = saves.format.decode(saves.format.encode(save), "test")
    assert back == save
    assert type(back.state.vars["steps"]) is int and type(back.state.vars["ratio"]) is float
    assert back.state.vars["name"] == text
