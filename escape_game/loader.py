"""Reads a story folder: every file checked, every problem reported in one run.

`read_story` reads `story.yaml` and every `scenes/**/*.yaml` (sorted, any depth), and
reports every problem in every file as a located `Diagnostic`, as a compiler does:
YAML traps (`yamlread`, `yamltraps`), the shape of each value (`checks`) and the rules
on ids and values (`rules`), file by file, then references and expressions across the
whole story (`references`). `load_story` is the same, raising one `StoryError` when
anything is an error.

The design decision is the cache (`cache`): a story whose files have not changed is
rebuilt from the checked `Story` and its compiled expressions without importing
PyYAML, so this module imports the YAML layer only when it has to read YAML. Reading
turns the garbage collector off while it runs: it makes millions of acyclic objects,
and collecting them as they come costs more time than the parse.
"""

from __future__ import annotations

import gc
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import msgspec

from escape_game.errors import Diagnostic, StoryError
from escape_game.model import Manifest, Origin, Scene, Story, Variable
from escape_game.program import Program, names_of

if TYPE_CHECKING:
    from escape_game.checks import Report
    from escape_game.yamlread import Document

MANIFEST = "story.yaml"
SCENES = "scenes"
#: Keys whose values are prose: a ` #` after a one-line value under them is reported.
PROSE_KEYS = frozenset("text title reason name description about label author".split())
#: A scene id at the start of a line: how scenes are found in a file YAML cannot parse.
_TOP_LEVEL_KEY = re.compile(r"^([a-z][a-z0-9_]*)[ \t]*:", re.MULTILINE)
_STORY_HINT = "a story folder holds story.yaml and a scenes/ folder of .yaml files"


class Loaded(NamedTuple):
    """A story that loaded: the model and its compiled expressions."""

    story: Story
    program: Program


class LoadResult(NamedTuple):
    """What reading a story found.

    Attributes:
        loaded: the story, or None when any diagnostic is an error.
        diagnostics: every problem found (errors and warnings), in file and line order.
    """

    loaded: Loaded | None
    diagnostics: tuple[Diagnostic, ...]


def load_story(root: str | os.PathLike[str], *, use_cache: bool = True) -> Loaded:
    """Load the story in folder `root`, or raise.

    Raises:
        StoryError: no such folder or no story.yaml (with no diagnostics), or a story
            with errors (every diagnostic attached). Warnings do not stop a load.
    """
    missing = _missing(Path(root))
    if missing is not None:
        raise StoryError(missing.message, missing.hint)
    result = read_story(root, use_cache=use_cache)
    if result.loaded is None:
        errors = sum(d.severity == "error" for d in result.diagnostics)
        raise StoryError(
            f"the story in '{os.fspath(root)}' has {errors} error{'s' * (errors != 1)}",
            "fix each one at the file:line:col given", result.diagnostics)
    return result.loaded


def read_story(root: str | os.PathLike[str], *, use_cache: bool = True) -> LoadResult:
    """Read and check the story in folder `root`; never raises for bad story input.

    Args:
        root: the story folder; diagnostics name files as `root` joined with the
            file's path inside it, so a relative `root` gives relative paths.
        use_cache: reuse (and fill) the cache of checked stories.
    """
    enabled = gc.isenabled()
    gc.disable()  # millions of short-lived, acyclic objects: collecting only costs time
    try:
        return _read_story(root, use_cache)
    finally:
        if enabled:
            gc.enable()


