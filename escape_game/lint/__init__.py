"""`escape-game check`: the loader's diagnostics plus static checks of a whole story.

The loader already refuses what cannot run (bad YAML, wrong types, unknown ids, bad
expressions, duplicate choice ids, unbalanced braces). This module looks at a story
that loads and reports what is probably a mistake, each with a stable code, a
file:line:col and a hint:

| code | severity | what |
|---|---|---|
| unreachable-scene | warning | no route from the start leads to the scene (conditions ignored), or only choices that can never be taken do |
| unreachable-ending | warning | the same, for an ending |
| no-ending | warning | the story has no ending at all |
| endless-loop | warning | from this scene no route leads to any ending |
| back-at-start | warning | the start scene has a `goto: back` choice, with nowhere to go back to |
| automatic-cycle | error / warning | textless fallbacks go round without a player choice (always / under some conditions) |
| dead-end | warning | a scene whose every choice can be unavailable at once, with no fallback |
| never-true | warning | a condition no declared value can make true |
| always-locked | warning | a `locked_if` no declared value can make false |
| unused-variable, unread-variable, unused-item, item-never-gained, unused-location, unused-region | warning | declarations nothing uses |
| renamed-nowhere | error | a renamed choice that points at no choice |
| renamed-still-exists | warning | a renamed old id the story still has (renames in a circle included) |

The design decision: everything works on the loaded `Story` and its compiled pieces
(so a story from the cache is checked without reading YAML), and positions finer than
a scene or a choice are looked up lazily, only for what is reported. Module map:
`formula` reads conditions into formulas, `logic` says what they can be,
`explain` says why in words, `graph` is the story as a graph, `routes`
holds the checks on routes, `usage` the ones on declarations, and `where`
finds file positions.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass

from escape_game.errors import Diagnostic
from escape_game.expressions import BOOL
from escape_game.lint.explain import explain
from escape_game.lint.formula import parse_condition
from escape_game.lint.graph import StoryGraph
from escape_game.lint.logic import Domains, outcomes
from escape_game.lint.routes import automatic_cycles, dead_ends, reach
from escape_game.lint.usage import (
    collect,
    declaration_diagnostics,
    renamed_diagnostics,
    text_expressions,
)
from escape_game.lint.where import Where, diagnostic


def lint(loaded) -> list[Diagnostic]:
    """Every static-check diagnostic for a loaded story (`loader.Loaded`), in file order."""
    enabled = gc.isenabled()
    gc.disable()  # many small acyclic objects, as in the loader: collecting only costs time
    try:
        return _lint(loaded)
    finally:
        if enabled:
            gc.enable()


def _lint(loaded) -> list[Diagnostic]:
    story, program = loaded.story, loaded.program
    checker = Checker(story, program)
    out = declaration_diagnostics(story, checker.usage, checker.where)
    out += checker.conditions()
    out += reach(checker)
    out += automatic_cycles(checker)
    out += dead_ends(checker)
    choice_ids = {scene: {offer.choice.id for offer in offers}
                  for scene, offers in checker.graph.offers.items()}
    out += renamed_diagnostics(story, choice_ids, checker.where)
    return sort_diagnostics(out, checker.where.manifest_path)


_NEVER = frozenset((False,))
_ALWAYS = frozenset((True,))
_BOTH = frozenset((False, True))


class Checker:
    """One story's shared machinery for the checks: its graph, what it uses, the
    condition logic with its answers memoized, and where things are written.

    Args:
        story: the loaded story; program: its compiled pieces.

    Attributes:
        where: locates diagnostics (`where.Where`).
        graph: scenes, offers and moves (`graph.StoryGraph`).
        usage: what the pieces use (`usage.Usage`).
        domains: what each term can hold (`logic.Domains`).
        order: scene id -> its position in the story (source order).
        closed: (owner, index) of every choice that can never be taken, filled by
            `conditions` (so run that before `routes.reach`).
    """

    def __init__(self, story, program) -> None:
        self.story = story
        self.program = program
        self.where = Where(story)
        self.graph = StoryGraph(story)
        self.usage = collect(story, program)
        self.domains = Domains(story, self.usage.facts)
        self.order = {scene_id: index for index, scene_id in enumerate(story.scenes)}
        self.formulas: dict[str, tuple] = {}
        self.answers: dict[str, object] = {}  # condition -> outcomes, or here -> outcomes
        self.visited: dict[str, set[str]] = {}  # condition -> scenes it asks visits() of
        self.closed: set[tuple[str, int]] = set()  # (owner, index) of choices never open

    def formula(self, source: str) -> tuple:
        """The condition's formula (parsed once per distinct string)."""
        found = self.formulas.get(source)
        if found is None:
            found = self.formulas[source] = parse_condition(source)
        return found

    def outcomes(self, source: str, here: str) -> frozenset | None:
        """The values a condition can take in scene `here`: worked out once per string,
        or once per string and scene when it asks about visits() of scenes."""
        found = self.answers.get(source)
        if found is None and self.surely_open(source):
            found = self.answers[source] = _BOTH
            self.visited[source] = set()
        if found is None:
            formula = self.formula(source)
            visited = {term[1] for term in _terms(formula) if term[0] == "visits"}
            found = self.answers[source] = {} if visited else outcomes(formula, self.domains)
            self.visited[source] = visited
        if type(found) is not dict:
            return found
        key = here if here in self.visited[source] else ""
        if key not in found:
            found[key] = outcomes(self.formula(source), self.domains, key)
        return found[key]

    def surely_open(self, source: str) -> bool:
        """Whether a condition can be both true and false, seen from its compiled code
        alone (no parsing): each variable, and each item, appears once, and none is
        narrowed by the declarations (a bound, a fixed or literal-only value, an item
        never gained). Such a formula is read-once over parts that are each free, so it
        is never constant. Most conditions of a large story pass this test."""
        compiled = self.program.names.memo.get(("expression", source, BOOL))
        if compiled is None:
            return False
        code = compiled[0]
        variables, facts = self.story.manifest.vars, self.usage.facts
        for name in code.co_names:
            if name in ("_f_visits", "_f_turns"):
                return False  # bounded below; visits of the scene itself at least 1
            if name.startswith("_f_") or name in ("true", "false", "True", "False"):
                continue
            declared = variables.get(name)
            if declared is None or name not in facts.changed or source.count(name) > 1:
                return False
            value = declared.value
            if isinstance(value, (int, float)) and not isinstance(value, bool) and (
                    declared.min is not None or declared.max is not None):
                return False
        items = self.story.manifest.items
        for constant in code.co_consts:
            if isinstance(constant, str) and constant in items and (
                    constant not in facts.gained or source.count(constant) > 1):
                return False
        return True

    def place(self, scene: str, keys: tuple, key: bool = False, offset: int | None = None):
        if scene:
            return self.where.in_scene(scene, keys, key, offset)
        return self.where.node(self.where.manifest_path, keys, key, offset)

    # -- conditions ---------------------------------------------------------------

    def conditions(self) -> list[Diagnostic]:
        """never-true conditions (of choices and in texts) and always-true locks."""
        out: list[Diagnostic] = []
        story = self.story
        for scene_id, scene in story.scenes.items():
            if "{" in scene.text:
                self.text_conditions(out, scene.text, scene_id, ("text",), scene_id)
            for index, choice in enumerate(scene.choices):
                if choice.if_ is not None or choice.locked_if is not None \
                        or "{" in choice.text or "{" in choice.reason:
                    self.choice_conditions(out, choice, scene_id, ("choices", index),
                                           scene_id, (scene_id, index))
        for name, location in story.manifest.locations.items():
            for index, choice in enumerate(location.choices):
                self.choice_conditions(out, choice, "", ("locations", name, "choices", index),
                                       "", ("@" + name, index))
        for index, choice in enumerate(story.manifest.choices):
            self.choice_conditions(out, choice, "", ("choices", index), "", ("*", index))
        return out

    def choice_conditions(self, out: list, choice, scene: str, keys: tuple, here: str,
                          owner: tuple[str, int]) -> None:
        if choice.if_ is not None and self.outcomes(choice.if_, here) == _NEVER:
            self.closed.add(owner)
            reason = explain(self.formula(choice.if_), self.domains, here)
            out.append(diagnostic(
                self.place(scene, keys + ("if",)), "warning", "never-true",
                f"the condition `{_one_line(choice.if_)}` is never true: {reason}",
                "this choice can never be offered; fix the condition or remove it"))
        if choice.locked_if is not None and self.outcomes(choice.locked_if, here) == _ALWAYS:
            self.closed.add(owner)
            reason = explain(self.formula(choice.locked_if), self.domains, here, never=False)
            out.append(diagnostic(
                self.place(scene, keys + ("locked_if",)), "warning", "always-locked",
                f"the lock `{_one_line(choice.locked_if)}` is always on: {reason}",
                "this choice can never be taken; fix the condition or remove it"))
        if "{" in choice.text:
            self.text_conditions(out, choice.text, scene, keys + ("text",), here)
        if "{" in choice.reason:
            self.text_conditions(out, choice.reason, scene, keys + ("reason",), here)

    def text_conditions(self, out: list, text: str, scene: str, keys: tuple,
                        here: str) -> None:
        """never-true conditions of `{cond: ...}` blocks in one text."""
        if "{" not in text or ":" not in text:
            return
        for source, is_condition, offset in text_expressions(self.program, text):
            if is_condition and self.outcomes(source, here) == _NEVER:
                reason = explain(self.formula(source), self.domains, here)
                out.append(diagnostic(
                    self.place(scene, keys, offset=offset), "warning", "never-true",
                    f"the condition `{_one_line(source)}` in this text is never true: "
                    f"{reason}", "the text before its `|` never shows; fix the condition "
                    "or remove the block"))

