"""`play --watch`: reload the story whenever its files change, keeping the player's place.

Three parts, so that any front end can use them:

- `Watcher` notices a change by polling the story's files (their list, sizes and
  modification times): no new dependency, the same on every platform, and cheap (one
  `stat` per file; 0.5 s apart by default). A change counts once two polls agree, so a
  file is never read half written.
- `reload_session` reads the story again and moves the game onto it through the same
  tolerant replay that loads a save made before a story edit (`saves.restore` with the
  manifest's `renamed:` applied), so the player stays where they were, or as near as
  the edit allows, with notices saying what changed. A broken edit returns its
  diagnostics and no session: the caller keeps playing the last good story. The TUI
  calls these two from a timer.
- `play_watching` is the plain line mode with both wired in: the line mode reads its
  input through `WatchingInput`, which waits for a line in short slices and checks for
  changes between them, so a reload shows at once, even while the player is thinking,
  and everything still happens on one thread (only the reading of stdin has its own).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from escape_game.errors import Diagnostic, EscapeGameError, SaveError
from escape_game.session import Session, Start

#: Seconds between two looks at the story's files.
POLL_SECONDS = 0.5


class Watcher:
    """Notices changes to a story folder's files.

    Args:
        root: the story folder (story.yaml and scenes/**/*.yaml are watched).
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.stamp = self._stamp()
        self.pending: tuple | None = None

    def _stamp(self) -> tuple:
        found = []
        paths = [self.root / "story.yaml"]
        for directory, subdirectories, names in os.walk(self.root / "scenes"):
            subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
            paths += [Path(directory, name) for name in names
                      if name.endswith(".yaml") and not name.startswith(".")]
        for path in sorted(paths):
            try:
                stat = path.stat()
            except OSError:
                continue
            found.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(found)

    def changed(self) -> bool:
        """Whether any file changed, appeared or went since the last change reported.

        A change is reported once two calls in a row see the files the same, so a
        file caught half written (an editor that empties it, then writes) is not
        read until the writing is over.
        """
        stamp = self._stamp()
        if stamp == self.stamp:
            self.pending = None
            return False
        if stamp != self.pending:
            self.pending = stamp  # wait for the files to settle
            return False
        self.stamp, self.pending = stamp, None
        return True


@dataclass(frozen=True)
class Reload:
    """What reloading a story found.

    Attributes:
        session: the game moved onto the new story; None when the story now has
            errors (keep playing the old one), or when nothing that matters changed.
        notices: what the player should be told, one sentence each.
        diagnostics: the new story's diagnostics (its errors when `session` is None).
        changed: whether the story's content changed at all.
    """

    session: Session | None
    notices: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    changed: bool = True

    @property
    def broken(self) -> bool:
        """Whether the new version has errors (so the old one plays on)."""
        return self.changed and self.session is None


def reload_session(root: str | os.PathLike[str], session: Session) -> Reload:
    """Read the story in `root` again and move `session`'s game onto it.

    Never raises for a broken story: that comes back as diagnostics.
    """
    from escape_game.engine import Engine
    from escape_game.loader import read_story
    from escape_game.saves import restore, snapshot

    result = read_story(root)
    if result.loaded is None:
        return Reload(None, (), result.diagnostics)
    story, program = result.loaded
    if story.digest == session.engine.story.digest:
        return Reload(None, (), result.diagnostics, changed=False)
    engine = Engine(story, program)
    try:
        restored = restore(engine, snapshot(session), game=session.game)
    except SaveError as error:  # not even the game's start applies now: begin again
        start = session.start
        scene = start.scene if start.scene in story.scenes else ""
        variables = {name: value for name, value in start.variables.items()
                     if name in engine.initial_vars}
        fresh = Session(engine, Start(seed=start.seed, scene=scene, variables=variables),
                        game=session.game)
        return Reload(fresh, (f"{_sentence(error.message)} The game starts again.",),
                      result.diagnostics)
    notices = tuple(notice for notice in restored.notices
                    if not notice.startswith("The story has changed since"))
    return Reload(_with_history(restored.session), notices, result.diagnostics)


