"""The Save and Load screens: the save folder as a list, read off the UI thread.

Each row shows the save's label, the scene title, the location, the date saved (local
time) and the play time; damaged files are listed as damaged with the reason and cannot
be chosen. The screens only choose: the Load screen returns the save's name ("1".."9",
"quick", "auto"...), the Save screen a `SaveRequest` (the slot and the label asked for
once it is chosen), to the screen that opened it, which saves or loads. D deletes the
highlighted save (a damaged one too), always after a yes to a question.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from escape_game.saves import QUICK, SLOTS, SaveEntry, SaveFile
from escape_game.tui.bindings import QUIT
from escape_game.tui.widgets.keybar import KeyBar
from escape_game.tui.widgets.too_small import TooSmall


class SaveRequest(NamedTuple):
    """What the Save screen returns: where to save, and the label to give the save.

    Attributes:
        name: the slot ("1".."9") or "quick".
        label: the player's label ("" for none).
    """

    name: str
    label: str = ""


def local_time(iso: str) -> str:
    """"2026-11-05T21:04:09.120+00:00" -> "5 Nov 2026, 21:04" in local time."""
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except (ValueError, OverflowError):  # not a time, or one no calendar here holds
        return iso
    return f"{moment.day} {moment:%b %Y, %H:%M}"


def play_time(seconds: float) -> str:
    """Seconds played as "played 1 h 05 min", "played 12 min", "played under a minute"."""
    minutes = int(seconds // 60)
    if minutes == 0:
        return "played under a minute"
    if minutes < 60:
        return f"played {minutes} min"
    return f"played {minutes // 60} h {minutes % 60:02d} min"


def save_name(name: str) -> str:
    """A save's name as a row heading: "Slot 3", "Quicksave", "Autosave 2"."""
    if name.isdigit():
        return f"Slot {name}"
    if name == QUICK:
        return "Quicksave"
    if name == "auto":
        return "Autosave (newest)"
    if name.startswith("auto"):
        return f"Autosave {name[4:]}"
    return name


def entry_prompt(name: str, entry: SaveEntry | None) -> Text:
    """Two lines for one save: heading and scene title; then place, date and play time."""
    prompt = Text()
    prompt.append(save_name(name), style="bold")
    if entry is None:
        prompt.append("  empty", style="italic")
        return prompt
    if entry.save is None:
        prompt.append("  DAMAGED", style="bold")
        prompt.append(f"\n  {entry.problem}; the file is kept as it is", style="italic")
        return prompt
    save = entry.save
    title = " ".join(save.title.split())
    if save.label:
        prompt.append(f"  “{save.label}”")
    prompt.append(f"  {title}")
    place = save.location if save.location != title else ""
    details = [part for part in (place, local_time(save.saved_at),
                                 play_time(save.play_time)) if part]
    prompt.append("\n  " + " · ".join(details))
    return prompt


def held(save: SaveFile) -> str:
    """What a save holds, for a question: “Scene title”, or “Label” (Scene title)."""
    title = " ".join(save.title.split()) or "a game"
    return f"“{save.label}” ({title})" if save.label else f"“{title}”"


