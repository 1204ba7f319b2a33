"""One process at a time writes a game's autosave ring: two windows on one game never
turn each other's autosaves out. The other window is a real process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from escape_game import saves
from escape_game.engine import Engine
from escape_game.loader import load_story
from escape_game.saves import claims
from escape_game.session import Session, Start
from tests.support import cli_env

STORY = Path(__file__).parent / "stories" / "saves_v1"
GOOD = Path(__file__).parent / "stories" / "good"

pytestmark = pytest.mark.skipif(claims.fcntl is None, reason="no flock on this platform")

#: Another window: continues the newest autosave (or, with "new", starts a game), makes
#: a move, autosaves, prints its game id before and after; then makes each move read
#: from its input, autosaved, printing its game id, until its input ends.
WINDOW = r"""
import os, sys
from escape_game import saves
from escape_game.engine import Engine
from escape_game.loader import load_story
from escape_game.session import Session, Start
loaded = load_story(sys.argv[1])
engine = Engine(loaded.story, loaded.program)
store = saves.store_for(engine)
if sys.argv[2] == "new":
    session = Session(engine, Start(seed=3))
else:
    session = saves.continue_game(store, engine).session
before = session.game
session.choose(sys.argv[3])
saves.autosave(store, session)
print(before, session.game, flush=True)
for line in sys.stdin:
    session.choose(line.strip())
    saves.autosave(store, session)
    print(session.game, flush=True)