def _terms(formula: tuple) -> set:
    """The terms a formula compares."""
    found: set = set()
    stack = [formula]
    while stack:
        node = stack.pop()
        if node[0] == "cmp":
            found.add(node[1])
        elif node[0] in ("and", "or"):
            stack.extend(node[1])
        elif node[0] == "not":
            stack.append(node[1])
    return found


def _one_line(source: str) -> str:
    return " ".join(source.split())


def sort_diagnostics(diagnostics, manifest_path: str) -> list[Diagnostic]:
    """Diagnostics in file order (story.yaml first), then line and column."""
    return sorted(diagnostics, key=lambda d: (d.path != manifest_path, d.path, d.line, d.col))


@dataclass(frozen=True)
class CheckResult:
    """What `check` found.

    Attributes:
        diagnostics: the loader's and the static checks', in file order.
        loaded: the story (None when the loader found errors; then no static checks ran).
    """

    diagnostics: tuple[Diagnostic, ...]
    loaded: object | None

    def count(self, severity: str) -> int:
        """How many diagnostics have `severity`."""
        return sum(d.severity == severity for d in self.diagnostics)

    def ok(self, strict: bool = False) -> bool:
        """No errors (and with `strict`, no warnings either)."""
        return self.loaded is not None and not self.count("error") and not (
            strict and self.count("warning"))

    def to_dict(self, root: str, strict: bool = False) -> dict:
        """The result as JSON-able data, for editors and CI."""
        return {
            "story": os.path.join(root, ""),
            "ok": self.ok(strict),
            "strict": strict,
            "counts": {"error": self.count("error"), "warning": self.count("warning")},
            "diagnostics": [
                {"path": d.path, "line": d.line, "col": d.col, "severity": d.severity,
                 "code": d.code, "message": d.message, "hint": d.hint}
                for d in self.diagnostics],
        }


def check_story(root: str | os.PathLike[str], *, use_cache: bool = True) -> CheckResult:
    """Load the story in `root` and run every check (static ones only when it loads)."""
    from escape_game.loader import read_story

    result = read_story(root, use_cache=use_cache)
    if result.loaded is None:
        return CheckResult(result.diagnostics, None)
    manifest = os.path.join(os.fspath(root), "story.yaml")
    found = sort_diagnostics([*result.diagnostics, *lint(result.loaded)], manifest)
    return CheckResult(tuple(found), result.loaded)
