"""Shared test helpers: where things are, the CLI's environment, and small stories
built in Python for engine tests, without YAML or the loader."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import msgspec

from escape_game.engine import Engine
from escape_game.model import Manifest, Scene, Story
from escape_game.program import Program, names_of

ROOT = Path(__file__).resolve().parent.parent
"""The project checkout these tests belong to."""

STORY = ROOT / "story"
"""The bundled story, as it lies in the checkout."""


def cli_env(**overrides: str) -> dict[str, str]:
    """The environment for running the program in a subprocess.

    It is this process's environment (so `ESCAPE_GAME_HOME` is the test's own), with
    the checkout importable from any working folder, no colour, and a fixed width.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "80"
    env.pop("FORCE_COLOR", None)
    env.update(overrides)
    return env


RunCli = Callable[..., subprocess.CompletedProcess[str]]


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
