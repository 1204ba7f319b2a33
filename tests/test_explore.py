"""`escape-game explore`: exhaustive search, proven against answers known by hand.

`toolkit_explore` (see its story.yaml) has four endings, one of them unreachable, a
die roll, and a pit with no way out; `toolkit_broken` a dead end and a division by
zero one choice from the start; `toolkit_unbounded` a counter with no max in a loop.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import RunCli
from escape_game.explore import TURNS, Move, analyse, explore, replay_seed
from escape_game.loader import load_story
from escape_game.session import Session, Start
from tests.support import build_engine

STORIES = Path(__file__).parent / "stories"
KNOWN = STORIES / "toolkit_explore"
BROKEN = STORIES / "toolkit_broken"
UNBOUNDED = STORIES / "toolkit_unbounded"
GOOD = STORIES / "good"


def explored(root: Path, **options):
    loaded = load_story(root)
    return loaded, explore(loaded.story, loaded.program, **options)


def written(tmp_path: Path, scenes: dict, **manifest: object):
    """A story written out as YAML and loaded, as an author's would be (the loader
    compiles every piece, which `check`'s logic reads)."""
    import yaml

    from tests.support import BASE_MANIFEST

    root = tmp_path / "story"
    (root / "scenes").mkdir(parents=True)
    (root / "story.yaml").write_text(yaml.safe_dump({**BASE_MANIFEST, **manifest}))
    located = {scene_id: {"location": "room", **scene} for scene_id, scene in scenes.items()}
    (root / "scenes" / "all.yaml").write_text(yaml.safe_dump(located))
    return load_story(root)


def routes(found) -> dict[str, list[str]]:
    return {item.scene: [str(move) for move in item.route] for item in found}


def test_the_endings_known_by_hand() -> None:
    _, found = explored(KNOWN)
    assert found.complete and found.stopped == ""
    assert routes(found.endings) == {
        "ending_patience": ["dig", "dig", "wait"],
        "ending_lucky": ["roll (random: 6)", "lucky"],
        "ending_cave": ["dig", "dig", "roll (random: 1)", "buy_lamp", "cave"],
    }
    assert [e.title for e in found.endings] == ["Patience", "Lucky", "The cave"]
    assert found.unreached_endings == ("ending_treasure",)  # coins > 3, but max is 3
    assert found.failures == ()
    assert not found.ok


def test_the_point_of_no_return_known_by_hand() -> None:
    _, found = explored(KNOWN)
    [pit] = found.no_ending
    assert (pit.kind, pit.scene) == ("no-ending", "crossroads")
    assert pit.route == (Move("roll", (1,)), Move("pit"))
    assert "after 'pit' in scene 'crossroads' no ending can be reached" in pit.message


def test_routes_with_random_outcomes_come_with_a_seed_that_replays_them() -> None:
    loaded, found = explored(KNOWN)
    lucky = next(e for e in found.endings if e.scene == "ending_lucky")
    assert lucky.seed is not None
    engine = Session(_engine(loaded), Start(seed=lucky.seed))
    for move in lucky.route:
        engine.choose(move.choice)
    assert engine.state.scene == "ending_lucky"
    assert replay_seed(loaded.story, loaded.program, lucky) == lucky.seed
    patience = next(e for e in found.endings if e.scene == "ending_patience")
    assert patience.seed == 0  # no random() on the way: any seed replays it


def _engine(loaded):
    from escape_game.engine import Engine

    return Engine(loaded.story, loaded.program)


def test_dead_ends_and_errors_with_their_shortest_routes() -> None:
    _, found = explored(BROKEN)
    assert found.complete
    assert {f.kind: [m.choice for m in f.route] for f in found.failures} == {
        "dead-end": ["cellar"], "expression": ["divide"]}
    dead_end = next(f for f in found.failures if f.kind == "dead-end")
    assert "scene 'cellar' offers no choice the player can take" in dead_end.message
    assert routes(found.endings) == {"ending_out": ["count", "count", "leave"]}
    assert found.unreached_scenes == ("attic",)
    assert found.no_ending == ()  # the failures are reported once, as failures


def test_a_sound_story_is_ok() -> None:
    _, found = explored(GOOD)
    assert found.ok
    assert routes(found.endings) == {"ending_home": ["garden", "continue", "stay"],
                                     "ending_away": ["market", "buy", "leave_town"]}