class SavesScreen(ModalScreen[Any]):
    """The common part: a heading, a list of saves read off the UI thread, Escape.

    Subclasses say which rows to show (`rows`) and what choosing one does (`chosen`);
    closing returns None.
    """

    HEADING = ""
    BINDINGS = [Binding("escape,q", "close", "Close"),
                Binding("d,delete", "delete", "Delete", key_display="d"),
                *(Binding(str(n), f"slot({n})", show=False) for n in range(1, SLOTS + 1)),
                QUIT]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[str, SaveEntry] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog saves"):
            yield Static(Text(self.HEADING, style="bold"), classes="dialog-title")
            yield Static(Text("Reading the saves…"), classes="saves-status", markup=False)
            yield OptionList(classes="saves-list", markup=False)
        yield KeyBar()
        yield TooSmall()

    def on_mount(self) -> None:
        self.read_entries()

    @work(group="read-saves", exclusive=True)
    async def read_entries(self) -> None:
        entries = await self.app.keeper.entries()
        self.entries = {entry.name: entry for entry in entries}
        self.show_entries()

    def show_entries(self) -> None:
        rows = self.rows()
        options = self.query_one(OptionList)
        # Damaged rows can be highlighted (to be deleted), not chosen (`pick` refuses).
        highlighted = options.highlighted_option.id if options.highlighted_option else None
        options.set_options(Option(entry_prompt(name, entry), id=name)
                            for name, entry in rows)
        status = self.query_one(".saves-status", Static)
        status.update(Text(self.status_line(rows)))
        options.focus()
        names = [name for name, _ in rows]
        first = next((i for i, (_, e) in enumerate(rows) if not (e and e.damaged)),
                     0 if rows else None)
        options.highlighted = names.index(highlighted) if highlighted in names else first

    def rows(self) -> list[tuple[str, SaveEntry | None]]:
        raise NotImplementedError

    def status_line(self, rows: list[tuple[str, SaveEntry | None]]) -> str:
        return ""

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.pick(event.option.id)

    def action_slot(self, number: int) -> None:
        name = str(number)
        if any(row == name for row, _ in self.rows()):
            self.pick(name)

    def pick(self, name: str) -> None:
        """Choose the save `name`, unless it is damaged (then say how to delete it)."""
        entry = self.entries.get(name)
        if entry is not None and entry.damaged:
            self.query_one(OptionList).highlighted = next(
                (i for i, (row, _) in enumerate(self.rows()) if row == name), None)
            self.notify(f"{save_name(name)} is damaged: {entry.problem}. d deletes it.",
                        markup=False, severity="warning")
            return
        self.chosen(name)

    def action_delete(self) -> None:
        """Delete the highlighted save, once the player has said yes."""
        from escape_game.tui.screens.dialogs import ConfirmDialog

        option = self.query_one(OptionList).highlighted_option
        entry = self.entries.get(option.id) if option is not None and option.id else None
        if entry is None:
            self.notify("There is no save here to delete.", markup=False)
            return
        name = entry.name
        if entry.save is None:
            what = f"{save_name(name)} is damaged: {entry.problem}."
        else:
            what = (f"{save_name(name)} holds {held(entry.save)}, saved "
                    f"{local_time(entry.save.saved_at)}.")
        question = f"{what}\n\nDelete it? This cannot be undone."
        self.app.push_screen(ConfirmDialog(question, "Delete it"),
                             lambda yes: self.delete_save(name) if yes else None)

    @work(group="delete-save", exclusive=True)
    async def delete_save(self, name: str) -> None:
        """Delete the save `name` (the player said yes) and show the list again."""
        from escape_game.errors import SaveError
        from escape_game.tui.keeper import _sentence

        try:
            await self.app.keeper.delete(name)
        except SaveError as error:
            self.notify(_sentence(error.message), title="Not deleted", severity="error",
                        markup=False, timeout=8)
        else:
            self.notify(f"Deleted {save_name(name)}.", markup=False)
        self.read_entries()

    def chosen(self, name: str) -> None:
        raise NotImplementedError

    def action_close(self) -> None:
        self.dismiss(None)


class SaveScreen(SavesScreen):
    """Choose a slot to save in; asks before saving over a save, then for a label.

    Returns a `SaveRequest`, or None when closed. Escape in the label dialog cancels
    that save and comes back to the list.
    """

    HEADING = "Save the game"

    def rows(self) -> list[tuple[str, SaveEntry | None]]:
        names = [str(n) for n in range(1, SLOTS + 1)] + [QUICK]
        return [(name, self.entries.get(name)) for name in names]

    def status_line(self, rows: list[tuple[str, SaveEntry | None]]) -> str:
        return "Choose a slot (1–9, or ↑ ↓ Enter); d deletes; Escape goes back."

    def chosen(self, name: str) -> None:
        from escape_game.tui.screens.dialogs import ConfirmDialog

        entry = self.entries.get(name)
        if entry is None:
            self.ask_label(name)
            return
        save = entry.save
        assert save is not None  # damaged rows cannot be chosen
        question = (f"{save_name(name)} holds {held(save)}, saved "
                    f"{local_time(save.saved_at)}.\n\nSave over it?")
        self.app.push_screen(ConfirmDialog(question, "Save over it"),
                             lambda yes: self.ask_label(name, save.label) if yes else None)

    def ask_label(self, name: str, label: str = "") -> None:
        """Ask for the label of the save about to be made in `name` (`label` to start
        with); save on Enter, come back to the list on Escape."""
        from escape_game.tui.screens.dialogs import LabelDialog

        def answered(text: str | None) -> None:
            if text is not None:
                self.dismiss(SaveRequest(name, text))

        self.app.push_screen(LabelDialog(save_name(name), label), answered)


class LoadScreen(SavesScreen):
    """Choose a save to load: slots, the quicksave and the autosaves. Returns its name."""

    HEADING = "Load a game"

    def rows(self) -> list[tuple[str, SaveEntry | None]]:
        return list(self.entries.items())

    def status_line(self, rows: list[tuple[str, SaveEntry | None]]) -> str:
        if not rows:
            return "There are no saves yet. Escape goes back."
        return "Choose a save (↑ ↓ Enter, or 1–9); d deletes; Escape goes back."

    def chosen(self, name: str) -> None:
        self.dismiss(name)