def _read_story(root: str | os.PathLike[str], use_cache: bool) -> LoadResult:
    folder = Path(root)
    missing = _missing(folder)
    if missing is not None:
        return LoadResult(None, (missing,))
    files: list[tuple[str, bytes]] = []
    problems: list[Diagnostic] = []
    sources, ignored = _sources(folder)
    for path in sources:
        shown = str(path)
        try:
            files.append((shown, path.read_bytes()))
        except OSError as error:
            problems.append(Diagnostic(shown, 0, 0, "error", "unreadable",
                                       f"cannot read the file: {error.strerror}"))
    if problems:
        return LoadResult(None, tuple(problems))
    blob = sources_blob(folder, files, ignored)
    if use_cache:
        from escape_game import cache

        hit = cache.load(root, blob)
        if hit is not None:
            story, memo, warnings = hit
            story = msgspec.structs.replace(story, root=os.fspath(root))
            names = names_of(story.manifest, frozenset(story.scenes))
            names.memo.update(memo)
            return LoadResult(Loaded(story, Program(names)), warnings)
    result = _read_files(os.fspath(root), files, _digest(blob))
    if ignored:
        result = result._replace(diagnostics=tuple(
            Diagnostic(str(path), 0, 0, "warning", "ignored-file", "this file is not read: "
                       "scene files end in .yaml", f"rename it to {path.stem}.yaml")
            for path in ignored) + result.diagnostics)
    if use_cache and result.loaded is not None:
        from escape_game import cache

        program = result.loaded.program
        cache.store(root, blob, result.loaded.story, program.names.memo, result.diagnostics)
    return result


def _missing(folder: Path) -> Diagnostic | None:
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        return Diagnostic(str(folder), 0, 0, "error", "no-story",
                          f"the story folder '{folder}' {what}", _STORY_HINT)
    if not (folder / MANIFEST).is_file():
        return Diagnostic(str(folder / MANIFEST), 0, 0, "error", "no-story",
                          f"there is no {MANIFEST} in '{folder}'", _STORY_HINT)
    return None


def _sources(folder: Path) -> tuple[list[Path], list[Path]]:
    """(story.yaml then every visible scenes/**/*.yaml, sorted by path inside the folder;
    the .yml files there, which are not read but warned about)."""
    found, ignored = [], []
    for directory, subdirectories, names in os.walk(folder / SCENES):
        subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
        for name in names:
            if not name.startswith(".") and name.endswith((".yaml", ".yml")):
                (found if name.endswith(".yaml") else ignored).append(Path(directory, name))
    for paths in (found, ignored):
        paths.sort(key=lambda path: path.relative_to(folder).as_posix())
    return [folder / MANIFEST, *found], ignored


def sources_blob(folder: Path, files: list[tuple[str, bytes]], ignored: list[Path]) -> bytes:
    """Every file's path inside the folder and bytes, length-prefixed, in order, then the
    names of ignored files (so the warnings about them are never stale in the cache): the
    bytes the story's digest is taken of and its cache entry is checked against."""
    parts = []
    for shown, data in files:
        relative = Path(shown).relative_to(folder).as_posix().encode()
        parts += (len(relative).to_bytes(4, "big"), relative, len(data).to_bytes(8, "big"), data)
    for path in ignored:
        parts.append(b"ignored:" + path.relative_to(folder).as_posix().encode() + b"\0")
    return b"".join(parts)


def _digest(blob: bytes) -> str:
    """The story's digest: SHA-256 of its `sources_blob`, as hex. Imported here, not at
    the top: a warm start takes the digest from the cache and never loads OpenSSL."""
    import hashlib

    return hashlib.sha256(blob).hexdigest()


def _read_files(root: str, files: list[tuple[str, bytes]], digest: str) -> LoadResult:
    """The cold path: parse, check and compile every file (imports the YAML layer)."""
    from escape_game import checks, rules
    from escape_game.references import References, SceneSource
    from escape_game.yamlread import INVALID, read_document

    out: list[Diagnostic] = []
    first = read_document(*files[0], PROSE_KEYS, out)
    manifest_report = checks.Report(first, out)
    raw = first.value
    manifest = None
    if not isinstance(raw, dict):  # unreadable, unparsed or not a mapping: say only that
        if first.parsed and raw is not INVALID:
            out.append(first.whole_file("not-a-mapping", "story.yaml must be a mapping of "
                                        "fields (id, title, start, ...)", _STORY_HINT))
        raw = {}
    else:
        manifest = _manifest(raw, manifest_report)
    first.release()
    scenes: dict[str, Scene | None] = {}
    origins: dict[str, Origin] = {}
    sources: list[SceneSource] = []
    unparsed: set[str] = set()
    for shown, data in files[1:]:  # one file's node tree at a time
        doc = read_document(shown, data, PROSE_KEYS, out)
        if not doc.parsed or doc.value is INVALID:
            unparsed.update(_TOP_LEVEL_KEY.findall(doc.text))
        report = checks.Report(doc, out)
        for scene_id, value, origin in _scenes_of(doc, report, origins):
            rules.check_scene(scene_id, value, report)
            scenes[scene_id] = checks.convert(value, Scene, (scene_id,), report)
            origins[scene_id] = origin
            sources.append(SceneSource(report, scene_id, value))
        doc.release()
    program = None
    if first.parsed and first.value is not INVALID:  # else every name would be unknown
        program = References(raw, manifest_report, sources, unparsed, out).run()
    order = {shown: index for index, (shown, _) in enumerate(files)}
    diagnostics = tuple(sorted(out, key=lambda d: (order.get(d.path, -1), d.line, d.col)))
    if manifest is None or program is None or any(d.severity == "error" for d in diagnostics):
        return LoadResult(None, diagnostics)
    story = Story(manifest=manifest, scenes=scenes, origins=origins, digest=digest, root=root)
    return LoadResult(Loaded(story, program), diagnostics)


