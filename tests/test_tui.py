"""The Textual TUI, driven with Pilot (`App.run_test`) and asserted on the session.

Each Pilot session costs about half a second and each key press about 64 ms, so these
tests are few and each plays a whole scenario; the engine's own tests cover the rules.
They run under `asyncio.run` in plain sync tests (no async plugin). Every test has its
own `ESCAPE_GAME_HOME` (conftest), so saves and the profile start empty.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

pytest.importorskip("textual")

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Input, OptionList  # noqa: E402

from escape_game import saves  # noqa: E402
from escape_game.tui.app import EscapeApp, peek_title  # noqa: E402
from escape_game.tui.screens.dialogs import (  # noqa: E402
    ConfirmDialog,
    ErrorDialog,
    LabelDialog,
    TextDialog,
)
from escape_game.tui.screens.ending import EndingScreen  # noqa: E402
from escape_game.tui.screens.game import GameScreen  # noqa: E402
from escape_game.tui.screens.saves import LoadScreen, SaveScreen  # noqa: E402
from escape_game.tui.screens.title import TitleScreen  # noqa: E402

GOOD = Path(__file__).parent / "stories" / "good"

Scenario = Callable[[Pilot], Awaitable[None]]


def run_app(app: EscapeApp, scenario: Scenario, size: tuple[int, int] = (80, 24),
            loaded: bool = True) -> None:
    """Run `scenario` against `app` in a headless terminal of `size`, once the story
    has loaded (or at once, when `loaded` is False)."""

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            if loaded:
                await settle(pilot)
            else:
                await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())


async def settle(pilot: Pilot) -> None:
    """Wait for the workers (loading, saving, reading saves) and the screen to settle."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: EscapeApp) -> str:
    """What the terminal shows now, as plain text, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def shown(pilot: Pilot) -> str:
    """What the terminal shows once the screen has caught up with the last key."""
    await pilot.pause()
    return screen_text(pilot.app)


def game(app: EscapeApp) -> GameScreen:
    screen = app.screen
    assert isinstance(screen, GameScreen), type(screen).__name__
    return screen


def notifications(app: EscapeApp) -> list[str]:
    return [notification.message for notification in app._notifications]


def test_the_title_paints_before_the_story_has_loaded(monkeypatch) -> None:
    from escape_game import loader

    release = threading.Event()
    real_load = loader.load_story

    def slow_load(root, **options):
        release.wait(10)
        return real_load(root, **options)

    monkeypatch.setattr(loader, "load_story", slow_load)
    app = EscapeApp(GOOD, seed=1)

    async def scenario(pilot: Pilot) -> None:
        assert isinstance(app.screen, TitleScreen)
        assert app.loaded is None
        assert "The Small Hours" in await shown(pilot)  # the title, peeked from story.yaml
        assert "Loading the story" in await shown(pilot)
        await pilot.press("n")
        assert "The story is still loading." in notifications(app)
        release.set()
        await settle(pilot)
        assert app.loaded is not None
        assert "Loading the story" not in await shown(pilot)
        await pilot.press("n")
        assert game(app).session.state.scene == "kitchen"

    run_app(app, scenario, loaded=False)


def test_play_to_an_ending_with_keys(escape_home: Path) -> None:
    app = EscapeApp(GOOD, seed=1)

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("n")
        session = game(app).session
        await pilot.press("3")  # "Stay home for good" is locked: refused with its reason
        assert session.log == []
        assert "Not yet: you have not even looked outside." in notifications(app)
        await pilot.press("1")  # the garden (once only): longing 3
        assert session.state.scene == "garden"
        assert session.state.vars["longing"] == 3
        await pilot.press("enter")  # Continue, the highlighted choice
        assert session.state.scene == "kitchen"
        await pilot.press("u", "r")  # undo and redo
        assert session.log == ["garden", "continue"]
        await pilot.press("down", "enter")  # "Stay home for good", now open
        assert session.state.scene == "ending_home"
        assert session.step.ended
        await settle(pilot)
        await pilot.press("1")  # "The end: see how your story went"
        assert isinstance(app.screen, EndingScreen)
        summary = await shown(pilot)
        assert "The Long Way Home" in summary
        assert "Choices made: 3" in summary
        assert "Endings found: 1 of 2" in summary
        await pilot.press("t")
        assert isinstance(app.screen, TitleScreen)
        await settle(pilot)

    run_app(app, scenario)
    found = saves.ProfileStore().load().endings_of("good")
    assert [ending.scene for ending in found] == ["ending_home"]


def test_play_to_an_ending_with_the_mouse() -> None:
    app = EscapeApp(GOOD, seed=1)

    async def click_choice(pilot: Pilot, text: str) -> None:
        choices = game(app).query_one("#choices", OptionList)
        index = next(i for i, c in enumerate(game(app).session.step.choices)
                     if " ".join(c.text.split()) == text)
        await pilot.click(choices, offset=(8, 1 + index))  # row 0 is the border

    async def scenario(pilot: Pilot) -> None:
        await pilot.click("#title-menu", offset=(4, 1))  # "New game"
        session = game(app).session
        await click_choice(pilot, "Walk to the market")
        assert session.state.scene == "market_stall"
        await click_choice(pilot, "Buy the book (£3.00)")
        assert session.state.inventory == ("phone", "book")
        assert "Added: An old book" in notifications(app)
        await click_choice(pilot, "Take the train away")
        assert session.state.scene == "ending_away"
        assert session.log == ["market", "buy", "leave_town"]

    run_app(app, scenario)


def test_save_and_load_through_the_screens() -> None:
    app = EscapeApp(GOOD, seed=1)
    store = saves.SaveStore("good")

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("n", "1")  # the garden
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SaveScreen)
        await pilot.press("2")  # an empty slot: asks for a label, none is fine
        assert isinstance(app.screen, LabelDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GameScreen)
        assert "Saved in slot 2." in notifications(app)
        assert store.read("2").state.scene == "garden"

        await pilot.press("1", "s")  # back in the kitchen; slot 2 is taken now
        await settle(pilot)
        await pilot.press("2")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # not over it
        assert isinstance(app.screen, SaveScreen)
        await pilot.press("escape")
        assert store.read("2").state.scene == "garden"

        (store.folder / "slot-3.json").write_text('{"format": 1, "story": {"id"', "utf-8")
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LoadScreen)
        listing = await shown(pilot)
        assert "Slot 3  DAMAGED" in listing
        assert "truncated" in listing
        await pilot.press("3")  # refused, with the reason and the way out
        assert isinstance(app.screen, LoadScreen)
        assert "Slot 3 is damaged: truncated (the file ends early). d deletes it." in (
            notifications(app))
        await pilot.press("2")
        await settle(pilot)
        session = game(app).session
        assert session.state.scene == "garden"
        assert session.log == ["garden"]
        assert "Loaded slot 2." in notifications(app)

        # A damaged quicksave: F5 says how to fix it; Load deletes it after a yes.
        (store.folder / "quick.json").write_text("not json", "utf-8")
        await pilot.press("f5")
        await settle(pilot)
        assert any("Open Load (l) and delete it with d." in message
                   for message in notifications(app)), notifications(app)
        await pilot.press("l")
        await settle(pilot)
        menu = app.screen.query_one(OptionList)
        menu.highlighted = menu.get_option_index("quick")
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        assert "Quicksave is damaged" in await shown(pilot)
        await pilot.press("n")  # not deleted
        assert isinstance(app.screen, LoadScreen)
        assert (store.folder / "quick.json").exists()
        await pilot.press("d", "y")
        await settle(pilot)
        assert isinstance(app.screen, LoadScreen)
        assert not (store.folder / "quick.json").exists()
        assert "Deleted Quicksave." in notifications(app)
        assert "quick" not in [option.id for option in menu._options]
        await pilot.press("escape")

        await pilot.press("f5")  # quicksave
        await settle(pilot)
        assert store.read("quick").state.scene == "garden"
        await pilot.press("1", "f9")  # quickload goes back to the garden
        await settle(pilot)
        assert game(app).session.state.scene == "garden"
        await pilot.press("1")  # the kitchen; then quit, which autosaves
        await pilot.press("q")

    run_app(app, scenario)
    latest = store.latest_autosave()
    assert latest is not None and latest.save.state.scene == "kitchen"
    assert latest.save.log == ("garden", "continue")


def test_a_save_gets_a_label_through_the_screens() -> None:
    app = EscapeApp(GOOD, seed=1)
    store = saves.SaveStore("good")
    label = "By the [red] roses [0]"

    def label_input() -> Input:
        assert isinstance(app.screen, LabelDialog), type(app.screen).__name__
        return app.screen.query_one(Input)

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("n", "1")  # the garden
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("4")
        assert label_input().value == ""
        await pilot.press(*label)  # typed as written: brackets are plain text
        assert "By the [red] roses [0]" in await shown(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GameScreen)
        assert f"Saved in slot 4: “{label}”." in notifications(app)
        assert store.read("4").label == label

        await pilot.press("1", "s")  # the kitchen; the list shows the label
        await settle(pilot)
        assert f"Slot 4  “{label}”  " in await shown(pilot)
        await pilot.press("4")  # taken: asks first, naming the label
        assert isinstance(app.screen, ConfirmDialog)
        assert f"“{label}”" in await shown(pilot)
        await pilot.press("y")
        assert label_input().value == label  # the old label is offered
        await pilot.press("escape")  # cancels this save: back to the list
        assert isinstance(app.screen, SaveScreen)
        await settle(pilot)
        assert store.read("4").state.scene == "garden"
        await pilot.press("4", "y")
        await pilot.press(*"At breakfast")  # the old label is selected: typing replaces it
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GameScreen)
        saved = store.read("4")
        assert (saved.label, saved.state.scene) == ("At breakfast", "kitchen")

        await pilot.press("1")  # the garden again; load slot 4 through the Load screen
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LoadScreen)
        assert "Slot 4  “At breakfast”  " in await shown(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert game(app).session.state.scene == "kitchen"
        assert "Loaded slot 4." in notifications(app)

    run_app(app, scenario)


def test_continue_on_the_title_opens_the_newest_autosave() -> None:
    first = EscapeApp(GOOD, seed=1)

    async def play_a_little(pilot: Pilot) -> None:
        await pilot.press("n", "2")  # the market
        await settle(pilot)

    run_app(first, play_a_little)
    second = EscapeApp(GOOD, seed=1)

    async def scenario(pilot: Pilot) -> None:
        menu = second.screen.query_one("#title-menu", OptionList)
        assert not menu.get_option("continue").disabled
        assert menu.highlighted == 1  # Continue, for a returning player
        await pilot.press("enter")
        assert game(second).session.state.scene == "market_stall"
        assert game(second).session.log == ["market"]

    run_app(second, scenario)


def test_the_terminal_too_small_and_back_and_the_theme_remembered() -> None:
    app = EscapeApp(GOOD, seed=1)

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("n", "1")
        session = game(app).session
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert "Make the terminal larger" in await shown(pilot)
        await pilot.press("1")  # ignored while the game cannot be seen
        assert session.log == ["garden"]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert "Make the terminal larger" not in await shown(pilot)
        await pilot.press("1")
        assert session.log == ["garden", "continue"]
        await pilot.resize_terminal(120, 40)  # wide: the status panel stands beside
        await pilot.pause()
        assert game(app).query_one("#side").display
        await pilot.press("p")
        assert not game(app).query_one("#side").display
        app.theme = "nord"
        await settle(pilot)

    run_app(app, scenario)
    app.keeper.wait()  # as `run_tui` does on the way out
    assert saves.ProfileStore().load().settings["theme"] == "nord"
    assert EscapeApp(GOOD).theme == "nord"


def test_an_autosave_that_failed_is_written_on_quitting() -> None:
    app = EscapeApp(GOOD, seed=1)
    folder: list[Path] = []

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("n", "1")
        await settle(pilot)
        assert app.keeper.store is not None
        folder.append(app.keeper.store.folder)
        folder[0].rename(folder[0].with_name("aside"))
        folder[0].write_text("a file where the folder was")
        await pilot.press("1")
        await settle(pilot)
        assert any("The autosave failed" in message for message in notifications(app))
        folder[0].unlink()
        folder[0].with_name("aside").rename(folder[0])
        await pilot.press("q")  # quitting saves what the failed autosave could not

    run_app(app, scenario)
    app.keeper.wait()
    assert app.keeper.store is not None
    newest = app.keeper.store.latest_autosave()
    assert newest is not None and newest.save is not None
    assert list(newest.save.log) == ["garden", "continue"]


def test_f5_then_ctrl_q_in_one_breath_writes_the_quicksave_and_ctrl_q_quits_dialogs() -> None:
    from textual import events

    app = EscapeApp(GOOD, seed=1)

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("n", "1")
        # Both keys arrive before either is handled, as over a slow link: Ctrl+Q must
        # not jump ahead of F5 (as a priority binding would, quitting first).
        app._driver.send_message(events.Key("f5", None))
        app._driver.send_message(events.Key("ctrl+q", None))
        for _ in range(20):
            await asyncio.sleep(0.05)

    run_app(app, scenario)
    app.keeper.wait()
    assert app.keeper.store is not None
    assert (app.keeper.store.folder / "quick.json").is_file()

    for keys in (["s", "3"], ["j"], ["l"], ["ctrl+p"]):  # dialogs, saves, the palette
        app = EscapeApp(GOOD, seed=1)

        async def in_a_dialog(pilot: Pilot, keys: list[str] = keys) -> None:
            await pilot.press("n", "1", *keys)
            await settle(pilot)
            await pilot.press("ctrl+q")
            await pilot.pause()

        run_app(app, in_a_dialog)
        assert app.return_code == 0 and not app.is_running, keys


def test_a_key_typed_right_after_enter_stays_out_of_the_label() -> None:
    from textual import events

    app = EscapeApp(GOOD, seed=1)

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("n", "1", "s")
        await settle(pilot)
        await pilot.press("3")
        await pilot.pause()
        for key, character in (("l", "l"), ("b", "b"), ("enter", "\r"), ("q", "q")):
            app._driver.send_message(events.Key(key, character))  # all before any is read
        for _ in range(20):
            await asyncio.sleep(0.05)

    run_app(app, scenario)
    app.keeper.wait()
    assert app.keeper.store is not None
    saved = app.keeper.store.find("3").save
    assert saved is not None and saved.label == "lb"


def test_a_save_asked_for_as_the_game_quits_is_written() -> None:
    app = EscapeApp(GOOD, seed=1)

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("n", "1")
        app.keeper.save(game(app).session, "3", "just before quitting")
        app.exit()  # in the same tick: no worker has started yet

    run_app(app, scenario)
    app.keeper.wait()
    assert app.keeper.store is not None
    entry = app.keeper.store.find("3")
    assert entry.save is not None and entry.save.label == "just before quitting"


def test_a_story_error_shows_a_dialog_and_keeps_the_autosave(tmp_path: Path) -> None:
    root = tmp_path / "broken"
    (root / "scenes").mkdir(parents=True)
    (root / "story.yaml").write_text(
        "id: broken\ntitle: A Broken Story\nstart: start\n"
        "vars:\n  zero: 0\n  x: 0\n", "utf-8")
    (root / "scenes" / "all.yaml").write_text(
        "start:\n  text: |\n    A room with two doors.\n  choices:\n"
        "    - id: safe\n      text: Open the safe door\n      goto: start\n"
        "    - id: divide\n      text: Divide by nothing\n"
        "      do: x = 1 / zero\n      goto: start\n", "utf-8")
    app = EscapeApp(root, seed=1)
    store = saves.SaveStore("broken")

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("n", "1")
        await settle(pilot)
        await pilot.press("2")
        assert isinstance(app.screen, ErrorDialog)
        text = await shown(pilot)
        assert "divides by zero" in text
        assert "In scene 'start'" in text and "all.yaml:" in text
        assert "Traceback" not in text
        await pilot.press("escape")
        assert game(app).session.log == ["safe"]
        await settle(pilot)

    run_app(app, scenario)
    assert store.latest_autosave().save.log == ("safe",)


def test_brackets_in_story_text_are_shown_as_written_and_other_screens_open() -> None:
    app = EscapeApp(GOOD, seed=1)

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("n")
        scene = await shown(pilot)
        assert "The radio says [red]" in scene and "and [0], exactly so." in scene
        assert "Stare out at the garden [red]" in scene
        assert "Stay home for good  (locked: Not yet:" in scene
        assert "The kitchen · Home — Breakfast" in scene and "Day 1 · 07:00" in scene
        await pilot.press("j")
        assert isinstance(app.screen, TextDialog)
        assert "The radio says [red] and [0]," in await shown(pilot)
        await pilot.press("escape", "i")
        assert "Your phone: Mark’s messages." in await shown(pilot)
        await pilot.press("escape", "question_mark")
        assert "Keys" in await shown(pilot)
        help_text = app.screen.body  # the whole page, scrolled or not
        for words in ("Undo", "Redo", "Quicksave", "Quickload", "Journal", "Items",
                      "Panel", "Quit", "Ctrl+P", "Theme"):
            assert words in help_text, words
        await pilot.press("escape")
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Save", "Load", "Journal", "Theme"} <= titles

    run_app(app, scenario, size=(100, 40))


def test_the_key_bar_names_the_keys_and_a_click_presses_one() -> None:
    from rich.cells import cached_cell_len

    from escape_game.tui.widgets.keybar import KeyBar

    app = EscapeApp(GOOD, seed=1)

    def bar() -> str:
        return screen_text(app).splitlines()[-1]

    async def scenario(pilot: Pilot) -> None:
        await pilot.pause()
        assert bar().startswith("n New game c Continue l Load a About q Quit")
        await pilot.press("n")
        await pilot.pause()
        assert bar().startswith("u Undo s l Save/load j Journal i Items p Panel ? Help q Quit")
        assert bar().endswith("^p palette")  # room for it at 100 columns
        assert cached_cell_len.cache_info().currsize < 1000  # emptied for each passage
        await pilot.hover(KeyBar, offset=(bar().index("Journal") + 2, 0))
        assert game(app).query_one(KeyBar).tooltip == "Every passage read and choice made"
        await pilot.click(KeyBar, offset=(bar().index("Journal") + 2, 0))  # a description
        assert isinstance(app.screen, TextDialog) and app.screen.heading == "Journal"
        assert (await shown(pilot)).splitlines()[-1].startswith("esc Close pgup pgdn Page")
        await pilot.press("escape")
        await pilot.click(KeyBar, offset=(bar().index("Save/load"), 0))  # a group's: none
        assert isinstance(app.screen, GameScreen)
        await pilot.resize_terminal(59, 24)  # too small: the moves' keys go
        await pilot.pause()
        await pilot.resize_terminal(60, 24)
        await pilot.pause()
        assert bar().startswith("u Undo s l Save/load")  # back, once the game fits again
        assert "q Quit" in bar() and "palette" not in bar()  # no room: Help names Ctrl+P
        await pilot.resize_terminal(100, 24)
        game(app).maximize(game(app).query_one("#passage"))
        await pilot.pause()
        assert bar().startswith("u Undo")  # stays with a widget maximized
        game(app).minimize()
        await pilot.press("s")
        await pilot.pause()
        assert bar().startswith("esc Close d Delete")

    run_app(app, scenario, size=(100, 30))


def test_the_collector_collects_the_oldest_generation_only_when_idle(monkeypatch) -> None:
    import gc

    from escape_game.tui import collector as module

    clock = [100.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    collected = []
    monkeypatch.setattr(module.gc, "collect", lambda *args: collected.append(args) or 0)
    monkeypatch.setattr(module.gc, "get_count", lambda: (5, 3, 2))
    before = gc.get_threshold()
    collector = module.Collector()
    collector.start()
    try:
        assert gc.get_threshold()[0] == max(before[0], module.FIRST_GENERATION)
        assert gc.get_threshold()[1:] == before[1:]
        assert not collector.collect_when_idle()  # a key was just pressed
        clock[0] += module.IDLE_SECONDS
        assert collector.collect_when_idle()  # a second of reading: collected
        collector.touched()
        assert not collector.collect_when_idle() and len(collected) == 1
    finally:
        collector.stop()
    assert gc.get_threshold() == before


def test_peek_title_reads_a_plain_title_line(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text("id: x\ntitle: 'The [red] Hours'  # note\n", "utf-8")
    assert peek_title(tmp_path) == "The [red] Hours"
    (tmp_path / "story.yaml").write_text("id: x\ntitle: |\n  Long\n", "utf-8")
    assert peek_title(tmp_path) == ""
    assert peek_title(tmp_path / "missing") == ""


def test_passage_markdown_becomes_styled_text_with_brackets_as_written() -> None:
    from escape_game.tui.prose import BREAK_MARK, prose

    text = prose("The radio says [red] and [0], *softly*.\nOn **one** line.\n\n---\n\n"
                 "> A quote\n\n- an item\n\nsnake_case_word \\*plain\\*", width=40)
    assert text.plain.splitlines() == [
        "The radio says [red] and [0], softly. On one line.", "",
        BREAK_MARK.center(40).rstrip(), "", "  A quote", "", "  • an item", "",
        "snake_case_word *plain*"]
    styles = {text.plain[span.start:span.end]: str(span.style) for span in text.spans}
    assert styles["softly"] == "italic" and styles["one"] == "bold"


def test_runs_of_spaces_in_prose_collapse_but_code_keeps_its_spaces() -> None:
    from escape_game.tui.prose import collapse_spaces, prose

    # An empty text alternative leaves "latch.   Done." behind.
    source = ("You lift the latch.   Done.  \nType  `a   b`  here.\n\n    indented   code\n\n"
              "```\nfenced    code\n```\nAfter    the fence.")
    assert collapse_spaces(source) == (
        "You lift the latch. Done.  \nType `a   b` here.\n\n    indented   code\n\n"
        "```\nfenced    code\n```\nAfter the fence.")
    text = prose("The latch.   Done.\n\n- one   item")
    assert text.plain == "The latch. Done.\n\n  • one item"


def play_in_a_pty(rows: int, columns: int) -> tuple[subprocess.Popen, int]:
    """The real program on the good story in a new pseudo-terminal of that size, as
    its own session; (the process, the terminal's leader end)."""
    import fcntl
    import pty
    import struct
    import sys
    import termios

    from tests.support import cli_env

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "escape_game", "play", str(GOOD), "--seed", "1"],
        stdin=follower, stdout=follower, stderr=follower, env=cli_env(TERM="xterm-256color"),
        start_new_session=True, close_fds=True)
    os.close(follower)
    return process, leader


