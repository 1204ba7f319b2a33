"""Saves in the front ends: plain-mode commands and autosaves, saving on Ctrl+C, SIGTERM,
SIGHUP and the end of input, and `escape-game saves ...` / `play --continue --load`."""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from escape_game import saves
from escape_game.linemode import run
from escape_game.loader import load_story
from escape_game.saves import atomic
from tests.support import ROOT, cli_env

GOOD = Path(__file__).parent / "stories" / "good"


@pytest.fixture(scope="module")
def loaded():
    return load_story(GOOD, use_cache=False)


def play(loaded, text: str, **options) -> tuple[int, str]:
    out = io.StringIO()
    code = run(loaded, seed=options.pop("seed", 7), stdin=io.StringIO(text), stdout=out,
               width=80, **options)
    return code, out.getvalue()


def store() -> saves.SaveStore:
    return saves.SaveStore("good")


# -- plain mode -------------------------------------------------------------------------


def test_save_load_and_saves_commands(loaded):
    _, out = play(loaded, "garden\nsave 3 Before the garden, évidemment\ncontinue\nsaves\n"
                          "load 3\nsave\nload\n")
    assert "Saved in slot 3: “Before the garden, évidemment”." in out
    assert '3  "Before the garden, évidemment" · The garden · turn 1 ·' in out
    assert "1  (empty)" in out and "\nauto  " in out
    assert "Loaded slot 3." in out and "Saved in the quicksave." in out
    assert "Loaded the quicksave." in out
    assert store().read("3").label == "Before the garden, évidemment"


def test_loading_an_autosave_loads_the_one_listed_and_keeps_it(loaded):
    # Game A: three moves, autosaved after each; slot 1 holds its first. Loading slot 1
    # plays on as game B; then `auto2` in the list is A's newest, in the garden.
    _, out = play(loaded, "market\nsave 1\ngo_home\ngarden\nload 1\nsaves\nload auto2\n"
                          "continue\n")
    listed = next(line for line in out.splitlines() if line.startswith("auto2  "))
    assert "The garden" in listed and "turn 3" in listed
    loaded_part = out.split("Loaded auto2.")[1]
    assert "First time out here." in loaded_part  # the garden, as listed
    assert "There is no choice" not in loaded_part  # and `continue` is its choice
    games = {entry.game for entry in store().entries() if entry.kind == "auto"}
    assert len(games) == 2  # A and B each keep an autosave


def test_every_save_error_is_one_sentence(loaded):
    _, out = play(loaded, "save 12\nload 7\nload nowhere\n")
    assert "There is no slot '12' to save in. (name a slot from 1 to 9, or quick)" in out
    assert "There is nothing saved in slot 7." in out
    assert "There is no save called 'nowhere'." in out
    assert "Traceback" not in out and "Saved" not in out


def test_a_damaged_slot_is_kept_and_said_so(loaded):
    play(loaded, "garden\nsave 2\n")
    path = store().folder / "slot-2.json"
    path.write_bytes(b'{"format": 1, "st')
    _, out = play(loaded, "save 2\nload 2\nsaves\n")
    assert "'2' holds a damaged save (truncated (the file ends early)); it is kept" in out
    assert "The save '2' is damaged: truncated" in out
    assert "2  damaged: truncated (the file ends early)" in out
    assert path.read_bytes() == b'{"format": 1, "st' and "Saved" not in out


def test_autosave_after_every_choice_and_continue(loaded):
    play(loaded, "garden\ncontinue\n")
    newest = store().latest_autosave()
    assert newest.save.log == ("garden", "continue")
    _, out = play(loaded, "status\n", load="auto")
    assert "Longing: 3 of 10" in out
    assert "It is early." not in out.split("\n\n")[2]  # the kitchen seen again, not the start


def test_loading_or_restarting_keeps_the_game_left_behind_in_its_autosave(loaded):
    _, out = play(loaded, "garden\nsave 3\ncontinue\nmarket\nundo\nload 3\n")
    left = [entry.save.log for entry in store().entries() if entry.kind == "auto"]
    # Newest first: the branch loaded from slot 3 (saved at the end of input), then
    # the game left behind as it was after the undo, saved on leaving it.
    assert left[:2] == [("garden",), ("garden", "continue")]
    _, out = play(loaded, "garden\ncontinue\nundo\nrestart\n")
    assert store().latest_autosave().save.log == ("garden",)