def _manifest(raw: dict, report: Report) -> Manifest | None:
    """story.yaml's rules and Struct; bare variable values become `Variable`s."""
    from escape_game import checks, rules

    rules.check_id(raw.get("id", "x"), "story", ("id",), report, rules.STORY_ID)
    rules.check_variables(raw.get("vars"), report)
    for section, what in (("items", "item"), ("locations", "location"), ("regions", "region")):
        table = raw.get(section)
        for key, value in (table.items() if isinstance(table, dict) else ()):
            rules.check_id(key, what, (section, key), report)
            if section == "locations" and isinstance(value, dict):
                rules.check_choices(value.get("choices"), f"location '{key}'",
                                     (section, key, "choices"), report)
    rules.check_choices(raw.get("choices"), "the story's choices", ("choices",), report)
    manifest = checks.convert(raw, Manifest, (), report)
    if manifest is None:
        return None
    variables = {name: value if isinstance(value, Variable) else Variable(value=value)
                 for name, value in manifest.vars.items()}
    return msgspec.structs.replace(manifest, vars=variables)


def _scenes_of(doc: Document, report: Report, origins: dict[str, Origin]):
    """(scene id, plain value, origin) for each scene in a scene file, choices' origins
    recorded; a scene id already defined elsewhere is reported, not yielded."""
    from yaml.nodes import MappingNode, SequenceNode

    from escape_game.yamlread import INVALID

    if doc.value is INVALID:
        return
    if doc.value is None:
        if doc.parsed:
            report((), "empty-file", "this scene file holds no scenes", severity="warning")
        return
    if not isinstance(doc.value, dict) or type(doc.node) is not MappingNode:
        report((), "not-a-mapping", "a scene file must be a mapping of scene id to scene",
               "start each scene at the left margin with its id and a colon: `kitchen:`")
        return
    nodes = {key.value: (key, value) for key, value in doc.node.value if hasattr(key, "value")}
    for scene_id, value in doc.value.items():
        key, node = nodes[scene_id]
        origin = Origin(doc.path, key.start_mark.line + 1, key.start_mark.column + 1)
        first = origins.get(scene_id) if isinstance(scene_id, str) else None
        if first is not None:
            report((scene_id,), "duplicate-scene",
                   f"scene '{scene_id}' is defined twice: at {first.path}:{first.line} "
                   f"and at {origin.path}:{origin.line}",
                   "rename one of them (scene ids are shared by every file)", key=True)
            continue
        if type(node) is MappingNode and isinstance(value, dict):
            choices = value.get("choices")
            for child_key, child in node.value:
                if getattr(child_key, "value", None) == "choices" and type(child) is SequenceNode \
                        and isinstance(choices, list):
                    for item, choice in zip(child.value, choices):
                        if isinstance(choice, dict) and isinstance(choice.get("id"), str):
                            mark = item.start_mark
                            origins[f"{scene_id}.{choice['id']}"] = Origin(
                                doc.path, mark.line + 1, mark.column + 1)
        yield scene_id, value, origin
