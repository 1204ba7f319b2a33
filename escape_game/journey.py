"""The journey: the route travelled so far, region by region, for the journey map.

Pure: it reads the passages a game has shown and returns frozen legs. A region appears
again each time Tara returns to it, so Kent, London, Kent reads as three legs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from escape_game.engine import Passage
from escape_game.model import Manifest


@dataclass(frozen=True)
class Leg:
    """One stay in a region.

    Attributes:
        region: the region id.
        locations: location ids visited there, in order, without immediate repeats.
    """

    region: str
    locations: tuple[str, ...]


def journey(passages: Iterable[Passage], manifest: Manifest) -> tuple[Leg, ...]:
    """The legs of the route the passages took, oldest first.

    Passages with no known location are skipped; the last location of the last leg is
    where the player is now.
    """
    legs: list[tuple[str, list[str]]] = []
    for passage in passages:
        location = manifest.locations.get(passage.location)
        if location is None:
            continue
        if not legs or legs[-1][0] != location.region:
            legs.append((location.region, []))
        places = legs[-1][1]
        if not places or places[-1] != passage.location:
            places.append(passage.location)
    return tuple(Leg(region, tuple(places)) for region, places in legs)
