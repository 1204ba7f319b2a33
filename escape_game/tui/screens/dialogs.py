"""Modal dialogs: a page of text (About, Help, Journal, Inventory), a story error, a
yes-or-no question."""

from __future__ import annotations

from rich.markdown import Markdown
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from escape_game.errors import EscapeGameError
from escape_game.tui.widgets.too_small import TooSmall


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
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("home", "edge(-1)", "Top", show=False),
        Binding("end", "edge(1)", "End", show=False),
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
            content = Markdown(self.body) if self.markdown else self.body
            if isinstance(content, str):
                content = Text(content)
            with VerticalScroll(classes="dialog-body"):
                yield Static(content, markup=False)
            yield Button("Close (Esc)", id="close", compact=True)
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

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

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
        yield TooSmall()

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
