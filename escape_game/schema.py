"""`escape-game schema`: JSON Schemas for `story.yaml` and scene files, from the model.

The schemas are generated from the very msgspec Structs the loader validates with
(`msgspec.json.schema_components`), so they cannot drift from the format. msgspec
writes the 2020-12 dialect; editors validate YAML with the YAML language server, which
speaks draft-07, so the output is rewritten into draft-07 form: `$defs` become
`definitions` (and every `$ref` with them), a `$ref` with siblings is wrapped in an
`allOf` (draft-07 ignores a `$ref`'s siblings), the root is the manifest's own object
(not a bare `$ref`), and `$schema` names draft-07. Each field's description comes from
its Struct's docstring (`Attributes:`), under the name it has in YAML (`if`, not
`if_`), and id patterns the loader enforces are added (`propertyNames`, `pattern`).

Copies ship in `story/schema/`; a test fails when they differ from what this writes.
"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec

from escape_game.model import ID_PATTERN, Choice, Manifest, Scene

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
#: The file names `schema --out` writes (and `story/schema/` ships).
STORY_FILE = "story.schema.json"
SCENES_FILE = "scenes.schema.json"
FILES = (STORY_FILE, SCENES_FILE)
#: A story id may also hold '-' (see `checks.STORY_ID`).
STORY_ID_PATTERN = "^[a-z][a-z0-9_-]*$"


def _json_pattern(pattern: re.Pattern) -> str:
    """A Python `...\\Z` pattern as an anchored JSON Schema (ECMA 262) one."""
    return "^" + pattern.pattern.removesuffix("\\Z") + "$"


ID = _json_pattern(ID_PATTERN)
#: Mapping fields whose keys are ids, by (definition, field).
_ID_KEYS = {("Manifest", "vars"), ("Manifest", "items"), ("Manifest", "locations"),
            ("Manifest", "regions")}


def schemas() -> dict[str, dict[str, Any]]:
    """Both schemas, by the file name they ship under."""
    (manifest, scenes), definitions = msgspec.json.schema_components(
        [Manifest, dict[str, Scene]], ref_template="#/definitions/{name}")
    definitions = {name: _document(name, value) for name, value in definitions.items()}
    _add_ids(definitions)
    root = dict(definitions.pop("Manifest"))
    story = {"$schema": DRAFT_07, "title": "The Escape story manifest (story.yaml)",
             **{k: v for k, v in root.items() if k != "title"},
             "definitions": _used(root, definitions)}
    scene_root = {"type": "object", "propertyNames": {"pattern": ID},
                  "additionalProperties": scenes["additionalProperties"]}
    scene_file = {"$schema": DRAFT_07, "title": "The Escape scene file (scenes/*.yaml)",
                  "description": "A mapping of scene id to scene.", **scene_root,
                  "definitions": _used(scene_root, definitions)}
    return {STORY_FILE: _draft07(story), SCENES_FILE: _draft07(scene_file)}


def render(schema: dict[str, Any]) -> str:
    """A schema as the text shipped and printed (stable: same input, same bytes)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _document(name: str, value: dict[str, Any]) -> dict[str, Any]:
    """A definition with its docstring split: a short description, and one per field."""
    value = dict(value)
    summary, fields = _docstring(value.get("description", ""))
    if summary:
        value["description"] = summary
    cls = {"Manifest": Manifest, "Scene": Scene, "Choice": Choice}.get(name)
    renamed = {f.name: f.encode_name for f in msgspec.structs.fields(cls)} if cls else {}
    properties = {}
    for key, prop in value.get("properties", {}).items():
        python_name = next((k for k, v in renamed.items() if v == key), key)
        text = fields.get(python_name) or fields.get(key)
        properties[key] = {**prop, "description": text} if text else prop
    if properties:
        value["properties"] = properties
    if not value.get("required"):
        value.pop("required", None)
    return value


def _docstring(text: str) -> tuple[str, dict[str, str]]:
    """(summary, field -> description) from a Google-style docstring."""
    head, _, attributes = text.partition("Attributes:")
    summary = " ".join(head.split())
    fields: dict[str, str] = {}
    current = ""
    for line in attributes.splitlines():
        match = re.match(r"\s{4}(\w+):\s*(.*)", line)
        if match and not line.startswith(" " * 8):
            current = match.group(1)
            fields[current] = match.group(2).strip()
        elif current and line.strip():
            fields[current] += " " + line.strip()
    return summary, fields


def _add_ids(definitions: dict[str, dict[str, Any]]) -> None:
    """The id rules the loader enforces, where an editor can check them as you type."""
    for name, field in sorted(_ID_KEYS):
        properties = definitions[name]["properties"]
        properties[field] = {**properties[field], "propertyNames": {"pattern": ID}}
    definitions["Manifest"]["properties"]["id"]["pattern"] = STORY_ID_PATTERN
    definitions["Choice"]["properties"]["id"]["pattern"] = ID


def _used(root: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """The definitions `root` refers to, directly or through others, in their order."""
    wanted: set[str] = set()
    pending = [root]
    while pending:
        for name in re.findall(r'"#/definitions/(\w+)"', json.dumps(pending.pop())):
            if name not in wanted and name in definitions:
                wanted.add(name)
                pending.append(definitions[name])
    return {name: value for name, value in definitions.items() if name in wanted}


def _draft07(node: Any) -> Any:
    """Rewrite into draft-07: a `$ref` keeps no siblings (they move around an allOf)."""
    if isinstance(node, list):
        return [_draft07(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _draft07(value) for key, value in node.items()}
    if "$ref" in node and len(node) > 1:
        ref = node.pop("$ref")
        return {**node, "allOf": [{"$ref": ref}]}
    return node
