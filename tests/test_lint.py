"""`escape-game check`: the static checks, on fixture stories built to have each problem.

Each `tests/stories/lint_*` story holds a handful of problems; the tables below list
every diagnostic each one must give (code, severity, file, line, column), and the tests
prove it gives those and no others. The condition logic has unit tables of its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from escape_game.lint import check_story
from escape_game.lint.formula import parse_condition
from escape_game.lint.logic import Domains, Facts, outcomes
from escape_game.loader import load_story
from tests.support import ROOT, STORY, RunCli

STORIES = ROOT / "tests" / "stories"

# (story, code, severity, file inside the story, line, column, words in the message)
EXPECTED = [
    ("lint_reach", "back-at-start", "warning", "scenes/house.yaml", 6, 7, "turn_back"),
    ("lint_reach", "never-true", "warning", "scenes/house.yaml", 17, 11, "count > 3"),
    ("lint_reach", "endless-loop", "warning", "scenes/house.yaml", 34, 1, "loop_a, loop_b"),
    ("lint_reach", "unreachable-ending", "warning", "scenes/house.yaml", 44, 1,
     "'vault' can only be reached through choices that can never be taken"),
    ("lint_reach", "unreachable-scene", "warning", "scenes/house.yaml", 49, 1, "'attic'"),
    ("lint_reach", "unreachable-ending", "warning", "scenes/house.yaml", 54, 1,
     "'ending_lost' cannot be reached"),
    ("lint_cycles", "endless-loop", "warning", "scenes/rooms.yaml", 24, 1, "'b'"),
    ("lint_cycles", "automatic-cycle", "error", "scenes/rooms.yaml", 24, 1, "b -> c -> b"),
    ("lint_cycles", "automatic-cycle", "warning", "scenes/rooms.yaml", 40, 1,
     "can go round in a cycle: d -> e -> d"),
    ("lint_dead_end", "dead-end", "warning", "scenes/house.yaml", 35, 1,
     "'cellar' can be left with no choice to take (for example with has('key') false)"),
    ("lint_dead_end", "dead-end", "warning", "scenes/house.yaml", 75, 1, "'chores'"),
    ("lint_conditions", "item-never-gained", "warning", "story.yaml", 12, 3, "'map'"),
    ("lint_conditions", "never-true", "warning", "scenes/room.yaml", 4, 14,
     "`level > 10` in this text"),
    ("lint_conditions", "never-true", "warning", "scenes/room.yaml", 9, 11,
     "'level' is at most 10 (its max)"),
    ("lint_conditions", "never-true", "warning", "scenes/room.yaml", 14, 11, "level == 11"),
    ("lint_conditions", "never-true", "warning", "scenes/room.yaml", 19, 11,
     "'level' is at least 0 (its min)"),
    ("lint_conditions", "never-true", "warning", "scenes/room.yaml", 24, 11,
     "'mood' only ever holds 'calm' or 'sad'"),
    ("lint_conditions", "never-true", "warning", "scenes/room.yaml", 29, 11,
     "'debug' is never changed, so it is always false"),
    ("lint_conditions", "never-true", "warning", "scenes/room.yaml", 34, 11,
     "no effect ever gains the item 'map'"),
    ("lint_conditions", "never-true", "warning", "scenes/room.yaml", 39, 11,
     "visits('room') is at least 1 while the player is in 'room'"),
    ("lint_conditions", "never-true", "warning", "scenes/room.yaml", 44, 11,
     "its parts contradict each other"),
    ("lint_conditions", "always-locked", "warning", "scenes/room.yaml", 49, 18,
     "`level <= 10` is always on"),
    ("lint_unused", "unused-variable", "warning", "story.yaml", 8, 3, "'unused_var'"),
    ("lint_unused", "unread-variable", "warning", "story.yaml", 9, 3, "'set_only'"),
    ("lint_unused", "unused-item", "warning", "story.yaml", 13, 3, "'spare'"),
    ("lint_unused", "item-never-gained", "warning", "story.yaml", 14, 3, "'ghost'"),
    ("lint_unused", "unused-region", "warning", "story.yaml", 17, 3, "'nowhere'"),
    ("lint_unused", "unused-location", "warning", "story.yaml", 20, 3, "'garden'"),
    ("lint_unused", "never-true", "warning", "scenes/hall.yaml", 15, 11, "has('ghost')"),
    ("lint_renamed", "renamed-still-exists", "warning", "story.yaml", 14, 5, "'room'"),
    ("lint_renamed", "renamed-nowhere", "error", "story.yaml", 17, 5,
     "scene 'hall' offers no such choice"),
    ("lint_renamed", "renamed-nowhere", "error", "story.yaml", 18, 5, "the scene 'nowhere'"),
    ("lint_renamed", "renamed-nowhere", "error", "story.yaml", 19, 5,
     "points to 'amble', but no scene offers"),
]
FIXTURES = sorted({row[0] for row in EXPECTED})


def _found(story: str) -> list[tuple]:
    result = check_story(STORIES / story, use_cache=False)
    assert result.loaded is not None, [d.format() for d in result.diagnostics]
    root = str(STORIES / story) + "/"
    return [(d.code, d.severity, d.path.removeprefix(root), d.line, d.col, d.message, d.hint)
            for d in result.diagnostics]


@pytest.mark.parametrize("row", EXPECTED, ids=[f"{r[0]}-{r[1]}-{r[4]}" for r in EXPECTED])
def test_each_problem_is_reported_where_it_is(row: tuple) -> None:
    story, code, severity, path, line, col, words = row
    found = _found(story)
    matching = [d for d in found if d[:5] == (code, severity, path, line, col)]
    assert matching, found
    assert words in matching[0][5]
    assert matching[0][6], "every diagnostic has a hint"


@pytest.mark.parametrize("story", FIXTURES)
def test_nothing_else_is_reported(story: str) -> None:
    expected = sorted(row[1:6] for row in EXPECTED if row[0] == story)
    assert sorted(d[:5] for d in _found(story)) == expected


@pytest.mark.parametrize("story", [STORIES / "good", STORY], ids=["good", "bundled"])
def test_clean_stories_pass_strictly(story: Path) -> None:
    result = check_story(story, use_cache=False)
    assert result.ok(strict=True), [d.format() for d in result.diagnostics]


def test_a_story_with_no_ending(tmp_path: Path) -> None:
    root = _story(tmp_path, "hall:\n  location: hall\n  text: |\n    A hall.\n  next: hall\n")
    (found,) = check_story(root, use_cache=False).diagnostics
    assert (found.code, found.line, found.col) == ("no-ending", 3, 8)  # at `start:`


def test_loader_problems_come_through_check(tmp_path: Path) -> None:
    """Duplicate choice ids and unbalanced braces are the loader's, with their lines."""
    result = check_story(STORIES / "duplicate_choice", use_cache=False)
    assert "duplicate-choice" in {d.code for d in result.diagnostics}
    assert result.loaded is None and not result.ok()
    root = _story(tmp_path, "hall:\n  location: hall\n  text: |\n    Oh {dear.\n"
                            "  ending: {title: End}\n")
    (found,) = check_story(root, use_cache=False).diagnostics
    assert (found.code, found.line, found.col) == ("unbalanced-brace", 4, 8)