def test_states_are_counted_as_reduced() -> None:
    # x (0, 1 or 2) matters at a, where `go` needs x >= 2, and nowhere after; the
    # visit counts are never read. So: a with each x, and one b: 4 states, however
    # often a is entered.
    engine = build_engine({
        "a": {"text": "A", "choices": [{"id": "inc", "text": "Inc", "do": "x += 1", "goto": "a"},
                                       {"id": "go", "text": "Go", "if": "x >= 2", "goto": "b"}]},
        "b": {"text": "B", "ending": {"title": "B"}},
    }, vars={"x": {"value": 0, "min": 0, "max": 2}})
    found = explore(engine.story, engine.program)
    assert (found.states, found.complete) == (4, True)
    # inc from each of the three a states, go from x = 2, plus the start.
    assert found.transitions == 5
    assert routes(found.endings) == {"b": ["inc", "inc", "go"]}


def test_numbers_matter_only_by_side_of_what_they_are_compared_with() -> None:
    # Watching adds 2 (up to 20), and all that is ever asked is whether trains > 0:
    # 0 and anything above are the only two states at a, not eleven.
    engine = build_engine({
        "a": {"text": "You have watched {trains} trains.", "choices": [
            {"id": "watch", "text": "Watch", "do": "trains += 2", "goto": "a"},
            {"id": "leave", "text": "Leave", "if": "trains > 0", "goto": "b"}]},
        "b": {"text": "B", "ending": {"title": "B"}},
    }, vars={"trains": {"value": 0, "min": 0, "max": 20}})
    found = explore(engine.story, engine.program)
    assert (found.states, found.complete) == (3, True)
    assert routes(found.endings) == {"b": ["watch", "leave"]}


@pytest.mark.parametrize(
    ("condition", "effect", "states"),
    [
        # x starts at 0 and only `add` changes it (up to its max, 5); the a states are
        # the values of x that behave differently from there on, then b.
        pytest.param("x >= 4", "x += 2", 3 + 1, id="moved-back-through-additions"),
        pytest.param("x == 3", "x += 1", 5 + 1, id="equality-needs-both-sides"),
        pytest.param("x < 3 and x > 1", "x += 1", 4 + 1, id="two-boundaries"),
        pytest.param("x * 2 > 5", "x += 1", 6 + 1, id="arithmetic-is-exact"),
        pytest.param("x >= 6", "x += 2", 1, id="beyond-the-max-never-holds"),
    ],
)
def test_states_by_side_match_the_values_that_behave_differently(
        condition: str, effect: str, states: int) -> None:
    engine = build_engine({
        "a": {"text": "A", "choices": [
            {"id": "add", "text": "Add", "do": effect, "goto": "a"},
            {"id": "go", "text": "Go", "if": condition, "goto": "b"}]},
        "b": {"text": "B", "ending": {"title": "B"}},
    }, vars={"x": {"value": 0, "min": 0, "max": 5}})
    found = explore(engine.story, engine.program)
    assert found.complete
    assert found.states == states


def test_variables_no_future_reads_are_not_part_of_the_state() -> None:
    # `mood` is only shown; `late` is read at b but set before every way there.
    engine = build_engine({
        "a": {"text": "Mood {mood}", "choices": [
            {"id": "sulk", "text": "Sulk", "do": "mood += 1; late = true", "goto": "a"},
            {"id": "go", "text": "Go", "do": "late = false", "goto": "b"}]},
        "b": {"text": "B", "choices": [
            {"id": "run", "text": "Run", "if": "late", "goto": "c"},
            {"id": "walk", "text": "Walk", "if": "not late", "goto": "c"}]},
        "c": {"text": "C", "ending": {"title": "C"}},
    }, vars={"mood": {"value": 0, "min": 0, "max": 9}, "late": False})
    found = explore(engine.story, engine.program)
    assert (found.states, found.complete) == (3, True)


def test_visit_counts_matter_only_up_to_the_numbers_compared() -> None:
    engine = build_engine({
        "a": {"text": "A", "choices": [
            {"id": "again", "text": "Again", "goto": "a"},
            {"id": "done", "text": "Done", "if": "visits('a') >= 4", "goto": "b"}]},
        "b": {"text": "B", "ending": {"title": "B"}},
    })
    found = explore(engine.story, engine.program)
    # a entered 1, 2, 3, then 4 or more (alike for `>= 4`); b from the last: 5 states.
    assert (found.states, found.complete) == (5, True)
    assert routes(found.endings) == {"b": ["again", "again", "again", "done"]}


