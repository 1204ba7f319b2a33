"""Modal dialogs: a page of text (About, Help, Journal, Inventory), a story error, a
yes-or-no question, a save's label."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from escape_game.errors import EscapeGameError
from escape_game.tui.bindings import QUIT
from escape_game.tui.widgets.keybar import KeyBar
from escape_game.tui.widgets.too_small import TooSmall

#: Key bar group: page up and page down under one description.
PAGE = Binding.Group("Page")


class TextDialog(ModalScreen[None]):
    """A titled, scrollable page of text; Escape, Enter or q closes it.

    Args:
        title: the heading.
        body: the text: Markdown when `markdown`, else plain; never terminal markup.
        markdown: read `body` as Markdown.
        end: open scrolled to the end (the journal's newest page).
    """

    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("up", "scroll(-1)", "Scroll", show=False),
        Binding("down", "scroll(1)", "Scroll", show=False),
        Binding("pageup", "page(-1)", "Page up", group=PAGE),
        Binding("pagedown,space", "page(1)", "Page down", group=PAGE),
        Binding("home", "edge(-1)", "Top", show=False),
        Binding("end", "edge(1)", "End", show=False),
        QUIT,
    ]

    def __init__(self, title: str, body: str | Text, markdown: bool = False,
                 end: bool = False) -> None:
        super().__init__()
        self.heading = title
        self.body = body
        self.markdown = markdown
        self.end = end

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.heading, style="bold"), classes="dialog-title")
            if self.markdown:
                # Here, not at the top: rich.markdown brings markdown-it with it (about
                # 130 ms), which the questions and the label dialog do not need.
                from rich.markdown import Markdown

                content = Markdown(self.body)
            else:
                content = self.body
            if isinstance(content, str):
                content = Text(content)
            with VerticalScroll(classes="dialog-body"):
                yield Static(content, markup=False)
            yield Button("Close (Esc)", id="close", compact=True)
        yield KeyBar()
        yield TooSmall()

    def on_mount(self) -> None:
        self.query_one(Button).focus()
        if self.end:
            self.call_after_refresh(self.action_edge, 1)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()

    def _body(self) -> VerticalScroll:
        return self.query_one(".dialog-body", VerticalScroll)

    def action_scroll(self, lines: int) -> None:
        self._body().scroll_relative(y=lines, animate=False)

    def action_page(self, direction: int) -> None:
        body = self._body()
        (body.scroll_page_down if direction > 0 else body.scroll_page_up)(animate=False)

    def action_edge(self, direction: int) -> None:
        body = self._body()
        (body.scroll_end if direction > 0 else body.scroll_home)(animate=False)


class ErrorDialog(TextDialog):
    """A story error met while playing: the message, where, and the hint; no traceback.

    Args:
        error: the error.
        heading: the dialog's heading.
        where: where in the story it was met (scene, file and line, choice), if known.
    """

    def __init__(self, error: EscapeGameError, heading: str = "The story has an error",
                 where: str = "") -> None:
        body = Text()
        body.append(error.message, style="bold")
        if where:
            body.append(f"\n\n{where}")
        for diagnostic in getattr(error, "diagnostics", ())[:50]:
            body.append("\n\n" + diagnostic.format())
        if error.hint:
            body.append(f"\n\nHint: {error.hint}", style="italic")
        body.append("\n\nYour game is as it was before that choice, and its autosave is "
                    "kept." if where else "")
        super().__init__(heading, body)
        self.add_class("error")


class ConfirmDialog(ModalScreen[bool]):
    """A yes-or-no question; returns True for yes. Y, N and Escape answer it.

    Args:
        question: the question, plain text.
        yes: the label of the yes button.
    """

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No"),
                QUIT]

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Static(Text(self.question), classes="question", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="warning")
                yield Button("No (n)", id="no")
        yield KeyBar()
        yield TooSmall()

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class LabelInput(Input):
    """The label's text box: Enter submits the text as it is when Enter is read.

    Input submits through a key binding, which Textual acts on once the key has been
    passed up to the app; keys typed right behind Enter reach the box first, and ended
    up in the label ("mylabelq"). Here Enter is handled where it is read, in order.
    """

    def key_enter(self, event: events.Key) -> None:
        event.stop()  # not passed up: the binding would submit a second time
        self.post_message(self.Submitted(self, self.value))


class LabelDialog(ModalScreen[str | None]):
    """Asks for a save's label (optional); returns the text, or None when cancelled.

    Enter saves with the text as typed (empty is fine: no label); Escape cancels the
    save. The old label of a save being overwritten is offered, selected, so typing
    replaces it and Enter keeps it. The label is plain text, shown and kept as typed
    (never read as markup).

    Args:
        where: the slot's heading, e.g. "Slot 3".
        label: the text to start with (the old label when overwriting).
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel"), QUIT]

    #: The longest label kept (the saves module cuts longer ones to this).
    MAX_LENGTH = 200

    def __init__(self, where: str, label: str = "") -> None:
        super().__init__()
        self.where = where
        self.label = label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm label"):
            yield Static(Text(f"Save in {self.where}", style="bold"), classes="dialog-title",
                         markup=False)
            yield LabelInput(self.label, placeholder="a label to know it by (optional)",
                             max_length=self.MAX_LENGTH, id="label")
            yield Static(Text("Enter saves (with no label if empty) · Escape cancels"),
                         classes="hint", markup=False)
        yield KeyBar()
        yield TooSmall()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
