"""Builds small stories in Python for engine tests, without YAML or the loader."""

from __future__ import annotations

import msgspec

from escape_game.engine import Engine
from escape_game.model import Manifest, Scene, Story
from escape_game.program import Program, names_of

BASE_MANIFEST = {
    "id": "test",
    "title": "Test",
    "start": "a",
    "regions": {"home": {"name": "Home"}},
    "locations": {"room": {"name": "The room", "region": "home"}},
}


def build_engine(scenes: dict, **manifest: object) -> Engine:
    """An engine for `scenes` (id -> scene mapping, as YAML would give) and manifest fields."""
    declared = msgspec.convert({**BASE_MANIFEST, **manifest}, Manifest)
    parsed = {
        scene_id: msgspec.convert({"location": "room", **scene}, Scene)
        for scene_id, scene in scenes.items()
    }
    story = Story(manifest=declared, scenes=parsed, origins={}, digest="test")
    return Engine(story, Program(names_of(declared, frozenset(parsed))))