@pytest.mark.parametrize(
    ("condition", "caps", "exact"),
    [
        pytest.param("visits('b') > 2", {"b": 3}, {}, id="greater"),
        pytest.param("visits('b') == 0", {"b": 1}, {}, id="equal-zero"),
        pytest.param("0 < visits('b') <= 4", {"b": 5}, {}, id="chained"),
        pytest.param("visits('b') < n", {"b": 7}, {}, id="bounded-variable"),
        pytest.param("visits('b') == n", {"b": 8}, {}, id="equal-bounded-variable"),
        pytest.param("3 >= visits('b')", {"b": 4}, {}, id="count-on-the-right"),
        pytest.param("visits('b') >= 2.5", {"b": 3}, {}, id="float"),
        pytest.param("visits('b') > m", {}, {"b": "visits('b') > m"}, id="unbounded-variable"),
        pytest.param("visits('b') + 1 > 2", {}, {"b": "visits('b') + 1 > 2"}, id="arithmetic"),
        pytest.param("turns() >= 10", {TURNS: 10}, {}, id="turns"),
        pytest.param("visits('b') > -1.5", {"b": 0}, {}, id="negative-float"),
    ],
)
def test_analysis_caps_counts(condition: str, caps: dict, exact: dict) -> None:
    engine = build_engine({
        "a": {"text": "A", "choices": [{"id": "go", "text": "Go", "if": condition, "goto": "b"}]},
        "b": {"text": "B", "ending": {"title": "B"}},
    }, vars={"n": {"value": 0, "min": 0, "max": 7}, "m": 0})
    analysis = analyse(engine.story)
    assert analysis.caps == caps
    assert analysis.exact == exact


def test_text_does_not_make_counts_part_of_the_state() -> None:
    engine = build_engine({"a": {"text": "Seen {visits('a')} times, {turns()} turns.",
                                 "choices": [{"id": "go", "text": "Go", "goto": "a"}]}})
    analysis = analyse(engine.story)
    assert (analysis.caps, analysis.exact) == ({}, {})
    found = explore(engine.story, engine.program)
    assert (found.states, found.complete) == (1, True)


def test_every_random_outcome_is_a_branch() -> None:
    engine = build_engine({
        "a": {"text": "A", "choices": [
            {"id": "flip", "text": "Flip", "do": "coin = random(0, 1); die = random(1, 3)",
             "goto": "b"}]},
        "b": {"text": "B", "choices": [
            {"id": "heads", "text": "Heads", "if": "coin == 1 and die == 3", "goto": "win"},
            {"id": "tails", "text": "Tails", "if": "coin == 0", "goto": "lose"},
            {"id": "again", "text": "Again", "goto": "a"}]},
        "win": {"text": "W", "ending": {"title": "Win"}},
        "lose": {"text": "L", "ending": {"title": "Lose"}},
    }, vars={"coin": {"value": 0, "min": 0, "max": 1}, "die": {"value": 0, "min": 0, "max": 3}})
    found = explore(engine.story, engine.program)
    assert found.complete
    assert routes(found.endings) == {"win": ["flip (random: 1, 3)", "heads"],
                                     "lose": ["flip (random: 0, 1)", "tails"]}
    # a (where coin and die are about to be overwritten, so not part of the state);
    # b, where coin 0 or 1 and die 3 or not matter (die 1 and 2 are alike there); and
    # the two endings.
    assert found.states == 1 + 2 * 2 + 2


def test_too_many_random_outcomes_stop_the_search() -> None:
    engine = build_engine({"a": {"text": "A", "choices": [
        {"id": "roll", "text": "Roll", "do": "x = random(1, 100000)", "goto": "a"}]}},
        vars={"x": 0})
    found = explore(engine.story, engine.program)
    assert not found.complete
    assert "more than 4,096 combinations of random() outcomes" in found.stopped


def test_an_unbounded_variable_in_a_loop_is_the_reason_given() -> None:
    _, found = explored(UNBOUNDED, max_states=50)
    assert not found.complete
    assert found.stopped == "stopped at its cap of 50 states (--max-states)"
    assert found.limits == (
        "variable 'steps' has no max, and 'steps += 1' (room.walk) changes it in a loop",)
    low, high = found.ranges["steps"]
    assert low == 0 and high > 10
    assert routes(found.endings) == {"ending_rest": ["walk", "walk", "walk", "rest"]}
    assert found.no_ending == ()  # not looked for in an incomplete search


