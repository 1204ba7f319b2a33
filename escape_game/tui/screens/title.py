"""The title screen: the story's title and New game, Continue, Load, About, Quit.

It is the app's default screen, so it paints before the story is loaded; its menu
waits for the story (New game, Load) and for a look at the saves (Continue).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from escape_game.tui.widgets.keybar import KeyBar
from escape_game.tui.widgets.too_small import TooSmall

#: The menu: option id -> label.
MENU = {"new": "New game", "continue": "Continue", "load": "Load", "about": "About",
        "quit": "Quit"}


class TitleScreen(Screen):
    """The first screen; New game, Continue and Load wait for the story to load."""

    BINDINGS = [
        Binding("n", "new_game", "New game"),
        Binding("c", "continue_game", "Continue"),
        Binding("l", "load", "Load"),
        Binding("a", "app.about", "About"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._chose_default = False  # the highlight is set once, when the story is ready

    def compose(self) -> ComposeResult:
        # Centred by the screen's own alignment: the screen stays under the game, and
        # a box around these would keep its lines in the compositor's caches there.
        yield Static(Text(self.app.title, style="bold"), id="title-name")
        yield Static(Text("a story in a terminal", style="italic"), id="title-sub")
        with Center():
            yield OptionList(
                *(Option(label, id=key, disabled=key in ("continue", "load"))
                  for key, label in MENU.items()),
                id="title-menu", markup=False,
            )
        yield Static(Text("Loading the story…"), id="title-status")
        yield KeyBar(palette=True)
        yield TooSmall()

    def on_mount(self) -> None:
        self.story_ready()
        self.call_after_refresh(self.app.start_loading)

    def on_screen_resume(self) -> None:
        self.story_ready()

    def story_ready(self) -> None:
        """Show what is ready: the title, the menu entries, or the load error."""
        app = self.app
        status = self.query_one("#title-status", Static)
        if app.load_error is not None:
            status.update(Text(f"The story cannot be played: {app.load_error.message}",
                               style="bold"))
            return
        if app.loaded is None:
            return
        self.query_one("#title-name", Static).update(Text(app.title, style="bold"))
        status.update(Text(""))
        menu = self.query_one("#title-menu", OptionList)
        highlighted = menu.highlighted
        ready = {"load": True, "continue": app.keeper.has_autosave}
        for option_id, enabled in ready.items():
            # Only when it changes: enabling the highlighted option moves the highlight.
            if menu.get_option(option_id).disabled == enabled:
                (menu.enable_option if enabled else menu.disable_option)(option_id)
        if not self._chose_default and ready["continue"]:
            highlighted = 1  # Continue is what a returning player wants
        self._chose_default = True
        menu.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        actions = {"new": self.action_new_game, "continue": self.action_continue_game,
                   "load": self.action_load, "about": self.app.action_about}
        if event.option.id == "quit":
            self.app.exit()
        elif event.option.id in actions:
            actions[event.option.id]()

    def ready(self) -> bool:
        """Whether the story is loaded; otherwise tell the player why not."""
        if self.app.loaded is None:
            self.notify("The story is still loading." if self.app.load_error is None
                        else "The story cannot be played.", markup=False)
            return False
        return True

    def action_new_game(self) -> None:
        if self.ready():
            self.app.new_game()

    def action_continue_game(self) -> None:
        if self.ready():
            if not self.app.keeper.has_autosave:
                self.notify("There is no autosave yet: start a new game.", markup=False)
                return
            self.app.open_save("auto")

    def action_load(self) -> None:
        from escape_game.tui.screens.saves import LoadScreen

        if self.ready():
            self.app.push_screen(LoadScreen(), self.load_from)

    def load_from(self, name: str | None) -> None:
        if name is not None:
            self.app.open_save(name)
