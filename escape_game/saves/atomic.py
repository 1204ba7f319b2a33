"""Atomic file writes: a process killed at any instant leaves the old file or the new one.

The new content goes to a temporary file in the same folder (so the rename cannot cross
file systems), is flushed, fsynced and read back, and only then renamed over the old
file; the folder is fsynced last so the rename itself survives a power cut. Temporary
files are named `.<target>.<pid>.<random>.tmp`: hidden, never taken for a save, and
removable once the process that wrote them is gone (`clean_temporary_files`).

Every failure is turned into a `SaveError` with one clear line (disk full, permission
denied, read-only folder), and a failure leaves every existing file as it was.
"""

from __future__ import annotations

import errno
import os
import time
from contextlib import suppress
from pathlib import Path

from escape_game.errors import SaveError

#: How old a temporary file must be before it is removed even if its writer may live.
STALE_SECONDS = 3600

_TEMP_PREFIX, _TEMP_SUFFIX = ".", ".tmp"

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the folder is read-only",
    errno.ENOTDIR: "a file stands where a folder should be",
    errno.EEXIST: "a file stands where a folder should be",
    errno.EISDIR: "a folder stands where the file should be",
    errno.EIO: "the disk reported an input/output error",
}


def describe(error: OSError) -> str:
    """A short phrase for why a file operation failed, e.g. "the disk is full"."""
    return _REASONS.get(error.errno, error.strerror or str(error))


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data`, atomically and durably.

    The folder is created when missing. After this returns the file holds `data`,
    verified by reading it back before the rename.

    Raises:
        SaveError: the file could not be written; `path` (if it existed) is untouched
            and no temporary file is left behind.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, temp = create_temporary(path)
    except OSError as error:
        raise _failure(path, error) from None
    try:
        try:
            with open(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            with open(temp, "rb") as handle:
                if handle.read() != data:
                    raise OSError(errno.EIO, "the file read back differs from what was written")
            os.replace(temp, path)
        except BaseException:
            with suppress(OSError):
                os.unlink(temp)
            raise
        fsync_folder(folder)
    except OSError as error:
        raise _failure(path, error) from None


def create_temporary(path: Path) -> tuple[int, Path]:
    """A new, empty temporary file beside `path`, readable by its owner only.

    Its name is `.<name>.<pid>.<random hex>.tmp` (not `tempfile`, to keep start-up
    light).

    Returns:
        (open file descriptor for writing, the file's path).

    Raises:
        OSError: it could not be created.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | \
        getattr(os, "O_CLOEXEC", 0)
    while True:
        temp = path.with_name(f"{_TEMP_PREFIX}{path.name}.{os.getpid()}."
                              f"{os.urandom(4).hex()}{_TEMP_SUFFIX}")
        try:
            return os.open(temp, flags, 0o600), temp
        except FileExistsError:
            continue  # 1 in 4 billion: draw another name


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable; a no-op where folders cannot be fsynced.

    Windows cannot open a folder as a file, and some file systems refuse fsync on one
    (EINVAL): those are skipped, not errors.

    Raises:
        OSError: the folder could not be opened or synced for another reason.
    """
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(descriptor)


def is_temporary(name: str) -> bool:
    """Whether a file name is one of `write_atomic`'s temporary files."""
    return name.startswith(_TEMP_PREFIX) and name.endswith(_TEMP_SUFFIX)


def clean_temporary_files(folder: Path) -> int:
    """Remove temporary files left by writers that died (killed mid-write).

    A file is removed when the process that wrote it (its pid is in the name) no
    longer runs, or when it is older than `STALE_SECONDS`. Files this process is
    writing are kept. Errors are ignored: cleaning is a courtesy, never a failure.

    Returns:
        how many files were removed.
    """
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    now = time.time()
    for name in names:
        if not is_temporary(name):
            continue
        path = folder / name
        with suppress(OSError):
            stale = now - path.stat().st_mtime > STALE_SECONDS
            if stale or not _writer_alive(name):
                path.unlink()
                removed += 1
    return removed


def _writer_alive(name: str) -> bool:
    """Whether the process whose pid a temporary file's name holds may still run."""
    parts = name.split(".")
    # ".<target name with dots>.<pid>.<random>.tmp": the pid is third from the end.
    if len(parts) < 4 or not parts[-3].isdigit():
        return False
    pid = int(parts[-3])
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return True  # no cheap check there: rely on the age
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, run by someone else
    return True


def _failure(path: Path, error: OSError) -> SaveError:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = "free some space"
    elif error.errno in (errno.ENOTDIR, errno.EEXIST):
        blocker = next((p for p in [path.parent, *path.parent.parents] if p.is_file()), None)
        fix = (f"'{blocker}' is a file, not a folder: move it, or point "
               "ESCAPE_GAME_HOME at a folder" if blocker is not None else
               "a file stands in the way of the save folder: move it")
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "make the folder writable, or set ESCAPE_GAME_HOME to a folder you can write"
    else:
        fix = "check the folder"
    return SaveError(f"could not write '{path.name}': {describe(error)}",
                     f"every existing save is unchanged; {fix} ({path.parent})")
