"""The bench section `tui`: TUI start-up, a key press to the next passage, memory.

Every figure comes from child processes run the same way, in a pseudo-terminal of a
fixed size (so Textual draws to a real terminal device, as a player's would): spawn
`python -c CHILD`, and the child writes one JSON line to a pipe when its measurement is
done. The peer is a bare Textual app showing one `Static`, run by the very same child
code; only the app differs.

- **Start-up**: from spawn to the first refresh after the screen mounted
  (`call_after_refresh` from the screen's mount handler): our title screen (on the
  bundled story, its cache warm; the story keeps loading in its thread) against the
  bare app, at 80x24. Median of `startup_runs` runs each, alternating. The title
  child imports only what the game imports before its first frame (not the game
  screen, which the game imports when a game starts).
- **Key to passage**: in one child, the game is started and choices are taken by
  sending key events through the driver, as a terminal would; each is timed from the
  key event to the refresh after the new passage was shown. The 95th percentile, at
  80x24 and at 120x40, against an absolute target of 50 ms.
- **Memory**: the peak resident set size (VmHWM, else `ru_maxrss`) of that playing child against
  the bare app's after its first frame.

`python -m escape_game.bench tui` runs this section; `SECTION` is what the bench lists.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import termios
import time

from escape_game.bench.core import Bench, Figure, Section

#: Key presses timed in each playing child (fewer with --quick).
PRESSES, QUICK_PRESSES = 60, 20
#: The start-up target (ratio to the bare app), the key target (ms), the memory target.
STARTUP_TARGET, KEY_TARGET_MS, MEMORY_TARGET = 1.25, 50.0, 1.25

#: The child: builds an app ("bare", "title" or "keys"), measures, reports on fd FD.
CHILD = r'''
import json, os, resource, sys, time
mode, fd, story = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def peak_kb():
    # VmHWM is this program's own peak; ru_maxrss survives exec on Linux and would
    # report the benchmark parent's peak when that was larger.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

def report(**data):
    data["maxrss_kb"] = peak_kb()
    os.write(fd, (json.dumps(data) + "\n").encode())

if mode == "bare":
    from textual.app import App
    from textual.widgets import Static

    class Bare(App):
        def compose(self):
            yield Static("The Escape")
        def on_mount(self):
            self.call_after_refresh(self.done)
        def done(self):
            report()
            self.exit()
    Bare().run()
else:
    # Only what the game itself imports before its first frame: the game screen (and
    # the engine under it) is imported by the playing child alone.
    from escape_game.tui.app import EscapeApp
    from escape_game.tui.screens.title import TitleScreen

    app = EscapeApp(story, seed=1)
    if mode == "title":
        mounted = TitleScreen.on_mount
        def on_mount(self):
            mounted(self)
            self.call_after_refresh(done)
        def done():
            report()
            app.exit()
        TitleScreen.on_mount = on_mount
    else:
        from textual import events
        from escape_game.tui.screens.game import GameScreen
        times, pending = [], {}
        shown = GameScreen.show
        def show(self, step, chosen=None):
            shown(self, step, chosen)
            if "t0" in pending:
                self.call_after_refresh(painted)
        GameScreen.show = show
        def painted():
            times.append((time.perf_counter() - pending.pop("t0")) * 1000)
            if len(times) >= int(os.environ["PRESSES"]):
                report(times=times)
                app.exit()
            else:
                app.set_timer(0.03, press)
        def press():
            screen = app.screen
            if not isinstance(screen, GameScreen) or screen.session.step.ended:
                app.new_game()
                app.set_timer(0.1, press)
                return
            choices = screen.session.step.choices
            free = [n for n, c in enumerate(choices[:9], 1) if not c.locked]
            key = str(free[len(times) * 7 % len(free)])
            pending["t0"] = time.perf_counter()
            app._driver.send_message(events.Key(key, key))
        ready = EscapeApp.story_ready
        def story_ready(self, loaded, error):
            ready(self, loaded, error)
            self.new_game()
            self.set_timer(0.2, press)
        EscapeApp.story_ready = story_ready
    app.run()
'''


def run_child(bench: Bench, mode: str, size: tuple[int, int], timeout: float = 120) -> tuple[float, dict]:
    """Spawn the child in a pseudo-terminal of `size`; (ms from spawn to its report, report).

    Raises:
        RuntimeError: the child ended or timed out without reporting.
    """
    from escape_game.paths import bundled_story

    columns, rows = size
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    read_end, write_end = os.pipe()
    presses = QUICK_PRESSES if bench.options.quick else PRESSES
    env = bench.child_env(TERM="xterm-256color", COLUMNS=str(columns), LINES=str(rows),
                          PRESSES=str(presses))
    env.pop("NO_COLOR", None)  # a player's terminal, in colour
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, mode, str(write_end), str(bundled_story())],
        stdin=slave, stdout=slave, stderr=slave, pass_fds=(write_end,), env=env,
        cwd=bench.workdir, start_new_session=True)
    os.close(slave)
    os.close(write_end)
    line, elapsed, screen = b"", None, b""
    deadline = start + timeout
    try:
        while time.perf_counter() < deadline and not line.endswith(b"\n"):
            ready, _, _ = select.select([master, read_end], [], [], 0.5)
            if master in ready:
                try:
                    screen = (screen + os.read(master, 65536))[-4096:]  # drained, kept short
                except OSError:
                    pass
            if read_end in ready:
                chunk = os.read(read_end, 65536)
                if not chunk:
                    break
                line += chunk
                if elapsed is None:
                    elapsed = (time.perf_counter() - start) * 1000
        if not line.endswith(b"\n"):
            tail = screen.decode(errors="replace")[-400:]
            raise RuntimeError(f"the {mode} child reported nothing (exit {process.poll()}): "
                               f"{tail!r}")
        return elapsed, json.loads(line)
    finally:
        process.kill()
        process.wait()
        os.close(master)
        os.close(read_end)


def _warm(bench: Bench) -> None:
    """Load the bundled story once so its cache is warm for the children (same home)."""

    def warm() -> None:
        from escape_game.loader import load_story
        from escape_game.paths import bundled_story

        load_story(bundled_story())

    bench.memo("tui-warm", warm)


def title_startup(bench: Bench) -> Figure:
    """Median ms from spawn to the title screen's first refresh, against a bare app."""
    _warm(bench)
    run_child(bench, "bare", (80, 24))  # modules read once before timing, both sides
    run_child(bench, "title", (80, 24))
    ours, peer = [], []
    for _ in range(bench.options.startup_runs):  # alternate, so drift hits both alike
        peer.append(run_child(bench, "bare", (80, 24))[0])
        ours.append(run_child(bench, "title", (80, 24))[0])
    return Figure(
        "TUI title screen, spawn to first refresh", statistics.median(ours), "ms",
        statistics.median(peer), "bare Textual app, one Static", STARTUP_TARGET,
        note=f"80x24 pty; median of {len(ours)} runs each, alternating; ours ranged "
             f"{min(ours):.0f}-{max(ours):.0f} ms, bare {min(peer):.0f}-{max(peer):.0f} ms",
    )


