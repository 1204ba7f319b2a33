"""Where the program's files live: one folder for everything it writes, and the story.

Everything written goes under the platformdirs user directories, or, when the
`ESCAPE_GAME_HOME` environment variable is set, under `data/`, `cache/` and `config/`
inside it (tests always set it, so they never touch the real home directory). Nothing
is ever written inside a story folder or the installed package.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "escape-game"
HOME_VARIABLE = "ESCAPE_GAME_HOME"


def _user_dir(kind: str) -> Path:
    home = os.environ.get(HOME_VARIABLE)
    if home:
        return Path(home).expanduser() / kind
    import platformdirs  # only when needed: it costs start-up time

    finder = {
        "data": platformdirs.user_data_dir,
        "cache": platformdirs.user_cache_dir,
        "config": platformdirs.user_config_dir,
    }[kind]
    return Path(finder(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The folder for saves and the profile (not created here)."""
    return _user_dir("data")


def cache_dir() -> Path:
    """The folder for caches that can be deleted at any time (not created here)."""
    return _user_dir("cache")


def config_dir() -> Path:
    """The folder for settings (not created here)."""
    return _user_dir("config")


def bundled_story() -> Path:
    """The folder of the story that ships with the game.

    An installed wheel carries it as `escape_game/story` (hatchling's force-include);
    a source checkout has it at `story/` beside the package.
    """
    from importlib import resources  # only here: it costs start-up time

    packaged = resources.files("escape_game") / "story"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "story"
