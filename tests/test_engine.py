"""Engine semantics: choices, conditions, effects, movement, variation and randomness."""

from __future__ import annotations

import pytest

from escape_game.errors import CommandError, StoryError
from escape_game.session import Session, Start
from tests.support import build_engine


def ids(step):
    return [choice.id for choice in step.choices]


def test_sticky_choice_is_offered_again_and_once_only_is_not():
    engine = build_engine({
        "a": {"text": "A", "choices": [
            {"id": "stay", "text": "Stay", "goto": "a"},
            {"id": "once", "text": "Once", "once": True, "goto": "a"},
        ]},
    })
    step = engine.start()
    assert ids(step) == ["stay", "once"]
    step = engine.choose(step.state, "once")
    assert ids(step) == ["stay"]
    step = engine.choose(step.state, "stay")
    assert ids(step) == ["stay"]


def test_condition_hides_and_locked_shows_with_reason():
    engine = build_engine({
        "a": {"text": "A", "choices": [
            {"id": "hidden", "text": "Hidden", "if": "money > 5", "goto": "b"},
            {"id": "locked", "text": "Buy", "locked_if": "money < 5",
             "reason": "You have {money} pence.", "goto": "b"},
            {"id": "earn", "text": "Earn", "do": "money += 10", "goto": "a"},
        ]},
        "b": {"text": "B", "ending": {"title": "Bought"}},
    }, vars={"money": 1})
    step = engine.start()
    assert ids(step) == ["locked", "earn"]
    assert step.choices[0].locked and step.choices[0].reason == "You have 1 pence."
    with pytest.raises(CommandError, match="You have 1 pence"):
        engine.choose(step.state, "locked")
    with pytest.raises(CommandError, match="no choice 'hidden'"):
        engine.choose(step.state, "hidden")
    step = engine.choose(step.state, "earn")
    assert ids(step) == ["hidden", "locked", "earn"]
    assert not step.choices[1].locked
    assert engine.choose(step.state, "locked").ended


def test_fallback_offered_only_when_nothing_else_can_be_taken():
    engine = build_engine({
        "a": {"text": "A", "choices": [
            {"id": "one", "text": "One", "once": True, "goto": "a"},
            {"id": "give_up", "text": "Give up", "fallback": True, "goto": "b"},
        ]},
        "b": {"text": "B", "ending": {"title": "End"}},
    })
    step = engine.start()
    assert ids(step) == ["one"]
    step = engine.choose(step.state, "one")
    assert ids(step) == ["give_up"]


def test_textless_fallback_is_taken_at_once_and_both_passages_show():
    engine = build_engine({
        "a": {"text": "A", "choices": [{"id": "go", "text": "Go", "goto": "b"}]},
        "b": {"text": "Through b.", "choices": [
            {"id": "auto", "fallback": True, "do": "n += 1", "goto": "c"}]},
        "c": {"text": "At c.", "ending": {"title": "C"}},
    }, vars={"n": 0})
    step = engine.choose(engine.start().state, "go")
    assert [p.scene for p in step.passages] == ["b", "c"]
    assert step.state.vars["n"] == 1 and step.ended


def test_cycle_of_automatic_moves_is_reported_not_a_hang():
    engine = build_engine({
        "a": {"text": "A", "choices": [{"id": "go", "text": "Go", "goto": "b"}]},
        "b": {"choices": [{"id": "x", "fallback": True, "goto": "c"}]},
        "c": {"choices": [{"id": "y", "fallback": True, "goto": "b"}]},
    })
    with pytest.raises(StoryError, match=r"cycle: (b -> c|c -> b)"):
        engine.choose(engine.start().state, "go")


def test_dead_end_names_the_scene():
    engine = build_engine({
        "a": {"text": "A", "choices": [{"id": "go", "text": "Go", "goto": "b"}]},
        "b": {"text": "B", "choices": [{"id": "never", "text": "No", "if": "false", "goto": "a"}]},
    })
    with pytest.raises(StoryError, match="scene 'b' offers no choice"):
        engine.choose(engine.start().state, "go")


def test_next_is_one_continue_choice():
    engine = build_engine({
        "a": {"text": "A", "next": "b"},
        "b": {"text": "B", "ending": {"title": "B"}},
    })
    step = engine.start()
    assert ids(step) == ["continue"]
    assert engine.choose(step.state, "continue").passages[-1].scene == "b"