def test_check_from_the_cache_gives_the_same_diagnostics() -> None:
    first = check_story(STORIES / "lint_conditions")
    again = check_story(STORIES / "lint_conditions")  # the story now comes from the cache
    assert again.diagnostics == first.diagnostics


def _story(tmp_path: Path, scenes: str) -> Path:
    root = tmp_path / "story"
    (root / "scenes").mkdir(parents=True)
    (root / "story.yaml").write_text(
        "id: tiny\ntitle: Tiny\nstart: hall\nregions:\n  home: {name: Home}\n"
        "locations:\n  hall: {name: The hall, region: home}\n", encoding="utf-8")
    (root / "scenes" / "hall.yaml").write_text(scenes, encoding="utf-8")
    return root


# -- the command ----------------------------------------------------------------------


def test_strict_fails_on_warnings(run_cli: RunCli) -> None:
    plain = run_cli("check", "lint_dead_end", cwd=STORIES)
    strict = run_cli("check", "--strict", "lint_dead_end", cwd=STORIES)
    assert (plain.returncode, strict.returncode) == (0, 1)
    assert plain.stdout == strict.stdout
    assert plain.stdout.splitlines()[0].startswith(
        "lint_dead_end/scenes/house.yaml:35:1: warning[dead-end]: scene 'cellar'")
    assert plain.stdout.splitlines()[-1] == "0 errors, 2 warnings in lint_dead_end/"


