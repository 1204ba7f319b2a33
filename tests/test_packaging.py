"""The game as a user gets it: build the sdist and wheel, install, and play elsewhere.

One slow test (tens of seconds): it builds the sdist, then the wheel from the sdist (as
`python -m build` does, so the sdist is proven complete), installs the wheel into a new
virtual environment with its dependencies from the package index (pinned by the
constraints file), and plays the bundled story from a folder outside the checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.support import ROOT, STORY

CONSTRAINTS = ROOT / "constraints" / "test.txt"


def run(args: list[str | Path], **kwargs) -> subprocess.CompletedProcess[str]:
    """Run a command, failing the test with its output when it fails."""
    result = subprocess.run(
        [str(arg) for arg in args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
        **kwargs,
    )
    assert result.returncode == 0, (
        f"{args} exited {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return result


def first_scene_names() -> set[str]:
    """What the first screen must name: the start scene's title and its location's name."""
    manifest = yaml.safe_load((STORY / "story.yaml").read_text(encoding="utf-8"))
    start = manifest["start"]
    for path in sorted((STORY / "scenes").rglob("*.yaml")):
        scenes = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if start in scenes:
            scene = scenes[start]
            names = {manifest["locations"][scene["location"]]["name"]}
            if scene.get("title"):
                names.add(scene["title"])
            return names
    raise AssertionError(f"start scene {start!r} not found under {STORY / 'scenes'}")


def outside_env(home: Path) -> dict[str, str]:
    """An environment in which only the installed copy of the game can be imported."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env.update({"NO_COLOR": "1", "COLUMNS": "80", "ESCAPE_GAME_HOME": str(home)})
    return env


@pytest.mark.slow
def test_wheel_installs_and_plays_from_another_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, ROOT])
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")

    story_files = {p.relative_to(STORY).as_posix() for p in STORY.rglob("*") if p.is_file()}
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "escape-game = escape_game.cli:main" in archive.read(entry_points).decode()
    assert "escape_game/story/story.yaml" in names
    assert {f"escape_game/story/{f}" for f in story_files} <= names
    assert {"escape_game/cli.py", "escape_game/__main__.py"} <= names
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {f"story/{f}" for f in story_files} <= members
    assert {"pyproject.toml", "README.md", "constraints/test.txt"} <= members
    assert not any(m.startswith((".venv/", ".git/")) for m in members)

    venv = tmp_path / "venv"
    env = outside_env(tmp_path / "home")
    run([sys.executable, "-m", "venv", venv], env=env)
    python = venv / "bin" / "python"
    run([python, "-m", "pip", "install", "-c", CONSTRAINTS, wheel], env=env, timeout=900)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run(
        [python, "-c", "from escape_game.paths import bundled_story; print(bundled_story())"],
        cwd=elsewhere,
        env=env,
    )
    assert Path(where.stdout.strip()).is_relative_to(venv)

    played = run(
        [venv / "bin" / "escape-game", "play", "--plain", "--seed", "1"],
        input="",
        cwd=elsewhere,
        env=env,
        timeout=120,
    )
    assert any(name in played.stdout for name in first_scene_names()), played.stdout
    assert "Traceback" not in played.stderr

    checked = run([python, "-m", "escape_game", "check"], cwd=elsewhere, env=env, timeout=120)
    assert checked.stdout.splitlines()[-1].startswith("0 errors, ")
    assert list(elsewhere.iterdir()) == []  # nothing written outside ESCAPE_GAME_HOME
