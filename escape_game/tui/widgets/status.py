"""The status panel: the journey map, the inventory and the shown variables.

Each part is a Static fed plain values by the game screen; story strings become Rich
`Text`, so brackets in names are never read as markup.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from escape_game.expressions import formatted
from escape_game.journey import Leg
from escape_game.model import Manifest
from escape_game.state import GameState

METER_WIDTH = 10


#: How many stays (legs) the journey map draws; older ones are counted on one line.
LEGS_SHOWN = 5


def _name(names: dict, key: str) -> str:
    """The display name of a region or location (its id when the story has none)."""
    entry = names.get(key)
    return " ".join(entry.name.split()) if entry else key


def journey_map(legs: tuple[Leg, ...], manifest: Manifest, width: int = 30,
                console: Console | None = None) -> Text:
    """A picture of the route: each stay in a region, oldest first, its places beneath.

    A region appears again each time the player returns to it. Places are listed once each,
    in the order first visited; past stays put theirs on one dim line (wrapped to
    `width` under a `│`), the current stay one a line with the current place marked
    `▶` (and reversed, for colour and for NO_COLOR alike). Only the last `LEGS_SHOWN`
    stays are drawn; older ones are counted.

    Args:
        legs: the journey (`escape_game.journey.journey`).
        manifest: the story's names for regions and places.
        width: the columns the picture may take.
        console: measures the words when wrapping (a plain one when None).
    """
    console = console or Console(width=width)
    picture = Text()
    hidden = max(0, len(legs) - LEGS_SHOWN)
    if hidden:
        picture.append(f"⋮  {hidden} earlier {'stay' if hidden == 1 else 'stays'}\n",
                       style="dim")
    shown = legs[hidden:]
    for index, leg in enumerate(shown):
        last = index == len(shown) - 1
        places = [_name(manifest.locations, place) for place in dict.fromkeys(leg.locations)]
        style = "bold" if last else ""
        picture.append(f"{'◉' if last else '●'}  ", style)
        picture.append(_name(manifest.regions, leg.region) + "\n", style)
        if not last:
            lines = Text(", ".join(places)).wrap(console, max(8, width - 3))
            for number, line in enumerate(lines):
                picture.append("│  " if number == 0 else "   ", "dim")
                picture.append(line.plain.rstrip() + "\n", "dim")
            continue
        here = _name(manifest.locations, leg.locations[-1]) if leg.locations else ""
        for place in places:
            if place == here:
                picture.append("   ")
                picture.append(f"▶ {place}", "reverse")
                picture.append("\n")
            else:
                picture.append(f"   · {place}\n", "dim")
    return picture


def inventory_text(state: GameState, manifest: Manifest) -> Text:
    """The items held, one a line."""
    text = Text()
    text.append("Carrying\n", style="bold")
    if not state.inventory:
        text.append("nothing of note\n", style="dim")
    for item_id in state.inventory:
        item = manifest.items.get(item_id)
        text.append(f"· {item.name if item else item_id}\n")
    return text


def meters_text(state: GameState, manifest: Manifest) -> Text:
    """The variables marked `show`, as meters where they have a range."""
    text = Text()
    for name in manifest.vars:
        declared = manifest.variable(name)
        if not declared.show:
            continue
        value = state.vars[name]
        label = declared.label or name
        if declared.min is not None and declared.max is not None and not declared.format:
            span = (declared.max - declared.min) or 1
            filled = round((value - declared.min) / span * METER_WIDTH)
            text.append(f"{label:<14}")
            text.append("▰" * filled + "▱" * (METER_WIDTH - filled))
            text.append(f" {value}\n")
        else:
            text.append(f"{label:<14}{formatted(value, declared.format)}\n")
    return text
