"""Which process writes a game's autosave ring: one at a time.

Two windows playing on from the same autosave would share its game's ring: each would
turn the other's autosaves out, and both could pick the same file number. So the first
process to autosave a game claims its ring, an advisory lock on `.auto-<game>.lock` in
the save folder, held while that process plays the game; a second process finds the
claim taken and autosaves its game as a branch (`SaveStore.autosave`), and no process
trims a ring another one holds.

The lock is the kernel's (`fcntl.flock`), so a process that dies releases its claims and
a crash never leaves a game locked. A lock file is removed by the process releasing it,
while it still holds the lock; a claimer checks that the file it locked is still the one
at the path, so a file removed under it is never taken for a claim. Where the platform
has no `flock` (Windows), every claim succeeds: saves work as they did without claims.
"""

from __future__ import annotations

import os
import time
from contextlib import suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

#: Claims this process holds: lock file path -> its open descriptor (locked).
_HELD: dict[Path, int] = {}
#: Tries at a claim, and the pause (seconds) that grows after each: 0.1 s in all.
_ATTEMPTS, _PAUSE = 4, 0.01


def lock_path(folder: Path, game: str) -> Path:
    """The lock file of one game's ring (hidden: never listed as a save)."""
    return folder / f".auto-{game}.lock"


def claim(folder: Path, game: str) -> bool:
    """Claim `game`'s ring for this process, releasing the other rings it holds in
    `folder` (a process plays one game at a time). True when this process holds it now.

    Raises:
        OSError: the lock file cannot be created (the write that follows would fail too).
    """
    path = lock_path(folder, game)
    for held in [p for p in _HELD if p.parent == folder and p != path]:
        release(held)
    if path in _HELD or fcntl is None:
        return True
    for attempt in range(_ATTEMPTS):
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(descriptor)
            # Another process may hold it only for a moment (`held_elsewhere`, `sweep`
            # look and let go at once); a process playing the game holds it for minutes.
            time.sleep(_PAUSE * (attempt + 1))
            continue
        if _same_file(descriptor, path):
            _HELD[path] = descriptor
            return True
        os.close(descriptor)  # removed as it was released: try the new file
    return False


def held_elsewhere(folder: Path, game: str) -> bool:
    """Whether another process holds `game`'s ring now (never creates a lock file)."""
    path = lock_path(folder, game)
    if path in _HELD or fcntl is None:
        return False
    try:
        descriptor = os.open(path, os.O_RDWR)
    except OSError:
        return False  # no lock file: nobody claims it
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(descriptor)  # closing releases a lock taken just now
    return False


def release(path: Path) -> None:
    """Give up a claim: remove its file while still locked, then unlock."""
    descriptor = _HELD.pop(path, None)
    if descriptor is None:
        return
    with suppress(OSError):
        path.unlink()
    os.close(descriptor)


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        here, there = os.fstat(descriptor), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def sweep(folder: Path) -> None:
    """Remove the lock files no process holds (left by processes that died)."""
    if fcntl is None:
        return
    try:
        names = [n for n in os.listdir(folder) if n.startswith(".auto-") and n.endswith(".lock")]
    except OSError:
        return
    for name in names:
        path = folder / name
        if path in _HELD:
            continue
        with suppress(OSError):
            descriptor = os.open(path, os.O_RDWR)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if _same_file(descriptor, path):
                    path.unlink()
            finally:
                os.close(descriptor)
