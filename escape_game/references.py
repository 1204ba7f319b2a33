"""The loader's second pass: every reference resolved, every expression compiled.

Runs once every file has been read, so it knows every scene, variable, item, location
and region. Target scenes, locations, regions and renamed ids are looked up with a
did-you-mean; every condition, effect and text goes through one `Program`, so what the
engine will run is exactly what was checked, and a compile error's character offset is
mapped back to the file's line and column. Works on the plain values (not the Structs)
so that a scene with a type error still has its references checked in the same run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from escape_game.checks import Report
from escape_game.errors import Diagnostic, did_you_mean
from escape_game.expressions import ExpressionError, Names
from escape_game.model import BACK, Variable
from escape_game.program import Program
from escape_game.yamlread import offset_position

import msgspec


class SceneSource:
    """One scene as read: where it was written and its plain value."""

    __slots__ = ("report", "scene_id", "value")

    def __init__(self, report: Report, scene_id: str, value: Any) -> None:
        self.report, self.scene_id, self.value = report, scene_id, value


def declared_names(manifest: dict, scene_ids: Iterable[str]) -> Names:
    """The story's names from the manifest's plain value (what could be read of it)."""
    variables: dict[str, Variable] = {}
    raw = manifest.get("vars")
    for name, declared in (raw.items() if isinstance(raw, dict) else ()):
        try:
            variables[name] = msgspec.convert(declared, Variable) if isinstance(declared, dict) \
                else Variable(value=msgspec.convert(declared, bool | int | float | str))
        except msgspec.ValidationError:  # reported by the first pass
            if isinstance(declared, dict):  # keep it declared, less the fields in error
                readable = _readable_fields(declared)
                if readable is not None:
                    variables[name] = readable
    items = manifest.get("items")
    return Names(variables=variables, items=frozenset(items if isinstance(items, dict) else ()),
                 scenes=frozenset(scene_ids))


def _readable_fields(declared: dict) -> Variable | None:
    """A variable from the fields of `declared` that fit, or None if its value does not.

    `show: True` (a wrong field) must not make the variable unknown, or every use of it
    would be reported as well."""
    try:
        variable = msgspec.convert({"value": declared.get("value")}, Variable)
    except msgspec.ValidationError:
        return None
    fields = {"value": variable.value}
    for key, item in declared.items():
        try:
            msgspec.convert({**fields, key: item}, Variable)
        except msgspec.ValidationError:
            continue
        fields[key] = item
    return msgspec.convert(fields, Variable)


class References:
    """Resolves references in a whole story.

    Args:
        manifest: the plain value of story.yaml.
        manifest_report: locates diagnostics in story.yaml.
        scenes: every scene read, in order.
        unparsed_ids: ids of scenes in files that could not be parsed (guessed from
            their text), known here only so that references to them are not reported.
        out: where diagnostics go.
    """

    def __init__(self, manifest: dict, manifest_report: Report, scenes: list[SceneSource],
                 unparsed_ids: set[str], out: list[Diagnostic]) -> None:
        self.manifest = manifest
        self.manifest_report = manifest_report
        self.scenes = scenes
        self.out = out
        self.scene_ids = {source.scene_id for source in scenes} | unparsed_ids
        self.locations = _keys(manifest.get("locations"))
        self.program = Program(declared_names(manifest, self.scene_ids))

    def run(self) -> Program:
        """Check everything; returns the program holding every compiled piece."""
        report, manifest = self.manifest_report, self.manifest
        self.lookup(report, ("start",), manifest.get("start"), self.scene_ids, "scene")
        self.check_status(report)
        regions = _keys(manifest.get("regions"))
        locations = manifest.get("locations")
        for name, location in (locations.items() if isinstance(locations, dict) else ()):
            if isinstance(location, dict):
                self.lookup(report, ("locations", name, "region"), location.get("region"),
                            regions, "region")
                self.choices(report, ("locations", name, "choices"), location.get("choices"))
        self.choices(report, ("choices",), manifest.get("choices"))
        self.check_renamed(report)
        shared = _choice_targets(manifest.get("choices"))
        by_location = {name: _choice_targets(location.get("choices")) for name, location in
                       (locations.items() if isinstance(locations, dict) else ())
                       if isinstance(location, dict)}
        for name, targets in by_location.items():
            for choice_id in targets.keys() & shared.keys():
                index = list(targets).index(choice_id)
                report(("locations", name, "choices", index, "id"), "duplicate-choice",
                       f"choice id '{choice_id}' is also a story-wide choice",
                       "every choice offered in one scene needs its own id")
        for source in self.scenes:
            self.scene(source)
            self.check_shared_ids(source, shared, by_location)
        return self.program

    def check_shared_ids(self, source: SceneSource, shared: dict[str, Any],
                         by_location: dict[str, dict[str, Any]]) -> None:
        """A scene's own choice may not share an id with a story or location choice
        offered beside it (one that leads to this very scene is not offered here)."""
        scene = source.value
        if not isinstance(scene, dict):
            return
        beside = {**shared, **by_location.get(scene.get("location"), {})} \
            if isinstance(scene.get("location"), str) else shared
        own = scene.get("choices")
        for index, choice in enumerate(own if isinstance(own, list) else ()):
            choice_id = choice.get("id") if isinstance(choice, dict) else None
            if isinstance(choice_id, str) and choice_id in beside \
                    and beside[choice_id] != source.scene_id:
                source.report((source.scene_id, "choices", index, "id"), "duplicate-choice",
                              f"choice id '{choice_id}' is also the id of a story or location "
                              "choice offered in this scene", "rename one of them")

    def scene(self, source: SceneSource) -> None:
        scene, report, path = source.value, source.report, (source.scene_id,)
        if not isinstance(scene, dict):
            return
        location = scene.get("location")
        if location:
            self.lookup(report, path + ("location",), location, self.locations, "location")
        self.lookup(report, path + ("next",), scene.get("next"), self.scene_ids, "scene")
        self.compile(report, path + ("on_enter",), scene.get("on_enter"), self.program.effects)
        self.compile(report, path + ("text",), scene.get("text"), self.program.text)
        self.choices(report, path + ("choices",), scene.get("choices"))

    def choices(self, report: Report, path: tuple, choices: Any) -> None:
        """Targets and compiled pieces of a list of choices."""
        if not isinstance(choices, list):
            return
        program = self.program
        for index, choice in enumerate(choices):
            if not isinstance(choice, dict):
                continue
            here = path + (index,)
            target = choice.get("goto")
            if target != BACK:
                self.lookup(report, here + ("goto",), target, self.scene_ids, "scene",
                            " (or `back` for the scene the player came from)")
            self.compile(report, here + ("text",), choice.get("text"), program.text)
            self.compile(report, here + ("if",), choice.get("if"), program.condition)
            self.compile(report, here + ("locked_if",), choice.get("locked_if"), program.condition)
            self.compile(report, here + ("reason",), choice.get("reason"), program.text)
            self.compile(report, here + ("do",), choice.get("do"), program.effects)

    def lookup(self, report: Report, path: tuple, name: Any, known: Iterable[str], kind: str,
               extra: str = "") -> None:
        """Report `name` (at `path`) when it is a string not among `known`."""
        if not isinstance(name, str) or name in known:
            return
        hint = did_you_mean(name, known) or f"no {kind} has that id{extra}"
        report(path, f"unknown-{kind}", f"unknown {kind} '{name}'", hint)

    def compile(self, report: Report, path: tuple, source: Any,
                compiler: Callable[[str], object]) -> None:
        """Compile `source` (when it is a string); a failure becomes a located diagnostic."""
        if not isinstance(source, str):
            return
        try:
            compiler(source)
        except ExpressionError as error:
            node = report.doc.node_at(path)
            if node is None:
                self.out.append(report.doc.whole_file(error.code, error.message, error.hint))
                return
            line, col = offset_position(report.doc, node, error.offset)
            self.out.append(Diagnostic(report.doc.path, line, col, "error", error.code,
                                       error.message, error.hint))

    def check_status(self, report: Report) -> None:
        status = self.manifest.get("status")
        if not isinstance(status, dict):
            return
        names = self.program.names
        for field in ("day", "time"):
            name = status.get(field)
            if not isinstance(name, str) or not name:
                continue
            if name not in names.variables:
                self.lookup(report, ("status", field), name, names.variables, "variable")
            elif names.type_of(name) != "number":
                report(("status", field), "type", f"the status {field} '{name}' must be a "
                       "number variable", "point it at a variable holding a number")

    def check_renamed(self, report: Report) -> None:
        renamed = self.manifest.get("renamed")
        if not isinstance(renamed, dict):
            return
        names = self.program.names
        known = {"scenes": (self.scene_ids, "scene"), "vars": (names.variables, "variable"),
                 "items": (names.items, "item")}
        for section, (ids, kind) in known.items():
            table = renamed.get(section)
            for old, new in (table.items() if isinstance(table, dict) else ()):
                self.lookup(report, ("renamed", section, old), new, ids, kind)


def _choice_targets(choices: Any) -> dict[str, Any]:
    """Choice id -> goto, for a list of choices as written."""
    return {choice["id"]: choice.get("goto") for choice in (choices if isinstance(choices, list) else ())
            if isinstance(choice, dict) and isinstance(choice.get("id"), str)}


def _keys(mapping: Any) -> set[str]:
    return set(mapping) if isinstance(mapping, dict) else set()
