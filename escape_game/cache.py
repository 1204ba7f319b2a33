"""The story cache: a checked story and its compiled expressions, reloaded without YAML.

One file per story folder under `paths.cache_dir() / "stories"`, holding the `Story`
(msgspec MessagePack), the warnings it loaded with, and the compiled expression memo
(`Names.memo`: code objects in plain tuples, written with `marshal`). An entry is used
only when the story's sources are byte for byte those it was built from (the entry
keeps a copy) and when everything else that could change what loading produces is as
it was: our version and the fingerprint of the modules that load and compile, PyYAML's
and msgspec's versions, and Python's (`code_stamp`).

The design decisions: this module never imports `yaml`, so a warm start pays neither
PyYAML's import nor any parsing; and it never imports `hashlib`, whose OpenSSL costs a
warm start half a megabyte of memory. Comparing the sources is exact where a hash is
only nearly so, and the story's SHA-256 digest, which saves record, is kept in the entry.

A cache is only ever an optimisation: a file that is missing, stale, truncated or
corrupt is ignored (and rewritten by the next successful load), never an error. Writes
go to a temporary file renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
import zlib
from pathlib import Path
from typing import Any

import msgspec

from escape_game.errors import Diagnostic
from escape_game.model import Story

# The cache layout's version. Bump it when the layout or the meaning of a field changes.
# 1: MAGIC, key, sha256 of the payload, then a MessagePack `_Entry`.
# 2: MAGIC, CRC-32 of the rest (4 bytes, big-endian), then a MessagePack `_Entry` that
#    keeps the code stamp and the sources themselves instead of hashes of them.
CACHE_FORMAT = 2
MAGIC = b"ESCAPE-GAME-STORY-CACHE\n"

#: Modules whose code decides what a load produces; their size and mtime are in the stamp.
_MODULES = ("model", "loader", "yamlread", "yamltraps", "checks", "rules", "references",
            "expressions", "compiler", "text", "program", "cache")


class _Entry(msgspec.Struct, array_like=True):
    """One cache file's content; the story is decoded only once the rest matches."""

    stamp: str
    sources: bytes
    story: msgspec.Raw
    warnings: list[Diagnostic]
    memo: bytes


def _yaml_version() -> str:
    """PyYAML's version and files, found without importing it (which costs ~70 ms)."""
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec("yaml")
    if spec is None or spec.origin is None:
        return "none"
    folder = Path(spec.origin).parent
    try:
        head = Path(spec.origin).read_text("utf-8", "replace")
        found = re.search(r"__version__\s*=\s*['\"]([^'\"]+)", head)
        stamps = sorted(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
                        for p in folder.glob("_yaml*"))
    except OSError:
        return "unreadable"
    return f"{found.group(1) if found else '?'}|{'|'.join(stamps)}"


def code_stamp() -> str:
    """What, besides the sources, decides what a load produces: this cache's format, our
    version and loading modules (size and mtime), PyYAML, msgspec, Python and marshal."""
    import escape_game

    here = Path(__file__).parent
    stamps = []
    for name in _MODULES:
        try:
            stat = (here / f"{name}.py").stat()
            stamps.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            stamps.append(f"{name}:-")
    parts = (str(CACHE_FORMAT), getattr(escape_game, "__version__", "?"), _yaml_version(),
             msgspec.__version__, sys.version, str(marshal.version), *stamps)
    return "\0".join(parts)


def cache_file(root: str | os.PathLike[str]) -> Path:
    """Where the cache of the story folder `root` (as given) lives.

    The name is a checksum of the folder's path: two folders that share a name take turns
    in one file, which costs a cold load, never a wrong story.
    """
    from escape_game.paths import cache_dir

    name = f"{os.path.abspath(root)}\0{os.fspath(root)}".encode("utf-8", "surrogateescape")
    return cache_dir() / "stories" / f"{zlib.crc32(name):08x}{zlib.adler32(name):08x}.bin"


def load(root: str | os.PathLike[str], sources: bytes
         ) -> tuple[Story, dict, tuple[Diagnostic, ...]] | None:
    """The cached (story, expression memo, warnings) for `root`, or None.

    Args:
        root: the story folder, as given.
        sources: the story's files as `loader` reads them, every byte (`loader.sources_blob`).
    """
    try:
        blob = cache_file(root).read_bytes()
    except OSError:
        return None
    head = len(MAGIC)
    rest = memoryview(blob)[head + 4:]
    if blob[:head] != MAGIC or zlib.crc32(rest).to_bytes(4, "big") != blob[head:head + 4]:
        return None
    try:
        entry = msgspec.msgpack.decode(rest, type=_Entry)
        if entry.stamp != code_stamp() or entry.sources != sources:
            return None
        story = msgspec.msgpack.decode(entry.story, type=Story)
        memo = marshal.loads(entry.memo)
    except (msgspec.DecodeError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(memo, dict):
        return None
    return story, memo, tuple(entry.warnings)


def store(root: str | os.PathLike[str], sources: bytes, story: Story, memo: dict[Any, Any],
          warnings: tuple[Diagnostic, ...]) -> None:
    """Write the cache for `root` (best effort: a cache that cannot be written is skipped)."""
    try:
        code = marshal.dumps(memo)
    except ValueError:  # something in the memo marshal cannot write: no cache, no harm
        return
    entry = _Entry(code_stamp(), sources, msgspec.Raw(msgspec.msgpack.encode(story)),
                   list(warnings), code)
    rest = msgspec.msgpack.encode(entry)
    blob = b"".join((MAGIC, zlib.crc32(rest).to_bytes(4, "big"), rest))
    import tempfile

    target = cache_file(root)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(blob)
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return