def test_exact_counts_and_turns_in_loops_are_reasons_too() -> None:
    engine = build_engine({"a": {"text": "A", "choices": [
        {"id": "note", "text": "Note", "do": "seen = visits('a') + turns()", "goto": "a"}]}},
        vars={"seen": {"value": 0, "min": 0, "max": 5}})
    limits = analyse(engine.story).limits
    assert len(limits) == 2
    assert limits[0].startswith("visits('a') is used in 'seen = visits('a') + turns()'")
    assert limits[1].startswith("turns() is used in")


def test_explore_command_json(run_cli: RunCli) -> None:
    result = run_cli("explore", KNOWN, "--format", "json")
    assert result.returncode == 1, result.stderr  # an unreachable ending, a pit
    data = json.loads(result.stdout)
    assert data["complete"] is True and data["ok"] is False
    assert data["states"] > 0 and data["seconds"] >= 0
    lucky = next(e for e in data["endings"] if e["scene"] == "ending_lucky")
    assert (lucky["route"], lucky["draws"]) == (["roll", "lucky"], [[6], []])
    assert data["unreached_endings"] == ["ending_treasure"]
    assert [f["route"] for f in data["no_ending"]] == [["roll", "pit"]]


def test_explore_command_text(run_cli: RunCli) -> None:
    good = run_cli("explore", GOOD)
    assert good.returncode == 0, good.stderr
    assert "states" in good.stdout and ": complete" in good.stdout
    assert "states a second" in good.stderr
    broken = run_cli("explore", BROKEN)
    assert broken.returncode == 1
    assert "dead-end: " in broken.stdout and "shortest route, 1 choice: cellar" in broken.stdout
    assert "in hall.divide (" in broken.stdout
    capped = run_cli("explore", UNBOUNDED, "--max-states", "20")
    assert "incomplete: stopped at its cap of 20 states" in capped.stdout
    assert "variable 'steps' has no max" in capped.stdout
    # ... and yet nothing can fail: `steps += 1` cannot pass 1e15 in a billion moves
    assert "proved for every state" in capped.stdout and capped.returncode == 0


def test_liveness_follows_reads_writes_and_divisors() -> None:
    from escape_game.explore.liveness import liveness

    engine = build_engine({
        "a": {"text": "Ratio {10 / d}", "choices": [
            {"id": "go", "text": "Go", "do": "x = 1; y += 1", "goto": "b"}]},
        "b": {"text": "B", "choices": [
            {"id": "on", "text": "On", "if": "x > 0 and has('key')", "goto": "c"},
            {"id": "wait", "text": "Wait", "once": True, "goto": "b"},
            {"id": "phone", "text": "Phone", "goto": "p"}]},
        "p": {"text": "P", "choices": [{"id": "away", "text": "Away", "goto": "back"}]},
        "c": {"text": "C", "ending": {"title": "C"}},
    }, vars={"x": 0, "y": 0, "d": 1}, items={"key": {"name": "Key"}})
    live = liveness(engine.story, engine.program)
    # x is set before it is read, y is never read, d divides in a's text; the key
    # and b's once-only choice are read later.
    assert live["a"] == {"d", "has:key", "taken:b.wait"}
    assert live["b"] == {"x", "has:key", "taken:b.wait"}
    # p goes back to where it was entered from: b, so it needs what b needs.
    assert live["p"] == live["b"]
    assert live["c"] == frozenset()
    # Without the program, text is not read at all.
    assert "d" not in liveness(engine.story)["a"]


def test_a_random_condition_is_drawn_once_per_move() -> None:
    # Whether `lucky` is offered is drawn once a turn, so listing the choices and
    # taking one agree, as in play; the seed found replays the lucky route.
    from escape_game.engine import Engine

    engine = build_engine({
        "a": {"text": "A", "choices": [
            {"id": "lucky", "text": "Lucky", "if": "random(1, 2) == 1", "goto": "win"},
            {"id": "wait", "text": "Wait", "goto": "a"}]},
        "win": {"text": "W", "ending": {"title": "Win"}},
    })
    found = explore(engine.story, engine.program)
    assert found.complete and found.failures == ()
    [win] = found.endings
    assert [str(m) for m in win.route] == ["lucky (random: 1)"]
    session = Session(Engine(engine.story, engine.program), Start(seed=win.seed))
    assert "lucky" in [c.id for c in session.step.choices]
    session.choose("lucky")
    assert session.state.scene == "win"


