"""Explanations in words for `check`'s findings about conditions.

Why a condition is never true (or a lock always on), and an example of a state in
which a scene offers nothing, phrased from the declarations: "'level' is at most 10
(its max)", "no effect ever gains the item 'map'", "clock = 810, has('book') false".
"""

from __future__ import annotations

from escape_game.lint.formula import OTHER_TEXT, Formula
from escape_game.lint.logic import Domains, clamp, outcomes


def describe(values: dict, limit: int = 3) -> str:
    """A combination in words, e.g. "clock = 810, has('book') false" (terms only)."""
    parts = []
    for term, value in values.items():
        if term[0] == "var":
            parts.append(f"{term[1]} = {_show(value)}")
        elif term[0] == "has":
            parts.append(f"has('{term[1]}') {_show(value)}")
        elif term[0] == "visits":
            parts.append(f"visits('{term[1]}') = {_show(value)}")
        elif term[0] == "turns":
            parts.append(f"turns() = {_show(value)}")
    return ", ".join(parts[:limit]) + (", ..." if len(parts) > limit else "")


def explain(formula: Formula, domains: Domains, here: str = "", never: bool = True) -> str:
    """Why a formula is never true (or with `never` False, always true), in words: the
    first comparison in it that cannot change, or else that its parts contradict."""
    for part in _comparisons(formula):
        if len(outcomes(part, domains, here) or ()) == 1:
            return _reason(part, domains, here)
    return "its parts contradict each other" if never else "its parts always hold"


def _comparisons(formula: Formula):
    if formula[0] == "cmp":
        yield formula
    elif formula[0] in ("and", "or"):
        for part in formula[1]:
            yield from _comparisons(part)
    elif formula[0] == "not":
        yield from _comparisons(formula[1])


def _reason(part: Formula, domains: Domains, here: str) -> str:
    """Why one comparison cannot change."""
    term, value = part[1], part[3]
    if term[0] == "has":
        return f"no effect ever gains the item '{term[1]}'"
    if term[0] == "visits" and term[1] == here:
        return f"visits('{here}') is at least 1 while the player is in '{here}'"
    if term[0] in ("visits", "turns"):
        return f"{term[0]}() is never below 0"
    name = term[1]
    declared = domains.story.manifest.variable(name)
    if name not in domains.facts.changed:
        held = sorted({clamp(v, declared.min, declared.max)
                       for v in (declared.value, *domains.facts.set_values.get(name, ()))},
                      key=repr)
        if len(held) == 1:
            return f"'{name}' is never changed, so it is always {_show(held[0])}"
        shown = " or ".join(_show(v) for v in held)
        return f"'{name}' only ever holds {shown} (its initial value and the values set)"
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and declared.max is not None and value >= declared.max:
        return f"'{name}' is at most {_show(declared.max)} (its max)"
    if number and declared.min is not None and value <= declared.min:
        return f"'{name}' is at least {_show(declared.min)} (its min)"
    return f"'{name}' cannot change that"


def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "another text" if value == OTHER_TEXT else repr(value)
    return f"{value:g}" if isinstance(value, float) else str(value)
