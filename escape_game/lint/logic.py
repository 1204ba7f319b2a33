"""What a condition can be, from declared ranges and literals: the logic behind `check`.

A condition is read into a small formula: `and`/`or`/`not` over comparisons of one
*term* (a variable, `visits('scene')`, `turns()`, `has('item')`) with a literal. Anything
else (arithmetic on variables, `random()`, two variables compared) becomes an opaque
atom that may be true or false. The design decision: instead of reasoning about
inequalities, each term gets a few *representative values* (its bounds, every literal it
is compared with, and points between them), which cover every case a comparison with
those literals can tell apart; the formula is then evaluated on every combination. That
is exact for the simple cases and never claims "never true" for a case it cannot see.

What a term can hold comes from the whole story (`Facts`): a variable that no effect
sets keeps its initial value, a text variable holds its initial value or one it is set
to, an item that is never gained is never held, and in a scene's own choices and text
`visits()` of that scene is at least 1.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from escape_game.lint.formula import OTHER_TEXT, Formula
from escape_game.model import Story

#: Most combinations evaluated for one question; beyond it the answer is "unknown".
MAX_COMBINATIONS = 4096

# -- what each term can hold --------------------------------------------------------


@dataclass
class Facts:
    """What the whole story's effects can do to each variable and item.

    Attributes:
        set_values: variable -> literal values assigned to it (`x = 3`, `x = 'a'`).
        changed: variables some effect changes other than by a literal (`x += 1`).
        gained: items some effect gains.
        lost: items some effect loses.
    """

    set_values: dict[str, set] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    gained: set[str] = field(default_factory=set)
    lost: set[str] = field(default_factory=set)


class Domains:
    """Representative values of each term, given a story and its `Facts`.

    Args:
        story: the loaded story (declarations and bounds).
        facts: what its effects do.
    """

    def __init__(self, story: Story, facts: Facts) -> None:
        self.story = story
        self.facts = facts
        self._leaves: dict = {}

    def leaf(self, comparison: Formula, here: str = "") -> frozenset[bool]:
        """The values one comparison can take (worked out once per story)."""
        term = comparison[1]
        key = (comparison, here if term == ("visits", here) else "")
        found = self._leaves.get(key)
        if found is None:
            values = self.values(term, {comparison[3]}, key[1])
            found = self._leaves[key] = frozenset(
                _evaluate(comparison, {term: value}) for value in values)
        return found

    def values(self, term: tuple, literals: set, here: str = "") -> tuple:
        """Values of `term` that tell apart every comparison with `literals`.

        Args:
            term: the term.
            literals: every literal the term is compared with in the question.
            here: the scene whose own choice or text asks (visits of it are >= 1).
        """
        kind = term[0]
        if kind == "has":
            item = term[1]
            if item not in self.facts.gained:
                return (False,)
            return (False, True)
        if kind in ("visits", "turns"):
            low = 1 if kind == "visits" and term[1] == here else 0
            return _numbers(literals, low, None, integer=True)
        declared = self.story.manifest.vars.get(term[1])
        if declared is None or not hasattr(declared, "value"):
            return (OTHER_TEXT,)
        name, initial = term[1], declared.value
        assigned = self.facts.set_values.get(name, set())
        if name not in self.facts.changed:  # only ever set to literals: a finite set
            return tuple({clamp(v, declared.min, declared.max) for v in (initial, *assigned)})
        if isinstance(initial, bool):
            return (False, True)
        if isinstance(initial, str):
            texts = {initial, *assigned, *(v for v in literals if isinstance(v, str))}
            # for `<` and `>` on text: a text just after each, and one after them all
            return tuple(texts | {t + "\x00" for t in texts} | {OTHER_TEXT, _LAST_TEXT})
        numeric = {v for v in literals | assigned | {initial}
                   if isinstance(v, (int, float)) and not isinstance(v, bool)}
        return _numbers(numeric, declared.min, declared.max, integer=False)


#: A text that sorts after every text a story writes.
_LAST_TEXT = "\U0010ffff"


def clamp(value, low, high):
    """A literal as a variable with bounds [low, high] would hold it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if low is not None and value < low:
        return low
    return high if high is not None and value > high else value


def _numbers(literals: Iterable, low, high, integer: bool) -> tuple:
    """Bounds, literals within them, and a point between and beyond each."""
    numbers = {v for v in literals if isinstance(v, (int, float)) and not isinstance(v, bool)}
    if integer:  # a whole-number term never equals 0.5: try the whole numbers about it
        numbers |= {f(v) for v in numbers for f in (math.floor, math.ceil)}
    points = sorted({v for v in numbers
                     if (low is None or v >= low) and (high is None or v <= high)}
                    | {b for b in (low, high) if b is not None})
    if not points:
        return (low if low is not None else high if high is not None else 0,)
    step = 1 if integer else 0.5
    found = set(points)
    found.update((a + b) / 2 if not integer else a + 1 for a, b in zip(points, points[1:])
                 if b - a > (1 if integer else 0))
    if low is None:
        found.add(points[0] - step)
    if high is None:
        found.add(points[-1] + step)
    return tuple(sorted(found))


