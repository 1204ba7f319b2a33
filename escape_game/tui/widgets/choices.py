"""The numbered list of choices, with a marker on the highlighted one.

Built on Textual's OptionList (keys, mouse and scrolling for free). Each prompt is one
Rich `Text`, wrapped here to the list's width with a hanging indent, so a long choice
wraps under its own words rather than under its number (and Textual, given lines that
already fit, draws it at its fastest). The prompts are wrapped again when the width
changes. The highlighted choice carries a `▸` and locked ones say "locked" in words, so
both read without colour (NO_COLOR) as well as with it. Story text reaches the list as
`Text`, never as markup.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual import events
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from escape_game.engine import ChoiceView

#: The marker before the highlighted choice (and its blank stand-in for the others).
MARKER, NO_MARKER = "▸ ", "  "
#: Columns taken by the marker and the number ("▸ 1. ").
INDENT = 5
#: The horizontal padding of each option (escape.tcss gives `padding: 0 1`).
OPTION_PADDING = 2


def choice_prompt(number: int, choice: ChoiceView, highlighted: bool, width: int,
                  console: Console) -> Text:
    """The prompt for one choice: its number, its text, a locked choice's reason.

    Args:
        number: the choice's number (1-based).
        choice: the choice.
        highlighted: whether it carries the marker.
        width: the columns the prompt may take; lines after the first are indented.
        console: the console used to measure the words.
    """
    words = Text(" ".join(choice.text.split()))
    if choice.locked:
        words.stylize("dim")
        reason = " ".join(choice.reason.split())
        words.append(f"  (locked: {reason})" if reason else "  (locked)", style="dim italic")
    elif highlighted:
        words.stylize("bold")
    head = f"{MARKER if highlighted else NO_MARKER}{number}. ".ljust(INDENT)
    indent = len(head)  # "10. " is one wider than "9. "
    prompt = Text(head, style="bold" if highlighted else "")
    lines = words.wrap(console, max(10, width - indent))
    for index, line in enumerate(lines):
        if index:
            prompt.append("\n" + " " * indent)
        line.rstrip()
        prompt.append_text(line)
    return prompt


class ChoiceList(OptionList):
    """The choices offered now; selecting one posts OptionList.OptionSelected.

    Attributes:
        choices: the choices shown, in order (what the options were made from).
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self.choices: tuple[ChoiceView, ...] = ()
        self._wrapped_at = 0
        self._marked: int | None = None  # the option whose prompt carries the marker

    def _width(self) -> int:
        """The columns a prompt has: the list's width less the options' padding."""
        width = self.scrollable_content_region.width or self.app.size.width
        return max(10, width - OPTION_PADDING)

    def _prompt(self, index: int, highlighted: bool) -> Text:
        return choice_prompt(index + 1, self.choices[index], highlighted, self._width(),
                             self.app.console)

    def show_choices(self, choices: tuple[ChoiceView, ...]) -> None:
        """Replace the options with `choices`, highlighting the first."""
        self.choices = choices
        self._wrapped_at = self._width()
        self._marked = 0 if choices else None
        self.set_options(Option(self._prompt(index, index == 0), id=choice.id)
                         for index, choice in enumerate(choices))
        if choices:
            self.highlighted = 0

    def on_mount(self) -> None:
        self.watch(self, "scroll_y", self._scrolled, init=False)
        self.watch(self, "virtual_size", self._scrolled, init=False)

    def on_resize(self, event: events.Resize) -> None:
        if self.choices and self._width() != self._wrapped_at:
            highlighted = self.highlighted
            self.show_choices(self.choices)
            self.highlighted = highlighted
        self.call_after_refresh(self.show_hint)

    def _scrolled(self) -> None:
        self.call_after_refresh(self.show_hint)

    def show_hint(self) -> None:
        """Say on the list's top line when choices are out of sight (there is no
        scrollbar): "↓ more below", "↑ more above", or both."""
        parts = []
        if self.scroll_y > 0:
            parts.append("↑ more above")
        if self.scroll_y < self.max_scroll_y:
            parts.append("↓ more below")
        hint = " · ".join(parts)
        self.border_title = f" {hint} " if hint else None

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        super().watch_highlighted(new)
        if new is None or new == self._marked:
            return
        for index in (self._marked, new):
            if index is not None and index < min(len(self.choices), self.option_count):
                self.replace_option_prompt_at_index(index, self._prompt(index, index == new))
        self._marked = new