@pytest.mark.skipif(not hasattr(signal, "SIGHUP") or os.name != "posix",
                    reason="needs a pty and POSIX signals")
@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
def test_a_termination_signal_quits_cleanly_and_gives_the_terminal_back(
        escape_home: Path, signal_name: str) -> None:
    """The real program in a pseudo-terminal: after a move, SIGTERM or SIGHUP makes it
    leave the alternate screen, turn mouse reporting off, keep the autosave and exit."""
    import select
    import time

    process, leader = play_in_a_pty(24, 80)
    output = bytearray()

    def read_until(wanted: bytes, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if wanted in output:
                return True
            ready, _, _ = select.select([leader], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:
                    return wanted in output
                if not chunk:
                    return wanted in output
                output.extend(chunk)
        return wanted in output

    try:
        assert read_until(b"\x1b[?1049h", 30), output[-500:]  # the alternate screen
        # New game (once the story has loaded), then the first choice: an autosave.
        saves_folder = escape_home / "data" / "saves"
        deadline = time.monotonic() + 30
        while not list(saves_folder.rglob("auto-*.json")) and time.monotonic() < deadline:
            os.write(leader, b"n")
            read_until(b"\0never", 0.5)
            os.write(leader, b"1")
            read_until(b"\0never", 0.5)
        assert list(saves_folder.rglob("auto-*.json")), "no autosave after a move"
        mark = len(output)
        process.send_signal(getattr(signal, signal_name))
        read_until(b"\0never", 0)  # drain
        deadline = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < deadline:
            read_until(b"\0never", 0.2)
        read_until(b"\0never", 0.5)
        assert process.poll() is not None, "the program did not exit"
        tail = bytes(output[mark:])
        assert b"\x1b[?1049l" in tail  # the alternate screen left
        assert b"\x1b[?1000l" in tail  # mouse reporting off
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        os.close(leader)


def test_a_screenshot_is_saved_under_the_data_folder(escape_home: Path) -> None:
    app = EscapeApp(GOOD, seed=1)

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("n")
        command = next(c for c in app.get_system_commands(app.screen)
                       if c.title == "Screenshot")
        command.callback()
        await pilot.pause(0.3)
        await settle(pilot)
        pictures = list((escape_home / "data" / "screenshots").glob("*.svg"))
        assert len(pictures) == 1 and "<svg" in pictures[0].read_text("utf-8")
        assert f"Saved in {pictures[0]}" in notifications(app)

    run_app(app, scenario)


@pytest.mark.parametrize("size", [(80, 24), (80, 16)])
def test_every_choice_shows_at_80x24_and_a_cut_list_says_so(size: tuple[int, int]) -> None:
    """The tapestry room offers nine or ten ways on: all show at 80x24 (the passage
    scrolls instead); when the terminal is shorter, the list's top line says more."""
    from escape_game.session import Session, Start
    from escape_game.tui.widgets.choices import ChoiceList
    from tests.support import STORY

    app = EscapeApp(STORY, seed=1)

    async def scenario(pilot: Pilot) -> None:
        app.play(Session(app.engine(), Start(seed=1, scene="cluny_tapestry_room",
                                             variables={"tapestries_seen": 6,
                                                        "close_looks": 6})))
        await pilot.pause()
        await pilot.pause()
        choices = app.screen.query_one(ChoiceList)
        last = " ".join(choices.choices[-1].text.split())
        if size == (80, 24):
            assert len(choices.choices) >= 9
            assert last in await shown(pilot)
            assert choices.max_scroll_y == 0 and not choices.border_title
        else:
            assert last not in await shown(pilot)
            assert "↓ more below" in await shown(pilot)
            await pilot.press("end")
            await pilot.pause()
            text = await shown(pilot)
            assert last in text and "↑ more above" in text and "more below" not in text

    run_app(app, scenario, size=size)


def test_a_profile_of_a_newer_version_is_left_alone_and_told_once() -> None:
    from escape_game.paths import data_dir

    path = data_dir() / "profile.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    newer = b'{"format": 2, "settings": {"theme": "nord"}}'
    path.write_bytes(newer)
    app = EscapeApp(GOOD, seed=1)

    async def scenario(pilot: Pilot) -> None:
        assert any("newer version" in message for message in notifications(app))
        for theme in ("nord", "gruvbox", "dracula"):
            app.theme = theme
            await settle(pilot)
        refused = [m for m in notifications(app) if m.startswith("The profile could not")]
        assert refused == ["The profile could not be written: the profile is of a newer "
                           "version of the game."]

    run_app(app, scenario)
    app.keeper.wait()
    assert path.read_bytes() == newer


@pytest.mark.skipif(not hasattr(signal, "SIGHUP") or os.name != "posix",
                    reason="needs a pty and POSIX signals")
def test_a_hang_up_mid_output_still_ends_the_program_with_its_game_saved(
        escape_home: Path) -> None:
    """The terminal stops reading (its output piles up), then goes away and hangs up:
    Textual's output thread dies on the dead terminal, and quitting would wait for it
    forever. The game is saved, its claim given up, and the program ends."""
    import time

    from escape_game.saves import claims

    process, leader = play_in_a_pty(30, 100)
    folder = escape_home / "data" / "saves" / "good"
    try:
        deadline = time.monotonic() + 30
        while not list(folder.glob("auto-*.json")):  # drain the screen until a move is saved
            assert time.monotonic() < deadline, "no autosave after a move"
            for key in (b"n", b"1"):
                os.write(leader, key)
                end = time.monotonic() + 0.5
                while time.monotonic() < end:
                    with contextlib.suppress(BlockingIOError):
                        os.set_blocking(leader, False)
                        os.read(leader, 65536)
                    time.sleep(0.02)
        for key in b"2121212121212121":  # moves, while nobody reads the screen
            os.write(leader, bytes([key]))
            time.sleep(0.05)
        os.close(leader)
        leader = -1
        process.send_signal(signal.SIGHUP)
        assert process.wait(30) == 128 + signal.SIGHUP
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        if leader >= 0:
            os.close(leader)
    newest = saves.SaveStore("good").read("auto")
    assert len(newest.log) > 1  # moves made while nobody read the screen, saved
    assert not list(folder.glob(".auto-*.lock"))
    assert not claims.held_elsewhere(folder, newest.game)