# -- a search stopped at its cap: routes aimed at what it missed, and the proof -------

DETOUR = STORIES / "toolkit_detour"


def plays_to(loaded, item) -> str:
    """The scene the engine reaches playing `item`'s route from the start."""
    from escape_game.engine import Engine

    engine = Engine(loaded.story, loaded.program)
    state = engine.start(seed=item.seed or 0).state
    for move in item.route:
        state = engine.choose(state, move.choice, render=False).state
    return state.scene


def test_a_stopped_search_aims_a_search_at_each_ending_it_missed() -> None:
    loaded, found = explored(DETOUR, max_states=20)
    assert not found.complete and found.directed_states > 0
    [out] = found.endings
    assert (out.scene, out.shortest) == ("ending_out", False)
    assert sorted(m.choice for m in out.route) == ["buy", "door", "read", "shop", "study"]
    assert plays_to(loaded, out) == "ending_out"
    assert found.safety is not None and found.safety.proved
    assert found.ok and found.unreached_scenes == ()


def test_the_guide_goes_round_by_what_the_way_on_needs() -> None:
    from escape_game.engine import Engine
    from escape_game.explore.directed import _Guide

    loaded = load_story(DETOUR)
    guide = _Guide(loaded.story, "ending_out")
    engine = Engine(loaded.story, loaded.program)
    start = engine.start().state

    def after(*moves: str):
        state = start
        for move in moves:
            state = engine.choose(state, move, render=False).state
        return guide(state)

    # hall -> shop -> hall -> study -> hall -> door, with the key and then the code
    assert after() == 5 and after("wait") == 5  # waiting brings nothing nearer
    assert after("shop") == 4 and after("shop", "buy") == 3
    assert after("shop", "buy", "study", "read") == 1


def test_a_stopped_search_still_finds_no_way_to_an_unreachable_ending() -> None:
    loaded, found = explored(KNOWN, max_states=8)  # of the 38 there are
    assert not found.complete
    assert "ending_treasure" in found.unreached_endings  # coins > 3 with max 3
    assert {"ending_patience", "ending_lucky"} <= {e.scene for e in found.endings}
    for item in found.endings:
        if item.scene != "ending_lucky":  # its die roll needs the seed's draws
            assert plays_to(loaded, item) == item.scene
    assert not found.ok


@pytest.mark.parametrize("root, doubts", [
    (KNOWN, []),
    (GOOD, []),
    (DETOUR, []),
    (BROKEN, ["dead-end: scene 'cellar' can be left with no choice",
              "'count' may be 0 where it divides, in 'ratio = 10 / count'"]),
    (UNBOUNDED, []),  # `steps += 1` with no max, but a billion moves cannot overflow it
    (STORIES / "lint_cycles", ["automatic-cycle: automatic moves go round in a cycle: "
                               "b -> c -> b"]),
])
def test_what_a_story_proves_about_every_state(root: Path, doubts: list[str]) -> None:
    from escape_game.explore.safety import prove_safe

    loaded = load_story(root)
    safety = prove_safe(loaded.story, loaded.program)
    assert safety.proved == (not doubts), safety.reasons
    for doubt in doubts:
        assert any(reason.startswith(doubt) for reason in safety.reasons), safety.reasons


@pytest.mark.parametrize("expression, doubt", [
    ("10 / (d + 1)", ""),  # d is 0 to 5: the divisor 1 to 6
    ("10 / (d - 1)", "'d - 1' may be 0 where it divides"),
    ("10 % d", "'d' may be 0 where it divides"),
    ("d * 300000000000000", "'d * 300000000000000' may go beyond"),
    ("d * 2 + visits('a')", ""),
    ("random(1, 6) * 1000", ""),
])
def test_numbers_are_bounded_by_declarations_and_literals(
        expression: str, doubt: str, tmp_path: Path) -> None:
    from escape_game.explore.safety import prove_safe

    engine = written(
        tmp_path, {"a": {"text": f"Worked out: {{{expression}}}.", "choices": [
            {"id": "on", "text": "On", "goto": "end"}]},
         "end": {"text": "The end.", "ending": {"title": "End"}}},
        start="a", vars={"d": {"value": 0, "min": 0, "max": 5}})
    safety = prove_safe(engine.story, engine.program)
    assert safety.proved == (not doubt), safety.reasons
    if doubt:
        assert safety.reasons[0].startswith(doubt)


