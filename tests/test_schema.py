"""`escape-game schema`: draft-07 JSON Schemas from the model, shipped in `story/schema/`.

The shipped copies must be what the code generates now (a stale copy fails here: run
`escape-game schema --out story/schema`), valid draft-07 schemas, and they must accept
every file of the bundled and the good test story and refuse what the loader refuses.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from escape_game.loader import PROSE_KEYS
from escape_game.schema import FILES, SCENES_FILE, STORY_FILE, render, schemas
from escape_game.yamlread import read_document
from tests.support import ROOT, STORY, RunCli

SHIPPED = STORY / "schema"
GOOD = ROOT / "tests" / "stories" / "good"


def value_of(path: Path):
    """A YAML file's plain value, read the way the loader reads it."""
    out: list = []
    value = read_document(str(path), path.read_bytes(), PROSE_KEYS, out).value
    assert not out, [d.format() for d in out]
    return value


def validator(name: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads((SHIPPED / name).read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", FILES)
def test_the_shipped_schema_is_up_to_date(name: str) -> None:
    shipped = (SHIPPED / name).read_text(encoding="utf-8")
    assert shipped == render(schemas()[name]), (
        f"story/schema/{name} is stale: run `escape-game schema --out story/schema`")


@pytest.mark.parametrize("name", FILES)
def test_the_schemas_are_draft_07(name: str) -> None:
    schema = json.loads((SHIPPED / name).read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    text = json.dumps(schema)
    assert "$defs" not in text and '"if_"' not in text
    assert all(ref.startswith("#/definitions/") for ref in _refs(schema))


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        assert not ("$ref" in node and len(node) > 1), "draft-07 ignores a $ref's siblings"
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


@pytest.mark.parametrize("story", [STORY, GOOD], ids=["bundled", "good"])
def test_real_stories_are_valid(story: Path) -> None:
    validator(STORY_FILE).validate(value_of(story / "story.yaml"))
    scene_files = sorted((story / "scenes").rglob("*.yaml"))
    assert scene_files
    for path in scene_files:
        errors = [error.message for error in validator(SCENES_FILE).iter_errors(value_of(path))]
        assert not errors, (path, errors)


def test_the_choice_condition_is_written_if() -> None:
    choice = json.loads((SHIPPED / SCENES_FILE).read_text())["definitions"]["Choice"]
    assert "if" in choice["properties"] and "if_" not in choice["properties"]
    assert "hidden while it is false" in choice["properties"]["if"]["description"]


@pytest.mark.parametrize("name, value, wrong", [
    (SCENES_FILE, {"hall": {"txt": "Oops", "ending": {"title": "End"}}}, "txt"),
    (SCENES_FILE, {"hall": {"choices": [{"id": "go", "goto": 3}]}}, "3"),
    (SCENES_FILE, {"Hall": {"ending": {"title": "End"}}}, "Hall"),
    (SCENES_FILE, {"hall": {"choices": [{"id": "Go", "goto": "x"}]}}, "Go"),
    (STORY_FILE, {"id": "x", "title": "X"}, "start"),
    (STORY_FILE, {"id": "x", "title": "X", "start": "a", "vars": {"n": {"value": 1,
                                                                        "format": "pounds"}}},
     "pounds"),
    (STORY_FILE, {"id": "My Story", "title": "X", "start": "a"}, "My Story"),
], ids=["unknown-field", "type", "scene-id", "choice-id", "missing", "enum", "story-id"])
def test_the_schemas_refuse_what_the_loader_refuses(name: str, value, wrong: str) -> None:
    errors = list(validator(name).iter_errors(value))
    assert errors
    assert any(wrong in error.message for error in errors), [e.message for e in errors]


def test_schema_command_prints_both_or_one(run_cli: RunCli, tmp_path: Path) -> None:
    both = run_cli("schema", cwd=tmp_path)
    assert both.returncode == 0
    assert json.loads(both.stdout) == json.loads(json.dumps(schemas()))
    one = run_cli("schema", "--file", "scenes", cwd=tmp_path)
    assert one.stdout == render(schemas()[SCENES_FILE])


def test_schema_command_writes_both_files(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("schema", "--out", "editor/schema", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in FILES:
        written = tmp_path / "editor" / "schema" / name
        assert written.read_text(encoding="utf-8") == (SHIPPED / name).read_text(
            encoding="utf-8")
