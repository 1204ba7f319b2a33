"""`escape-game stats`: words as a player reads them, and the story's counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import RunCli
from escape_game.loader import load_story
from escape_game.stats import count_words, prose_words, story_stats, walk_text
from tests.support import build_engine

GOOD = Path(__file__).parent / "stories" / "good"


def text_of(source: str, **variables: object):
    engine = build_engine({"a": {"text": "x", "ending": {"title": "End"}}},
                          vars={"x": 0, "money": 500, **variables})
    return engine.program.text(source)


@pytest.mark.parametrize(
    ("source", "words"),
    [
        pytest.param("One two three.", 3, id="plain"),
        pytest.param("Mark’s well-worn coat, isn't it?", 5, id="apostrophes-hyphens"),
        pytest.param("**Bold** _it_\n\n# Heading\n> quoted [link](http://x.y/z)", 5,
                     id="markdown-marks-and-link-targets"),
        pytest.param("One two {x > 1: three four|five} six", 6, id="conditional-both-sides"),
        pytest.param("{a|b c|d}", 4, id="sequence-every-alternative"),
        pytest.param("{&a|b} {~c|d e} {!f|}", 6, id="cycle-shuffle-once"),
        pytest.param("It costs {money(300)} today", 4, id="printed-value-is-one-word"),
        pytest.param("{x > 0: {a|b}|c}", 3, id="nested"),
        pytest.param("a \\{not a block\\} b", 5, id="escaped-braces"),
        pytest.param("", 0, id="empty"),
    ],
)
def test_visible_words(source: str, words: int) -> None:
    assert count_words(text_of(source)) == words


def test_walk_text_yields_prose_conditions_and_printed_values() -> None:
    kinds = [(kind, value if kind == "literal" else value.source)
             for kind, value in walk_text(text_of("A {x > 1: b|c} {x}"))]
    assert kinds == [("literal", "A "), ("condition", "x > 1"), ("literal", "b"),
                     ("literal", "c"), ("literal", " "), ("print", "x")]


def test_prose_words_ignores_link_targets() -> None:
    assert prose_words("see [the map](https://example.com/a-long/path)") == 3


def test_counts_of_the_good_story() -> None:
    loaded = load_story(GOOD)
    stats = story_stats(loaded.story, loaded.program)
    assert (stats.scenes, stats.endings) == (6, 2)
    # kitchen 3, garden's next 1, phone 1, market_stall 3; the story's read_phone.
    assert (stats.scene_choices, stats.location_choices, stats.story_choices) == (8, 0, 1)
    assert stats.choices == 9
    assert stats.choices_per_scene == 2.0  # 8 choices over 4 scenes that are not endings
    assert (stats.variables, stats.items, stats.locations, stats.regions) == (5, 2, 3, 2)
    # kitchen, garden, phone and market_stall vary; the two endings do not.
    assert stats.varying_scenes == 4
    assert stats.varying_share == pytest.approx(4 / 6, abs=1e-4)
    assert stats.words == stats.scene_words + stats.other_words
    assert sum(stats.words_by_region.values()) == stats.scene_words
    assert sum(stats.words_by_location.values()) == stats.scene_words
    assert set(stats.words_by_region) == {"home", "town", ""}  # phone has no location
    assert stats.words_by_location["garden"] == 14  # "{First time out here.|Back in ...}"


def test_words_by_location_and_region_are_hand_counted() -> None:
    engine = build_engine(
        {
            "a": {"text": "One two {x > 0: three|four five}", "title": "Six",
                  "choices": [{"id": "go", "text": "Seven eight", "goto": "b"}]},
            "b": {"location": "yard", "text": "Nine", "ending": {"title": "Ten eleven"}},
        },
        vars={"x": 0},
        regions={"home": {"name": "Home"}, "out": {"name": "Out"}},
        locations={"room": {"name": "The room", "region": "home"},
                   "yard": {"name": "Yard", "region": "out"}},
    )
    stats = story_stats(engine.story, engine.program)
    assert stats.words_by_location == {"room": 8, "yard": 3}
    assert stats.words_by_region == {"home": 8, "out": 3}
    assert stats.other_words == 6  # "Test", "The room", "Yard", "Home", "Out"
    assert stats.words == 17


def test_stats_json_from_the_command_line(run_cli: RunCli) -> None:
    result = run_cli("stats", GOOD, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["story"] == "good"
    assert (data["scenes"], data["endings"], data["choices"]) == (6, 2, 9)
    assert data["words"] == data["scene_words"] + data["other_words"]
    assert sum(data["words_by_region"].values()) == data["scene_words"]


def test_stats_text_from_the_command_line(run_cli: RunCli) -> None:
    result = run_cli("stats", GOOD)
    assert result.returncode == 0, result.stderr
    assert "scenes: 6, of which 2 endings" in result.stdout
    assert "words by region:" in result.stdout and "Home [home]" in result.stdout