def _playing(bench: Bench, size: tuple[int, int]) -> dict:
    _warm(bench)
    return bench.memo(("tui-keys", size), lambda: run_child(bench, "keys", size)[1])


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _key_figure(bench: Bench, size: tuple[int, int]) -> Figure:
    times = _playing(bench, size)["times"]
    return Figure(
        f"TUI key press to passage painted, p95 at {size[0]}x{size[1]}", _p95(times), "ms",
        target=KEY_TARGET_MS, target_unit="ms",
        note=f"{len(times)} presses on the bundled story; median "
             f"{statistics.median(times):.1f} ms, max {max(times):.1f} ms",
    )


def key_to_passage_80x24(bench: Bench) -> Figure:
    """95th percentile ms from a key event to the refresh after the passage, 80x24."""
    return _key_figure(bench, (80, 24))


def key_to_passage_120x40(bench: Bench) -> Figure:
    """95th percentile ms from a key event to the refresh after the passage, 120x40."""
    return _key_figure(bench, (120, 40))


def peak_memory(bench: Bench) -> Figure:
    """Peak RSS of a playing game (80x24) against the bare app after its first frame."""
    ours = _playing(bench, (80, 24))["maxrss_kb"] / 1024
    bare = statistics.median(run_child(bench, "bare", (80, 24))[1]["maxrss_kb"] / 1024
                             for _ in range(3))
    return Figure(
        "TUI peak memory, playing", ours, "MB", bare, "bare Textual app, one Static",
        MEMORY_TARGET,
        note=f"peak RSS (VmHWM); ours after the title, the story load and "
             f"{QUICK_PRESSES if bench.options.quick else PRESSES} choices",
    )


SECTION = Section(
    "tui", "TUI: start-up, key press to passage, memory",
    (title_startup, key_to_passage_80x24, key_to_passage_120x40, peak_memory),
)
