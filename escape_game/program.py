"""A story's compiled expressions, effects and texts, each compiled once per string.

The loader fills a `Program` while it checks a story (so every compile error is found
at load) and the engine reads from it during play. Identical strings share one compiled
value: the same `has('phone')` on fifty choices is compiled once.
"""

from __future__ import annotations

from escape_game.expressions import (
    BOOL,
    Effects,
    Expression,
    Names,
    compile_effects,
    compile_expression,
)
from escape_game.model import Manifest, Variable
from escape_game.text import Text, compile_text


def names_of(manifest: Manifest, scene_ids: frozenset[str]) -> Names:
    """The names a story declares, for compiling its expressions."""
    variables: dict[str, Variable] = {name: manifest.variable(name) for name in manifest.vars}
    return Names(variables=variables, items=frozenset(manifest.items), scenes=scene_ids)


class Program:
    """Compiled pieces of one story, memoized by source string.

    Args:
        names: what the story declares.

    Every method raises `ExpressionError` for a source that does not compile.
    """

    def __init__(self, names: Names) -> None:
        self.names = names
        self.conditions: dict[str, Expression] = {}
        self.effect_blocks: dict[str, Effects] = {}
        self.texts: dict[str, Text] = {}

    def condition(self, source: str) -> Expression:
        """The compiled condition (a true/false expression) for `source`."""
        compiled = self.conditions.get(source)
        if compiled is None:
            compiled = self.conditions[source] = compile_expression(source, self.names, BOOL)
        return compiled

    def effects(self, source: str) -> Effects:
        """The compiled effect statements for `source`."""
        compiled = self.effect_blocks.get(source)
        if compiled is None:
            compiled = self.effect_blocks[source] = compile_effects(source, self.names)
        return compiled

    def text(self, source: str) -> Text:
        """The compiled text (Markdown with inline expressions) for `source`."""
        compiled = self.texts.get(source)
        if compiled is None:
            compiled = self.texts[source] = compile_text(source, self.names)
        return compiled