def test_errors_fail_without_strict(run_cli: RunCli) -> None:
    result = run_cli("check", "lint_cycles", cwd=STORIES)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "1 error, 2 warnings in lint_cycles/"


def test_json_for_editors_and_ci(run_cli: RunCli) -> None:
    result = run_cli("check", "--format", "json", "--strict", "lint_renamed", cwd=STORIES)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["counts"] == {"error": 3, "warning": 1}
    assert (data["ok"], data["strict"], data["story"]) == (False, True, "lint_renamed/")
    first = data["diagnostics"][0]
    assert first == {
        "path": "lint_renamed/story.yaml", "line": 14, "col": 5, "severity": "warning",
        "code": "renamed-still-exists",
        "message": "'room' is renamed under renamed: scenes, but the story still has it",
        "hint": "remove the entry, or rename 'room' in the story as well"}
    assert [d["code"] for d in data["diagnostics"]].count("renamed-nowhere") == 3


def test_json_of_a_story_that_does_not_load(run_cli: RunCli) -> None:
    result = run_cli("check", "--format", "json", "references", cwd=STORIES)
    data = json.loads(result.stdout)
    assert result.returncode == 1 and data["ok"] is False
    assert data["counts"]["error"] == len(data["diagnostics"]) > 0


def test_the_bundled_story_passes_strict(run_cli: RunCli) -> None:
    result = run_cli("check", "--strict", cwd=STORY.parent)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "0 errors, 0 warnings in story/"


# -- the logic --------------------------------------------------------------------------


@pytest.mark.parametrize("source, expected", [
    pytest.param("x > 3 and has('key')",
                 ("and", (("cmp", ("var", "x"), ">", 3), ("cmp", ("has", "key"), "==", True))),
                 id="and"),
    pytest.param("0 < x <= 5",
                 ("and", (("cmp", ("var", "x"), ">", 0), ("cmp", ("var", "x"), "<=", 5))),
                 id="chain"),
    pytest.param("not (flag or visits('a') == 0)",
                 ("not", ("or", (("cmp", ("var", "flag"), "==", True),
                                 ("cmp", ("visits", "a"), "==", 0)))), id="not-or"),
    pytest.param("clock > 60 * 14", ("cmp", ("var", "clock"), ">", 840), id="folded"),
    pytest.param("-2 >= x", ("cmp", ("var", "x"), "<=", -2), id="flipped"),
    pytest.param("turns() != 0", ("cmp", ("turns",), "!=", 0), id="turns"),
    pytest.param("mood == \"sad\"", ("cmp", ("var", "mood"), "==", "sad"), id="text"),
    pytest.param("x + y > 3", ("atom", ("source", "x + y > 3")), id="arithmetic"),
])
def test_conditions_become_formulas(source: str, expected: tuple) -> None:
    assert parse_condition(source) == expected


@pytest.mark.parametrize("source", [
    "random(1, 6) > 3", "x == y", "(a + b) > 2", "'a\\'b' == mood", "x > -(3)"])
def test_unusual_conditions_still_parse(source: str) -> None:
    """What the fast path does not read goes through Python's ast (opaque parts)."""
    assert parse_condition(source)[0] in ("atom", "cmp")


