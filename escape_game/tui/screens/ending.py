"""The ending screen: the ending's title, what this game saw, and endings found so far."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from escape_game.session import Session
from escape_game.tui.views import one_line
from escape_game.tui.bindings import QUIT
from escape_game.tui.widgets.keybar import KeyBar
from escape_game.tui.widgets.too_small import TooSmall

if TYPE_CHECKING:
    from escape_game.tui.keeper import Keeper


def ending_summary(session: Session, found: set[str]) -> Text:
    """The ending's title, scenes seen, choices made, and endings found of the total.

    Args:
        session: the finished game.
        found: scene ids of the endings found in this story so far (this one included).
    """
    story = session.engine.story
    passage = session.step.passages[-1]
    endings = {scene_id for scene_id, scene in story.scenes.items() if scene.ending}
    title = one_line(passage.ending.title) if passage.ending else "The end"
    summary = Text(justify="center")
    summary.append(f"{title}\n\n", style="bold")
    summary.append(f"Scenes seen: {len(session.state.visits)} of {len(story.scenes)}\n")
    summary.append(f"Choices made: {len(session.log)}\n")
    summary.append(f"Endings found: {len(found & endings)} of {len(endings)}")
    return summary


class EndingScreen(ModalScreen[str | None]):
    """Shown when the player asks to see how the story went; returns what to do next:
    "new_game", "title", "undo", or None to go back to the ending's passage.

    Args:
        session: the finished game (read only).
        keeper: where the endings found are kept.
    """

    BINDINGS = [
        Binding("n", "new_game", "New game"),
        Binding("t", "title", "Title"),
        Binding("u", "undo", "Undo"),
        Binding("escape,b", "close", "Back"),
        QUIT,
    ]

    def __init__(self, session: Session, keeper: Keeper) -> None:
        super().__init__()
        self.session = session
        self.keeper = keeper

    def compose(self) -> ComposeResult:
        story_id = self.session.engine.story.manifest.id
        found = self.keeper.endings_found(story_id) | {self.session.state.scene}
        with Vertical(classes="dialog", id="ending"):
            yield Static(Text("The end", style="bold"), classes="dialog-title")
            yield Static(ending_summary(self.session, found), id="ending-summary",
                         markup=False)
            with Horizontal(classes="buttons"):
                yield Button("New game (n)", id="new_game", variant="primary", compact=True)
                yield Button("Title (t)", id="title", compact=True)
                yield Button("Undo (u)", id="undo", compact=True)
                yield Button("Back (b)", id="close", compact=True)
        yield KeyBar()
        yield TooSmall()

    def on_mount(self) -> None:
        self.query_one("#new_game", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None if event.button.id == "close" else event.button.id)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_new_game(self) -> None:
        self.dismiss("new_game")

    def action_title(self) -> None:
        self.dismiss("title")

    def action_undo(self) -> None:
        self.dismiss("undo")
