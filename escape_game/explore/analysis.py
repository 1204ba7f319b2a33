"""What of a game state can change a story's future: the explorer's reduced state.

`analyse` reads every condition and effect (not text, which only shows) and finds
how far each visit count and the turn matter (up to one more than the largest number
any condition compares them with), which scenes need `came_from` (those offering a
`back` choice), and what could make the state space endless: a variable an effect in
a loop moves past where it has a bound, or a count used other than compared with a
number in a loop. Loops are found on the scene graph with conditions ignored
(`graph.successors`), so the reasons err on the side of saying too much; they are
reported only when a search stops at its cap.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from escape_game.explore.liveness import Needs, needs
from escape_game.graph import successors
from escape_game.lint.graph import components
from escape_game.model import BACK, Choice, Story
from escape_game.program import Program

#: The key under which the turn's cap is kept, beside the scenes' visit caps.
TURNS = "turns()"


@dataclass(frozen=True)
class Analysis:
    """What of a state can change the story's future.

    Attributes:
        caps: scene id -> the visit count above which counts are alike (a count
            is kept as min(count, cap)); `TURNS` -> the same for the turn. A scene
            no condition or effect counts is absent (its count is dropped).
        exact: scene id (or `TURNS`) -> an expression that needs the exact count.
        back_scenes: scenes offering a `back` choice (only they keep `came_from`).
        limits: reasons the state space may be endless, each naming what grows and
            the expression or effect that grows it.
        growing: numeric variable names among those reasons.
        needs: scene id -> what of a state there its future can read, and how
            finely (see `liveness.needs`).
    """

    caps: dict[str, int]
    exact: dict[str, str]
    back_scenes: frozenset[str]
    limits: tuple[str, ...]
    growing: tuple[str, ...]
    needs: dict[str, Needs] = field(default_factory=dict)


def _parse(source: str, mode: str) -> ast.AST | None:
    text = source.strip()
    if mode == "eval":
        text = text.replace("\n", " ")
    try:
        return ast.parse(text, "<story>", mode)
    except SyntaxError:  # the loader compiled it; never expected
        return None


def _number(node: ast.AST, story: Story) -> float | None:
    """The largest value `node` can have, when it is a number literal or a variable
    with a declared maximum; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = node.operand
        if isinstance(inner, ast.Constant) and isinstance(inner.value, (int, float)):
            return -inner.value
    if isinstance(node, ast.Name) and node.id in story.manifest.vars:
        declared = story.manifest.variable(node.id)
        if isinstance(declared.value, (int, float)) and not isinstance(declared.value, bool):
            return declared.max
    return None


#: A comparison read with the count on its right, as the same test with it on the left.
_FLIPPED = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE,
            ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}


def _alike_from(op: type, bound: float) -> int:
    """The least count N such that every count from N up compares alike with any number
    up to `bound` under `count <op> number`."""
    if op in (ast.Lt, ast.GtE):
        return max(0, math.ceil(bound))
    return max(0, math.floor(bound) + 1)  # >, <=, and ==/!= (a whole number may be equal)


def _cap(node: ast.Call, compare: ast.Compare, story: Story) -> int | None:
    """The cap a count needs for one comparison it is part of, or None if unknown."""
    operands = [compare.left, *compare.comparators]
    cap = 0
    for left, op, right in zip(operands, compare.ops, operands[1:]):
        if left is node:
            op_type, other = type(op), right
        elif right is node:
            op_type, other = _FLIPPED.get(type(op)), left
        else:
            continue
        bound = _number(other, story)
        if bound is None or op_type is None:
            return None
        cap = max(cap, _alike_from(op_type, bound))
    return cap


def _counts_used(tree: ast.AST, story: Story) -> Iterator[tuple[str, int | None]]:
    """(scene id or TURNS, cap or None) for every `visits()` and `turns()` call in `tree`;
    None when the call is used other than compared with numbers."""
    parents = {child: parent for parent in ast.walk(tree)
               for child in ast.iter_child_nodes(parent)}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        name = node.func.id
        if name == "visits" and node.args and isinstance(node.args[0], ast.Constant):
            counted = str(node.args[0].value)
        elif name == "turns":
            counted = TURNS
        else:
            continue
        parent = parents.get(node)
        yield counted, _cap(node, parent, story) if isinstance(parent, ast.Compare) else None


def _sources(story: Story) -> Iterator[tuple[str, str, str, str]]:
    """(mode, source, where, scene) for every condition ("eval") and effect ("exec");
    `scene` is the scene it belongs to, "" for a location's or the story's choice."""
    def of_choices(choices: tuple[Choice, ...], owner: str, scene: str):
        for choice in choices:
            where = f"{owner}.{choice.id}"
            for source in (choice.if_, choice.locked_if):
                if source:
                    yield "eval", source, where, scene
            if choice.do:
                yield "exec", choice.do, where, scene

    for scene_id, scene in story.scenes.items():
        if scene.on_enter:
            yield "exec", scene.on_enter, f"{scene_id} (on_enter)", scene_id
        yield from of_choices(scene.choices, scene_id, scene_id)
    for location_id, location in story.manifest.locations.items():
        yield from of_choices(location.choices, "@" + location_id, "")
    yield from of_choices(story.manifest.choices, "*", "")