def test_back_returns_to_the_scene_the_player_came_from():
    engine = build_engine({
        "a": {"text": "A", "choices": [{"id": "look", "text": "Look", "goto": "detail"}]},
        "z": {"text": "Z", "choices": [{"id": "look", "text": "Look", "goto": "detail"}]},
        "detail": {"text": "Detail", "choices": [{"id": "done", "text": "Done", "goto": "back"}]},
    })
    step = engine.choose(engine.choose(engine.start().state, "look").state, "done")
    assert step.state.scene == "a"
    assert step.state.visits == {"a": 2, "detail": 1}


def test_location_and_story_choices_are_offered_but_not_in_their_own_target():
    engine = build_engine(
        {
            "a": {"text": "A", "choices": [{"id": "go", "text": "Go", "goto": "b"}]},
            "b": {"text": "B", "choices": [{"id": "home", "text": "Home", "goto": "a"}]},
            "phone": {"location": "", "text": "Messages.", "choices": [
                {"id": "put_away", "text": "Put it away", "goto": "back"}]},
        },
        choices=[{"id": "read_phone", "text": "Read your phone", "if": "has('phone')",
                  "goto": "phone"}],
        items={"phone": {"name": "Phone"}},
        locations={"room": {"name": "The room", "region": "home", "choices": [
            {"id": "window", "text": "Look out", "goto": "b"}]}},
    )
    state = engine.start().state
    assert ids(engine.start()) == ["go", "window"]
    with_phone = engine.start(variables={})
    assert "read_phone" not in ids(with_phone)
    from msgspec.structs import replace

    state = replace(state, inventory=("phone",))
    assert engine.choices(state)[-1].id == "read_phone"
    step = engine.choose(state, "read_phone")
    assert step.passages[-1].location == "room"  # a placeless scene is where you were
    assert "read_phone" not in ids(step)
    assert engine.choose(step.state, "put_away").state.scene == "a"


def test_visit_counts_drive_sequences_cycles_and_once_only_text():
    engine = build_engine({
        "a": {"text": "{First.|Second.|Later.} {&Tick.|Tock.} {!New.|}",
              "choices": [{"id": "again", "text": "Again", "goto": "a"}]},
    })
    step = engine.start()
    seen = []
    for _ in range(4):
        seen.append(step.passages[-1].text)
        step = engine.choose(step.state, "again")
    assert seen == ["First. Tick. New.", "Second. Tock. ", "Later. Tick. ", "Later. Tock. "]


def test_variables_clamp_to_declared_bounds():
    engine = build_engine({
        "a": {"text": "A", "choices": [
            {"id": "up", "text": "Up", "do": "m += 7", "goto": "a"},
            {"id": "down", "text": "Down", "do": "m -= 100", "goto": "a"}]},
    }, vars={"m": {"value": 5, "min": 0, "max": 10}})
    step = engine.choose(engine.start().state, "up")
    assert step.state.vars["m"] == 10
    assert engine.choose(step.state, "down").state.vars["m"] == 0


def test_on_enter_runs_each_entry_and_items_are_reported():
    engine = build_engine({
        "a": {"text": "A", "on_enter": "n += 1", "choices": [
            {"id": "take", "text": "Take", "do": "gain('book')", "goto": "a"}]},
    }, vars={"n": 0}, items={"book": {"name": "Book"}})
    step = engine.start()
    assert step.state.vars["n"] == 1
    step = engine.choose(step.state, "take")
    assert step.state.vars["n"] == 2 and step.state.inventory == ("book",)
    assert step.passages[-1].gained == ("book",)


def test_randomness_is_repeatable_from_the_seed_and_varies_with_it():
    scenes = {"a": {"text": "{~Rain.|Sun.|Wind.|Fog.}", "choices": [
        {"id": "roll", "text": "Roll", "do": "n = random(1, 1000)", "goto": "a"}]}}
    engine = build_engine(scenes, vars={"n": 0})

    def play(seed):
        step = engine.start(seed)
        out = []
        for _ in range(5):
            step = engine.choose(step.state, "roll")
            out.append((step.state.vars["n"], step.passages[-1].text))
        return out

    assert play(1) == play(1)
    assert play(1) != play(2)
    assert all(1 <= n <= 1000 for n, _ in play(3))


def test_session_undo_redo_restart_and_replay():
    engine = build_engine({
        "a": {"text": "A", "choices": [
            {"id": "inc", "text": "Inc", "do": "n += random(1, 6)", "goto": "a"},
            {"id": "end", "text": "End", "goto": "b"}]},
        "b": {"text": "B", "ending": {"title": "B"}},
    }, vars={"n": 0})
    session = Session(engine, Start(seed=42))
    for _ in range(150):
        session.choose("inc")
    final = session.state
    for _ in range(120):
        session.undo()
    assert session.state.turn == 30
    for _ in range(120):
        session.redo()
    assert session.state == final
    with pytest.raises(CommandError):
        session.redo()
    rebuilt = Session.replay(engine, Start(seed=42), session.log)
    assert rebuilt.state.key() == final.key()
    session.restart()
    assert session.state.turn == 0 and session.log == []
    with pytest.raises(CommandError):
        session.undo()


