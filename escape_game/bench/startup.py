"""Section 2: plain mode start-up, from process start to the first scene on stdout.

Both sides are timed the same way: spawn a Python process, read its stdout pipe until
the first non-blank line arrives, stop the clock, kill the process. Ours is
`python -m escape_game play --plain STORY` on the bundled story with its cache warm (a
private `ESCAPE_GAME_HOME`, warmed by one full run first) and stdin empty; its first
non-blank line is the first scene's heading. The peer is `python -c "import yaml,
msgspec, rich.console"`, with a `print` after the imports so that its "first line"
marks the imports done. Children run unbuffered (PYTHONUNBUFFERED=1), as a terminal's
line buffering would show the scene: nothing waits for the process to exit.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from escape_game.bench.core import Bench, Figure, Section

PEER_IMPORTS = "import yaml, msgspec, rich.console"
TARGET = 1.5


def first_line(command: list[str], bench: Bench) -> tuple[float, str]:
    """Spawn `command`; the ms until its first non-blank stdout line, and that line.

    Raises:
        RuntimeError: the process ended without printing a line.
    """
    env = bench.child_env(PYTHONUNBUFFERED="1")
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, cwd=bench.workdir)
    try:
        assert process.stdout is not None
        for raw in process.stdout:
            if raw.strip():
                return (time.perf_counter() - start) * 1000, raw.decode(errors="replace").strip()
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise RuntimeError(f"{' '.join(command)} printed nothing: {error.strip()[-500:]}")
    finally:
        process.kill()
        process.communicate()


def _commands() -> tuple[list[str], list[str], str]:
    from escape_game.paths import bundled_story

    story = bundled_story()
    ours = [sys.executable, "-m", "escape_game", "play", "--plain", str(story)]
    peer = [sys.executable, "-c", f"{PEER_IMPORTS}; print('ready', flush=True)"]
    return ours, peer, str(story)


def plain_startup(bench: Bench) -> Figure:
    """Median ms from spawn to the first scene's heading, against the peer's imports."""
    ours_command, peer_command, story = _commands()
    warm = subprocess.run(ours_command, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, env=bench.child_env(), cwd=bench.workdir, timeout=120)
    if warm.returncode != 0:
        raise RuntimeError(f"warming run failed (exit {warm.returncode}): "
                           f"{warm.stderr.strip()[-500:]}")
    first_line(peer_command, bench)  # the peer's modules read once, as ours were
    ours, peer = [], []
    line = ""
    for _ in range(bench.options.startup_runs):  # alternate, so drift hits both alike
        peer.append(first_line(peer_command, bench)[0])
        elapsed, line = first_line(ours_command, bench)
        ours.append(elapsed)
    return Figure(
        "plain mode, spawn to first scene", statistics.median(ours), "ms",
        statistics.median(peer), f'python -c "{PEER_IMPORTS}"', TARGET,
        note=f"median of {len(ours)} runs each, alternating; bundled story {story}, "
             f"cache warm; ours ranged {min(ours):.0f}-{max(ours):.0f} ms, "
             f"peer {min(peer):.0f}-{max(peer):.0f} ms; first line: {line[:60]!r}",
    )


SECTION = Section("startup", "2. Plain mode start-up (bundled story, warm cache)",
                  (plain_startup,))
