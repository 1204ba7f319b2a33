"""`escape-game new DIR`: a starter story that passes `check --strict` and plays at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from escape_game.errors import CommandError
from escape_game.lint import check_story
from escape_game.starter import create, story_id, story_title
from tests.support import ROOT, STORY, RunCli

PACKAGED = ROOT / "escape_game" / "starter"


def test_new_then_check_strict_then_play_to_an_ending(run_cli: RunCli, tmp_path: Path) -> None:
    made = run_cli("new", "first_story", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    root = tmp_path / "first_story"
    assert made.stdout.split() == [str(Path("first_story") / name) for name in (
        "story.yaml", "scenes/start.yaml", "README.md", "schema/story.schema.json",
        "schema/scenes.schema.json")]
    checked = run_cli("check", "--strict", "first_story", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.strip() == "0 errors, 0 warnings in first_story/"
    played = run_cli("play", "--plain", "--seed", "1", "first_story", cwd=tmp_path,
                     input="breathe\n1\numbrella\nopen_door\nwalk\n")
    assert played.returncode == 0, played.stderr
    assert "Added: An umbrella." in played.stdout
    assert played.stdout.rstrip().endswith("The end: The Corner")
    manifest = (root / "story.yaml").read_text(encoding="utf-8")
    assert "id: first_story\n" in manifest and "title: First Story\n" in manifest


def test_the_starter_has_a_choice_a_condition_an_item_and_an_ending(tmp_path: Path) -> None:
    create(tmp_path / "s")
    result = check_story(tmp_path / "s", use_cache=False)
    assert result.ok(strict=True)
    story = result.loaded.story
    choices = [choice for scene in story.scenes.values() for choice in scene.choices]
    assert len(choices) > 1
    assert any(choice.if_ or choice.locked_if for choice in choices)
    assert story.manifest.items and any("gain(" in choice.do for choice in choices)
    assert sum(scene.ending is not None for scene in story.scenes.values()) >= 1


def test_the_starter_ships_current_schemas_and_points_editors_at_them(tmp_path: Path) -> None:
    create(tmp_path / "s")
    for name in ("story.schema.json", "scenes.schema.json"):
        written = json.loads((tmp_path / "s" / "schema" / name).read_text(encoding="utf-8"))
        assert written == json.loads((STORY / "schema" / name).read_text(encoding="utf-8"))
    assert (tmp_path / "s" / "story.yaml").read_text().startswith(
        "# yaml-language-server: $schema=schema/story.schema.json\n")
    assert (tmp_path / "s" / "scenes" / "start.yaml").read_text().startswith(
        "# yaml-language-server: $schema=../schema/scenes.schema.json\n")


def test_the_packaged_starter_is_itself_a_clean_story() -> None:
    result = check_story(PACKAGED, use_cache=False)
    assert result.ok(strict=True), [d.format() for d in result.diagnostics]


def test_new_refuses_a_folder_that_is_not_empty(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run_cli("new", "mine", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == ("escape-game: error: the folder 'mine' is not empty "
                                     "(give a new folder, or an empty one: nothing is "
                                     "overwritten)")
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["notes.txt"]


def test_new_fills_an_empty_folder_and_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert create(tmp_path / "empty")
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(CommandError, match="is a file"):
        create(tmp_path / "file")


@pytest.mark.parametrize("name, expected_id, expected_title", [
    ("my-story", "my-story", "My Story"),
    ("My_First Story!", "my_first-story", "My First Story"),
    ("2024 tales", "tales", "2024 Tales"),
    ("???", "my-story", "My Story"),
])
def test_ids_and_titles_from_the_folder_name(name: str, expected_id: str,
                                             expected_title: str) -> None:
    assert (story_id(name), story_title(name)) == (expected_id, expected_title)
