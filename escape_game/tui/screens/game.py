"""The game screen: the place, the passage, the choices and the status panel.

The only screen that calls the session. Each move replaces what the widgets show with
values from the new step; the widgets keep nothing of their own. After every move the
game is autosaved (off the UI thread, by the app's `Keeper`, once the move is painted).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static

from escape_game.engine import ChoiceView, Step
from escape_game.errors import CommandError, EscapeGameError
from escape_game.journey import journey
from escape_game.session import Session
from escape_game.tui.collector import forget_widths
from escape_game.tui.prose import BREAK_MARK, prose
from escape_game.tui.views import place_line, replayed_turns, story_error_place
from escape_game.tui.widgets.choices import ChoiceList
from escape_game.tui.widgets.passage import PassageView
from escape_game.tui.widgets.status import inventory_text, journey_map, meters_text
from escape_game.tui.widgets.keybar import KeyBar
from escape_game.tui.widgets.too_small import TooSmall

if TYPE_CHECKING:
    from escape_game.tui.screens.saves import SaveRequest


#: The one entry the choice list shows at an ending.
THE_END = ChoiceView("__the_end__", "The end: see how your story went")

#: Key bar group: two keys under one description. The key bar shows only what fits in
#: 60 columns (the narrowest the game plays in); Help lists every key.
SAVE = Binding.Group("Save/load")

#: How long a "locked" notice shows; the same one is not repeated meanwhile.
LOCKED_SECONDS = 4

#: Actions refused while the terminal is too small to show what they change.
MOVES = {"pick", "undo", "redo", "quickload", "load", "save", "quicksave"}


class GameScreen(Screen):
    """Plays one session.

    Args:
        session: the game to show and drive.
        saved: the game as it is now is already in an autosave (a game continued).
    """

    BINDINGS = [
        *(Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)),
        Binding("0", "pick(10)", show=False),
        Binding("u", "undo", "Undo", tooltip="Take back the last choice"),
        Binding("r", "redo", "Redo", show=False, tooltip="Take again a choice taken back"),
        Binding("s", "save", "Save", group=SAVE, tooltip="Save the game in a slot"),
        Binding("l", "load", "Load", group=SAVE,
                tooltip="Load a saved game (d there deletes a save)"),
        Binding("f5", "quicksave", "Quicksave", key_display="F5", show=False,
                tooltip="Save in the quicksave slot"),
        Binding("f9", "quickload", "Quickload", key_display="F9", show=False,
                tooltip="Load the quicksave"),
        Binding("j", "journal", "Journal", tooltip="Every passage read and choice made"),
        Binding("i", "inventory", "Items", tooltip="What you carry"),
        Binding("p", "toggle_panel", "Panel", tooltip="Show or hide the status panel"),
        Binding("question_mark,f1", "help", "Help", key_display="?",
                tooltip="Keys and commands (this page)"),
        Binding("q", "quit_game", "Quit", tooltip="Quit (the game is autosaved)"),
        Binding("pageup", "scroll_passage(-1)", "Scroll up", show=False),
        Binding("pagedown,space", "scroll_passage(1)", "Scroll down", show=False),
    ]

    def __init__(self, session: Session, saved: bool = False) -> None:
        super().__init__()
        self.session = session
        self._saved_step: Step | None = session.step if saved else None
        self.before = replayed_turns(session)
        self._locked_reason, self._locked_at = "", 0.0  # the last "locked" notice
        self._chosen: ChoiceView | None = None  # the choice that led to this step
        self._widths = (0, 0)  # the passage's and the journey map's, when last wrapped
        self._shown: dict[str, tuple] = {}  # what each status Static shows now

    def compose(self) -> ComposeResult:
        # The place line and the key bar are docked; the passage and the panel lie
        # side by side between them, in the screen's own horizontal layout (a
        # container more would cost its lines in the compositor's caches: 0.2 MB).
        yield Static(id="place", markup=False)
        with Vertical(id="main"):
            yield PassageView(id="passage")
            yield ChoiceList(id="choices")
        with VerticalScroll(id="side"):
            # What changes most often first; the journey map, which only grows,
            # last (the panel scrolls when it does not fit).
            yield Static(id="meters", markup=False)
            yield Static(id="inventory", markup=False)
            yield Static(id="journey", markup=False)
        yield KeyBar(palette=True)
        yield TooSmall()

    def on_mount(self) -> None:
        self.show(self.session.step)
        self.query_one(ChoiceList).focus()
        # A game loaded from a save that is not its game's newest autosave plays on as
        # a new branch: on disk at once, since its file may be turned out of its ring.
        self.autosave_after_paint()

    def on_resize(self, event) -> None:
        # The passage and the journey map are wrapped to their widths: again, after
        # the new layout.
        self.call_after_refresh(self.rewrap)
        self.call_after_refresh(self.place_toasts)

    def rewrap(self) -> None:
        """Show the step again if the passage or the panel changed width."""
        widths = (self.query_one(PassageView).text_width,
                  self.query_one("#journey").content_region.width)
        if widths != self._widths:
            self._widths = widths
            self.show_text(top=False)
            self.show_status()

    @property
    def too_small(self) -> bool:
        """Whether the terminal is below the size the game needs (the message shows)."""
        return self.has_class("-tiny") or self.has_class("-short")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in MOVES and self.too_small)

    # -- showing --------------------------------------------------------------------

    def show(self, step: Step, chosen: ChoiceView | None = None) -> None:
        """Show a step from its top: the choice just made, the passages, the choices,
        the place and the status panel."""
        self._chosen = chosen
        forget_widths()
        self.show_text()
        self.query_one(ChoiceList).show_choices(
            (THE_END,) if step.ended else step.choices)
        manifest = self.session.engine.story.manifest
        self.show_in("#place", place_line(step, self.session.state, manifest))
        self.show_status()
        self._widths = (self.query_one(PassageView).text_width,
                        self.query_one("#journey").content_region.width)
        self.call_after_refresh(self.place_toasts)

    def place_toasts(self) -> None:
        """Keep notifications just above the choices (and the key bar): there they
        hide neither the start of the passage nor a choice."""
        from textual.widgets._toast import ToastRack

        below = self.query_one(KeyBar).outer_size.height
        choices = self.query_one(ChoiceList)
        if choices.display and self.query_one("#main").display:
            below += choices.outer_size.height
        for rack in self.query_children(ToastRack):
            if rack.styles.margin.bottom != below:
                rack.styles.margin = (0, 0, below, 0)

    def show_text(self, top: bool = True) -> None:
        """The passage pane, from its top (or as scrolled, with `top` False): the choice
        just made, then the step's passages as prose (a break mark between them)."""
        widget = self.query_one(PassageView)
        width = widget.text_width or 72
        text = Text()
        if self._chosen is not None:
            text.append(f"› {' '.join(self._chosen.text.split())}\n\n", style="italic dim")
        passages = [p for p in self.session.step.passages if p.text.strip()]
        for number, passage in enumerate(passages):
            if number:
                text.append("\n\n" + BREAK_MARK.center(width).rstrip() + "\n\n", style="dim")
            text.append_text(prose(passage.text, width))
        widget.show(text, top)

    def show_status(self) -> None:
        """The journey map, the inventory and the meters."""
        manifest = self.session.engine.story.manifest
        passages = [p for turn in self.before for p in turn.step.passages]
        passages += [p for step in self.session.history for p in step.passages]
        width = self.query_one("#journey").content_region.width or 30
        self.show_in("#journey", journey_map(journey(passages, manifest), manifest, width,
                                            self.app.console))
        self.show_in("#inventory", inventory_text(self.session.state, manifest))
        self.show_in("#meters", meters_text(self.session.state, manifest))

    def show_in(self, selector: str, text: Text) -> None:
        """Show `text` in the Static `selector`, unless it shows that already (an
        update costs a layout and a repaint, and most of the panel stays the same)."""
        key = (text.plain, tuple(text.spans))
        if self._shown.get(selector) != key:
            self._shown[selector] = key
            self.query_one(selector, Static).update(text)

    # -- moving ---------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not self.too_small:
            self.take(event.option_index)

    def action_pick(self, number: int) -> None:
        if number <= len(self.query_one(ChoiceList).choices):
            self.take(number - 1)

    def take(self, index: int) -> None:
        """Take the choice at `index`, or say why it cannot be taken (then the choice
        is highlighted; a choice taken replaces the list, so it is not)."""
        if self.session.step.ended:
            self.highlight(index)
            self.action_ending()
            return
        choice = self.session.step.choices[index]
        if choice.locked:
            self.highlight(index)
            self.tell_locked(" ".join(choice.reason.split()) or "That choice is locked.")
            return
        try:
            step = self.session.choose(choice.id)
        except CommandError as error:
            self.highlight(index)
            self.notify(error.message, severity="warning", markup=False)
            return
        except EscapeGameError as error:
            self.highlight(index)
            self.app.show_error(error, where=story_error_place(self.session, choice))
            return
        self.show(step, chosen=choice)
        self.announce(step)
        self.autosave_after_paint()
        if step.ended:
            ending = step.passages[-1]
            self.app.keeper.record_ending(self.session.engine.story.manifest.id,
                                          ending.scene, ending.ending.title)

    def highlight(self, index: int) -> None:
        """Move the choice list's highlight to the choice at `index`."""
        self.query_one(ChoiceList).highlighted = index

    def tell_locked(self, reason: str) -> None:
        """Say why a choice is locked, once while the same notice is still showing."""
        now = time.monotonic()
        if reason == self._locked_reason and now - self._locked_at < LOCKED_SECONDS:
            return
        self._locked_reason, self._locked_at = reason, now
        self.notify(reason, title="Locked", severity="warning", markup=False,
                    timeout=LOCKED_SECONDS)

    def announce(self, step: Step) -> None:
        """Short notifications for what the player should notice: items gained and lost."""
        items = self.session.engine.story.manifest.items
        for passage in step.passages:
            for item in passage.gained:
                self.notify(f"Added: {items[item].name if item in items else item}",
                            markup=False)
            for item in passage.lost:
                self.notify(f"Gone: {items[item].name if item in items else item}",
                            markup=False)

    def action_undo(self) -> None:
        self.move(self.session.undo)

    def action_redo(self) -> None:
        self.move(self.session.redo)

    def move(self, how) -> None:
        try:
            step = how()
        except CommandError as error:
            message = error.message
            self.notify(message[:1].upper() + message[1:] + ".", markup=False)
            return
        self.show(step)
        self.autosave_after_paint()

    def autosave_after_paint(self) -> None:
        """Autosave once the new passage is on the screen: the writer thread then does
        its work (encoding, the read-back check, turning the ring) while the player
        reads, instead of taking turns with the paint for the interpreter."""
        self.call_after_refresh(self.autosave)

    def autosave(self, wait: bool = False) -> None:
        """Autosave the game unless nothing was chosen yet or this step is saved already."""
        step = self.session.step
        if not self.session.log or step is self._saved_step:
            return
        self._saved_step = step
        written = self.app.keeper.autosave(self.session, wait=wait)
        if written is not None:
            written.add_done_callback(lambda done: self._after_autosave(step, done))

    def _after_autosave(self, step: Step, done) -> None:
        """A failed autosave leaves its step unsaved, so the next one (on quitting, at
        the latest) writes it again."""
        if not done.cancelled() and done.exception() is not None and self._saved_step is step:
            self._saved_step = None

    # -- saving and loading ---------------------------------------------------------

    def action_save(self) -> None:
        from escape_game.tui.screens.saves import SaveScreen

        self.app.push_screen(SaveScreen(), self.save_in)

    def save_in(self, request: SaveRequest | None) -> None:
        """Save as the save screen asked: in its slot, with its label (None: closed)."""
        if request is not None:
            self.app.keeper.save(self.session, request.name, request.label)

    def action_quicksave(self) -> None:
        self.app.keeper.save(self.session, "quick")

    def action_load(self) -> None:
        from escape_game.tui.screens.saves import LoadScreen

        self.app.push_screen(LoadScreen(), self.load_from)

    def load_from(self, name: str | None) -> None:
        """Load the save the load screen returned (None: it was closed)."""
        if name is not None:
            self.app.open_save(name, leaving=self.autosave)

    def action_quickload(self) -> None:
        self.app.open_save("quick", leaving=self.autosave)

    # -- other screens --------------------------------------------------------------

    def action_ending(self) -> None:
        """The ending screen, when the game has ended."""
        from escape_game.tui.screens.ending import EndingScreen

        if self.session.step.ended:
            self.app.push_screen(EndingScreen(self.session, self.app.keeper), self.after_ending)

    def after_ending(self, what: str | None) -> None:
        """Do what the ending screen asked: a new game, the title, or undo."""
        if what == "new_game":
            self.app.new_game()
        elif what == "title":
            self.dismiss_to_title()
        elif what == "undo":
            self.action_undo()

    def dismiss_to_title(self) -> None:
        """Back to the title screen (the game is autosaved already)."""
        self.app.pop_screen()

    def action_journal(self) -> None:
        from escape_game.tui.screens.dialogs import TextDialog
        from escape_game.tui.views import journal_markdown

        self.app.push_screen(TextDialog("Journal", journal_markdown(self.session, self.before),
                                        markdown=True, end=True))

    def action_inventory(self) -> None:
        from escape_game.tui.screens.dialogs import TextDialog
        from escape_game.tui.views import inventory_markdown

        self.app.push_screen(TextDialog("Inventory", inventory_markdown(self.session),
                                        markdown=True))

    def action_help(self) -> None:
        from escape_game.tui.screens.dialogs import TextDialog
        from escape_game.tui.views import help_markdown

        self.app.push_screen(TextDialog("Help", help_markdown(self.app, self), markdown=True))

    def action_toggle_panel(self) -> None:
        self.toggle_class("-panel-toggled")
        self.call_after_refresh(self.rewrap)
        self.call_after_refresh(self.place_toasts)

    def action_scroll_passage(self, direction: int) -> None:
        passage = self.query_one(PassageView)
        (passage.scroll_page_down if direction > 0 else passage.scroll_page_up)(animate=False)

    async def action_quit_game(self) -> None:
        await self.app.action_quit()