def test_back_at_the_start_is_a_doubt(tmp_path: Path) -> None:
    from escape_game.explore.safety import prove_safe

    engine = written(tmp_path, {"a": {"text": "Start.", "choices": [
        {"id": "back", "text": "Back", "goto": "back"},
        {"id": "on", "text": "On", "goto": "end"}]},
        "end": {"text": "The end.", "ending": {"title": "End"}}}, start="a")
    safety = prove_safe(engine.story, engine.program)
    assert not safety.proved
    assert safety.reasons[0].startswith("back-at-start: choice 'back'")


def test_explore_command_proves_what_a_stopped_search_could_not_see(run_cli: RunCli) -> None:
    done = run_cli("explore", DETOUR, "--max-states", "20")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "incomplete: stopped at its cap of 20 states" in done.stdout
    assert "Out (ending_out), 5 choices (directed search, not the shortest)" in done.stdout
    assert "proved for every state, reached or not: no dead end" in done.stdout
    assert "points of no return: not looked for" in done.stdout
    data = json.loads(run_cli("explore", DETOUR, "--max-states", "20", "--format",
                              "json").stdout)
    assert data["ok"] is True and data["complete"] is False
    assert data["safety"] == {"proved": True, "reasons": []}
    assert data["directed_states"] > 0
    assert data["endings"][0]["shortest"] is False
    doubtful = run_cli("explore", STORIES / "lint_dead_end", "--max-states", "3")
    assert doubtful.returncode == 1
    assert "not proved that no state can fail, because:\n  dead-end: scene 'cellar'" \
        in doubtful.stdout


def test_a_wandering_route_is_cut_to_the_rounds_it_needs() -> None:
    from escape_game.explore.directed import shorten

    def moves(text: str) -> tuple[Move, ...]:
        return tuple(Move(choice) for choice in text.split())

    def plays(route: tuple[Move, ...]) -> bool:  # the call comes after two waits
        return [m.choice for m in route].count("wait") >= 2 and route[-1].choice == "answer"

    wandering = moves("in wait wait wait wait wait look back look back look back answer")
    assert shorten(wandering, plays) == moves("in wait wait look back answer")
    assert shorten(moves("in answer"), plays) == moves("in answer")  # plays or not, kept