def _text_sources(story: Story, program: Program | None) -> Iterator[tuple[str, str, str, str]]:
    """Text expressions that may fail (a divisor, or one `safety` doubts), as
    `_sources` gives conditions: the counts they read decide whether they fail."""
    if program is None:
        return
    from escape_game.explore.safety import risky_sources
    from escape_game.stats import walk_text

    risky = risky_sources(story, program)
    for scene_id, scene in story.scenes.items():
        texts = [scene.text, *(c.text for c in scene.choices), *(c.reason for c in scene.choices)]
        for text in filter(None, texts):
            if "{" not in text:
                continue
            for kind, value in walk_text(program.text(text)):
                if kind != "literal" and (value.source in risky or "/" in value.source
                                          or "%" in value.source):
                    yield "eval", value.source, f"{scene_id} (text)", scene_id


def _cyclic(story: Story) -> set[str]:
    """Scenes that can be entered again and again (on a cycle, conditions ignored)."""
    out = successors(story)
    cyclic: set[str] = set()
    for component in components(out):
        if len(component) > 1 or component[0] in out.get(component[0], ()):
            cyclic.update(component)
    return cyclic


def _growth(statement: ast.stmt) -> tuple[str, set[str]]:
    """(variable, directions) an effect statement can move a variable in: "up", "down"."""
    if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
        value = statement.value
        sign = 0
        if isinstance(value, ast.Constant) and isinstance(value.value, (int, float)):
            sign = (value.value > 0) - (value.value < 0)
        elif isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub) and \
                isinstance(value.operand, ast.Constant):
            sign = -((value.operand.value > 0) - (value.operand.value < 0))
        else:
            return statement.target.id, {"up", "down"}
        if isinstance(statement.op, ast.Sub):
            sign = -sign
        return statement.target.id, {"up"} if sign > 0 else {"down"} if sign < 0 else set()
    if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
        if isinstance(statement.value, ast.Constant):
            return statement.targets[0].id, set()
        return statement.targets[0].id, {"up", "down"}
    return "", set()


def analyse(story: Story, program: Program | None = None) -> Analysis:
    """Find what of a state the story's conditions and effects can tell apart.

    Args:
        story: the story.
        program: its compiled program, so that divisors in text count as reads;
            without it, text is taken to read nothing.
    """
    caps: dict[str, int] = {}
    exact: dict[str, str] = {}
    growth: dict[str, str] = {}
    cyclic = _cyclic(story)
    offered_in_loop = any(s in cyclic for s in story.scenes)
    for mode, source, where, scene in [*_sources(story), *_text_sources(story, program)]:
        tree = _parse(source, mode)
        if tree is None:
            continue
        for counted, cap in _counts_used(tree, story):
            if cap is None:
                exact.setdefault(counted, " ".join(source.split()))
            else:
                caps[counted] = max(caps.get(counted, 0), cap)
        in_loop = scene in cyclic if scene else offered_in_loop
        if mode != "exec" or not in_loop:
            continue
        for statement in tree.body:
            name, directions = _growth(statement)
            if name not in story.manifest.vars or not directions:
                continue
            declared = story.manifest.variable(name)
            if isinstance(declared.value, bool):
                continue
            if isinstance(declared.value, str):
                unbounded = True
            else:
                unbounded = ("up" in directions and declared.max is None) or \
                            ("down" in directions and declared.min is None)
            if unbounded and name not in growth:
                if isinstance(declared.value, str):
                    what = "is text"
                elif "up" in directions and declared.max is None:
                    what = "has no max"
                else:
                    what = "has no min"
                growth[name] = (f"variable '{name}' {what}, and '{ast.unparse(statement)}' "
                                f"({where}) changes it in a loop")
    for counted in exact:
        caps.pop(counted, None)
    limits = []
    for counted, source in exact.items():
        if counted == TURNS:
            if cyclic:
                limits.append(f"turns() is used in '{source}' other than compared with a "
                              "number, and the story has loops, so every turn is a new state")
        elif counted in cyclic:
            limits.append(f"visits('{counted}') is used in '{source}' other than compared "
                          f"with a number, and '{counted}' can be entered again and again")
    limits += growth.values()
    back_scenes = frozenset(_back_scenes(story))
    return Analysis(caps, exact, back_scenes, tuple(limits), tuple(growth),
                    needs(story, program))


def _back_scenes(story: Story) -> Iterator[str]:
    manifest = story.manifest
    everywhere = any(c.goto == BACK for c in manifest.choices)
    for scene_id, scene in story.scenes.items():
        location = manifest.locations.get(scene.location)
        if everywhere or any(c.goto == BACK for c in scene.choices) or (
                location is not None and any(c.goto == BACK for c in location.choices)):
            yield scene_id