def _with_history(session: Session) -> Session:
    """`session` with its whole history, so that undo reaches back past the reload.

    A restored game starts at its last step (undo stops at the load); an author
    testing an edit wants to undo into the new version, so the log (already in the
    new story's ids) is replayed once more, rendering each step. On any problem the
    restored game is kept as it is.
    """
    if session.base == 0:
        return session
    try:
        replayed = Session.replay(session.engine, session.start, list(session.log))
    except EscapeGameError:
        return session
    replayed.game = session.game
    return replayed


class WatchingInput:
    """A stdin for the line mode that runs `on_idle` while it waits for a line.

    Args:
        stdin: the real input; a daemon thread reads it line by line.
        on_idle: called before waiting and every `poll` seconds while waiting.
        poll: seconds between calls.
    """

    def __init__(self, stdin: TextIO, on_idle: Callable[[], None],
                 poll: float = POLL_SECONDS) -> None:
        self.stdin = stdin
        self.on_idle = on_idle
        self.poll = poll
        self.lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, name="stdin-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            while True:
                line = self.stdin.readline()
                self.lines.put(line)
                if not line:
                    return
        except (OSError, ValueError):  # stdin closed under us: that is the end of input
            self.lines.put("")

    def readline(self) -> str:
        """The next line ("" at the end of input), checking for changes while waiting."""
        self.on_idle()
        while True:
            try:
                return self.lines.get(timeout=self.poll)
            except queue.Empty:
                self.on_idle()

    def isatty(self) -> bool:
        """Whether the real input is a terminal (the line mode echoes when it is not)."""
        try:
            return self.stdin.isatty()
        except (AttributeError, ValueError):
            return False


def play_watching(root: str | os.PathLike[str], loaded, *, seed: int | None = None,
                  scene: str = "", variables: dict | None = None, stdin: TextIO,
                  stdout: TextIO, transcript: Path | None = None, width: int | None = None,
                  poll: float = POLL_SECONDS) -> int:
    """Play in plain mode, reloading the story in `root` whenever its files change.

    Args:
        root: the story folder.
        loaded: the story as first loaded (`loader.Loaded`).
        seed: the game's seed (random when None).
        scene: a scene to start at ("" for the story's start); variables: values to set.
        stdin, stdout: the streams; transcript: where to write the game as Markdown.
        width: wrap width; poll: seconds between looks at the files.

    Returns:
        0, or 130 when stopped with Ctrl+C.
    """
    from escape_game.engine import Engine
    from escape_game.linemode import LineMode
    from escape_game.transcript import write_transcript

    if seed is None:
        seed = int.from_bytes(os.urandom(4), "big")
    session = Session(Engine(loaded.story, loaded.program),
                      Start(seed=seed, scene=scene, variables=variables or {}))
    live = _LiveReload(root)
    mode = LineMode(session, WatchingInput(stdin, live.check, poll), stdout, width)
    live.mode = mode
    mode.write(f"Watching {os.path.join(root, '')} for changes: save a file to reload.")
    try:
        return mode.play()
    except KeyboardInterrupt:
        mode.write("\nStopped.")
        return 130
    finally:
        if transcript is not None:
            write_transcript(mode.session, transcript)


class _LiveReload:
    """Reloads into a running line mode when the files change, and says so."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = root
        self.watcher = Watcher(root)
        self.mode = None
        self.broken = False

    def check(self) -> None:
        """Reload if the files changed, show the result, and prompt again."""
        if self.mode is None or not self.watcher.changed():
            return
        mode = self.mode
        found = reload_session(self.root, mode.session)
        if found.broken:
            errors = [d for d in found.diagnostics if d.severity == "error"]
            mode.write(f"\nThe story now has {len(errors)} error{'s' * (len(errors) != 1)}; "
                       "still playing the last version that loaded:")
            for diagnostic in errors:
                mode.write(diagnostic.format())
        elif found.session is not None:
            mode.session = found.session
            mode.manifest = found.session.engine.story.manifest
            mode.write("\nReloaded the story.")
            for notice in found.notices:
                mode.write(notice)
            mode.show(found.session.step)
        elif self.broken:
            mode.write("\nThe story loads again, as it was.")
        else:
            return  # touched, not changed
        self.broken = found.broken
        mode.stdout.write("\n> ")
        mode.stdout.flush()


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
