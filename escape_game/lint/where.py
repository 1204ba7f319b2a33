"""Where `check` reports a problem: file, line and column of any part of a story.

Scenes and choices are located from the story's `origins` (recorded by the loader, kept
in the cache). Anything finer (a choice's `if:`, a variable in `story.yaml`, a block
inside a passage) is found by composing that one file's YAML node tree again, which is
done lazily, once per file, and only for files that have something to report: a clean
story is checked without reading any YAML, and a story read from the cache without
importing PyYAML at all.
"""

from __future__ import annotations

import os
from typing import Any

from escape_game.errors import Diagnostic
from escape_game.model import Story

MANIFEST = "story.yaml"


class Where:
    """Locates parts of one loaded story in its files.

    Args:
        story: the loaded story (its `root` and `origins`).
    """

    def __init__(self, story: Story) -> None:
        self.story = story
        self.manifest_path = os.path.join(story.root, MANIFEST) if story.root else MANIFEST
        self._docs: dict[str, Any] = {}

    def scene_file(self, scene_id: str) -> str:
        """The file a scene was written in ("" when unknown)."""
        origin = self.story.origins.get(scene_id)
        return origin.path if origin else ""

    def scene(self, scene_id: str) -> tuple[str, int, int]:
        """(file, line, column) of a scene's id."""
        origin = self.story.origins.get(scene_id)
        return (origin.path, origin.line, origin.col) if origin else (self.manifest_path, 0, 0)

    def choice(self, scene_id: str, choice_id: str) -> tuple[str, int, int]:
        """(file, line, column) of a scene's own choice (the scene's, if unknown)."""
        origin = self.story.origins.get(f"{scene_id}.{choice_id}")
        return (origin.path, origin.line, origin.col) if origin else self.scene(scene_id)

    def node(self, path: str, keys: tuple, key: bool = False, offset: int | None = None,
             ) -> tuple[str, int, int]:
        """(file, line, column) of the value (or with `key`, the key) at `keys` in the
        file `path`; with `offset`, of that character inside the (text) value. The
        nearest enclosing node when the full path is not there; line 0 when the file
        cannot be read."""
        doc = self._document(path)
        if doc is None or doc.node is None:
            return (path, 0, 0)
        from escape_game.yamlread import find, offset_position

        node = find(doc.node, keys, key)
        if node is None:
            return (path, 0, 0)
        if offset is not None and isinstance(getattr(node, "value", None), str):
            line, col = offset_position(doc, node, offset)
            return (path, line, col)
        return (path, node.start_mark.line + 1, node.start_mark.column + 1)

    def manifest(self, keys: tuple, key: bool = False) -> tuple[str, int, int]:
        """(file, line, column) of something in story.yaml."""
        return self.node(self.manifest_path, keys, key)

    def in_scene(self, scene_id: str, keys: tuple, key: bool = False,
                 offset: int | None = None) -> tuple[str, int, int]:
        """(file, line, column) of something inside a scene, e.g. ("choices", 2, "if")."""
        path = self.scene_file(scene_id)
        if not path:
            return self.scene(scene_id)
        return self.node(path, (scene_id, *keys), key, offset)

    def _document(self, path: str):
        if path not in self._docs:
            self._docs[path] = _compose(path)
        return self._docs[path]


def _compose(path: str):
    """The file's `yamlread.Document` with its node tree, or None when unreadable."""
    try:
        data = open(path, "rb").read()
    except OSError:
        return None
    import yaml

    from escape_game.yamlread import Document, Parser

    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    doc = Document(path, text, data)
    loader = Parser(data)
    try:
        doc.node = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):  # changed since it loaded: no position
        doc.node = None
    finally:
        loader.dispose()
    return doc


def diagnostic(where: tuple[str, int, int], severity: str, code: str, message: str,
               hint: str = "") -> Diagnostic:
    """A `Diagnostic` at `where` = (file, line, column)."""
    path, line, col = where
    return Diagnostic(path, line, col, severity, code, message, hint)