def test_replay_names_the_step_that_no_longer_applies():
    engine = build_engine({"a": {"text": "A", "choices": [{"id": "x", "text": "X", "goto": "a"}]}})
    with pytest.raises(CommandError, match=r"step 2 \('y'\)"):
        Session.replay(engine, Start(), ["x", "y"])


def test_state_key_is_hashable_and_canonical():
    engine = build_engine({"a": {"text": "A", "choices": [{"id": "x", "text": "X", "goto": "a"}]}},
                          vars={"p": 1, "q": 2})
    one = engine.start().state
    assert hash(one.key()) == hash(engine.start().state.key())
    assert {one.key()} == {engine.start().state.key()}


def test_text_and_conditions_see_the_visit_and_item_just_gained():
    engine = build_engine({
        "a": {"text": "{visits('a') > 1: Again.|First.} {has('book'): Holding it.}",
              "choices": [{"id": "take", "text": "Take", "do": "gain('book')", "goto": "a"},
                          {"id": "read", "text": "Read", "if": "has('book')", "goto": "a"}]},
    }, items={"book": {"name": "Book"}})
    step = engine.start()
    assert step.passages[-1].text == "First. "
    step = engine.choose(step.state, "take")
    assert step.passages[-1].text == "Again. Holding it."
    assert [c.id for c in step.choices] == ["take", "read"]


def test_random_conditions_agree_between_showing_choosing_and_looking():
    engine = build_engine({
        "a": {"text": "{~Rain.|Sun.|Wind.}", "on_enter": "n = random(1, 6)", "choices": [
            {"id": "lucky", "text": "{~Try|Chance} it", "if": "random(1, 2) == 1", "goto": "a"},
            {"id": "wait", "text": "Wait", "goto": "a"}]},
    }, vars={"n": 0})
    for seed in range(200):
        step = engine.start(seed)
        for _ in range(3):
            looked = engine.look(step.state)
            assert looked.choices == step.choices
            assert looked.passages[-1].text == step.passages[-1].text
            step = engine.choose(step.state, step.choices[0].id)


def test_too_many_automatic_moves_in_a_row_is_said_as_such() -> None:
    scenes = {f"s{n}": {"text": "On.", "choices": [
        {"id": "on", "fallback": True, "goto": f"s{n + 1}" if n < 120 else "end"}]}
        for n in range(121)}
    engine = build_engine({
        "a": {"text": "A hall.", "choices": [{"id": "in", "text": "In", "goto": "s0"}]},
        **scenes, "end": {"text": "The end.", "ending": {"title": "End"}}}, start="a")
    state = engine.start().state
    with pytest.raises(StoryError, match="more than 100 automatic moves in a row, ending"):
        engine.choose(state, "in")


def test_no_choice_is_taken_at_an_ending_not_even_a_location_one() -> None:
    engine = build_engine({
        "a": {"text": "A hall.", "choices": [{"id": "out", "text": "Out", "goto": "end"}]},
        "end": {"text": "The end.", "ending": {"title": "End"}}},
        start="a", locations={"room": {"name": "Room", "region": "r", "choices": [
            {"id": "phone", "text": "Phone", "goto": "a"}]}})
    ended = engine.choose(engine.start().state, "out").state
    with pytest.raises(CommandError, match="the story has ended"):
        engine.choose(ended, "phone")


def test_automatic_moves_draw_alike_whether_text_is_rendered_or_not() -> None:
    """A replay (render=False) must rebuild the state a player's move built: the
    effects of automatic moves draw from their own count, never from the text's."""
    engine = build_engine({
        "a": {"text": "A hall.", "choices": [{"id": "go", "text": "Go", "goto": "b"}]},
        "b": {"text": "A corridor: {random(1, 100)}.", "choices": [
            {"id": "roll", "fallback": True, "do": "r = random(1, 1000000)", "goto": "c"}]},
        "c": {"text": "Rolled {r}; {~heads|tails}.", "choices": [
            {"id": "again", "text": "Again", "goto": "b"}]}},
        start="a", vars={"r": 0})
    for seed in range(20):
        start = engine.start(seed=seed).state
        shown = engine.choose(start, "go").state
        replayed = engine.choose(start, "go", render=False).state
        assert shown == replayed
