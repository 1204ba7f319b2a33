"""The passage pane: the prose of the current step, wrapped once, scrolled by line.

A Line API widget (Textual's `ScrollView`, as its `RichLog` is): the passage is rendered
into lines once when it is shown (again only if the pane changes size), and each line
of the screen is then a slice of those lines, kept until the passage changes. The first
build, a `Static` inside a `VerticalScroll`, had Textual wrap the passage again in each
layout pass (to measure it, then to draw it) and lay out and draw a container behind it
besides: measured over 60 moves of the bundled story, this widget makes a key press do
about 11% fewer Python calls and the game hold about 0.5 MB less. The text column is at
most `MAX_WIDTH` wide, at the left of the pane. Story text arrives as Rich `Text`, never
as markup.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

#: The widest the text column gets (columns), however wide the pane: lines of prose
#: much longer than this are hard to read.
MAX_WIDTH = 78


class PassageView(ScrollView, can_focus=True):
    """Shows one passage (a Rich `Text`); ↑ ↓ PgUp PgDn and the wheel scroll it.

    Attributes:
        text: the passage shown.
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = Text()
        self._lines: list[Strip] = []
        self._wrapped: dict[int, list[Strip]] = {}  # the text's lines, by width
        self._shown: dict[tuple, Strip] = {}  # screen lines drawn, by line and place
        self._wrapped_for: tuple[int, int] = (0, 0)  # the pane's size `_lines` fit
        self._style: Style | None = None  # the widget's style while lines are drawn

    @property
    def text_width(self) -> int:
        """The columns the text may take: the pane's, at most `MAX_WIDTH` (0 before the
        pane has a size). Two fewer are used when the scrollbar shows beside it."""
        return min(MAX_WIDTH, self.content_region.width)

    def show(self, text: Text, top: bool = True) -> None:
        """Show `text` in place of what was shown, from its top (or, with `top` False,
        where the pane was scrolled to, as far as the new text allows)."""
        self.text = text
        self._wrapped.clear()
        self._wrap()
        if top:
            self.scroll_to(0, 0, animate=False, immediate=True)

    def on_resize(self) -> None:
        if self.content_region.size != self._wrapped_for:
            self._wrap()

    def _wrap(self) -> None:
        """Lay the text out in lines to fit the pane: at the pane's width, or, when
        that makes more lines than the pane shows, beside the scrollbar Textual will
        then show (as a scrolled container would)."""
        region = self.content_region
        self._wrapped_for = region.size
        width = self.text_width
        lines = self._lines_at(width)
        if len(lines) > region.height:
            width = min(MAX_WIDTH, region.width - self.styles.scrollbar_size_vertical)
            lines = self._lines_at(width)
        if lines is not self._lines:
            self._lines = lines
            self._shown.clear()
            self.virtual_size = Size(width, len(lines))
            self.refresh()

    def _lines_at(self, width: int) -> list[Strip]:
        """The text as lines `width` columns wide at most (rendered once per width)."""
        lines = self._wrapped.get(width)
        if lines is None:
            if len(self._wrapped) >= 4:  # the pane being resized: keep only the latest
                self._wrapped.clear()
            lines = []
            if width > 0:
                console = self.app.console
                options = console.options.update(width=width, height=None, highlight=False)
                rendered = console.render_lines(self.text, options, pad=False,
                                                new_lines=False)
                lines = [Strip(Segment.simplify(line)) for line in rendered]
            self._wrapped[width] = lines
        return lines

    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's style is worked out from its ancestors each time it is asked
        # for: once for all the lines drawn now.
        self._style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._style = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        index = scroll_y + y
        style = self.rich_style if self._style is None else self._style
        key = (index, scroll_x, width, style)
        strip = self._shown.get(key)
        if strip is None:
            if index >= len(self._lines):
                strip = Strip.blank(width, style)
            else:
                strip = self._lines[index].crop_extend(scroll_x, scroll_x + width, style)
                strip = strip.apply_style(style)
            if len(self._shown) > 512:  # a pane of lines many times over: start again
                self._shown.clear()
            self._shown[key] = strip
        return strip
