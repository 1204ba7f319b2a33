"""Where the program's files live: one folder for everything it writes, and the story.

Everything written goes under the platformdirs user directories, or, when the
`ESCAPE_GAME_HOME` environment variable is set, under `data/`, `cache/` and `config/`
inside it (tests always set it, so they never touch the real home directory); set but
empty, it counts as unset (the platform folders are used). Nothing
is ever written inside a story folder or the installed package.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

APP_NAME = "escape-game"
HOME_VARIABLE = "ESCAPE_GAME_HOME"


class Refused(OSError):
    """A file not read: not a regular file, or larger than the cap for its kind."""

    def __str__(self) -> str:
        return self.strerror or "refused"


def read_capped(path: Path, limit: int) -> bytes:
    """The bytes of the regular file `path`, refusing a device, pipe or folder (such as
    /dev/zero, which never ends) and a file larger than `limit` bytes.

    Raises:
        Refused: not a regular file, or too large (an `OSError` whose `strerror` says so).
        OSError: the file cannot be opened or read.
    """
    too_large = Refused(None, f"it is larger than {limit / 1_000_000:g} MB")
    # Opened without blocking: opening a named pipe waits for a writer, for ever. A
    # regular file reads the same either way.
    with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise Refused(None, "it is not a regular file")
        if status.st_size > limit:
            raise too_large
        # The size the file has, not the cap: `read(limit + 1)` would ask the allocator
        # for the whole cap (16 MB for a save) on every read, and glibc then keeps
        # blocks that large on its heap instead of returning them to the system.
        data = handle.read(status.st_size + 1)  # one more byte: a file still growing
        if len(data) > status.st_size:
            data += handle.read(limit + 1 - len(data))
    if len(data) > limit:
        raise too_large
    return data


def _user_dir(kind: str) -> Path:
    # An empty ESCAPE_GAME_HOME (`ESCAPE_GAME_HOME=`) counts as unset: the platform's
    # user folders are used, as when the variable is not there at all.
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
