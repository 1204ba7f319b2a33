"""The authoring guide (`story/README.md`) is tested: every YAML example in it loads.

Each YAML block starts with a comment saying what it is, and an unmarked block fails:

- `# story.yaml`, `# scenes/NAME.yaml`: a whole file of the tutorial's story. Blocks
  are written in order into one story folder; after each tutorial step the story
  loads, and at the end it passes `check --strict`, plays its walkthrough to the
  ending, and `check` prints what the guide says it prints.
- `# yaml-language-server: ...`: a whole manifest with the schema comment; it loads as
  a manifest and is valid against the shipped schema.
- `# part of story.yaml`, `# part of a choice`: a fragment of the reference; it fits
  the model and its expressions compile against the bundled story's names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import msgspec
import pytest

from escape_game.engine import Engine
from escape_game.lint import check_story
from escape_game.loader import PROSE_KEYS, load_story, read_story
from escape_game.model import Choice, Manifest
from escape_game.session import Session, Start
from escape_game.walkthrough import parse_walkthrough
from escape_game.yamlread import read_document
from tests.support import STORY, RunCli

GUIDE = STORY / "README.md"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks() -> list[tuple[str, str, str, int]]:
    """(language, text, section heading, line) of every fenced block in the guide."""
    text = GUIDE.read_text(encoding="utf-8")
    found = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()]
        headings = re.findall(r"^#{2,3} (.+)$", before, re.MULTILINE)
        found.append((match.group(1), match.group(2), headings[-1] if headings else "",
                      before.count("\n") + 1))
    return found


def yaml_blocks() -> list[tuple[str, str, int]]:
    """(first line, text, line) of every YAML block."""
    return [(body.split("\n", 1)[0], body, line)
            for language, body, _, line in blocks() if language == "yaml"]


def tutorial_steps() -> list[tuple[str, list[tuple[str, str]]]]:
    """The tutorial's whole-file blocks, grouped by step: [(heading, [(file, text)])]."""
    steps: list[tuple[str, list[tuple[str, str]]]] = []
    for language, body, heading, _ in blocks():
        first = body.split("\n", 1)[0]
        match = re.fullmatch(r"# ((?:scenes/)?[a-z0-9_]+\.yaml)", first)
        if language != "yaml" or match is None:
            continue
        if not steps or steps[-1][0] != heading:
            steps.append((heading, []))
        steps[-1][1].append((match.group(1), body))
    return steps


def read_clean(name: str, body: str):
    """The plain value of a YAML block, read by the loader's reader, with no diagnostics."""
    out: list = []
    doc = read_document(name, body.encode("utf-8"), PROSE_KEYS, out)
    assert out == [], [d.format() for d in out]
    return doc.value


def build_tutorial(root: Path) -> None:
    """Write the tutorial's story into `root`, checking that it loads after every step."""
    steps = tutorial_steps()
    assert len(steps) >= 5, [heading for heading, _ in steps]
    for heading, files in steps:
        for name, body in files:
            read_clean(name, body)
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
        if not (root / "story.yaml").is_file() or not (root / "scenes").is_dir():
            continue  # the manifest alone (step 1) names a start scene not yet written
        result = read_story(root, use_cache=False)
        errors = [d.format() for d in result.diagnostics if d.severity == "error"]
        assert not errors, f"after '{heading}': {errors}"


def test_every_yaml_block_is_marked() -> None:
    known = re.compile(r"# ((scenes/)?[a-z0-9_]+\.yaml|part of story\.yaml|part of a choice"
                       r"|yaml-language-server: \$schema=.*)")
    for first, _, line in yaml_blocks():
        assert known.fullmatch(first), f"README.md:{line}: unmarked YAML block: {first!r}"


def test_the_tutorial_loads_at_every_step_and_ends_clean(tmp_path: Path) -> None:
    root = tmp_path / "my-story"
    build_tutorial(root)
    result = check_story(root, use_cache=False)
    assert result.ok(strict=True), [d.format() for d in result.diagnostics]
    assert result.diagnostics == ()


def test_the_tutorial_walkthrough_reaches_the_ending(tmp_path: Path) -> None:
    root = tmp_path / "my-story"
    build_tutorial(root)
    (body,) = [body for language, body, _, _ in blocks()
               if language == "text" and body.startswith("# away.txt")]
    route = parse_walkthrough(body, "away.txt")
    loaded = load_story(root, use_cache=False)
    session = Session(Engine(loaded.story, loaded.program), Start(seed=route.seed or 0))
    route.play(session)
    assert session.step.ended
    assert session.state.scene == "ending_away"


def test_the_check_example_is_what_check_prints(tmp_path: Path, run_cli: RunCli) -> None:
    root = tmp_path / "my-story"
    build_tutorial(root)
    scenes = root / "scenes" / "home.yaml"
    text = scenes.read_text(encoding="utf-8")
    assert text.count("if: longing >= 2") == 1
    scenes.write_text(text.replace("if: longing >= 2", "if: longing > 3"), encoding="utf-8")
    (shown,) = [body for language, body, heading, _ in blocks()
                if language == "text" and "Check it" in heading]
    result = run_cli("check", "my-story", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == shown


def test_the_schema_comment_example_is_a_valid_manifest() -> None:
    import jsonschema

    schema = json.loads((STORY / "schema" / "story.schema.json").read_text(encoding="utf-8"))
    examples = [body for first, body, _ in yaml_blocks()
                if first.startswith("# yaml-language-server:")]
    assert examples
    for body in examples:
        assert "$schema=schema/story.schema.json" in body
        value = read_clean("story.yaml", body)
        jsonschema.Draft7Validator(schema).validate(value)
        msgspec.convert(value, Manifest)


@pytest.mark.parametrize("marker", ["# part of story.yaml", "# part of a choice"])
def test_reference_fragments_fit_the_model(marker: str) -> None:
    fragments = [body for first, body, _ in yaml_blocks() if first == marker]
    assert fragments, marker
    program = load_story(STORY).program  # their names come from the bundled story
    for body in fragments:
        value = read_clean("fragment.yaml", body)
        if marker == "# part of story.yaml":
            msgspec.convert({"id": "x", "title": "X", "start": "a", **value}, Manifest)
            continue
        choice = msgspec.convert({"id": "x", "goto": "a", **value}, Choice)
        for condition in (choice.if_, choice.locked_if):
            if condition:
                program.condition(condition)
        if choice.do:
            program.effects(choice.do)
