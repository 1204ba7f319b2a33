"""The key bar: the screen's keys on one line at the bottom, each one clickable.

What Textual's `Footer` shows, drawn as one `Content` instead of a widget per key:
the Footer rebuilds all of its widgets whenever the bindings change (every key press
and every change of focus), and on the game screen it held 1.4 MB, a tenth of what
the game adds to a bare Textual app. Here a change of bindings only repaints one line.

Each entry is `key description`, in the theme's footer colours; the keys of one
`Binding.Group` stand side by side under the group's description (`s l Save/load`); a
key whose action is disabled now is dimmed. Entries that do not fit are left out
whole (Help lists every key). The mouse works as on the Footer: an entry under the
pointer is highlighted and shows its binding's tooltip, and a click presses its key
(in a group, each key is its own target). With `palette`, the command palette's key
ends the line at the right when there is room for it.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.style import Style
from textual.widget import Widget


class Key(NamedTuple):
    """One key in the bar: the binding it presses, whether its action is enabled now,
    and the tooltip shown when the pointer is over it ("" for none)."""

    binding: Binding
    enabled: bool
    tooltip: str


class Entry(NamedTuple):
    """One entry: its keys (several for a group) and the description after them."""

    keys: tuple[Key, ...]
    description: str


class Target(NamedTuple):
    """Columns `start` to `end` (exclusive) of the bar press `key` when clicked."""

    start: int
    end: int
    key: Key


class KeyBar(Widget, can_focus=False):
    """The keys of the screen it is on (the bindings marked `show`), on one line.

    Args:
        palette: also show the command palette's key, at the right end, when it fits.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--hover"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keybar--hover {
            background: $block-hover-background;
        }
    }
    """

    def __init__(self, palette: bool = False) -> None:
        super().__init__()
        self.palette = palette
        self._targets: list[Target] = []  # where each key is, as last drawn
        self._hovered: Binding | None = None  # the binding under the pointer

    # -- when to draw ---------------------------------------------------------------

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def on_resize(self) -> None:
        # A resize can also change the screen's size classes, which enable or hide
        # keys, after this bar has drawn at the new size: draw again once they have.
        self.call_after_refresh(self.refresh)

    # -- drawing --------------------------------------------------------------------

    def render(self) -> Content:
        width = self.size.width
        parts: list[Content] = []
        targets: list[Target] = []
        used = 0
        for entry in self.entries():
            start = used + 1 if parts else 0  # one space between entries
            drawn, entry_targets = self.draw(entry, start)
            if start + drawn.cell_length > width:
                break  # whole entries only
            parts += [Content(" " * (start - used)), drawn]
            targets += entry_targets
            used = start + drawn.cell_length
        palette = self.palette_entry()
        if palette is not None:
            start = width - self.draw(palette, 0)[0].cell_length
            if start - used >= 2:  # else no room: Help names the palette's key
                drawn, entry_targets = self.draw(palette, start)
                parts += [Content(" " * (start - used)), drawn]
                targets += entry_targets
        self._targets = targets
        return Content.assemble(*parts)

    def draw(self, entry: Entry, x: int) -> tuple[Content, list[Target]]:
        """An entry as content, and where its keys are when it starts at column `x`."""
        single = len(entry.keys) == 1
        hovered = any(key.binding is self._hovered for key in entry.keys)
        description_style = self._style("keybar--description", single and hovered)
        parts: list[tuple[str, Style]] = []
        targets: list[Target] = []
        column = x
        for key in entry.keys:
            shown = self.app.get_key_display(key.binding)
            style = self._style("keybar--key", key.binding is self._hovered)
            if not key.enabled:
                style += Style(dim=True)
            parts += [(shown, style), (" ", description_style)]
            end = column + cell_len(shown) + 1 + (cell_len(entry.description) if single else 0)
            targets.append(Target(column, end, key))
            column += cell_len(shown) + 1
        parts.append((entry.description, description_style))
        return Content.assemble(*parts), targets

    def _style(self, component: str, hovered: bool) -> Style:
        if hovered:
            return self.get_visual_style(component, "keybar--hover")
        return self.get_visual_style(component)

    # -- what to draw ---------------------------------------------------------------

    def entries(self) -> list[Entry]:
        """The entries to show, in order: one binding per action (the first), the keys
        of a group side by side under the group's description."""
        seen: set[str] = set()
        runs: list[tuple[Binding.Group | None, list[Key]]] = []
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key = Key(binding, enabled, tooltip or binding.tooltip)
            if binding.group is not None and runs and runs[-1][0] is binding.group:
                runs[-1][1].append(key)
            else:
                runs.append((binding.group, [key]))
        return [Entry(tuple(keys), group.description if group and len(keys) > 1
                      else keys[0].binding.description) for group, keys in runs]

    def palette_entry(self) -> Entry | None:
        """The command palette's key, when asked for and the app has a palette."""
        if not (self.palette and self.app.ENABLE_COMMAND_PALETTE):
            return None
        active = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if active is None:
            return None
        tooltip = active.tooltip or active.binding.tooltip
        return Entry((Key(active.binding, active.enabled, tooltip),),
                     active.binding.description)

    # -- the mouse ------------------------------------------------------------------

    def target_at(self, x: int) -> Target | None:
        """The key drawn at column `x` of the bar, if any."""
        return next((target for target in self._targets
                     if target.start <= x < target.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        target = self.target_at(event.x)
        binding = target.key.binding if target else None
        if binding is not self._hovered:
            self._hovered = binding
            self.tooltip = (target.key.tooltip or None) if target else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hovered is not None:
            self._hovered = None
            self.tooltip = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        event.stop()
        target = self.target_at(event.x)
        if target is None:
            return
        if target.key.enabled:
            self.app.simulate_key(target.key.binding.key)
        else:
            self.app.bell()
