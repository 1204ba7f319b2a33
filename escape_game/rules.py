"""The loader's rules on ids and values, which msgspec's types cannot say.

Id spelling and reserved ids (`back`, `continue`, the plain mode's command words,
language keywords as variable names), one way out of each scene, duplicate choice ids,
and variable bounds. They run on the plain values built from YAML (not on the Structs),
so a scene with a type error still gets these problems reported in the same run; every
check tolerates values of the wrong type, which `checks.shape` reports.
"""

from __future__ import annotations

import keyword
import math
import re
from typing import Any

from escape_game.checks import Path, Report, what_is
from escape_game.expressions import MAX_NUMBER
from escape_game.model import BACK, COMMAND_WORDS, CONTINUE_ID, ID_PATTERN
from escape_game.yamlread import INVALID

#: A story's own id may also hold hyphens (`the-escape`).
STORY_ID = re.compile(r"[a-z][a-z0-9_-]*\Z")
_ID_HINT = "ids are lowercase letters, digits and _, starting with a letter, like 'school_run'"



def check_id(value: Any, what: str, path: Path, report: Report, pattern: re.Pattern = ID_PATTERN) -> bool:
    """Report an id (a key, at `path`) that does not match `pattern`; True when it is fine."""
    if isinstance(value, str) and pattern.match(value):
        return True
    report(path, "bad-id", f"{what} id '{value}' is not a valid id", _ID_HINT, key=True)
    return False


def check_variables(variables: Any, report: Report) -> None:
    """Names, value types and bounds of the declared variables (`vars:`)."""
    if not isinstance(variables, dict):
        return
    for name, declared in variables.items():
        path = ("vars", name)
        if check_id(name, "variable", path, report) and (
                keyword.iskeyword(name) or name in ("true", "false")):
            report(path, "reserved-name", f"'{name}' is a word of the story language, so it "
                   "cannot be a variable", f"call it '{name}_flag' or another name", key=True)
        if isinstance(declared, dict):
            _check_bounds(declared, path, report)
        else:
            _check_value(declared, path, report)


def _check_value(value: Any, path: Path, report: Report) -> None:
    if isinstance(value, float) and not math.isfinite(value) or (
            isinstance(value, (int, float)) and not isinstance(value, bool)
            and abs(value) > MAX_NUMBER):
        report(path, "too-large", f"the number {value} is too large",
               f"numbers are limited to {MAX_NUMBER:,}")


def _check_bounds(declared: dict, path: Path, report: Report) -> None:
    value, low, high = declared.get("value"), declared.get("min"), declared.get("max")
    if value is INVALID:
        return
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    _check_value(value, path + ("value",), report)
    for name, bound in (("min", low), ("max", high)):
        if bound is not None and not number and bound is not INVALID:
            report(path + (name,), "bounds", f"'{name}' only applies to a number, and the "
                   f"value is {what_is(value)}", "remove it, or make the value a number")
        _check_value(bound, path + (name,), report)
    if not number:
        if declared.get("format") and value is not INVALID:
            report(path + ("format",), "bounds", "'format' only applies to a number")
        return
    numeric = [isinstance(b, (int, float)) and not isinstance(b, bool) for b in (low, high)]
    if all(numeric) and low > high:
        report(path + ("min",), "bounds", f"min {low} is greater than max {high}",
               "swap them")
    elif numeric[0] and value < low or numeric[1] and value > high:
        report(path + ("value",), "bounds", f"the initial value {value} is outside "
               f"{low if numeric[0] else '…'} to {high if numeric[1] else '…'}",
               "change the value or the bounds")


def check_choices(choices: Any, where: str, path: Path, report: Report) -> None:
    """Ids, reserved words, duplicates and text of a list of choices (scene, location or story)."""
    if not isinstance(choices, list):
        return
    seen: dict[str, int] = {}
    for index, choice in enumerate(choices):
        if not isinstance(choice, dict):
            continue
        here = path + (index,)
        choice_id = choice.get("id")
        if isinstance(choice_id, str):
            _check_choice_id(choice_id, where, here + ("id",), report)
            if choice_id in seen:
                first = report.doc.node_at(path + (seen[choice_id], "id"))
                line = first.start_mark.line + 1 if first is not None else 0
                report(here + ("id",), "duplicate-choice",
                       f"choice id '{choice_id}' is used twice in {where}, at lines {line} "
                       f"and {report.doc.line_of(here + ('id',))}",
                       "every choice in a scene needs its own id")
            seen.setdefault(choice_id, index)
        text = choice.get("text", "")
        if text == "" and choice.get("fallback") is not True:
            report(here, "no-text", f"choice '{choice_id}' has no text",
                   "add `text:`; only a `fallback: true` choice may have none (it is taken at once)")
        if choice.get("locked_if") is not None and not choice.get("reason"):
            report(here + ("locked_if",), "no-reason",
                   f"choice '{choice_id}' can be locked but has no reason",
                   "add `reason:` saying why, in the story's words", "warning")


def _check_choice_id(choice_id: str, where: str, path: Path, report: Report) -> None:
    if not ID_PATTERN.match(choice_id):
        report(path, "bad-id", f"choice id '{choice_id}' is not a valid id", _ID_HINT)
    elif choice_id in COMMAND_WORDS:
        report(path, "reserved-id", f"choice id '{choice_id}' is a command word of the plain "
               "mode, so a player typing it would run the command",
               f"call it '{choice_id}_choice' or another name")
    elif choice_id == CONTINUE_ID:
        report(path, "reserved-id", "'continue' is the id of the choice a `next:` scene makes",
               "use `next: <scene>` for a single way on, or another id")


def check_scene(scene_id: Any, scene: Any, report: Report) -> None:
    """The rules on one scene's id, its way out and its choices."""
    path = (scene_id,)
    if check_id(scene_id, "scene", path, report) and scene_id == BACK:
        report(path, "reserved-id", "'back' is not a scene id: `goto: back` returns to the "
               "scene the player came from", "call the scene something else", key=True)
    if not isinstance(scene, dict):
        return
    exits = [name for name in ("choices", "next", "ending") if scene.get(name) not in (None, [])]
    if not exits:
        report(path, "no-exit", f"scene '{scene_id}' has no way out",
               "add `choices:`, `next: <scene>`, or `ending: {title: ...}`", key=True)
    elif len(exits) > 1:
        report(path + (exits[1],), "two-exits", f"scene '{scene_id}' has both `{exits[0]}` and "
               f"`{exits[1]}`", "a scene is left by exactly one of choices, next and ending",
               key=True)
    check_choices(scene.get("choices"), f"scene '{scene_id}'", path + ("choices",), report)