@pytest.mark.parametrize("source, here, expected", [
    ("level > 10", "", {False}),
    ("level >= 10", "", {False, True}),
    ("level <= 10", "", {True}),
    ("level > 5 and level < 3", "", {False}),
    ("level > 5 or level < 6", "", {True}),
    ("0 < level < 1", "", {False, True}),  # a number may be 0.5 after a division
    ("debug", "", {False}),
    ("not debug", "", {True}),
    ("mood == 'sad'", "", {False, True}),
    ("mood == 'angry'", "", {False}),
    ("has('map')", "", {False}),
    ("has('coin')", "", {False, True}),
    ("visits('room') == 0", "room", {False}),
    ("visits('room') == 0", "", {False, True}),
    ("turns() < 0", "", {False}),
    ("score + level > 100", "", {False, True}),
], ids=lambda value: str(value))
def test_what_a_condition_can_be(source: str, here: str, expected: set) -> None:
    loaded = load_story(STORIES / "lint_conditions", use_cache=False)
    facts = Facts(set_values={"mood": {"sad"}}, changed={"level", "score"},
                  gained={"coin"})
    domains = Domains(loaded.story, facts)
    assert outcomes(parse_condition(source), domains, here) == expected


def test_what_effects_do_is_read_from_the_compiled_story(tmp_path: Path) -> None:
    from escape_game.lint.usage import collect

    root = tmp_path / "story"
    (root / "scenes").mkdir(parents=True)
    (root / "story.yaml").write_text(
        "id: tiny\ntitle: Tiny\nstart: hall\nvars:\n  n: 0\n  b: false\n  t: ''\n  r: 0\n"
        "items:\n  key: {name: A key}\nregions:\n  home: {name: Home}\n"
        "locations:\n  hall: {name: The hall, region: home}\n", encoding="utf-8")
    (root / "scenes" / "hall.yaml").write_text(
        "hall:\n  location: hall\n  text: |\n    {t} {b: yes}\n  choices:\n"
        "    - id: go\n      text: |\n        Go\n      if: r > 1\n      do: |\n"
        "        n = 60 * 2\n        b = true\n        t = 'woolf'\n        r += n\n"
        "        gain('key')\n        lose('key')\n      goto: hall\n", encoding="utf-8")
    loaded = load_story(root, use_cache=False)
    usage = collect(loaded.story, loaded.program)
    facts = usage.facts
    assert facts.set_values == {"n": {120}, "b": {True}, "t": {"woolf"}}
    assert facts.changed == {"r"}
    assert (facts.gained, facts.lost) == ({"key"}, {"key"})
    assert usage.read == {"t", "b", "r", "n"} and usage.written == {"n", "b", "t", "r"}


@pytest.mark.parametrize("story", ["synthetic", "lint_conditions", "bundled"])
def test_the_quick_test_agrees_with_the_full_analysis(story: str, tmp_path: Path) -> None:
    """`surely_open` skips parsing only conditions the full analysis finds free."""
    from escape_game.bench.synthetic import write_story
    from escape_game.lint import _BOTH, Checker

    if story == "synthetic":
        root = write_story(300, tmp_path / "synthetic").root
    else:
        root = STORY if story == "bundled" else STORIES / story
    loaded = load_story(root, use_cache=False)
    checker = Checker(loaded.story, loaded.program)
    sources = {choice.if_ for scene in loaded.story.scenes.values()
               for choice in scene.choices if choice.if_}
    quick = [source for source in sources if checker.surely_open(source)]
    if story == "synthetic":
        assert len(quick) > len(sources) / 2
    for source in quick:
        assert outcomes(parse_condition(source), checker.domains) == _BOTH, source


def test_a_warm_check_of_a_clean_story_reads_no_yaml() -> None:
    """From the cache, a story with nothing to report is checked without PyYAML."""
    from tests.test_imports import imported_after

    check = f"from escape_game.cli import main\nmain(['check', {str(STORY)!r}], standalone_mode=False)"
    imported_after(check)  # fills the cache
    assert "yaml" not in imported_after(check)


def test_comparing_a_flag_with_text_is_the_loaders_type_error(tmp_path: Path) -> None:
    root = _story(tmp_path, "hall:\n  location: hall\n  text: |\n    A hall.\n  choices:\n"
                            "    - id: go\n      text: |\n        Go\n"
                            "      if: flag == 'a'\n      goto: hall\n")
    manifest = root / "story.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "vars:\n  flag: false\n",
                        encoding="utf-8")
    (found,) = check_story(root, use_cache=False).diagnostics
    assert (found.code, found.severity, found.line) == ("type", "error", 9)
    assert "cannot compare true/false with text" in found.message