def test_a_failed_autosave_is_told_once_and_play_goes_on(loaded, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    _, out = play(loaded, "garden\ncontinue\nsave 1\n")
    assert out.count("The autosave failed: could not write") == 1
    assert "the disk is full" in out
    assert "Saved" not in out and "Could not write 'slot-1.json': the disk is full" in out


def test_an_ending_is_recorded_in_the_profile(loaded):
    _, out = play(loaded, "garden\ncontinue\nstay\n")
    assert out.rstrip().endswith("The end: The Long Way Home")
    found = saves.ProfileStore().load().endings_of("good")
    assert [(e.scene, e.title) for e in found] == [("ending_home", "The Long Way Home")]


def test_loading_a_save_made_before_a_story_edit_tells_what_changed(loaded, tmp_path):
    import shutil

    play(loaded, "garden\ncontinue\nsave 1\n")
    edited = tmp_path / "good"
    shutil.copytree(GOOD, edited)
    manifest = edited / "story.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "version: 1", "version: 2").replace("  brave: false\n", "  brave: false\n  calm: 4\n"),
        encoding="utf-8")
    _, out = play(load_story(edited), "", load="1")
    assert "The story has changed since this game was saved (version 1, now 2)." in out
    assert "New variable 'calm' starts at 4." in out


# -- stopping: end of input, Ctrl+C, SIGTERM, SIGHUP -----------------------------------------


def start_game(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "escape_game", "play", "--plain", str(GOOD), *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        encoding="utf-8", cwd=ROOT, env=cli_env())


def wait_for(predicate, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


STOPS = [("SIGINT", 130), ("SIGTERM", 143), ("SIGHUP", 129)]


@pytest.mark.parametrize("name, code", STOPS, ids=[name for name, _ in STOPS])
def test_a_signal_autosaves_the_game_as_it_is_before_exiting(name, code):
    number = getattr(signal, name, None)
    if number is None:
        pytest.skip(f"no {name} here")
    game = start_game("--seed", "4")
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(iter(
        lambda: game.stdout.read(1), "")), daemon=True)
    reader.start()
    # Two choices (each autosaved), then an undo: only the exit can save this state.
    game.stdin.write("garden\ncontinue\nundo\n")
    game.stdin.flush()
    # The undo is done when its step is shown and the game waits at the next prompt.
    wait_for(lambda: "> undo\n" in "".join(output) and "".join(output).endswith("> "))
    game.send_signal(number)
    game.wait(timeout=60)
    reader.join(timeout=10)
    err = game.stderr.read()
    assert game.returncode == code, err
    assert "Traceback" not in err
    assert "Your game is saved" in "".join(output)
    assert store().latest_autosave().save.log == ("garden",)


def test_end_of_input_autosaves():
    game = start_game("--seed", "4")
    out, err = game.communicate("garden\ncontinue\nundo\n", timeout=30)
    assert game.returncode == 0, err
    assert store().latest_autosave().save.log == ("garden",)


# -- the CLI ------------------------------------------------------------------------------


def cli(capsys, *args) -> tuple[int, str, str]:
    """Run the program in this process (faster than a child): code, stdout, stderr."""
    from escape_game.cli import main

    code = main([str(arg) for arg in args], standalone_mode=False)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_saves_list_show_delete_export_import(loaded, capsys, tmp_path):
    play(loaded, "garden\nsave 1 First\ncontinue\n")
    (store().folder / "slot-5.json").write_text("not json")
    code, out, err = cli(capsys, "saves", "list", "--story", GOOD)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith('1  "First" · The garden · turn 1')
    assert "5  damaged: not JSON" in lines and lines[2].startswith("auto  ")
    data = json.loads(cli(capsys, "saves", "list", "--story", GOOD, "--format", "json")[1])
    assert data[0]["label"] == "First" and data[0]["story_unchanged"] is True
    assert data[1] == {"name": "5", "kind": "slot", "damaged": True, "problem": "not JSON",
                       "file": str(store().folder / "slot-5.json")}
    _, shown, _ = cli(capsys, "saves", "show", "1", "--story", GOOD)
    assert "scene: garden; choices made: 1" in shown and "longing = 3" in shown
    exported = tmp_path / "first.json"
    assert cli(capsys, "saves", "export", "1", exported, "--story", GOOD)[0] == 0
    assert cli(capsys, "saves", "import", exported, "--story", GOOD)[1] == \
        f"imported {exported} into 2\n"
    code, _, err = cli(capsys, "saves", "import", exported, "1", "--story", GOOD)
    assert code == 1 and err.count("\n") == 1 and "slot '1' already holds a save" in err
    assert cli(capsys, "saves", "delete", "5", "--story", GOOD)[1] == "deleted 5 (slot-5.json)\n"
    code, _, err = cli(capsys, "saves", "show", "5", "--story", GOOD)
    assert code == 1
    assert err == ("escape-game: error: there is nothing saved in slot 5 (see the "
                   "list: 'saves' while playing, or escape-game saves list)\n")