# Each story below was found (by a review that set out to break the proof) to fail in
# a reachable state while the proof said it could not: each is now a doubt.
_END = {"end": {"text": "The end.", "ending": {"title": "End"}}}
_DOUBTED = {
    "random() takes int() of a decimal bound": (
        {"a": {"text": "A vault.", "choices": [
            {"id": "share", "text": "Share", "do": "gold = 100 / random(1, level / 2)",
             "goto": "a"},
            {"id": "out", "text": "Out", "goto": "end"}]}},
        {"level": {"value": 1, "min": 1, "max": 10}, "gold": {"value": 0, "min": 0, "max": 1000}},
        "'random(1, level / 2)' may be 0 where it divides"),
    "each condition draws its own random()": (
        {"a": {"text": "A guard.", "choices": [
            {"id": "sneak", "text": "Sneak", "if": "random(1, 2) == 1", "goto": "end"},
            {"id": "talk", "text": "Talk", "locked_if": "random(1, 2) == 1",
             "reason": "He looks away.", "goto": "a"}]}},
        {}, "dead-end: scene 'a'"),
    "automatic moves through back": (
        {"a": {"text": "A hall.", "choices": [
            {"id": "in", "text": "In", "goto": "b"}, {"id": "out", "text": "Out", "goto": "end"}]},
         "b": {"text": "A corridor.", "choices": [{"id": "on", "fallback": True, "goto": "c"}]},
         "c": {"text": "An echo.", "choices": [{"id": "ret", "fallback": True, "goto": "back"}]}},
        {}, "automatic-cycle: automatic moves can go round in a cycle: b -> c -> b"),
    "more automatic moves in a row than the engine allows": (
        {"a": {"text": "A hall.", "choices": [
            {"id": "in", "text": "In", "goto": "s0"}, {"id": "out", "text": "Out", "goto": "end"}]},
         **{f"s{n}": {"text": "On.", "choices": [
             {"id": "on", "fallback": True, "goto": f"s{n + 1}" if n < 100 else "end"}]}
            for n in range(101)}},
        {}, "automatic-chain: from scene 's0' automatic moves can follow one another"),
    "a divisor whose interval is not a number": (
        {"a": {"text": "The ratio is {1 / (x / -y)}.", "choices": [
            {"id": "wait", "text": "Wait", "do": "x = turns(); y = turns() + 1", "goto": "a"},
            {"id": "out", "text": "Out", "goto": "end"}]}},
        {"x": 0, "y": {"value": 1, "min": 1}}, "'x / -y' may be 0 where it divides"),
    "a whole-number count compared with decimals": (
        {"a": {"text": "A hall.", "choices": [
            {"id": "down", "text": "Down", "if": "visits('b') <= 0.5", "goto": "b"},
            {"id": "out", "text": "Out", "if": "visits('b') >= 1.5", "goto": "end"}]},
         "b": {"text": "A cellar.", "choices": [{"id": "up", "text": "Up", "goto": "a"}]}},
        {}, "dead-end: scene 'a'"),
    "a product too large for a float, on the way": (
        {"a": {"text": "The dial: {(f * f * f * f * f * f * f * f * f * f * f * f * f * f * f "
                       "* f * f * f * f * f * f) % 7}.", "choices": [
            {"id": "up", "text": "Up", "do": "f = 1000000000000000", "goto": "a"},
            {"id": "out", "text": "Out", "goto": "end"}]}},
        {"f": 1.5}, "'f * f' may go beyond 1e+15"),
    "text added to itself with +=": (
        {"a": {"text": "An echo: {echo}.", "choices": [
            {"id": "shout", "text": "Shout", "do": "echo += echo", "goto": "a"},
            {"id": "out", "text": "Out", "goto": "end"}]}},
        {"echo": "hey"}, "text 'echo' is built from text that can grow"),
    "text compared by order": (
        {"a": {"text": "The sign says {t}.", "choices": [
            {"id": "tick", "text": "Tick", "if": "t <= 'm'", "do": "n += 1", "goto": "a"},
            {"id": "swap", "text": "Swap", "if": "t <= 'm' and n >= 100", "do": "t = u",
             "goto": "a"},
            {"id": "out", "text": "Out", "if": "t == 'a'", "goto": "end"}]}},
        {"t": "a", "u": "z", "n": {"value": 0, "min": 0, "max": 1000}}, "dead-end: scene 'a'"),
    "floor division by a decimal": (
        {"a": {"text": "Each tenth weighs {1 / (tenths // 0.1 - 9)}.", "choices": [
            {"id": "out", "text": "Out", "goto": "end"}]}},
        {"tenths": {"value": 1, "min": 1, "max": 1}}, "'tenths // 0.1 - 9' may be 0"),
    "the same random() twice in one condition": (
        {"a": {"text": "Two coins.", "choices": [
            {"id": "catch", "text": "Catch", "if": "random(1, 2) == 1 or not random(1, 2) == 1",
             "goto": "end"}]}},
        {}, "dead-end: scene 'a'"),
    "text that doubles": (
        {"a": {"text": "An echo.", "choices": [
            {"id": "shout", "text": "Shout", "do": "echo = echo + echo", "goto": "a"},
            {"id": "out", "text": "Out", "goto": "end"}]}},
        {"echo": "hey"}, "text 'echo' is built from text that can grow"),
}


@pytest.mark.parametrize("name", list(_DOUBTED))
def test_what_once_broke_the_proof_is_doubted(name: str, tmp_path: Path) -> None:
    from escape_game.explore.safety import prove_safe

    scenes, variables, doubt = _DOUBTED[name]
    engine = written(tmp_path, {**scenes, **_END}, start="a", vars=variables)
    safety = prove_safe(engine.story, engine.program)
    assert not safety.proved
    assert any(reason.startswith(doubt) for reason in safety.reasons), safety.reasons


