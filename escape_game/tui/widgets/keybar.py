"""The key bar: the screen's keys on one line at the bottom, each one clickable.

What Textual's `Footer` shows, drawn as one `Content` instead of a widget per key:
the Footer rebuilds all of its widgets whenever the bindings change (every key press
and every change of focus), and on the game screen it held 1.4 MB, a tenth of what
the game adds to a bare Textual app. Here a change of bindings only repaints one line.

Each key is shown as `key description`, in the theme's footer colours; keys of one
`Binding.Group` share the group's description (`s l Save/load`); a key whose action is
disabled now is dimmed; clicking a key presses it; with `palette`, the command
palette's key ends the line at the right when there is room for it. Help lists every
key, shown here or not.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.style import Style
from textual.widget import Widget


class KeyBar(Widget, can_focus=False):
    """The keys of the screen it is on (the bindings marked `show`), on one line.

    Args:
        palette: also show the command palette's key, at the right end, when it fits.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--description"}
    # Keys are links (they can be clicked), drawn in the footer's key colours.
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        link-color: $footer-key-foreground;
        link-style: bold;
        link-color-hover: $footer-key-foreground;
        link-background-hover: $block-hover-background;
        link-style-hover: bold;
        & > .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, palette: bool = False) -> None:
        super().__init__()
        self.palette = palette

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def render(self) -> Content:
        keys = Content(" ").join(self.entry(keys, description)
                                 for keys, description in self.entries())
        palette = self.palette_entry()
        gap = self.size.width - keys.cell_length - (palette.cell_length if palette else 0)
        if palette is None or gap < 2:  # no room: the palette is named in Help
            return keys
        return Content.assemble(keys, " " * gap, palette)

    def entry(self, keys: list[tuple[Binding, bool]], description: str) -> Content:
        """`key key description`: each key clickable, dimmed when disabled."""
        parts: list[str | tuple[str, Style]] = []
        for binding, enabled in keys:
            click = Style.from_meta({"@click": f"app.simulate_key({binding.key!r})"})
            style = click + Style(dim=True) if not enabled else click
            parts += [(self.app.get_key_display(binding), style), " "]
        description_style = self.get_visual_style("keybar--description", partial=True)
        return Content.assemble(*parts, (description, description_style))

    def palette_entry(self) -> Content | None:
        """The command palette's key, when asked for and the app has a palette."""
        if not (self.palette and self.app.ENABLE_COMMAND_PALETTE):
            return None
        active = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if active is None:
            return None
        return self.entry([(active.binding, active.enabled)], active.binding.description)

    def entries(self) -> list[tuple[list[tuple[Binding, bool]], str]]:
        """The entries to show, in order: ([(binding, enabled)], description) each; one
        binding per action (the first), the keys of a group side by side under the
        group's description."""
        seen: set[str] = set()
        runs: list[tuple[Binding.Group | None, list[tuple[Binding, bool]]]] = []
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            if binding.group is not None and runs and runs[-1][0] is binding.group:
                runs[-1][1].append((binding, enabled))
            else:
                runs.append((binding.group, [(binding, enabled)]))
        return [(keys, group.description if group and len(keys) > 1
                 else keys[0][0].description) for group, keys in runs]