def test_cli_play_continue_and_load(run_cli):
    first = run_cli("play", "--plain", GOOD, "--seed", "2", input="garden\nsave 4\ncontinue\n")
    assert first.returncode == 0, first.stderr
    continued = run_cli("play", "--continue", GOOD, input="")
    assert continued.returncode == 0 and "Breakfast" in continued.stdout
    loaded = run_cli("play", "--load", "4", GOOD, input="")
    assert loaded.returncode == 0 and "First time out here." in loaded.stdout
    for args, message in [(["--load", "9"], "nothing saved in slot 9"),
                          (["--continue", "--load", "4"], "--continue and --load"),
                          (["--continue", "--seed", "3"], "keeps its own seed")]:
        result = run_cli("play", *args, GOOD)
        assert result.returncode in (1, 2) and message in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_cli_write_failure_is_one_line(run_cli, escape_home):
    escape_home.mkdir(parents=True, exist_ok=True)
    (escape_home / "data").write_text("a file where the data folder should be")
    result = run_cli("play", "--plain", GOOD, input="garden\nsave 1\n")
    assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr
    assert "The autosave failed: could not write" in result.stdout
    assert "a file stands where a folder should be" in result.stdout
    assert "Saved" not in result.stdout
    assert os.path.isfile(escape_home / "data")


def test_cli_saves_take_the_story_folder_positionally(loaded, capsys):
    play(loaded, "garden\nsave 1 First\ncontinue\n")
    code, out, err = cli(capsys, "saves", "list", GOOD)
    assert code == 0 and out.startswith('1  "First"'), err
    assert cli(capsys, "saves", "list", "--story", GOOD)[1] == out
    assert "scene: garden" in cli(capsys, "saves", "show", "1", GOOD)[1]
    code, _, err = cli(capsys, "saves", "list", GOOD, "--story", ROOT / "story")
    assert code != 0 and err.count("\n") == 1 and "two story folders given" in err
    assert cli(capsys, "saves", "delete", "1", GOOD)[1] == "deleted 1 (slot-1.json)\n"


def test_cli_import_refuses_a_stream_and_a_huge_file(capsys, tmp_path, monkeypatch):
    from escape_game.saves import store as store_module

    if os.path.exists("/dev/zero"):
        code, _, err = cli(capsys, "saves", "import", "/dev/zero", "2", "--story", GOOD)
        assert code == 1 and err == ("escape-game: error: could not read '/dev/zero': "
                                     "it is not a regular file\n")
    monkeypatch.setattr(store_module, "MAX_SAVE_BYTES", 1_000)
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 1_001)
    code, _, err = cli(capsys, "saves", "import", big, "2", "--story", GOOD)
    assert code == 1 and err.count("\n") == 1 and "it is larger than 0.001 MB" in err


def test_a_home_that_is_a_file_is_named_in_the_hint(escape_home, loaded):
    escape_home.parent.mkdir(parents=True, exist_ok=True)
    escape_home.write_text("not a folder")
    _, out = play(loaded, "save 1\n")
    assert "free some space" not in out
    assert f"'{escape_home}' is a file, not a folder" in out


def test_an_empty_home_variable_counts_as_unset(monkeypatch):
    import platformdirs

    from escape_game.paths import data_dir

    monkeypatch.setenv("ESCAPE_GAME_HOME", "")
    assert data_dir() == Path(platformdirs.user_data_dir("escape-game", appauthor=False))