# -- evaluation ---------------------------------------------------------------------


def _walk(formula: Formula, terms: dict, atoms: set) -> None:
    kind = formula[0]
    if kind == "cmp":
        terms.setdefault(formula[1], set()).add(formula[3])
    elif kind == "atom":
        atoms.add(formula[1])
    elif kind in ("and", "or"):
        for part in formula[1]:
            _walk(part, terms, atoms)
    elif kind == "not":
        _walk(formula[1], terms, atoms)


def _evaluate(formula: Formula, values: dict) -> bool:
    kind = formula[0]
    if kind == "cmp":
        left, op, right = values[formula[1]], formula[2], formula[3]
        try:
            if op == "==":
                return left == right
            if op == "!=":
                return left != right
            if op == "<":
                return left < right
            if op == "<=":
                return left <= right
            if op == ">":
                return left > right
            return left >= right
        except TypeError:
            return False
    if kind == "and":
        return all(_evaluate(part, values) for part in formula[1])
    if kind == "or":
        return any(_evaluate(part, values) for part in formula[1])
    if kind == "not":
        return not _evaluate(formula[1], values)
    if kind == "atom":
        return values[formula[1]]
    return formula[1]


def assignments(formulas: Iterable[Formula], domains: Domains, here: str = ""):
    """Every combination of representative values for the terms of `formulas`.

    Returns:
        an iterator of dicts (term or atom key -> value), or None when there would be
        more than MAX_COMBINATIONS.
    """
    terms: dict = {}
    atoms: set = set()
    for formula in formulas:
        _walk(formula, terms, atoms)
    keys, choices = [], []
    for term, literals in terms.items():
        keys.append(term)
        choices.append(domains.values(term, literals, here))
    for atom in atoms:
        keys.append(atom)
        choices.append((False, True))
    total = 1
    for options in choices:
        total *= len(options)
        if total > MAX_COMBINATIONS:
            return None
    return (dict(zip(keys, combination)) for combination in itertools.product(*choices))


_BOTH = frozenset((False, True))


def outcomes(formula: Formula, domains: Domains, here: str = "") -> frozenset[bool] | None:
    """The values `formula` can take: {False} means never true, {True} always true;
    None when there are too many combinations to tell.

    A formula that compares each term once (most conditions) is judged part by part,
    each comparison once per story (`Domains.leaf`): its parts are independent, so
    combining their possible values is exact. Otherwise every combination is tried.
    """
    if formula[0] == "const":
        return frozenset((formula[1],))
    terms: dict = {}
    atoms: set = set()
    _walk(formula, terms, atoms)
    leaves = _count_leaves(formula)
    if leaves == len(terms) + len(atoms):  # read-once: every term and atom appears once
        return _compose(formula, domains, here)
    combos = assignments((formula,), domains, here)
    if combos is None:
        return None
    seen: set[bool] = set()
    for values in combos:
        seen.add(_evaluate(formula, values))
        if len(seen) == 2:
            break
    return frozenset(seen)


def _count_leaves(formula: Formula) -> int:
    kind = formula[0]
    if kind in ("and", "or"):
        return sum(_count_leaves(part) for part in formula[1])
    if kind == "not":
        return _count_leaves(formula[1])
    return 1 if kind in ("cmp", "atom") else 0


def _compose(formula: Formula, domains: Domains, here: str) -> frozenset[bool]:
    """Possible values of a formula whose leaves are independent of each other."""
    kind = formula[0]
    if kind == "cmp":
        return domains.leaf(formula, here)
    if kind == "atom":
        return _BOTH
    if kind == "const":
        return frozenset((formula[1],))
    if kind == "not":
        return frozenset(not value for value in _compose(formula[1], domains, here))
    found = frozenset((kind == "and",))  # the identity of and / or
    for part in formula[1]:
        values = _compose(part, domains, here)
        found = frozenset((a and b) if kind == "and" else (a or b)
                          for a in found for b in values)
    return found


def all_can_fail(formulas: list[Formula], domains: Domains, here: str = "",
                 ) -> tuple[bool | None, dict]:
    """Whether some combination makes every formula false at once.

    Returns:
        (answer, example): answer is None when there are too many combinations to
        tell; example is such a combination (term -> value) when the answer is True.
    """
    combos = assignments(formulas, domains, here)
    if combos is None:
        return None, {}
    for values in combos:
        if not any(_evaluate(formula, values) for formula in formulas):
            return True, values
    return False, {}
