"""`play --watch`, `--from` and `--set`: reload on edit keeping the place; start anywhere.

The reload tests edit a copy of the starter story between moves. `play_watching` runs
in a thread here, fed one line at a time, so each edit lands at a known moment.
"""

from __future__ import annotations

import io
import os
import queue
import threading
import time
from pathlib import Path

import pytest

from escape_game.engine import Engine
from escape_game.errors import CommandError
from escape_game.loader import load_story
from escape_game.playfrom import parse_value, start_scene, start_values
from escape_game.session import Session, Start
from escape_game.starter import create
from escape_game.watch import Watcher, play_watching, reload_session
from tests.support import RunCli


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A fresh copy of the starter story (hallway -> street -> two endings)."""
    folder = tmp_path / "story"
    create(folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a file at once (as most editors save: a new file renamed over
    the old), its modification time moved on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    later = path.stat().st_mtime_ns + 2_000_000_000
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(temporary, ns=(later, later))
    os.replace(temporary, path)


def settled(watcher: Watcher) -> bool:
    """Whether the watcher reports a change once the files have settled (two polls)."""
    return watcher.changed() or watcher.changed()


def session_on(root: Path, *choices: str, start: Start = Start(seed=3)) -> Session:
    loaded = load_story(root)
    session = Session(Engine(loaded.story, loaded.program), start)
    for choice in choices:
        session.choose(choice)
    return session


def test_the_watcher_notices_edits_new_files_and_nothing_else(root: Path) -> None:
    watcher = Watcher(root)
    assert not settled(watcher)
    edit(root / "scenes" / "start.yaml", "Rain taps", "Rain drums")
    assert not watcher.changed()  # seen once: not yet settled
    assert watcher.changed()
    assert not settled(watcher)
    (root / "scenes" / "more.yaml").write_text("# nothing yet\n", encoding="utf-8")
    assert settled(watcher)
    (root / "README.md").write_text("not watched", encoding="utf-8")
    assert not settled(watcher)


def test_a_file_caught_half_written_is_not_read(root: Path) -> None:
    watcher = Watcher(root)
    scenes = root / "scenes" / "start.yaml"
    text = scenes.read_text(encoding="utf-8")
    scenes.write_text("", encoding="utf-8")  # emptied...
    assert not watcher.changed()
    scenes.write_text(text + "\n", encoding="utf-8")  # ...and written before the next look
    assert not watcher.changed()
    assert watcher.changed()


def test_a_reload_keeps_the_players_place(root: Path) -> None:
    session = session_on(root, "breathe", "umbrella")
    edit(root / "scenes" / "start.yaml", "Rain taps on the glass", "Hail rattles the glass")
    found = reload_session(root, session)
    assert found.changed and not found.broken
    moved = found.session
    assert moved.log == ["breathe", "umbrella"]
    assert moved.state.scene == "hallway"
    assert moved.state.vars["courage"] == 1 and moved.state.inventory == ("umbrella",)
    assert "Hail rattles the glass" in moved.step.passages[-1].text
    assert moved.game == session.game
    moved.undo()  # the replayed history is whole
    assert moved.state.inventory == ()


def test_a_touched_but_unchanged_story_is_not_reloaded(root: Path) -> None:
    session = session_on(root, "breathe")
    os.utime(root / "story.yaml")
    found = reload_session(root, session)
    assert (found.changed, found.session, found.broken) == (False, None, False)


def test_a_broken_edit_reports_its_errors_and_keeps_nothing(root: Path) -> None:
    session = session_on(root, "breathe")
    edit(root / "scenes" / "start.yaml", "goto: street", "goto: stret")
    found = reload_session(root, session)
    assert found.broken and found.session is None
    (error,) = [d for d in found.diagnostics if d.severity == "error"]
    assert (error.code, error.line) == ("unknown-scene", 33)
    assert "did you mean 'street'?" in error.hint


def test_a_renamed_scene_is_followed(root: Path) -> None:
    session = session_on(root, "breathe", "breathe", "open_door")
    assert session.state.scene == "street"
    scenes = root / "scenes" / "start.yaml"
    text = scenes.read_text(encoding="utf-8")
    scenes.write_text(text.replace("street:\n  location", "lane:\n  location")
                      .replace("goto: street", "goto: lane"), encoding="utf-8")
    manifest = root / "story.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8")
                        + "renamed:\n  scenes: {street: lane}\n", encoding="utf-8")
    found = reload_session(root, session)
    assert found.session is not None, [d.format() for d in found.diagnostics]
    assert found.session.state.scene == "lane"
    assert found.session.log == ["breathe", "breathe", "open_door"]


def test_a_game_whose_start_is_gone_begins_again(root: Path) -> None:
    session = session_on(root, "walk", start=Start(seed=1, scene="street"))
    assert session.state.scene == "ending_corner"
    scenes = root / "scenes" / "start.yaml"
    text = scenes.read_text(encoding="utf-8")
    scenes.write_text(text.replace("street:\n  location", "lane:\n  location")
                      .replace("goto: street", "goto: lane"), encoding="utf-8")
    found = reload_session(root, session)
    assert found.session is not None
    assert found.session.state.scene == "hallway" and found.session.log == []
    assert "starts again" in found.notices[-1]


# -- the plain mode, watching ------------------------------------------------------------


class Feed:
    """A stdin whose lines the test hands over one at a time."""

    def __init__(self) -> None:
        self.lines: queue.Queue[str] = queue.Queue()

    def readline(self) -> str:
        return self.lines.get(timeout=30)

    def isatty(self) -> bool:
        return False


def wait_for(out: io.StringIO, text: str, after: int = 0) -> int:
    """Wait until `text` appears in the output after position `after`; its end."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = out.getvalue().find(text, after)
        if found >= 0:
            return found + len(text)
        time.sleep(0.02)
    raise AssertionError(f"{text!r} never appeared in:\n{out.getvalue()[after:]}")