def test_a_complete_search_keeps_what_a_failing_sum_reads(tmp_path: Path) -> None:
    """`b` is only shown, so nothing reads it; but `b = a * a` fails once `a` is large,
    so states that differ in `a` must stay apart or the failure is merged away."""
    engine = written(tmp_path, {
        "a": {"text": "B is {b}.", "choices": [
            {"id": "grow", "text": "Grow", "do": "x = 100000000", "goto": "a"},
            {"id": "square", "text": "Square", "do": "b = x * x", "goto": "a"},
            {"id": "out", "text": "Out", "goto": "end"}]}, **_END},
        start="a", vars={"x": 1, "b": 0})
    found = explore(engine.story, engine.program)
    assert found.complete
    [failure] = found.failures
    assert failure.kind == "expression" and "'b = x * x' gave 1e+16" in failure.message
    assert [m.choice for m in failure.route] == ["grow", "square"]


@pytest.mark.parametrize("scenes, variables, failure", [
    ({"a": {"text": "Twice the pot is {x + x}.", "choices": [  # text only shows, but may fail
        {"id": "win", "text": "Win", "do": "x = 900000000000000", "goto": "a"},
        {"id": "out", "text": "Out", "goto": "end"}]}},
     {"x": {"value": 0, "min": 0, "max": 900000000000000}}, "'x + x' gave 1.8e+15"),
    ({"a": {"text": "The ratio is {1 / (visits('a') - 3)}.", "choices": [  # a count in text
        {"id": "stay", "text": "Stay", "goto": "a"},
        {"id": "out", "text": "Out", "goto": "end"}]}},
     {}, "divides by zero"),
    ({"a": {"text": "Pick a weight.", "choices": [  # 0.4 - 0.1 is not 0.3 in floats
        {"id": "light", "text": "Light", "do": "x = 0.2", "goto": "s"},
        {"id": "heavy", "text": "Heavy", "do": "x = 0.3", "goto": "s"}]},
      "s": {"text": "A scale.", "choices": [
          {"id": "add", "text": "Add a tenth", "do": "x += 0.1", "goto": "t"}]},
      "t": {"text": "The needle.", "choices": [
          {"id": "on", "text": "On", "if": "x < 0.4", "goto": "end"}]}},
     {"x": {"value": 0.0, "min": 0, "max": 1}}, "offers no choice the player can take"),
    ({"a": {"text": "A hall.", "choices": [  # an automatic effect's draw, then the text's
        {"id": "go", "text": "Go", "goto": "b"}, {"id": "out", "text": "Out", "goto": "end"}]},
      "b": {"text": "A corridor.", "choices": [
          {"id": "roll", "fallback": True, "do": "r = random(1, 6)", "goto": "c"}]},
      "c": {"text": "The dial reads {1 / (r * 10 + random(1, 2) - 42)}.", "choices": [
          {"id": "home", "text": "Home", "goto": "a"}]}},
     {"r": {"value": 0, "min": 0, "max": 6}}, "divides by zero"),
    ({"a": {"text": "{~Rain.|Sun.|The ratio is {1 / (x - 1)}.}", "choices": [  # a shuffle
        {"id": "out", "text": "Out", "goto": "end"}]}},
     {"x": 1}, "divides by zero"),
    ({"a": {"text": "An echo: {echo}.", "choices": [  # the language's longest text
        {"id": "shout", "text": "Shout", "do": "echo += echo", "goto": "a"},
        {"id": "out", "text": "Out", "goto": "end"}]}},
     {"echo": "hey"}, "longer than the language allows (100,000)"),
])
def test_a_complete_search_finds_what_once_was_merged_away(
        scenes, variables, failure, tmp_path: Path) -> None:
    engine = written(tmp_path, {**scenes, **_END}, start="a", vars=variables)
    found = explore(engine.story, engine.program)
    assert found.complete
    assert any(failure in item.message for item in found.failures), found.failures


def test_a_long_chain_of_automatic_moves_is_a_doubt_not_a_crash(tmp_path: Path) -> None:
    from escape_game.explore.safety import prove_safe

    chain = {f"s{n}": {"text": "On.", "choices": [
        {"id": "on", "fallback": True, "goto": f"s{n + 1}" if n < 1499 else "end"}]}
        for n in range(1500)}
    engine = written(tmp_path, {"a": {"text": "A hall.", "choices": [
        {"id": "in", "text": "In", "goto": "s0"}, {"id": "out", "text": "Out", "goto": "end"}]},
        **chain, **_END}, start="a")
    safety = prove_safe(engine.story, engine.program)
    assert any("one another 1500 times" in reason for reason in safety.reasons)
