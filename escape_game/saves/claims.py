"""Which process plays a game, and so writes its autosave ring: one at a time.

Two windows playing on from the same autosave would share its game's ring: each would
turn the other's autosaves out, and both could pick the same file number. So a process
claims the ring of the game it plays, an advisory lock on `.auto-<game>.lock` in the
save folder, held until it plays another game or exits; a second process finds the
claim taken and plays on as a branch (a new game id: `saves.claim`), and no process
trims a ring another one holds.

The lock is the kernel's (`fcntl.flock`), so a process that dies releases its claims
and a crash never leaves a game locked; its file is swept at the next listing. A lock
file is removed by the process releasing it, while it still holds the lock, and a
claimer checks that the file it locked is still the one at the path, so a file removed
under it is never taken for a claim. Where locks do not work (no `flock` on Windows, a
network file system that refuses them) every claim succeeds: saves work as they did
without claims. Lock files are opened read-only, without following symbolic links.
"""

from __future__ import annotations

import atexit
import errno
import os
import stat
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
#: How a lock file is opened: read-only is enough to lock it; never through a link, and
#: never waiting (a named pipe in its place would wait for a writer).
_OPEN = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
#: The errors that mean "another process holds this lock"; any other means no locks here.
_HELD_ELSEWHERE = (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES)


def lock_path(folder: Path, game: str) -> Path:
    """The lock file of one game's ring (hidden: never listed as a save)."""
    return folder / f".auto-{game}.lock"


def claim(folder: Path, game: str) -> bool:
    """Claim `game`'s ring for this process, releasing the other rings it holds in
    `folder` (a process plays one game at a time). True when this process may write
    the ring now: it holds the claim, or locks do not work here.

    Raises:
        OSError: no lock file can be made (nor, then, any save file): the caller's
            write says why.
    """
    path = lock_path(folder, game)
    for held in [p for p in _HELD if p.parent == folder and p != path]:
        release(held)
    if path in _HELD or fcntl is None:
        return True
    for attempt in range(_ATTEMPTS):
        try:
            descriptor = os.open(path, _OPEN | os.O_CREAT, 0o600)
        except PermissionError:
            if path.exists():  # someone else's file, that we may not open: theirs
                return False
            raise
        locked = _lock(descriptor)
        if locked is None:  # no locks on this file system (nor a use for the file)
            os.close(descriptor)
            with suppress(OSError):
                path.unlink()
            return True
        if not locked:
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
        descriptor = os.open(path, _OPEN)
    except FileNotFoundError:
        return False  # no lock file: nobody claims it
    except OSError:
        return True  # a file we may not open is someone else's
    try:
        return _lock(descriptor) is False
    finally:
        os.close(descriptor)  # closing releases a lock taken just now


def release(path: Path) -> None:
    """Give up a claim: remove its file while still locked, then unlock."""
    descriptor = _HELD.pop(path, None)
    if descriptor is None:
        return
    with suppress(OSError):
        path.unlink()
    os.close(descriptor)


@atexit.register
def release_all() -> None:
    """Give up every claim (on the way out, so no lock file is left behind)."""
    for path in list(_HELD):
        release(path)


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
            descriptor = os.open(path, _OPEN)
            try:
                if _lock(descriptor) is not False and _same_file(descriptor, path):
                    path.unlink()  # unheld, or of no use where locks do not work
            finally:
                os.close(descriptor)


def _lock(descriptor: int) -> bool | None:
    """Lock without waiting: True if locked, False if another process holds the lock,
    None when this is no file to lock (not a regular file) or this file system does
    not lock (NFS may answer ENOLCK, for one)."""
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        return False if error.errno in _HELD_ELSEWHERE else None
    return True


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        here, there = os.fstat(descriptor), os.lstat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)
