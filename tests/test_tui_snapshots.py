"""SVG snapshots of the TUI (pytest-textual-snapshot): the title, a scene at 80x24 and
at 120x40, the save screen and an ending.

The snapshots live in `tests/__snapshots__/test_tui_snapshots/`. After a deliberate
change to the look, regenerate them with `pytest tests/test_tui_snapshots.py
--snapshot-update` and look at every changed SVG before committing it. The test stack
is pinned exactly (constraints/test.txt): another syrupy writes other SVG class names.

Everything that varies between runs is fixed: the seed, the save's date and play time,
the time zone (dates show in local time), and notifications are cleared before the
picture is taken.
"""

from __future__ import annotations

import time
from pathlib import Path

import msgspec
import pytest

pytest.importorskip("textual")

from textual.pilot import Pilot  # noqa: E402

from escape_game import saves  # noqa: E402
from escape_game.engine import Engine  # noqa: E402
from escape_game.loader import load_story  # noqa: E402
from escape_game.session import Session, Start  # noqa: E402
from escape_game.tui.app import EscapeApp  # noqa: E402

GOOD = Path(__file__).parent / "stories" / "good"


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch):
    """Dates on the save screen show in local time: make local time UTC."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def after(*keys: str):
    """A `run_before` that waits for the story, presses `keys`, waits for the saves,
    and clears the notifications (they would make the picture depend on timing)."""

    async def run_before(pilot: Pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.app.workers.wait_for_complete()
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


def test_title_screen(snap_compare) -> None:
    assert snap_compare(EscapeApp(GOOD, seed=1), run_before=after())


def test_scene_at_80x24(snap_compare) -> None:
    assert snap_compare(EscapeApp(GOOD, seed=1), run_before=after("n"),
                        terminal_size=(80, 24))


def test_scene_at_120x40_with_the_status_panel(snap_compare) -> None:
    assert snap_compare(EscapeApp(GOOD, seed=1), run_before=after("n", "2", "1"),
                        terminal_size=(120, 40))


def test_save_screen(snap_compare) -> None:
    loaded = load_story(GOOD)
    session = Session(Engine(loaded.story, loaded.program), Start(seed=1), game="0123abcd")
    session.choose("market")
    save = msgspec.structs.replace(saves.snapshot(session, "Before the book"),
                                   saved_at="2026-11-05T21:04:09.120+00:00", play_time=754.0)
    store = saves.SaveStore("good")
    store.write("1", save)
    (store.folder / "slot-3.json").write_text('{"format": 1, "story": ', "utf-8")
    assert snap_compare(EscapeApp(GOOD, seed=1), run_before=after("n", "s"))


def test_ending_screen(snap_compare) -> None:
    assert snap_compare(EscapeApp(GOOD, seed=1),
                        run_before=after("n", "1", "1", "2", "1"))
