"""The `escape-game` command line: help, wrong usage, `check`, and playing through it.

Most cases run the real program in a subprocess (`python -m escape_game`), as a user
would; a few call `main` in-process where only the exit code and output matter.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from escape_game.cli import main
from tests.support import ROOT, STORY, RunCli, cli_env

STORY_HINT = "(give the folder that holds story.yaml)"
GOOD = ROOT / "tests" / "stories" / "good"
"""A small valid story that the engine, CLI and TUI tests share."""


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed run, checked to be just that."""
    assert result.returncode != 0, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("escape-game: error: "), lines[0]
    return lines[0]


def test_help_lists_the_commands(run_cli: RunCli) -> None:
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    assert "Usage: escape-game" in result.stdout
    assert "play" in result.stdout and "check" in result.stdout
    assert result.stderr == ""


def test_play_help_lists_its_options(run_cli: RunCli) -> None:
    result = run_cli("play", "--help")
    assert result.returncode == 0, result.stderr
    for option in ("--plain", "--seed N", "--walkthrough FILE", "--transcript FILE"):
        assert option in result.stdout


def test_version(run_cli: RunCli) -> None:
    from escape_game import __version__

    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"escape-game {__version__}"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["--bogus"], ["No such option", "--bogus"], id="unknown-option"),
        pytest.param(["play", "--sed", "3"], ["--sed", "--seed"], id="misspelt-option"),
        pytest.param(["frob"], ["No such command", "frob"], id="unknown-command"),
        pytest.param(["play", "--seed", "soon"], ["'soon' is not a valid integer"], id="bad-seed"),
        pytest.param(["play", "--walkthrough", "no-such-file"], ["does not exist"], id="no-walkthrough"),
        pytest.param(["check", "a", "b"], ["unexpected extra argument"], id="extra-argument"),
    ],
)
def test_wrong_usage_is_one_line(run_cli: RunCli, args: list[str], expected: list[str]) -> None:
    result = run_cli(*args)
    line = one_error_line(result)
    for part in expected:  # click's wording varies a little between versions
        assert part in line
    assert line.endswith("--help')")
    assert result.returncode == 2
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["play", "check"])
def test_missing_story_folder(run_cli: RunCli, tmp_path: Path, command: str) -> None:
    result = run_cli(command, "nowhere", cwd=tmp_path)
    line = one_error_line(result)
    assert line == f"escape-game: error: no story folder at 'nowhere' {STORY_HINT}"
    assert result.returncode == 2


@pytest.mark.parametrize("command", ["play", "check"])
def test_folder_without_story_yaml(run_cli: RunCli, tmp_path: Path, command: str) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli(command, "empty", cwd=tmp_path)
    line = one_error_line(result)
    assert line == f"escape-game: error: no story.yaml in 'empty' {STORY_HINT}"


def test_a_file_is_not_a_story_folder(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    result = run_cli("check", "notes.txt", cwd=tmp_path)
    line = one_error_line(result)
    assert line == f"escape-game: error: 'notes.txt' is a file, not a story folder {STORY_HINT}"


def test_usage_errors_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["--bogus"], standalone_mode=False) == 2
    assert main.main(["play", "/no/such/folder"], standalone_mode=False) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert err[0].startswith("escape-game: error: No such option")
    assert err[0].endswith("--bogus (try 'escape-game --help')") or "'--bogus'" in err[0]
    assert err[1] == f"escape-game: error: no story folder at '/no/such/folder' {STORY_HINT}"


# --- With the loader and the line mode ---------------------------------------------


def test_check_the_bundled_story(run_cli: RunCli) -> None:
    result = run_cli("check", cwd=STORY.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.splitlines()[-1]
    assert summary.startswith("0 errors, ")
    assert summary.endswith(" in story/")


def test_check_accepts_the_manifest_path(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("check", STORY / "story.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("0 errors, ")


BROKEN_MANIFEST = """\
id: broken
title: Broken
version: 1
start: hall
"""

BROKEN_SCENES = """\
hall:
  text: |
    A hall.
  choices:
    - id: onward
      text: Go on
      goto: atic
"""


@pytest.fixture
def broken_story(tmp_path: Path) -> Path:
    """A story whose only choice leads to a scene that does not exist."""
    root = tmp_path / "broken"
    (root / "scenes").mkdir(parents=True)
    (root / "story.yaml").write_text(BROKEN_MANIFEST, encoding="utf-8")
    (root / "scenes" / "hall.yaml").write_text(BROKEN_SCENES, encoding="utf-8")
    return root


def test_check_reports_errors_and_fails(run_cli: RunCli, broken_story: Path) -> None:
    result = run_cli("check", "broken", cwd=broken_story.parent)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("broken/scenes/hall.yaml:7:") for line in lines), lines
    assert "atic" in result.stdout
    assert lines[-1].endswith(" in broken/")
    assert not lines[-1].startswith("0 errors")


def test_play_a_broken_story_lists_its_errors(run_cli: RunCli, broken_story: Path) -> None:
    result = run_cli("play", "--plain", "broken", cwd=broken_story.parent)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("broken/scenes/hall.yaml:7:") for line in lines), lines
    assert lines[-1].endswith(" in broken/")


def test_play_the_bundled_story_to_end_of_input(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("play", "--plain", "--seed", "7", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "Traceback" not in result.stderr
    # With no command at all, the same story is played the same way.
    bare = run_cli(cwd=tmp_path)
    assert bare.returncode == 0, bare.stderr
    first_lines = result.stdout.strip().splitlines()[:3]
    assert bare.stdout.strip().splitlines()[:3] == first_lines


def test_transcript_in_a_missing_folder_is_one_line(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli(
        "play", "--plain", "--transcript", tmp_path / "no" / "such" / "t.md", cwd=tmp_path
    )
    line = one_error_line(result)
    assert "no folder" in line and "--transcript" in line
    assert result.returncode == 2


def test_closed_stdin_is_end_of_input(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", "-c", 'exec "$0" -m escape_game play --plain "$1" <&-', sys.executable, GOOD],
        capture_output=True, text=True, env=cli_env(), cwd=tmp_path, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "The kitchen" in result.stdout


def test_a_failing_walkthrough_names_its_line(run_cli: RunCli, tmp_path: Path) -> None:
    route = tmp_path / "route.txt"
    route.write_text("# a route\ngarden\nno_such_choice\n", encoding="utf-8")
    result = run_cli("play", "--plain", "--walkthrough", route, GOOD)
    line = one_error_line(result)
    assert f"{route}:3:" in line and "no_such_choice" in line


def test_transcript_is_written(run_cli: RunCli, tmp_path: Path) -> None:
    transcript = tmp_path / "game.md"
    result = run_cli("play", "--plain", "--transcript", transcript, GOOD, input="1\n")
    assert result.returncode == 0, result.stderr
    assert transcript.read_text(encoding="utf-8").startswith("# ")
