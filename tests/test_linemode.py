"""The plain line mode, walkthroughs and transcripts, on the small fixture story."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from escape_game.linemode import run
from escape_game.loader import load_story
from escape_game.walkthrough import WalkthroughError

GOOD = Path(__file__).parent / "stories" / "good"


@pytest.fixture(scope="module")
def loaded():
    return load_story(GOOD, use_cache=False)


def play(loaded, text: str, **options) -> tuple[int, str]:
    out = io.StringIO()
    code = run(loaded, seed=options.pop("seed", 7), stdin=io.StringIO(text), stdout=out,
               width=options.pop("width", 60), **options)
    return code, out.getvalue()


def test_shows_place_passage_and_numbered_choices_with_locked_reason(loaded):
    code, out = play(loaded, "")
    assert code == 0
    assert "The kitchen, Home · Breakfast · Day 1, 07:00" in out
    assert "The radio says [red] and [0], exactly so." in " ".join(out.split())
    assert "1. Stare out at the garden [red]" in out
    assert "3. Stay home for good (locked: Not yet: you have not even looked outside.)" in out
    assert "\x1b" not in out and "┃" not in out


def test_plays_to_an_ending_by_numbers_ids_and_commands(loaded):
    code, out = play(loaded, "3\ngarden\ncontinue\nstatus\ninventory\nstay\n")
    assert code == 0
    assert "Not yet: you have not even looked outside." in out
    assert "Back in the garden." not in out and "First time out here." in out
    assert "Longing: 3 of 10" in out and "Money: £5.00" in out
    assert "- Your phone: Mark’s messages." in out
    assert out.rstrip().endswith("The end: The Long Way Home")


def test_undo_redo_restart_and_unknown_input(loaded):
    _, out = play(loaded, "1\nundo\nredo\nrestart\nfly\n42\n")
    assert out.count("It is early.") == 3  # start, undo, restart
    assert "There is no choice 'fly' here." in out
    assert "There is no choice 42." in out


def test_text_wraps_to_the_width(loaded):
    _, out = play(loaded, "", width=30)
    passage = out.split("\n\n")[2:4]  # after the blank line and the place line
    assert passage and all(len(line) <= 30 for part in passage for line in part.splitlines())
    assert "The kettle climbs to a boil." in " ".join(out.split())


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "route.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_walkthrough_reaches_an_ending_and_checks_expectations(loaded, tmp_path):
    route = write(tmp_path, "seed 3\n# buy the book and leave\nmarket\nbuy  # the book\n"
                            "expect has('book') and money == 200\nleave_town\n")
    code, out = play(loaded, "", walkthrough=route)
    assert code == 0
    assert "The end: Away" in out


def test_walkthrough_fails_with_the_line_of_a_false_expectation(loaded, tmp_path):
    route = write(tmp_path, "market\n\nexpect has('book')\n")
    with pytest.raises(WalkthroughError, match=r"route.txt:3: expected has\('book'\)"):
        play(loaded, "", walkthrough=route)


def test_walkthrough_fails_with_the_line_of_an_unavailable_choice(loaded, tmp_path):
    route = write(tmp_path, "market\nleave_town\n")
    with pytest.raises(WalkthroughError, match=r"route.txt:2: choice 'leave_town'") as error:
        play(loaded, "", walkthrough=route)
    assert "buy" in error.value.hint


def test_transcript_is_markdown_of_what_was_shown_and_chosen(loaded, tmp_path):
    transcript = tmp_path / "game.md"
    play(loaded, "garden\ncontinue\nstay\n", transcript=transcript)
    text = transcript.read_text(encoding="utf-8")
    assert text.startswith("# The Small Hours")
    assert "## The kitchen · Breakfast" in text
    assert "> You chose: Stare out at the garden [red]" in text
    assert "**The end: The Long Way Home**" in text


def test_story_choices_and_back_from_a_placeless_scene(loaded):
    _, out = play(loaded, "read_phone\nput_away\n")
    assert "Mark: *Running late.* Again." not in out  # Markdown is reduced in plain mode
    assert "Mark: Running late. Again." in out
    assert out.count("The kettle climbs to a boil.") == 2


def test_a_runtime_division_by_zero_names_the_file_and_line():
    broken = load_story(Path(__file__).parent / "stories" / "toolkit_broken", use_cache=False)
    _, out = play(broken, "divide\n")
    assert "The story has an error here: " in out
    assert "scenes/house.yaml:19: 'ratio = 10 / count' divides by zero" in out


def test_a_walkthrough_that_is_a_stream_or_too_large_is_refused(tmp_path, monkeypatch):
    from escape_game import walkthrough

    if Path("/dev/zero").exists():
        with pytest.raises(WalkthroughError, match="it is not a regular file"):
            walkthrough.read_walkthrough(Path("/dev/zero"))
    monkeypatch.setattr(walkthrough, "MAX_WALKTHROUGH_BYTES", 10)
    with pytest.raises(WalkthroughError, match="larger than"):
        walkthrough.read_walkthrough(write(tmp_path, "garden\n" * 5))