def test_playing_while_watching(root: Path) -> None:
    feed, out = Feed(), io.StringIO()
    loaded = load_story(root)
    codes: list[int] = []
    player = threading.Thread(target=lambda: codes.append(play_watching(
        root, loaded, seed=1, stdin=feed, stdout=out, width=80, poll=0.02)), daemon=True)
    player.start()
    at = wait_for(out, "> ")
    feed.lines.put("breathe\n")
    at = wait_for(out, "You feel a little braver", at)
    at = wait_for(out, "> ", at)

    scenes = root / "scenes" / "start.yaml"
    edit(scenes, "Rain taps on the glass", "Hail rattles the glass")
    at = wait_for(out, "Reloaded the story.", at)
    at = wait_for(out, "Hail rattles the glass", at)
    at = wait_for(out, "> ", at)

    edit(scenes, "goto: street", "goto: stret")
    at = wait_for(out, "The story now has 1 error; still playing the last version", at)
    at = wait_for(out, "error[unknown-scene]: unknown scene 'stret'", at)
    feed.lines.put("breathe\n")  # the last good story plays on
    at = wait_for(out, "Open the door\n", at)

    edit(scenes, "goto: stret", "goto: street")  # back to the version playing
    at = wait_for(out, "The story loads again, as it was.", at)
    feed.lines.put("open_door\n")
    at = wait_for(out, "The street is empty and shining.", at)
    feed.lines.put("walk\n")
    wait_for(out, "The end: The Corner", at)
    player.join(timeout=20)
    assert codes == [0]


def test_watch_through_the_command(run_cli: RunCli, root: Path) -> None:
    result = run_cli("play", "--plain", "--watch", "--seed", "1", root,
                     input="breathe\nbreathe\nopen_door\ngo_back\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Watching {root}{os.sep} for changes")
    assert result.stdout.rstrip().endswith("The end: Another Day")


def test_watch_starts_a_new_game(run_cli: RunCli, root: Path) -> None:
    result = run_cli("play", "--plain", "--watch", "--load", "1", root)
    assert result.returncode == 2
    assert "--watch starts a new game" in result.stderr


# -- --from and --set ----------------------------------------------------------------------


def test_from_and_set_start_where_asked(run_cli: RunCli, root: Path) -> None:
    result = run_cli("play", "--plain", "--from", "hallway", "--set", "courage=2", root,
                     input="open_door\nwalk\n")
    assert result.returncode == 0, result.stderr
    assert "(locked" not in result.stdout.split("> open_door")[0]
    assert result.stdout.rstrip().endswith("The end: The Corner")


def test_from_and_set_with_a_walkthrough(run_cli: RunCli, root: Path, tmp_path: Path) -> None:
    route = tmp_path / "route.txt"
    route.write_text("expect courage == 3\nwalk\n", encoding="utf-8")
    result = run_cli("play", "--plain", "--from", "street", "--set", "courage=3",
                     "--walkthrough", route, root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The end: The Corner" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["--from", "stret"], "--from: there is no scene 'stret' (did you mean 'street'?)"),
    (["--set", "courag=1"], "--set: there is no variable 'courag' (did you mean 'courage'?)"),
    (["--set", "courage=lots"], "--set courage: 'lots' is not a number"),
    (["--set", "courage=9"], "--set courage: 9 is outside its range (0 to 3)"),
    (["--set", "courage"], "--set 'courage' is not name=value"),
    (["--from", "street", "--continue"], "a loaded game keeps its own start"),
], ids=["unknown-scene", "unknown-variable", "not-a-number", "out-of-range", "no-equals",
        "with-a-save"])
def test_bad_starts_are_one_clear_line(run_cli: RunCli, root: Path, args: list[str],
                                       message: str) -> None:
    result = run_cli("play", "--plain", *args, root)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"escape-game: error: {message}")


def test_values_are_read_by_the_variables_type(root: Path) -> None:
    story = load_story(root).story
    story = _with_vars(story, {"met": False, "name": "Tara", "ratio": 0.5, "count": 1})
    assert start_values(story, ["met=true", "name=Mark Smith", "ratio=0.25", "count=3",
                                "courage=2"]) == {
        "met": True, "name": "Mark Smith", "ratio": 0.25, "count": 3, "courage": 2}
    assert isinstance(parse_value(story, "count", "3"), int)
    assert parse_value(story, "count", "2.5") == 2.5
    with pytest.raises(CommandError, match="is not true or false"):
        parse_value(story, "met", "yes")
    assert start_scene(story, None) == "" and start_scene(story, "street") == "street"


def _with_vars(story, extra: dict):
    import msgspec

    from escape_game.model import Variable

    variables = {**story.manifest.vars, **{k: Variable(value=v) for k, v in extra.items()}}
    manifest = msgspec.structs.replace(story.manifest, vars=variables)
    return msgspec.structs.replace(story, manifest=manifest)
