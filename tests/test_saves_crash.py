"""A process killed at any instant while saving leaves every slot loadable.

A child process imports everything once, then for each round forks a worker that
plays and saves in a loop (numbered slots, the quicksave and autosaves, each one
fsynced and renamed over the last); the test kills the worker with SIGKILL after a
random delay, 200 times. Every slot holds a game before the first kill. Afterwards every file in the real save folder (under
`tmp_path`) must read as a save and load, and no temporary file may be left.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from escape_game import saves
from escape_game.saves.store import SaveStore
from tests.support import ROOT, cli_env
from tests.saves_support import long_log, loop_engine, play

KILLS = 200

SERVER = r"""
import os, sys
from pathlib import Path
from escape_game import saves
from escape_game.saves.store import SaveStore
from escape_game.session import Session, Start
from tests.saves_support import long_log, loop_engine, play, pick

engine = loop_engine()
store = SaveStore("test", Path(sys.argv[1]))

def work(round_number):
    session = Session(engine, Start(seed=round_number))
    for number in range(10**9):
        if session.step.ended:
            session.restart()
        session.choose(pick(session, number * 7 + round_number))
        kind = (number + round_number * 3) % 11
        if kind < 9:
            saves.save_game(store, session, str(kind + 1), f"round {round_number}")
        elif kind == 9:
            saves.save_game(store, session, "quick")
        else:
            saves.autosave(store, session)

for line in sys.stdin:
    round_number = int(line)
    pid = os.fork()
    if pid == 0:
        try:
            work(round_number)
        except BaseException as error:
            sys.stderr.write(f"worker failed: {error!r}\n")
        os._exit(3)
    print(pid, flush=True)
    _, status = os.waitpid(pid, 0)
    print(status, flush=True)
"""


@pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"),
                    reason="needs fork and SIGKILL")
def test_a_worker_killed_at_200_random_moments_leaves_every_slot_loadable(tmp_path):
    folder = tmp_path / "saves"
    store, engine = SaveStore("test", folder), loop_engine()
    for slot in [*map(str, range(1, 10)), "quick"]:  # every slot holds a game to lose
        saves.save_game(store, play(engine, long_log(int(slot) if slot.isdigit() else 1)),
                        slot)
    saves.autosave(store, play(engine, ["walk"]))
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(folder)], cwd=ROOT,
                              env=cli_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    chance = random.Random(20161105)
    try:
        for round_number in range(KILLS):
            server.stdin.write(f"{round_number}\n")
            server.stdin.flush()
            pid = int(server.stdout.readline())
            # Early rounds wait longer so the folder fills; later ones hit any instant.
            time.sleep(chance.uniform(0.0, 0.12 if round_number < 10 else 0.03))
            os.kill(pid, signal.SIGKILL)
            status = int(server.stdout.readline())
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
                server.stderr.read() if not os.WIFSIGNALED(status) else status)
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    # Kills between the temporary file and the rename (about 5 to 30 a run here);
    # printed, not asserted, as it depends on timing.
    left = [name for name in os.listdir(folder) if name.endswith(".tmp")]
    print(f"{len(left)} of {KILLS} kills landed mid-write")
    entries = store.entries()  # cleans the dead workers' temporary files
    names = {entry.name for entry in entries}
    assert {*map(str, range(1, 10)), "quick", "auto"} <= names
    for entry in entries:
        assert not entry.damaged, (entry.path.name, entry.problem)
        restored = saves.load_game(store, engine, entry.name)
        assert restored.session.state == entry.save.state
    assert not [name for name in os.listdir(folder) if name.endswith(".tmp")]
