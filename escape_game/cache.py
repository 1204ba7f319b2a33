"""The story cache: a checked story and its compiled expressions, reloaded without YAML.

One file per story folder under `paths.cache_dir() / "stories"`, holding the `Story`
(msgspec MessagePack), the warnings it loaded with, and the compiled expression memo
(`Names.memo`: code objects in plain tuples, written with `marshal`). It is keyed by the
story's content digest and by everything that could change what loading produces: our
version and the fingerprint of the modules that load and compile, PyYAML's and msgspec's
versions, and Python's. The design decision: this module never imports `yaml`, so a warm
start pays neither PyYAML's import nor any parsing.

A cache is only ever an optimisation: a file that is missing, stale, truncated or
corrupt is ignored (and rewritten by the next successful load), never an error. Writes
go to a temporary file renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
from pathlib import Path
from typing import Any

import msgspec

from escape_game.errors import Diagnostic
from escape_game.model import Story

# The cache layout's version. Bump it when the layout or the meaning of a field changes.
# 1: MAGIC, key, sha256 of the payload, then a MessagePack `_Entry`.
CACHE_FORMAT = 1
MAGIC = b"ESCAPE-GAME-STORY-CACHE\n"

#: Modules whose code decides what a load produces; their size and mtime are in the key.
_MODULES = ("model", "loader", "yamlread", "yamltraps", "checks", "rules", "references",
            "expressions", "compiler", "text", "program", "cache")


class _Entry(msgspec.Struct, array_like=True):
    story: Story
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


def cache_key(digest: str) -> bytes:
    """The 32-byte key of a story with content `digest`, under this code and these libraries."""
    import escape_game

    here = Path(__file__).parent
    stamps = []
    for name in _MODULES:
        try:
            stat = (here / f"{name}.py").stat()
            stamps.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            stamps.append(f"{name}:-")
    parts = (str(CACHE_FORMAT), digest, getattr(escape_game, "__version__", "?"),
             _yaml_version(), msgspec.__version__, sys.version, str(marshal.version), *stamps)
    return hashlib.sha256("\0".join(parts).encode()).digest()


def cache_file(root: str | os.PathLike[str]) -> Path:
    """Where the cache of the story folder `root` (as given) lives."""
    from escape_game.paths import cache_dir

    name = f"{os.path.abspath(root)}\0{os.fspath(root)}"
    return cache_dir() / "stories" / (hashlib.sha256(name.encode()).hexdigest()[:32] + ".bin")


def load(root: str | os.PathLike[str], digest: str) -> tuple[Story, dict, tuple[Diagnostic, ...]] | None:
    """The cached (story, expression memo, warnings) for `root` at `digest`, or None."""
    try:
        blob = cache_file(root).read_bytes()
    except OSError:
        return None
    head = len(MAGIC)
    if blob[:head] != MAGIC or blob[head : head + 32] != cache_key(digest):
        return None
    payload = memoryview(blob)[head + 64 :]
    if hashlib.sha256(payload).digest() != blob[head + 32 : head + 64]:
        return None
    try:
        entry = msgspec.msgpack.decode(payload, type=_Entry)
        memo = marshal.loads(entry.memo)
    except (msgspec.DecodeError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(memo, dict) or entry.story.digest != digest:
        return None
    return entry.story, memo, tuple(entry.warnings)


def store(root: str | os.PathLike[str], story: Story, memo: dict[Any, Any],
          warnings: tuple[Diagnostic, ...]) -> None:
    """Write the cache for `root` (best effort: a cache that cannot be written is skipped)."""
    try:
        code = marshal.dumps(memo)
    except ValueError:  # something in the memo marshal cannot write: no cache, no harm
        return
    payload = msgspec.msgpack.encode(_Entry(story, list(warnings), code))
    blob = b"".join((MAGIC, cache_key(story.digest), hashlib.sha256(payload).digest(), payload))
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