"""


@pytest.fixture
def engine() -> Engine:
    loaded = load_story(STORY)
    return Engine(loaded.story, loaded.program)


@pytest.fixture
def window(escape_home: Path) -> Iterator:
    """Starts other windows (real processes) and ends them after the test."""
    started: list[subprocess.Popen] = []

    def start(how: str, story: Path = STORY, choice: str = "wait"
              ) -> tuple[subprocess.Popen, str, str]:
        process = subprocess.Popen(
            [sys.executable, "-c", WINDOW, str(story), how, choice], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env())
        started.append(process)
        line = process.stdout.readline()
        assert line, process.stderr.read()
        before, after = line.split()
        return process, before, after

    yield start
    for process in started:
        process.kill()
        process.wait()


def ring_of(store: saves.SaveStore, game: str) -> list[str]:
    return sorted(entry.path.name for entry in store.entries()
                  if entry.kind == "auto" and entry.game == game)


def play_with_autosaves(engine: Engine, store: saves.SaveStore, moves: int) -> Session:
    session = Session(engine, Start(seed=5))
    for _ in range(moves):
        session.choose("wait")
        saves.autosave(store, session)
    return session


def test_a_second_window_on_the_same_game_autosaves_as_a_branch(engine, window):
    store = saves.store_for(engine)
    session = play_with_autosaves(engine, store, saves.RING)
    ring = ring_of(store, session.game)
    assert len(ring) == saves.RING

    _, continued, now = window("continue")  # plays on from this game's newest autosave
    assert continued == session.game and now != session.game
    assert ring_of(store, session.game) == ring  # not one turned out by the other window
    assert len(ring_of(store, now)) == 1
    branch = store.read("auto")
    assert branch.game == now and branch.log == (*session.log, "wait")

    session.choose("wait")  # this window plays on in its own ring, as before
    entry = saves.autosave(store, session)
    assert entry.game == session.game
    assert ring_of(store, now) == [f"auto-{now}-000001.json"]  # held there: never trimmed


def test_a_game_another_window_started_is_claimed_there(engine, window):
    _, _, theirs = window("new")
    store = saves.store_for(engine)
    session = Session(engine, Start(seed=5), game=theirs)
    session.choose("wait")
    entry = saves.autosave(store, session)
    assert entry.game != theirs and session.game == entry.game  # a branch
    session.choose("wait")
    assert saves.autosave(store, session).game == entry.game  # and it stays there


def test_a_window_that_dies_leaves_its_game_free(engine, window):
    process, _, theirs = window("new")
    lock = claims.lock_path(saves.store_for(engine).folder, theirs)
    assert lock.exists()
    process.send_signal(signal.SIGKILL)  # no chance to release anything
    process.wait()
    store = saves.store_for(engine)
    session = Session(engine, Start(seed=5), game=theirs)
    session.choose("wait")
    assert saves.autosave(store, session).game == theirs
    assert session.game == theirs


def test_a_lock_file_left_by_a_dead_process_is_swept(engine, window):
    process, _, theirs = window("new")
    store = saves.store_for(engine)
    lock = claims.lock_path(store.folder, theirs)
    store.entries()
    assert lock.exists()  # held: kept
    process.kill()
    process.wait()
    store.entries()
    assert not lock.exists()
    assert [name for name in os.listdir(store.folder) if name.startswith(".")] == []


def test_one_process_never_contends_with_itself(engine):
    first, second = saves.store_for(engine), saves.store_for(engine)
    session = Session(engine, Start(seed=5))
    session.choose("wait")
    game = session.game
    assert saves.autosave(first, session).game == game
    session.choose("wait")
    assert saves.autosave(second, session).game == game
    other = Session(engine, Start(seed=6))  # a new game here gives up the old claim
    other.choose("wait")
    saves.autosave(first, other)
    assert not claims.lock_path(first.folder, game).exists()


def test_the_line_mode_says_when_it_plays_on_as_a_branch(window):
    import io

    from escape_game.linemode import run

    _, _, theirs = window("new", GOOD, "garden")
    out = io.StringIO()
    run(load_story(GOOD), seed=7, stdin=io.StringIO("continue\n"), stdout=out, width=200,
        load="auto")
    assert saves.BRANCHED in out.getvalue()
    mine = saves.SaveStore("good").read("auto")
    assert mine.game != theirs and mine.log == ("garden", "continue")
    assert len(ring_of(saves.SaveStore("good"), theirs)) == 1


def test_the_tui_says_when_it_plays_on_as_a_branch(window):
    pytest.importorskip("textual")
    from tests.test_tui import game, notifications, run_app, settle

    from escape_game.tui.app import EscapeApp

    _, _, theirs = window("new", GOOD, "garden")
    app = EscapeApp(GOOD, seed=1)

    async def scenario(pilot) -> None:
        await pilot.press("enter")  # Continue: the other window's game
        await settle(pilot)
        session = game(app).session
        assert session.game != theirs and saves.BRANCHED in notifications(app)
        newest = saves.SaveStore("good").read("auto")  # the branch is on disk at once
        assert newest.game == session.game and newest.log == ("garden",)
        await pilot.press("1")
        await settle(pilot)
        assert saves.SaveStore("good").read("auto").log == ("garden", "continue")
        assert notifications(app).count(saves.BRANCHED) == 1

    run_app(app, scenario)
    app.keeper.wait()
    assert len(ring_of(saves.SaveStore("good"), theirs)) == 1


def test_a_branch_does_not_capture_the_game_it_came_from(engine, window):
    # This window branched once, while the other played; the other has gone. Loading
    # that game's newest autosave plays it on under its own id, and the branch keeps
    # its newest autosave.
    store = saves.store_for(engine)
    process, _, theirs = window("new")
    session = Session(engine, Start(seed=5), game=theirs)
    session.choose("wait")
    branch = saves.autosave(store, session).game
    assert branch != theirs
    process.stdin.close()  # the other window quits
    process.wait()
    newest_of_theirs = next(entry for entry in store.entries() if entry.game == theirs)
    restored = saves.load_game(store, engine, newest_of_theirs.name)
    assert restored.continues and restored.session.game == theirs
    restored.session.choose("wait")
    assert saves.autosave(store, restored.session).game == theirs
    assert len(ring_of(store, branch)) == 1


def test_a_window_that_quits_leaves_no_lock_file(engine, window):
    process, _, theirs = window("new")
    store = saves.store_for(engine)
    assert claims.lock_path(store.folder, theirs).exists()
    process.stdin.close()
    assert process.wait() == 0
    assert [name for name in os.listdir(store.folder) if name.startswith(".")] == []


def test_where_locks_do_not_work_every_claim_succeeds(engine, monkeypatch):
    import errno

    def refuse(descriptor, operation):  # as NFS without a lock daemon answers
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(claims.fcntl, "flock", refuse)
    store = saves.store_for(engine)
    session = Session(engine, Start(seed=5))
    game = session.game
    for _ in range(saves.RING + 1):
        session.choose("wait")
        assert saves.autosave(store, session).game == game
    assert len(ring_of(store, game)) == saves.RING
    assert not claims.held_elsewhere(store.folder, game)


def test_a_lock_file_that_is_a_link_is_never_followed(engine, tmp_path):
    store = saves.store_for(engine)
    session = Session(engine, Start(seed=5))
    store.folder.mkdir(parents=True)
    outside = tmp_path / "outside.txt"
    claims.lock_path(store.folder, session.game).symlink_to(outside)
    session.choose("wait")
    assert saves.autosave(store, session).game == session.game
    assert not outside.exists()


def test_a_line_mode_window_claims_the_game_it_continues_at_once(window, escape_home):
    # A plays; B continues A's game and waits; A plays on and quits; then B plays. B
    # plays a branch from the moment it continued, so A's newest autosaves all stay.
    a, _, game = window("new", GOOD, "market")
    folder = saves.SaveStore("good").folder
    b = subprocess.Popen([sys.executable, "-m", "escape_game", "play", "--plain", "--continue",
                          str(GOOD)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=cli_env())
    try:
        deadline = time.monotonic() + 60
        while len(list(folder.glob(".auto-*.lock"))) < 2:  # B's claim on its branch
            assert b.poll() is None, "the line mode ended early"
            assert time.monotonic() < deadline, "the line mode never claimed a branch"
            time.sleep(0.05)
        for choice in ("go_home", "market"):
            a.stdin.write(choice + "\n")
            a.stdin.flush()
            assert a.stdout.readline().strip() == game
        a.stdin.close()
        assert a.wait(30) == 0
        out, err = b.communicate("go_home\nmarket\nquit\n", timeout=60)
    finally:
        b.kill()
    assert b.returncode == 0, err
    assert out.count(saves.BRANCHED) == 1
    store = saves.SaveStore("good")
    theirs = [entry.save.log for entry in store.entries() if entry.game == game]
    assert theirs == [("market", "go_home", "market")]  # A's newest (an earlier game's)
    mine = [entry.save for entry in store.entries()
            if entry.kind == "auto" and entry.game != game]
    assert mine and mine[0].log == ("market", "go_home", "market")


def test_where_locks_do_not_work_no_lock_file_is_left(engine, monkeypatch):
    import errno

    def refuse(descriptor, operation):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(claims.fcntl, "flock", refuse)
    store = saves.store_for(engine)
    for seed in (5, 6, 7):  # three games, one after another
        session = Session(engine, Start(seed=seed))
        session.choose("wait")
        saves.autosave(store, session)
    assert [name for name in os.listdir(store.folder) if name.startswith(".")] == []


def test_a_named_pipe_for_a_lock_file_hangs_nothing(engine):
    store = saves.store_for(engine)
    session = Session(engine, Start(seed=5))
    store.folder.mkdir(parents=True)
    os.mkfifo(claims.lock_path(store.folder, session.game))
    os.mkfifo(claims.lock_path(store.folder, "abc"))
    session.choose("wait")
    assert saves.autosave(store, session).game == session.game
    assert [entry.game for entry in store.entries()] == [session.game]


def test_restart_in_the_line_mode_frees_the_game_left(window, escape_home):
    a, _, game = window("new", GOOD, "market")
    a.stdin.close()  # A quits: its game is free
    a.wait(30)
    folder = saves.SaveStore("good").folder
    b = subprocess.Popen([sys.executable, "-m", "escape_game", "play", "--plain", "--continue",
                          str(GOOD)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=cli_env())
    try:
        def wait_for(held: bool) -> None:
            deadline = time.monotonic() + 60
            while claims.held_elsewhere(folder, game) != held:
                assert b.poll() is None, "the line mode ended early"
                assert time.monotonic() < deadline, f"held is never {held}"
                time.sleep(0.05)

        wait_for(True)  # B plays A's game on
        b.stdin.write("restart\n")
        b.stdin.flush()
        wait_for(False)  # and after a restart, no longer
        out, _ = b.communicate("quit\n", timeout=60)
    finally:
        b.kill()
    assert saves.BRANCHED not in out


def test_load_auto_after_undo_keeps_the_game_as_loaded_newest(escape_home):
    import io

    from escape_game.linemode import run

    out = io.StringIO()
    moves = "market\nbuy\ngo_home\nundo\nload auto\nquit\n"
    run(load_story(GOOD), seed=7, stdin=io.StringIO(moves), stdout=out, width=200)
    store = saves.SaveStore("good")
    assert store.read("auto").log == ("market", "buy", "go_home")
    assert store.read("auto2").log == ("market", "buy")  # the place undo went back to
