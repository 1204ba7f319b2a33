"""Saves: slots, quicksave, autosave rings, damaged files, failed writes, the profile."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import msgspec
import pytest

from escape_game import saves
from escape_game.engine import Engine
from escape_game.errors import CommandError, SaveError
from escape_game.paths import data_dir
from escape_game.saves import atomic, rebuild
from escape_game.saves.format import FORMAT_VERSION, decode, encode
from escape_game.saves.store import SaveStore
from escape_game.session import Session, Start
from tests.saves_support import long_log, loop_engine, pick, play


@pytest.fixture
def engine() -> Engine:
    return loop_engine()


@pytest.fixture
def store(engine: Engine) -> SaveStore:
    return saves.store_for(engine)


def edited(engine: Engine, digest: str = "edited") -> Engine:
    """The same story under another digest: loads take the replay path."""
    return Engine(msgspec.structs.replace(engine.story, digest=digest), engine.program)


# -- where and what ------------------------------------------------------------------


def test_saves_live_in_the_data_folder_one_folder_per_story(engine, store, escape_home):
    entry = saves.save_game(store, play(engine, ["walk"]), "1")
    assert entry.path == data_dir() / "saves" / "test" / "slot-1.json"
    assert entry.path.is_relative_to(escape_home / "data")


def test_a_save_holds_everything_the_issue_lists(engine, store):
    session = Session(engine, Start(seed=99, variables={"steps": 5}))
    for choice in ["take", "walk", "rename"]:
        session.choose(choice)
    entry = saves.save_game(store, session, "2", "Before Paris")
    raw = json.loads(entry.path.read_text(encoding="utf-8"))
    assert raw["format"] == FORMAT_VERSION
    assert raw["story"] == {"id": "test", "version": 1, "digest": "test", "title": "Test"}
    assert raw["seed"] == 99 and raw["start_vars"] == {"steps": 5}
    assert raw["log"] == ["take", "walk", "rename"]
    assert raw["state"]["scene"] == "a" and raw["state"]["inventory"] == ["coin"]
    assert raw["state"]["visits"] == {"a": 3, "b": 1} and raw["state"]["taken"] == ["a.take"]
    assert raw["state"]["turn"] == 3
    assert raw["saved_at"].endswith("+00:00") and "T" in raw["saved_at"]
    assert raw["play_time"] >= 0 and raw["title"] == "Kitchen" and raw["location"] == "The room"
    assert raw["label"] == "Before Paris" and len(raw["game"]) == 12


def test_round_trip_keeps_ints_floats_strings_and_the_game_goes_on_the_same(engine, store):
    session = play(engine, long_log(41))
    saves.save_game(store, session, "1")
    restored = saves.load_game(store, engine, "1").session
    assert restored.state == session.state
    for name, value in session.state.vars.items():
        assert type(restored.state.vars[name]) is type(value), name
    assert restored.state.vars["name"] == "Zoë 😀 \u00e9\u0301 中文"
    assert restored.log == session.log and restored.start == session.start
    for number in [0, 2, 1, 3, 2, 0, 1, 5, 4, 2, 2, 1, 0, 3]:
        choice = pick(session, number)
        assert restored.choose(choice) == session.choose(choice)


def test_unchanged_story_loads_without_replay_and_undo_stops_at_the_load(engine, store):
    session = play(engine, long_log(1000))
    saves.save_game(store, session, "quick")
    loaded = saves.load_game(store, engine, "quick")
    assert loaded.replayed == 0 and loaded.notices == ()
    assert loaded.session.base == 1000 and loaded.session.state == session.state
    loaded.session.choose("back")
    loaded.session.undo()
    with pytest.raises(CommandError, match="nothing to undo"):
        loaded.session.undo()
    assert len(loaded.session.journal()) == 1


def test_an_edited_story_replays_the_log_to_the_same_game(engine, store):
    session = play(engine, long_log(300))
    saves.save_game(store, session, "1")
    loaded = saves.load_game(store, edited(engine), "1")
    assert loaded.replayed == 300 and loaded.applied == 300
    assert loaded.session.state == session.state
    assert loaded.notices == ("The story has changed since this game was saved.",)
    # As after any load, undo starts from the loaded game: it cannot reach into a
    # replay made without rendering.
    with pytest.raises(CommandError):
        loaded.session.undo()
    assert loaded.session.choose(loaded.session.step.choices[0].id).state.turn == 301


def test_a_save_from_another_program_version_is_replayed(engine, store, monkeypatch):
    session = play(engine, long_log(20))
    saves.save_game(store, session, "1")
    monkeypatch.setattr(rebuild, "__version__", "9.9.9")
    loaded = saves.load_game(store, engine, "1")
    assert loaded.replayed == 20 and loaded.session.state == session.state


def test_a_hand_edited_state_that_does_not_fit_falls_back_to_replay(engine, store):
    session = play(engine, long_log(10))
    save = saves.snapshot(session)
    bad = msgspec.structs.replace(save, state=msgspec.structs.replace(save.state, scene="zz"))
    loaded = saves.restore(engine, bad)
    assert loaded.replayed == 10 and loaded.session.state == session.state


def test_start_variables_and_scene_round_trip(engine, store):
    session = Session(engine, Start(seed=3, scene="b", variables={"ratio": 2.0, "name": "é"}))
    session.choose("back")
    saves.save_game(store, session, "4")
    loaded = saves.load_game(store, edited(engine), "4").session
    assert loaded.start == session.start and loaded.state == session.state
    assert type(loaded.start.variables["ratio"]) is float


def test_play_time_carries_across_a_load(engine, store):
    session = play(engine, ["walk"])
    session._played = 3600.0  # an hour already played
    saves.save_game(store, session, "1")
    loaded = saves.load_game(store, engine, "1").session
    assert 3600.0 <= loaded.play_time < 3700


# -- slots ----------------------------------------------------------------------------


def test_nine_slots_and_a_quicksave_each_keep_their_own_game(engine, store):
    for slot in range(1, 10):
        saves.save_game(store, play(engine, long_log(slot)), str(slot), f"label {slot}")
    saves.save_game(store, play(engine, long_log(12)), "quick")
    entries = {entry.name: entry for entry in store.entries()}
    assert list(entries) == [*map(str, range(1, 10)), "quick"]
    for slot in range(1, 10):
        assert entries[str(slot)].save.label == f"label {slot}"
        assert saves.load_game(store, engine, str(slot)).session.log == long_log(slot)
    assert saves.load_game(store, engine, "quick").session.log == long_log(12)
    assert store.read("Slot 3").log == tuple(long_log(3))


@pytest.mark.parametrize("label", ["../../etc/passwd", "a/b\\c", "CON", "\x00\n\t",
                                   "Ünïcödé 😀 " * 30, ""], ids=["dots", "slashes", "con",
                                                                 "control", "long", "empty"])
def test_labels_are_any_text_and_never_file_names(engine, store, label):
    entry = saves.save_game(store, play(engine, ["walk"]), "5", label)
    assert entry.path.name == "slot-5.json"
    assert sorted(os.listdir(store.folder)) == ["slot-5.json"]
    assert entry.save.label == " ".join(label.split())[:200]


def test_a_lone_surrogate_in_a_label_is_replaced_not_a_crash(engine, store):
    entry = saves.save_game(store, play(engine, []), "1", "bad \udc80 byte")
    assert entry.save.label == "bad ? byte"


@pytest.mark.parametrize("name", ["0", "10", "auto", "../x", "slot"])
def test_saving_in_a_slot_that_does_not_exist_is_refused(engine, store, name):
    with pytest.raises(SaveError, match="no slot"):
        saves.save_game(store, play(engine, []), name)
    assert not store.folder.exists() or not os.listdir(store.folder)


def test_loading_an_empty_slot_says_so(engine, store):
    with pytest.raises(SaveError, match="nothing saved in slot 7"):
        saves.load_game(store, engine, "7")
    with pytest.raises(SaveError, match="no autosave"):
        saves.continue_game(store, engine)


def test_a_value_json_cannot_carry_is_refused_before_writing(engine, store):
    save = msgspec.structs.replace(saves.snapshot(play(engine, [])),
                                   start_vars={"ratio": float("nan")})
    with pytest.raises(SaveError, match="cannot be saved"):
        encode(save)
    with pytest.raises(SaveError, match="cannot be saved"):
        store.write("1", save)
    assert not (store.folder / "slot-1.json").exists()


# -- autosaves ------------------------------------------------------------------------


def autos(store: SaveStore) -> list[str]:
    return [entry.path.name for entry in store.entries() if entry.kind == "auto"]


def test_autosave_ring_keeps_the_newest_three_of_a_game(engine, store):
    session = play(engine, [])
    for choice in long_log(6):
        session.choose(choice)
        saves.autosave(store, session)
    game = session.game
    assert autos(store) == [f"auto-{game}-00000{n}.json" for n in (6, 5, 4)]
    assert [entry.name for entry in store.entries()] == ["auto", "auto2", "auto3"]
    assert saves.continue_game(store, engine).session.log == long_log(6)


def test_starting_a_new_game_keeps_the_previous_games_autosave(engine, store):
    first = play(engine, [])
    for choice in long_log(5):
        first.choose(choice)
        saves.autosave(store, first)
    second = Session(engine, Start(seed=8))
    assert second.game != first.game
    for choice in ["walk", "back"]:
        second.choose(choice)
        saves.autosave(store, second)
    kept = [entry for entry in store.entries() if entry.game == first.game]
    assert [entry.save.log for entry in kept] == [tuple(long_log(5))]
    assert saves.continue_game(store, engine).session.game == second.game
    first.restart()  # restarting is a new game too
    saves.autosave(store, first)
    assert {entry.game for entry in store.entries()} == {first.game, second.game,
                                                        kept[0].game}


def test_the_ring_never_removes_a_damaged_file(engine, store):
    session = play(engine, [])
    session.choose("walk")
    saves.autosave(store, session)
    damaged = store.folder / f"auto-{session.game}-000002.json"
    damaged.write_bytes(b'{"format": 1, "story": {"id": "te')
    for choice in ["back", "walk", "back", "walk"]:
        session.choose(choice)
        saves.autosave(store, session)
    assert damaged.read_bytes() == b'{"format": 1, "story": {"id": "te'
    listed = {entry.path.name: entry for entry in store.entries()}
    assert listed[damaged.name].problem.startswith("truncated")
    assert sum(not entry.damaged for entry in listed.values()) == 3


def test_loading_a_slot_branches_and_the_newest_autosave_continues(engine, store):
    session = play(engine, ["walk"])
    saves.autosave(store, session)
    saves.save_game(store, session, "1")
    assert saves.continue_game(store, engine).session.game == session.game
    assert saves.load_game(store, engine, "1").session.game != session.game
    session.choose("back")
    saves.autosave(store, session)
    assert saves.load_game(store, engine, "auto2").session.game != session.game


# -- damaged files --------------------------------------------------------------------


def good_bytes(engine: Engine) -> bytes:
    return encode(saves.snapshot(play(engine, ["walk", "back"])))


DAMAGE = {
    "truncated": (lambda good: good[: len(good) // 2], "truncated"),
    "empty": (lambda good: b"", "empty"),
    "not-json": (lambda good: b"\x00\x01 this is not json", "not JSON"),
    "not-a-save": (lambda good: b"[1, 2, 3]", "not a save"),
    "future-format": (lambda good: good.replace(b'"format":1', b'"format":7'),
                      "unknown format version 7"),
    "old-format": (lambda good: good.replace(b'"format":1', b'"format":0'),
                   "unknown format version 0"),
    "another-story": (lambda good: good.replace(b'"id":"test"', b'"id":"other"'),
                      "from another story ('other')"),
    "wrong-type": (lambda good: good.replace(b'"seed":7', b'"seed":"7"'),
                   "not a valid save"),
    "nested": (lambda good: good[:-1] + b',"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
               "nested too deeply"),
}


@pytest.mark.parametrize("case", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_file_is_listed_with_its_reason_and_kept(engine, store, case):
    damage, reason = DAMAGE[case]
    saves.save_game(store, play(engine, ["walk"]), "1")
    saves.save_game(store, play(engine, ["take"]), "3")
    bad = store.folder / "slot-2.json"
    content = damage(good_bytes(engine))
    bad.write_bytes(content)
    listed = {entry.name: entry for entry in store.entries()}
    assert listed["2"].damaged and reason in listed["2"].problem
    assert not listed["1"].damaged and not listed["3"].damaged
    assert saves.load_game(store, engine, "3").session.log == ["take"]
    with pytest.raises(SaveError, match="damaged"):
        saves.load_game(store, engine, "2")
    with pytest.raises(SaveError, match="damaged"):
        saves.save_game(store, play(engine, []), "2")
    assert bad.read_bytes() == content
    store.delete("2")  # only when the player asks
    assert not bad.exists()


def test_unknown_files_in_the_folder_are_ignored(engine, store):
    saves.save_game(store, play(engine, []), "1")
    (store.folder / "notes.txt").write_text("mine")
    (store.folder / "slot-12.json").write_text("{}")
    assert [entry.name for entry in store.entries()] == ["1"]


def test_a_save_from_the_future_names_the_reason():
    with pytest.raises(saves.format.Damaged, match="newer version of the game"):
        decode(b'{"format": 99, "story": {"id": "x", "version": 1, "digest": "d"}}')


# -- atomic writes and failures ---------------------------------------------------------


def test_leftover_temporary_files_are_ignored_and_cleaned_up(engine, store):
    saves.save_game(store, play(engine, []), "1")
    dead = store.folder / ".slot-2.json.999999999.abc.tmp"
    dead.write_bytes(b'{"format": 1, "sto')
    mine = store.folder / f".slot-3.json.{os.getpid()}.abc.tmp"
    mine.write_bytes(b"in progress")
    assert [entry.name for entry in store.entries()] == ["1"]
    assert not dead.exists() and mine.exists()


def test_no_temporary_file_is_left_after_a_write(engine, store):
    saves.save_game(store, play(engine, []), "1")
    saves.save_game(store, play(engine, ["walk"]), "1")
    assert os.listdir(store.folder) == ["slot-1.json"]


def existing_slot(engine: Engine, store: SaveStore) -> tuple[Path, bytes]:
    entry = saves.save_game(store, play(engine, ["take"]), "1")
    return entry.path, entry.path.read_bytes()


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_a_full_disk_leaves_every_save_untouched(engine, store, monkeypatch, where):
    path, before = existing_slot(engine, store)
    full = OSError(errno.ENOSPC, "No space left on device")

    def fail(*args, **kwargs):
        raise full

    if where == "write":
        real_open = open

        class Full:
            def __init__(self, handle):
                self.handle = handle

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.handle.close()

            def write(self, data):
                raise full

        monkeypatch.setattr("builtins.open", lambda file, mode="r", *a, **k: Full(
            real_open(file, mode, *a, **k)) if mode == "wb" else real_open(file, mode, *a, **k))
    else:
        monkeypatch.setattr(atomic.os, where, fail)
    with pytest.raises(SaveError, match="the disk is full"):
        saves.save_game(store, play(engine, ["walk", "back"]), "1")
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(store.folder) == ["slot-1.json"]
    assert saves.load_game(store, engine, "1").session.log == ["take"]


def test_a_failed_autosave_turns_no_ring(engine, store, monkeypatch):
    session = play(engine, [])
    for choice in long_log(4):
        session.choose(choice)
        saves.autosave(store, session)
    before = {path.name: path.read_bytes() for path in store.folder.iterdir()}
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (_ for _ in ()).throw(
        OSError(errno.ENOSPC, "No space left on device")))
    session.choose(pick(session, 0))
    with pytest.raises(SaveError, match="the disk is full"):
        saves.autosave(store, session)
    assert {path.name: path.read_bytes() for path in store.folder.iterdir()} == before


def test_a_folder_that_cannot_be_created_is_a_clear_error(engine, escape_home):
    escape_home.mkdir(parents=True)
    (escape_home / "data").write_text("a file where the data folder should be")
    with pytest.raises(SaveError, match="a file stands where a folder should be"):
        saves.save_game(saves.store_for(engine), play(engine, []), "1")


def test_a_read_only_folder_is_a_clear_error_and_changes_nothing(engine, store, monkeypatch):
    path, before = existing_slot(engine, store)
    if getattr(os, "geteuid", lambda: 1)() != 0:
        store.folder.chmod(0o555)
    else:  # root ignores permissions: make the file system refuse as a read-only one does
        def refuse(*args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system")

        monkeypatch.setattr(atomic, "create_temporary", refuse)
    try:
        with pytest.raises(SaveError, match="permission denied|read-only"):
            saves.save_game(store, play(engine, ["walk"]), "1")
        with pytest.raises(SaveError, match="permission denied|read-only"):
            saves.autosave(store, play(engine, ["walk"]))
    finally:
        store.folder.chmod(0o755)
    # (a claim on the game's ring, a hidden lock file, is no save: see saves/claims.py)
    saves_there = [n for n in os.listdir(store.folder) if not n.endswith(".lock")]
    assert path.read_bytes() == before and saves_there == ["slot-1.json"]


def test_loading_never_modifies_the_file(engine, store):
    entry = saves.save_game(store, play(engine, long_log(30)), "1")
    before = (entry.path.read_bytes(), entry.path.stat().st_mtime_ns)
    saves.load_game(store, engine, "1")
    saves.load_game(store, edited(engine), "1")
    assert (entry.path.read_bytes(), entry.path.stat().st_mtime_ns) == before


def test_folder_fsync_is_skipped_where_unsupported(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (_ for _ in ()).throw(
        OSError(errno.EINVAL, "Invalid argument")))
    atomic.fsync_folder(tmp_path)  # no error


# -- export, import, delete -------------------------------------------------------------


def test_export_and_import_copy_a_save_between_folders(engine, store, tmp_path):
    saves.save_game(store, play(engine, ["walk"]), "1", "shared")
    store.export("1", tmp_path / "out.json")
    assert (tmp_path / "out.json").read_bytes() == (store.folder / "slot-1.json").read_bytes()
    entry = store.import_file(tmp_path / "out.json")
    assert entry.name == "2" and entry.save.label == "shared"
    with pytest.raises(SaveError, match="already holds"):
        store.import_file(tmp_path / "out.json", "1")
    assert store.import_file(tmp_path / "out.json", "1", replace=True).name == "1"
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(SaveError, match="not a save of this story: truncated"):
        store.import_file(tmp_path / "bad.json")


# -- the profile ------------------------------------------------------------------------


def test_profile_keeps_endings_and_settings_across_games(escape_home):
    profiles = saves.ProfileStore()
    assert profiles.record_ending("test", "end", "Away") is True
    assert profiles.record_ending("test", "end", "Away") is False
    profiles.set_setting("theme", "paris")
    again = saves.ProfileStore().load()
    assert [e.title for e in again.endings_of("test")] == ["Away"]
    assert again.settings == {"theme": "paris"}
    assert profiles.path == data_dir() / "profile.json"


@pytest.mark.parametrize("content", [b"{\"endings\": [", b"not json", b'{"format": 0}',
                                     b'{"format": "2"}', b"[" * 100_000 + b"]" * 100_000],
                         ids=["truncated", "not-json", "no-format", "format-text", "nested"])
def test_a_damaged_profile_is_kept_aside_and_a_fresh_one_starts(escape_home, content):
    path = data_dir() / "profile.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    profiles = saves.ProfileStore()
    assert profiles.load() == saves.Profile()
    assert "kept as profile.damaged-" in profiles.notice
    aside = [p for p in path.parent.iterdir() if p.name.startswith("profile.damaged-")]
    assert len(aside) == 1 and aside[0].read_bytes() == content
    profiles.set_setting("theme", "dark")
    assert saves.ProfileStore().load().settings == {"theme": "dark"}


def test_a_profile_of_a_newer_format_is_left_alone(escape_home):
    path = data_dir() / "profile.json"
    path.parent.mkdir(parents=True)
    newer = b'{"format": 2, "endings": {"reshaped": true}, "settings": {"theme": "paris"}}'
    path.write_bytes(newer)
    profiles = saves.ProfileStore()
    assert profiles.load() == saves.Profile()
    assert "written by a newer version" in profiles.notice
    with pytest.raises(SaveError):
        profiles.set_setting("theme", "dark")
    assert [p.name for p in path.parent.iterdir()] == ["profile.json"]
    assert path.read_bytes() == newer


# -- the session's side -----------------------------------------------------------------


def test_replay_prefix_stops_at_the_first_step_that_no_longer_applies(engine):
    session, applied, problem = Session.replay_prefix(
        engine, Start(seed=7), ["walk", "back", "fly", "walk"])
    assert applied == 2 and session.log == ["walk", "back"]
    assert problem.message == "step 3 ('fly'): there is no choice 'fly' here"
    whole, applied, problem = Session.replay_prefix(engine, Start(seed=7), ["walk", "back"])
    assert applied == 2 and problem is None and whole.state == session.state


def test_resume_rebuilds_without_replay_and_its_journal_starts_there(engine):
    played = play(engine, long_log(50))
    resumed = Session.resume(engine, played.start, played.log, played.state, game="abc")
    assert resumed.state == played.state and resumed.base == 50 and resumed.game == "abc"
    assert [turn.chosen for turn in resumed.journal()] == [None]
    resumed.choose("back")
    assert [turn.chosen.id for turn in resumed.journal()[:1]] == ["back"]
    resumed.restart()
    assert resumed.base == 0 and resumed.log == [] and resumed.game != "abc"


def test_an_autosave_needs_a_hex_game_id(engine, store):
    session = play(engine, ["walk"])
    session.game = "Not Hex"
    with pytest.raises(SaveError, match="cannot name an autosave"):
        saves.autosave(store, session)


def test_the_benchmark_prints_its_three_figures(tmp_path):
    import io

    from escape_game.bench.saves import SECTION, bench_saves

    out = io.StringIO()
    figures = bench_saves(out, runs=2, folder=tmp_path)
    assert [figure.label for figure in figures] == [
        "save into a slot, fsync included", "load, story unchanged", "load after a story edit"]
    assert out.getvalue().count("target <=") == 3 and SECTION.name == "saves"


def test_read_capped_reads_what_is_there_up_to_the_cap(tmp_path: Path) -> None:
    from escape_game.paths import Refused, read_capped

    path = tmp_path / "save.json"
    path.write_bytes(b"abc" * 1000)
    assert read_capped(path, 3000) == b"abc" * 1000  # exactly at the cap
    with pytest.raises(Refused, match="larger than"):
        read_capped(path, 2999)
    path.write_bytes(b"")
    assert read_capped(path, 10) == b""
    status = Path("/proc/self/status")  # a regular file whose size says 0
    if status.is_file():
        assert read_capped(status, 1_000_000).startswith(b"Name:")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_among_the_saves_is_refused_at_once(engine, store) -> None:
    from escape_game.paths import Refused, read_capped

    saves.save_game(store, play(engine, ["walk"]), "1")
    os.mkfifo(store.folder / "slot-8.json")  # opening it for reading waits for a writer
    with pytest.raises(Refused, match="not a regular file"):
        read_capped(store.folder / "slot-8.json", 1000)
    listed = {entry.name: entry for entry in store.entries()}
    assert listed["8"].damaged and "not a regular file" in listed["8"].problem
    assert not listed["1"].damaged


def test_a_save_time_no_calendar_holds_is_shown_as_written() -> None:
    from escape_game.saves.entries import short_time
    from escape_game.tui.screens.saves import local_time

    odd = "0001-01-01T00:00:00+05:00"  # a valid time, before year 1 in UTC
    assert short_time(odd) == odd and local_time(odd) == odd
    assert short_time("2026-11-05T21:04:09.120+00:00") == "2026-11-05 21:04 UTC"
