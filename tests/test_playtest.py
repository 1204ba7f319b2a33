"""`escape-game playtest`: random playthroughs, their report, and walkthroughs of failures.

The fixture `toolkit_broken` fails in two ways by hand: `cellar` at once is a dead end
(its only choice needs the key) and `divide` at once divides by zero; `attic` cannot
be reached, so neither can its `continue`.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import pytest

from tests.support import RunCli
from escape_game.cli_author import engine_for
from escape_game.engine import Engine
from escape_game.errors import StoryError
from escape_game.expressions import ExpressionError
from escape_game.loader import load_story
from escape_game.playtest import (
    CYCLE,
    DEAD_END,
    ERROR,
    EXPRESSION,
    classify,
    playtest,
    run_seed,
    walkthrough_text,
)
from escape_game.session import Session, Start
from escape_game.walkthrough import parse_walkthrough
from tests.support import build_engine

STORIES = Path(__file__).parent / "stories"
BROKEN = STORIES / "toolkit_broken"
EXPLORE = STORIES / "toolkit_explore"
GOOD = STORIES / "good"


def engine_of(root: Path) -> Engine:
    loaded = load_story(root)
    return Engine(loaded.story, loaded.program)


def test_run_seeds_depend_only_on_the_seed_and_the_run() -> None:
    seeds = [run_seed(7, run) for run in range(1000)]
    assert seeds == [run_seed(7, run) for run in range(1000)]
    assert len(set(seeds)) == 1000
    assert all(0 <= seed < 2**31 for seed in seeds)
    assert seeds != [run_seed(8, run) for run in range(1000)]


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        pytest.param(StoryError("x.yaml:3: scene 'a' offers no choice the player can take"),
                     DEAD_END, id="dead-end"),
        pytest.param(StoryError("x.yaml:3: automatic moves go round in a cycle: a -> b"),
                     CYCLE, id="cycle"),
        pytest.param(ExpressionError("'1 / x' divides by zero"), EXPRESSION, id="expression"),
        pytest.param(StoryError("scene 'z' does not exist"), ERROR, id="other"),
    ],
)
def test_classify(error: StoryError, kind: str) -> None:
    assert classify(error) == kind


def test_failures_have_their_shortest_routes() -> None:
    report = playtest(engine_of(BROKEN), 300, 0)
    assert not report.ok
    found = {f.kind: f for f in report.failures}
    assert set(found) == {DEAD_END, EXPRESSION}
    assert found[DEAD_END].route == ("cellar",)
    assert "scene 'cellar' offers no choice" in found[DEAD_END].message
    # The origin is the choice that led there: hall's `cellar`, on line 6.
    assert found[DEAD_END].origin.endswith("toolkit_broken/scenes/house.yaml:6")
    assert found[EXPRESSION].route == ("divide",)
    assert (found[EXPRESSION].scene, found[EXPRESSION].choice) == ("hall", "divide")
    assert found[EXPRESSION].origin.endswith("toolkit_broken/scenes/house.yaml:19")
    assert sum(f.runs for f in report.failures) + sum(n for _, _, n in report.endings) \
        + report.capped == report.runs == 300


def test_coverage_names_what_was_never_reached() -> None:
    report = playtest(engine_of(BROKEN), 300, 0)
    assert report.unreached_scenes == ("attic",)
    assert report.untaken_choices == ("attic.continue",)
    assert len(report.choice_keys) == 9
    assert report.endings[0][:2] == ("ending_out", "Out") and report.endings[0][2] > 0


def test_the_report_is_the_same_whatever_the_jobs() -> None:
    engine = engine_of(BROKEN)
    factory = functools.partial(engine_for, str(BROKEN))
    one = playtest(engine, 400, 5)
    two = playtest(engine, 400, 5, jobs=2, factory=factory)
    three = playtest(engine, 400, 5, jobs=3, factory=factory)
    assert one == two == three
    assert one != playtest(engine, 400, 6)


def test_jobs_need_a_factory() -> None:
    with pytest.raises(ValueError, match="factory"):
        playtest(engine_of(GOOD), 100, 0, jobs=2)


def test_progress_reaches_the_number_of_runs() -> None:
    seen: list[int] = []
    playtest(engine_of(GOOD), 250, 0, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 250


def test_a_loop_with_no_way_out_is_capped_not_failed() -> None:
    report = playtest(engine_of(EXPLORE), 200, 1, max_steps=30)
    assert report.ok
    assert report.capped > 0  # runs that jumped into the pit
    assert "ending_treasure" in [s for s, _, n in report.endings if n == 0]
    assert report.unreached_scenes == ("ending_treasure",)
    assert "crossroads.treasure" in report.untaken_choices


def test_a_cycle_of_automatic_moves_is_a_failure() -> None:
    engine = build_engine({
        "a": {"text": "A", "choices": [{"id": "go", "text": "Go", "goto": "b"}]},
        "b": {"text": "B", "choices": [{"id": "on", "fallback": True, "goto": "c"}]},
        "c": {"text": "C", "choices": [{"id": "on", "fallback": True, "goto": "b"}]},
    })
    report = playtest(engine, 5, 0)
    assert [(f.kind, f.route, f.runs) for f in report.failures] == [(CYCLE, ("go",), 5)]


def test_a_broken_start_is_a_failure_with_an_empty_route() -> None:
    engine = build_engine({"a": {"text": "A", "choices": [
        {"id": "never", "text": "Never", "if": "false", "goto": "a"}]}})
    report = playtest(engine, 3, 0)
    [failure] = report.failures
    assert (failure.kind, failure.route, failure.runs) == (DEAD_END, (), 3)


def test_the_walkthrough_replays_to_the_same_error() -> None:
    engine = engine_of(BROKEN)
    for failure in playtest(engine, 300, 0).failures:
        route = parse_walkthrough(walkthrough_text(failure, "tests/stories/toolkit_broken"))
        assert route.seed == failure.seed
        assert [e.value for e in route.entries] == list(failure.route)
        session = Session(engine, Start(seed=route.seed))
        with pytest.raises(StoryError) as raised:
            route.play(session)
        assert raised.value.message == failure.message


def test_playtest_command_writes_walkthroughs_that_play_replays(
        run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "failures"
    result = run_cli("playtest", BROKEN, "--runs", "200", "--out", out, "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["runs"] == 200
    assert data["coverage"]["scenes"]["unreached"] == ["attic"]
    kinds = {f["kind"]: f for f in data["failures"]}
    assert kinds["dead-end"]["route"] == ["cellar"]
    assert kinds["expression"]["route"] == ["divide"]
    for failure in data["failures"]:
        path = Path(failure["walkthrough"])
        assert path.parent == out and path.is_file()
        assert f"seed {failure['seed']}\n" in path.read_text(encoding="utf-8")
        replayed = run_cli("play", BROKEN, "--plain", "--walkthrough", path)
        assert replayed.returncode == 1
        assert failure["message"] in " ".join(replayed.stderr.split())


def test_playtest_command_on_a_sound_story(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("playtest", GOOD, "--runs", "100", "--seed", "3", "--jobs", "2",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "100 random playthroughs of 'The Small Hours' from seed 3" in result.stdout
    assert "scenes reached: 6 of 6" in result.stdout
    assert "failures: none" in result.stdout
    assert result.stderr == ""  # no progress bar without a terminal
    assert not (tmp_path / "playtest-failures").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess

    from tests.support import cli_env

    master, slave = pty.openpty()
    env = cli_env(TERM="xterm")
    env.pop("NO_COLOR")
    done = subprocess.Popen(
        [sys.executable, "-m", "escape_game", "playtest", GOOD, "--runs", "500"],
        stdout=subprocess.PIPE, stderr=slave, env=env, cwd=tmp_path)
    os.close(slave)
    out, _ = done.communicate(timeout=120)
    shown = b""
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closed with the program
            break
        if not data:
            break
        shown += data
    os.close(master)
    assert done.returncode == 0
    assert b"playing" in shown and b"/500" in shown  # the bar, on stderr
    assert b"\x1b" not in out and b"500 random playthroughs" in out  # stdout stays data


def test_a_spawned_worker_loads_the_story_with_the_factory() -> None:
    # Forked workers inherit the engine; where processes are spawned, each worker
    # calls the factory once and plays its chunks with that engine.
    import escape_game.playtest as module

    assert module._inherited is None  # only set while a pool is being forked
    module._start_worker(functools.partial(engine_for, str(BROKEN)))
    try:
        tally = module._worker_runs(0, 0, 50, 500)
        alone = module.play_runs(engine_of(BROKEN), 0, 0, 50, 500)
        assert tally == alone and tally.runs == 50
    finally:
        module._worker_engine = None
