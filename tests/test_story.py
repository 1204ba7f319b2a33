"""The bundled story, proved: every ending played to the end, and its size counted.

Each file in `tests/walkthroughs/` is a full route from the story's start to one
ending, with `expect` lines that check the state on the way (the items held, the
lateness remembered, the day and the money). Its first line names the ending it
reaches: `# ending: The Last Train Home`. Every walkthrough is replayed through the
real command line, `escape-game play --plain story --walkthrough FILE`, and must exit 0
and print that ending's title.

The figures the story promises (issue 3: at least 80 scenes, 20,000 visible words,
12 locations across Kent, Ebbsfleet, London and Paris, six titled endings, 30% of
scenes with varying text, three locked choices with reasons, five variables and five
items that change text or choices) are counted from the story as loaded, so the counts
cannot drift from what players see. And `escape-game check --strict` must find nothing.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import STORY, RunCli
from escape_game.loader import load_story
from escape_game.stats import story_stats, walk_text

WALKTHROUGHS = Path(__file__).resolve().parent / "walkthroughs"
FILES = sorted(WALKTHROUGHS.glob("*.txt"))
REGIONS = {"kent", "ebbsfleet", "london", "paris"}
_ENDING_LINE = re.compile(r"^#\s*ending:\s*(.+?)\s*$", re.MULTILINE)


@pytest.fixture(scope="module")
def loaded():
    return load_story(STORY, use_cache=False)


def ending_of(path: Path) -> str:
    """The ending title a walkthrough names on its `# ending:` line."""
    found = _ENDING_LINE.search(path.read_text(encoding="utf-8"))
    assert found, f"{path.name} has no '# ending: TITLE' line"
    return found.group(1)


def ending_titles(story) -> dict[str, str]:
    """Ending scene id -> its title."""
    return {sid: scene.ending.title for sid, scene in story.scenes.items()
            if scene.ending is not None}


def expression_sources(story, program) -> Iterator[str]:
    """Every condition and every expression inside a text, as written."""
    for scene in story.scenes.values():
        texts = [scene.text, *(choice.text for choice in scene.choices),
                 *(choice.reason for choice in scene.choices)]
        for choice in scene.choices:
            yield from filter(None, (choice.if_, choice.locked_if))
        for text in filter(None, texts):
            for kind, value in walk_text(program.text(text)):
                if kind != "literal":
                    yield value.source


def names_used(source: str, variables, items) -> tuple[set[str], set[str]]:
    """(variables read, items tested with has()) by one expression."""
    tree = ast.parse(source.strip(), mode="eval")
    read = {node.id for node in ast.walk(tree)
            if isinstance(node, ast.Name) and node.id in variables}
    tested = {node.args[0].value for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "has" and node.args
              and isinstance(node.args[0], ast.Constant) and node.args[0].value in items}
    return read, tested


# -- the walkthroughs ------------------------------------------------------------------

def test_there_is_a_walkthrough_for_every_ending(loaded) -> None:
    titles = set(ending_titles(loaded.story).values())
    covered = {ending_of(path) for path in FILES}
    assert covered <= titles, f"walkthroughs name endings the story lacks: {covered - titles}"
    assert titles <= covered, f"endings with no walkthrough: {sorted(titles - covered)}"


def test_every_walkthrough_sets_a_seed_and_checks_the_state() -> None:
    for path in FILES:
        lines = [line.split("#", 1)[0].strip()
                 for line in path.read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if line]
        assert lines[0].startswith("seed "), f"{path.name}: the first line should be 'seed N'"
        assert sum(line.startswith("expect ") for line in lines) >= 3, path.name


def test_the_walkthroughs_check_items_and_the_lateness_both_ways() -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in FILES)
    for item in ("tapestry_book", "passport", "eurostar_ticket", "photograph"):
        assert f"has('{item}')" in text, f"no walkthrough checks has('{item}')"
    late = [p.name for p in FILES if re.search(r"^expect .*(?<!not )late_for_children",
                                                 p.read_text(encoding="utf-8"), re.M)]
    on_time = [p.name for p in FILES if "not late_for_children" in p.read_text(encoding="utf-8")]
    assert late, "no walkthrough is late for the children"
    assert on_time, "no walkthrough is on time for the children"


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_walkthrough_reaches_its_ending(path: Path, run_cli: RunCli) -> None:
    title = ending_of(path)
    done = run_cli("play", "--plain", STORY, "--walkthrough", path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"The end: {title}" in done.stdout, done.stdout[-2000:]


# -- the story's size, counted from the loaded story ------------------------------------

def test_scenes_words_and_varying_text(loaded) -> None:
    stats = story_stats(loaded.story, loaded.program)
    assert stats.scenes >= 80
    # Visible words in scenes: passages, titles, choices and lock reasons, every
    # alternative of varying text once.
    assert stats.scene_words >= 20_000
    assert stats.varying_share >= 0.30


def test_locations_across_the_four_regions(loaded) -> None:
    story = loaded.story
    used = {scene.location for scene in story.scenes.values() if scene.location}
    assert len(used) >= 12
    regions = {story.manifest.locations[location].region for location in used}
    assert REGIONS <= regions


def test_six_titled_endings_that_differ(loaded) -> None:
    titles = ending_titles(loaded.story)
    assert len(titles) >= 6
    assert all(title.strip() for title in titles.values())
    assert len(set(titles.values())) == len(titles)


def test_choices_shown_locked_with_a_reason(loaded) -> None:
    locked = [(sid, choice.id) for sid, scene in loaded.story.scenes.items()
              for choice in scene.choices if choice.locked_if and choice.reason.strip()]
    assert len(locked) >= 3


def test_variables_and_items_change_text_and_choices(loaded) -> None:
    story, program = loaded
    variables, items = story.manifest.vars, story.manifest.items
    read: set[str] = set()
    tested: set[str] = set()
    for source in expression_sources(story, program):
        more_read, more_tested = names_used(source, variables, items)
        read |= more_read
        tested |= more_tested
    assert len(read) >= 5, sorted(read)
    assert len(tested) >= 5, sorted(tested)
    for item in ("tapestry_book", "eurostar_ticket", "passport", "phone", "photograph",
                 "sketchbook"):
        assert item in tested, f"nothing in the story tests has('{item}')"


def test_check_finds_nothing(run_cli: RunCli) -> None:
    done = run_cli("check", "--strict", STORY)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 errors, 0 warnings" in done.stdout + done.stderr


def test_explore_proves_every_ending_reachable_and_no_dead_end(loaded) -> None:
    """The story issue's proof. The state space is far past any cap (see the guide's
    “Explore it”), so the breadth-first search stops, and explore goes on to find a
    route to each ending it missed and to prove that no state can fail."""
    from escape_game.engine import Engine
    from escape_game.explore import explore

    found = explore(loaded.story, loaded.program, max_states=5_000)
    endings = {s for s, scene in loaded.story.scenes.items() if scene.ending is not None}
    assert {item.scene for item in found.endings} == endings
    assert found.unreached_endings == () and found.failures == ()
    assert found.safety is not None and found.safety.proved, found.safety
    assert found.ok
    engine = Engine(loaded.story, loaded.program)
    for item in found.endings:  # each route is real: the engine plays it to the ending
        state = engine.start(seed=item.seed or 0).state
        for move in item.route:
            state = engine.choose(state, move.choice, render=False).state
        assert state.scene == item.scene
