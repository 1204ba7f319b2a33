"""Every condition, effect and text of a story, and what each declaration is used for.

`pieces` lists every piece of story language with where it was written; `Usage` reads
them all once (each distinct string parsed once) and records which variables are read
or set, which items are gained, lost or tested, and which locations and regions are
used. `declaration_diagnostics` then reports what is declared and never used.
Undeclared names are the loader's business (it refuses them with a did-you-mean).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from escape_game.lint.logic import Facts
from escape_game.lint.where import Where, diagnostic
from escape_game.model import Story
from escape_game.program import Program

@dataclass(frozen=True)
class Piece:
    """One piece of story language, located.

    Attributes:
        kind: "if", "locked_if", "do", "on_enter", "text" or "reason".
        source: the piece as written.
        scene: the scene it belongs to ("" for one in story.yaml).
        keys: its path of keys inside the scene (or inside story.yaml when `scene` is "").
        here: the scene a player is in whenever it runs ("" for shared choices).
    """

    kind: str
    source: str
    scene: str
    keys: tuple
    here: str


def pieces(story: Story) -> Iterator[Piece]:
    """Every condition, effect and text in the story, scenes first, in source order."""
    for scene_id, scene in story.scenes.items():
        if scene.on_enter:
            yield Piece("on_enter", scene.on_enter, scene_id, ("on_enter",), scene_id)
        if scene.text:
            yield Piece("text", scene.text, scene_id, ("text",), scene_id)
        for index, choice in enumerate(scene.choices):
            yield from _choice_pieces(choice, scene_id, ("choices", index), scene_id)
    for name, location in story.manifest.locations.items():
        for index, choice in enumerate(location.choices):
            yield from _choice_pieces(choice, "", ("locations", name, "choices", index), "")
    for index, choice in enumerate(story.manifest.choices):
        yield from _choice_pieces(choice, "", ("choices", index), "")


def _choice_pieces(choice, scene: str, keys: tuple, here: str) -> Iterator[Piece]:
    for kind, source in (("text", choice.text), ("if", choice.if_),
                         ("locked_if", choice.locked_if), ("reason", choice.reason),
                         ("do", choice.do)):
        if source:
            yield Piece(kind, source, scene, keys + (kind,), here)


def text_expressions(program: Program, source: str) -> Iterator[tuple[str, bool, int]]:
    """(expression source, whether it is a condition, offset in `source`) for each
    expression inside a text, outermost first."""
    root = getattr(program.text(source), "_root", None)
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if node is None or isinstance(node, str):
            continue
        expression = getattr(node, "expression", None) or getattr(node, "condition", None)
        if expression is not None:
            positions = getattr(node, "positions", ()) or (0,)
            yield expression.source, hasattr(node, "condition"), positions[0]
        for name in ("parts", "alternatives"):
            stack.extend(reversed(getattr(node, name, ())))
        for name in ("no", "yes"):
            stack.append(getattr(node, name, None))


@dataclass
class Usage:
    """What a story's pieces use.

    Attributes:
        read: variables read by a condition, a text or the right side of an effect.
        written: variables an effect sets or changes.
        tested: items a condition or text may test with `has()`.
        facts: what effects do (for `logic`).
    """

    read: set[str] = field(default_factory=set)
    written: set[str] = field(default_factory=set)
    tested: set[str] = field(default_factory=set)
    facts: Facts = field(default_factory=Facts)


def collect(story: Story, program: Program) -> Usage:
    """What every piece of `story` uses, read from the compiled pieces.

    Works on the program's memo of compiled expressions and effects (`Names.memo`),
    which the loader fills with every piece of the story (and the cache keeps), so
    nothing is parsed again: a variable is read when its name is among an expression's
    code names, and effects are already operation tuples. A `has()` test is recognised
    by the call and the item ids among the expression's constants.
    """
    usage = Usage()
    facts = usage.facts
    items = story.manifest.items
    for key, compiled in program.names.memo.items():
        if key[0] == "expression":
            names = compiled[0].co_names
            usage.read.update(name for name in names if _is_variable(name))
            if "_f_has" in names:
                usage.tested.update(c for c in compiled[0].co_consts
                                    if isinstance(c, str) and c in items)
        elif key[0] == "effects":
            for kind, name, code, _source, _low, _high in compiled:
                if kind == "gain":
                    facts.gained.add(name)
                elif kind == "lose":
                    facts.lost.add(name)
                else:
                    usage.written.add(name)
                    reads = [n for n in code.co_names if _is_variable(n)]
                    usage.read.update(reads)
                    value = _constant(code) if kind == "set" else _NOT_CONSTANT
                    if value is _NOT_CONSTANT:
                        facts.changed.add(name)
                    else:
                        facts.set_values.setdefault(name, set()).add(value)
    return usage


_NOT_CONSTANT = object()
#: The names a compiled expression may hold that are not variables (see `Scope.env`).
_LITERALS = {"true": True, "false": False, "True": True, "False": False}


def _is_variable(name: str) -> bool:
    return not name.startswith("_f_") and name not in _LITERALS


def _constant(code) -> object:
    """The value of a compiled expression that reads nothing (`3`, `'woolf'`, `true`)."""
    if not all(name in _LITERALS for name in code.co_names):
        return _NOT_CONSTANT
    try:
        return eval(code, {"__builtins__": {}, **_LITERALS})  # checked by the loader
    except ArithmeticError:
        return _NOT_CONSTANT


def declaration_diagnostics(story: Story, usage: Usage, where: Where) -> list:
    """Variables, items, locations and regions declared and never used."""
    manifest = story.manifest
    out = []
    status = {manifest.status.day, manifest.status.time}
    for name in manifest.vars:
        declared = manifest.variable(name)
        if name in usage.read or name in status or declared.show:
            continue
        place = where.manifest(("vars", name), key=True)
        if name in usage.written:
            out.append(diagnostic(place, "warning", "unread-variable",
                                  f"variable '{name}' is set but never read",
                                  "test it in a condition or show it in a text, or remove "
                                  "it and the effects that set it"))
        else:
            out.append(diagnostic(place, "warning", "unused-variable",
                                  f"variable '{name}' is declared but never used",
                                  "use it in a condition, an effect or a text, or remove it"))
    facts = usage.facts
    for item in manifest.items:
        if item in facts.gained:
            continue
        place = where.manifest(("items", item), key=True)
        if item not in facts.lost | usage.tested:
            out.append(diagnostic(place, "warning", "unused-item",
                                  f"item '{item}' is declared but never used",
                                  f"give it with gain('{item}') in an effect, or remove it"))
        else:
            out.append(diagnostic(place, "warning", "item-never-gained",
                                  f"item '{item}' is never gained, so has('{item}') is "
                                  "never true", f"add gain('{item}') to an effect"))
    used_locations = {scene.location for scene in story.scenes.values()}
    for name in manifest.locations:
        if name not in used_locations:
            out.append(diagnostic(where.manifest(("locations", name), key=True), "warning",
                                  "unused-location",
                                  f"location '{name}' is declared but no scene is there",
                                  f"set `location: {name}` on a scene, or remove it"))
    used_regions = {location.region for location in manifest.locations.values()}
    for name in manifest.regions:
        if name not in used_regions:
            out.append(diagnostic(where.manifest(("regions", name), key=True), "warning",
                                  "unused-region",
                                  f"region '{name}' is declared but no location is in it",
                                  f"set `region: {name}` on a location, or remove it"))
    return out


def renamed_diagnostics(story: Story, choice_ids: dict[str, set[str]], where: Where) -> list:
    """`renamed:` entries that point nowhere or rename an id still in use.

    The loader has checked that renamed scenes, variables and items point at ids that
    exist; here the choices (which it does not check) and the old ids.

    Args:
        story: the story.
        choice_ids: scene id -> ids of every choice offered there.
        where: locates the entries.
    """
    renamed = story.manifest.renamed
    manifest = story.manifest
    current = {"scenes": set(story.scenes), "vars": set(manifest.vars),
               "items": set(manifest.items)}
    out = []
    for section, ids in current.items():
        table = getattr(renamed, section)
        for old in table:
            if old in ids:  # (so renames in a circle are reported here too)
                out.append(diagnostic(where.manifest(("renamed", section, old), key=True),
                                      "warning", "renamed-still-exists",
                                      f"'{old}' is renamed under renamed: {section}, but the "
                                      "story still has it", "remove the entry, or rename "
                                      f"'{old}' in the story as well"))
    every_choice = set().union(*choice_ids.values()) if choice_ids else set()
    for key, new in renamed.choices.items():
        place = _Lazy(lambda key=key: where.manifest(("renamed", "choices", key), key=True))
        scene, _, _ = key.rpartition(".")
        new_id = new.rsplit(".", 1)[-1]
        if scene:
            now = _follow(renamed.scenes, scene)
            if now not in story.scenes:
                out.append(diagnostic(place(), "error", "renamed-nowhere",
                                      f"renamed choice '{key}' names the scene '{scene}', which "
                                      "is neither a scene of the story nor a renamed one",
                                      "write the key as scene.choice with the scene's id"))
            elif new_id not in choice_ids.get(now, set()):
                out.append(diagnostic(place(), "error", "renamed-nowhere",
                                      f"renamed choice '{key}' points to '{new_id}', but "
                                      f"scene '{now}' offers no such choice",
                                      _closest(new_id, choice_ids.get(now, set()))))
        elif new_id not in every_choice:
            out.append(diagnostic(place(), "error", "renamed-nowhere",
                                  f"renamed choice '{key}' points to '{new_id}', but no scene "
                                  "offers such a choice", _closest(new_id, every_choice)))
    return out


def _follow(table: dict[str, str], old: str) -> str:
    current, seen = old, {old}
    while current in table and table[current] not in seen:
        current = table[current]
        seen.add(current)
    return current


class _Lazy:
    """A position looked up only when it is first needed (reading YAML costs time)."""

    def __init__(self, find) -> None:
        self.find, self.found = find, None

    def __call__(self):
        if self.found is None:
            self.found = self.find()
        return self.found


def _closest(word: str, candidates: set[str]) -> str:
    from escape_game.errors import did_you_mean

    return did_you_mean(word, sorted(candidates)) or "give the choice's current id"
