"""Shared test set-up: a private home for every test, and a helper to run the CLI.

Tests never touch the real home directory: `ESCAPE_GAME_HOME` points at a temporary
folder for the whole session (so code run at collection or in session fixtures is
covered too) and at a fresh `tmp_path` folder for each test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from escape_game.paths import HOME_VARIABLE
from tests.support import RunCli, cli_env

# Tests never assert on wall time (the machine is noisy): no Hypothesis deadlines.
settings.register_profile("escape", deadline=None, print_blob=True)
settings.register_profile("ci", deadline=None, print_blob=True, database=None)
settings.load_profile("ci" if os.environ.get("CI") else "escape")

_session_home: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Give the whole session a private home before anything is collected."""
    global _session_home
    _session_home = tempfile.mkdtemp(prefix="escape-game-home-")
    os.environ[HOME_VARIABLE] = _session_home


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the session's private home."""
    if _session_home is not None:
        shutil.rmtree(_session_home, ignore_errors=True)


@pytest.fixture(autouse=True)
def escape_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh `ESCAPE_GAME_HOME` for each test; the folder is returned (not created)."""
    home = tmp_path / "escape-home"
    monkeypatch.setenv(HOME_VARIABLE, str(home))
    return home


@pytest.fixture
def run_cli(escape_home: Path) -> RunCli:
    """Run `python -m escape_game ARGS...` in a subprocess and return its result.

    Call it as `run_cli("play", "--plain", input="1\\n", cwd=folder, env={...})`.
    Standard input is `input` (empty by default, never the terminal); stdout and stderr
    are captured as text; it never raises for a non-zero exit code.
    """

    def run(
        *args: str | os.PathLike[str],
        input: str = "",
        cwd: str | os.PathLike[str] | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "escape_game", *map(str, args)],
            input=input,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            cwd=cwd,
            env=cli_env(**(env or {})),
            timeout=timeout,
            check=False,
        )

    return run
