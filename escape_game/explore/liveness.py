"""Which parts of a state each scene's future can read, and how finely.

A variable that no condition reads before an effect overwrites it cannot change what
happens next, however it differs, so two states that differ only there are one state.
This is the compiler's live-variable analysis on the scene graph: a part of the state
(an *atom*: a variable, an item held, a visit count, a once-only choice taken, the
turn) is live at a scene when some path from there reads it before writing it. It is
what lets the explorer forget the morning's clock once the evening resets it.

A live number is needed only as finely as the future compares it. When every way on
compares it with numbers (`trains > 0`, `money < 800`) and changes it only by adding
or subtracting numbers, what matters is which side of each *boundary* it is on, the
boundaries being the numbers compared with, moved back through the additions on the
way (as the regions of a timed automaton): `trains` 1 and 7 are alike where all that
follows is `trains += 2` and `trains > 0`. A number read any other way (in
arithmetic, against another variable, as a divisor) is needed exactly (`EXACT`).

Reads are conditions (`if`, `locked_if`), the right-hand sides of effects whose target
is live, and the once-only choices offered. Text only shows, so it reads nothing,
except that a divisor anywhere (text included) is read exactly, since dividing by
zero is an error the search must not merge away. Writes are `x = e` (which kills
`x`) and `gain`/`lose` (which kill the item); `x += e` reads and writes `x`, clamped
to its declared bounds. A `back` choice can return to any scene leading into its
scene (`graph.successors`).
"""

from __future__ import annotations

import ast
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from escape_game.explore.safety import number_literal, risky_sources
from escape_game.graph import successors
from escape_game.model import BACK, CONTINUE_ID, Choice, Story
from escape_game.program import Program
from escape_game.state import choice_key

#: Atom prefixes: an item held, a scene's visit count, a once-only choice taken.
ITEM, VISITS, TAKEN = "has:", "visits:", "taken:"
#: The atom for the turn.
TURN = "turns()"
#: What an atom needed exactly maps to; a number needed by side maps to its boundaries.
EXACT = None
#: Boundaries a number may have at a scene before it is needed exactly instead.
MAX_BOUNDARIES = 64

#: A boundary (c, "lt") tells `x < c` from `x >= c`; (c, "le") tells `x <= c` from `x > c`.
_SPLITS = {ast.Lt: ("lt",), ast.GtE: ("lt",), ast.LtE: ("le",), ast.Gt: ("le",),
           ast.Eq: ("lt", "le"), ast.NotEq: ("lt", "le")}
_FLIPPED = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE,
            ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}
_DIVIDE = (ast.Div, ast.FloorDiv, ast.Mod)

Needs = dict  # atom -> EXACT or frozenset of boundaries


def reads(node: ast.AST, variables: Iterable[str]) -> set[str]:
    """The atoms an expression reads."""
    names = set(variables)
    found: set[str] = set()
    called = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
            called.add(id(sub.func))
            name = sub.func.id
            if name == "turns":
                found.add(TURN)
            elif name in ("has", "visits") and sub.args and \
                    isinstance(sub.args[0], ast.Constant):
                found.add((ITEM if name == "has" else VISITS) + str(sub.args[0].value))
        elif isinstance(sub, ast.Name) and id(sub) not in called and sub.id in names:
            found.add(sub.id)
    return found


def divisor_reads(node: ast.AST, variables: Iterable[str]) -> set[str]:
    """The atoms read by the right-hand side of every `/`, `//` and `%` in `node`."""
    found: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.BinOp) and isinstance(sub.op, _DIVIDE):
            found |= reads(sub.right, variables)
    return found


def join(into: Needs, other: Needs) -> None:
    """Add `other`'s needs to `into`: exact wins, boundaries unite (too many: exact)."""
    for atom, need in other.items():
        if atom not in into:
            into[atom] = need
            continue
        known = into[atom]
        if known is EXACT or need is EXACT:
            into[atom] = EXACT
        elif not need <= known:
            merged = known | need
            into[atom] = EXACT if len(merged) > MAX_BOUNDARIES else merged


def _condition_needs(tree: ast.AST, spans: dict[str, tuple], variables: frozenset[str]
                     ) -> Needs:
    """What a condition reads: numbers compared with literals by side, the rest exactly.

    Args:
        tree: the parsed condition.
        spans: number variable name -> its span (see `_span`).
        variables: every variable name.
    """
    needs: Needs = {}
    handled = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for left, op, right in zip(operands, node.ops, operands[1:]):
            for name_node, other, op_type in ((left, right, type(op)),
                                              (right, left, _FLIPPED.get(type(op)))):
                value = number_literal(other)
                if isinstance(name_node, ast.Name) and name_node.id in spans \
                        and value is not None and op_type in _SPLITS:
                    handled.add(id(name_node))
                    span = spans[name_node.id]
                    join(needs, {name_node.id: frozenset(
                        b for b in ((value, kind) for kind in _SPLITS[op_type])
                        if _useful(b, span))})
    exact = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in variables and id(node) not in handled:
            exact.add(node.id)
    exact |= {atom for atom in reads(tree, variables) if atom not in variables}
    join(needs, dict.fromkeys(exact, EXACT))
    return needs


class _Effects:
    """One effect block, parsed, as a transfer function over needs."""

    def __init__(self, source: str, story: Story, risky: bool = False) -> None:
        self.steps: list[tuple] = []
        self.always: set[str] = set()  # read exactly whatever is live after: see `needs`
        text = source.strip()
        if not text:
            return
        variables = frozenset(story.manifest.vars)
        for statement in ast.parse(text, "<story>", "exec").body:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                call = statement.value
                self.steps.append(("item", ITEM + str(call.args[0].value), None, set(), set()))
                continue
            target = statement.targets[0] if isinstance(statement, ast.Assign) \
                else statement.target
            value = statement.value
            read, divisors = reads(value, variables), divisor_reads(value, variables)
            if isinstance(statement, ast.Assign):
                self.steps.append(("set", target.id, None, read, divisors))
                continue
            amount = number_literal(value)
            if amount is not None and isinstance(statement.op, ast.Sub):
                amount = -amount
            self.steps.append(("add", target.id, (amount, _span(story, target.id)),
                               read, divisors))
        if risky:  # a block that may fail on some values: its every read decides that
            for _, target, _, read, _ in self.steps:
                self.always |= read | ({target} if target in variables else set())

    def before(self, after: Needs) -> Needs:
        """The needs before the block runs, given the needs after it."""
        needs = dict(after)
        join(needs, dict.fromkeys(self.always, EXACT))
        for kind, target, shift, read, divisors in reversed(self.steps):
            join(needs, dict.fromkeys(divisors, EXACT))
            if target not in needs:
                continue
            if kind == "item":
                del needs[target]
            elif kind == "set":
                del needs[target]
                join(needs, dict.fromkeys(read, EXACT))
            elif shift[0] is None or needs[target] is EXACT or not _whole(shift[0], needs[target]):
                needs[target] = EXACT
                join(needs, dict.fromkeys(read, EXACT))
            else:
                needs[target] = _shifted(needs[target], *shift)
        return needs


def _whole(amount: float, boundaries: frozenset) -> bool:
    """Whether `amount` and every boundary are whole numbers: only then is moving a
    boundary back exact (0.4 - 0.1 is 0.30000000000000004, not 0.3)."""
    return float(amount).is_integer() and all(float(v).is_integer() for v, _ in boundaries)


def _shifted(boundaries: frozenset, amount: float, span: tuple) -> frozenset:
    """Boundaries before `x += amount` given those after it.

    Every boundary kept is inside the variable's span (see `_useful`), where clamping
    to the bounds cannot move a value across it: `min(x + a, high) < c` is `x + a < c`
    for any c up to high. Moved back, a boundary outside the span goes.
    """
    return frozenset(b for b in ((value - amount, kind) for value, kind in boundaries)
                     if _useful(b, span))


def _useful(boundary: tuple[float, str], span: tuple) -> bool:
    """Whether values within `span` (low, high; None for no bound) fall on both sides."""
    value, kind = boundary
    low, high = span
    if low is not None and (value < low or value == low and kind == "lt"):
        return False  # every value is past it
    if high is not None and (value > high or value == high and kind == "le"):
        return False  # no value is past it
    return True


def _span(story: Story, name: str) -> tuple:
    """(lowest, highest) value a number variable can hold (None for no bound): its
    declared bounds, widened to its initial value (a start may set it outside)."""
    declared = story.manifest.variable(name)
    low, high, value = declared.min, declared.max, declared.value
    if low is not None and value < low:
        low = value
    if high is not None and value > high:
        high = value
    return low, high


def offered(story: Story, scene_id: str) -> list[tuple[str, Choice]]:
    """(owner, choice) for every choice the engine may offer in a scene, in its order:
    the scene's own (or its `continue`), its location's, the story's."""
    scene = story.scenes[scene_id]
    if scene.ending is not None:
        return []
    own = (Choice(id=CONTINUE_ID, goto=scene.next),) if scene.next else scene.choices
    found = [(scene_id, choice) for choice in own]
    location = story.manifest.locations.get(scene.location)
    if location is not None:
        found += [("@" + scene.location, c) for c in location.choices if c.goto != scene_id]
    found += [("*", c) for c in story.manifest.choices if c.goto != scene_id]
    return found


def needs(story: Story, program: Program | None = None) -> dict[str, Needs]:
    """Scene id -> what a state at that scene (after arriving, before choosing) must
    keep: atom -> EXACT, or for a number the boundaries it is needed by.

    Args:
        story: the story.
        program: its compiled program, to find divisors in text; without it text is
            taken to read nothing.
    """
    variables = frozenset(story.manifest.vars)
    spans = {name: _span(story, name) for name in variables
             if isinstance(story.manifest.variable(name).value, (int, float))
             and not isinstance(story.manifest.variable(name).value, bool)}
    parsed: dict[str, _Effects] = {}
    # What may fail on some values (a divisor that may be 0, a sum that may grow too
    # large) must keep every value it reads, even where nothing else reads them.
    risky = risky_sources(story, program)

    def effects(source: str) -> _Effects:
        if source not in parsed:
            parsed[source] = _Effects(source, story, risky=source in risky)
        return parsed[source]

    def condition(source: str | None) -> Needs:
        if not source:
            return {}
        tree = ast.parse(source.strip().replace("\n", " "), "<story>", "eval")
        return _condition_needs(tree, spans, variables)

    into: dict[str, set[str]] = {s: set() for s in story.scenes}
    for source, targets in successors(story).items():
        for target in targets:
            into[target].add(source)

    base: dict[str, Needs] = {}
    moves: dict[str, list[tuple[_Effects, list[str], str]]] = {}
    for scene_id, scene in story.scenes.items():
        read = dict.fromkeys(_text_kept(program, [scene.text], variables, risky), EXACT)
        moves[scene_id] = []
        for owner, choice in offered(story, scene_id):
            join(read, condition(choice.if_))
            join(read, condition(choice.locked_if))
            join(read, dict.fromkeys(
                _text_kept(program, [choice.text, choice.reason], variables, risky), EXACT))
            taken = TAKEN + choice_key(owner, choice.id) if choice.once else ""
            if taken:
                read[taken] = EXACT
            targets = sorted(into[scene_id]) if choice.goto == BACK else \
                [choice.goto] if choice.goto in story.scenes else []
            moves[scene_id].append((effects(choice.do), targets, taken))
        base[scene_id] = read

    at: dict[str, Needs] = {s: {} for s in story.scenes}
    arrive: dict[str, Needs] = {s: {} for s in story.scenes}
    order = list(reversed(story.scenes))
    changed = True
    while changed:
        changed = False
        for scene_id in order:
            now = dict(base[scene_id])
            for block, targets, taken in moves[scene_id]:
                after: Needs = {}
                for target in targets:
                    join(after, arrive[target])
                after.pop(taken, None)
                join(now, block.before(after))
            if now != at[scene_id]:
                at[scene_id] = now
                changed = True
            entering = effects(story.scenes[scene_id].on_enter).before(now)
            if entering != arrive[scene_id]:
                arrive[scene_id] = entering
                changed = True
    return at


def liveness(story: Story, program: Program | None = None) -> dict[str, frozenset[str]]:
    """Scene id -> the atoms live at that scene (see `needs`)."""
    return {scene_id: frozenset(need) for scene_id, need in needs(story, program).items()}


class Sides:
    """Which side of each boundary a number is on: equal for numbers alike there.

    Args:
        boundaries: (value, "lt" or "le") pairs (see `_SPLITS`).
    """

    __slots__ = ("lt", "le")

    def __init__(self, boundaries: Iterable[tuple[float, str]]) -> None:
        boundaries = list(boundaries)
        self.lt = sorted(value for value, kind in boundaries if kind == "lt")
        self.le = sorted(value for value, kind in boundaries if kind == "le")

    def __call__(self, value: float) -> int:
        """How many boundaries `value` is past: `x >= c` for each (c, lt), `x > c` for
        each (c, le). Sorted, these only grow with the value, so the count is enough."""
        return bisect_right(self.lt, value) + bisect_left(self.le, value)


def _text_kept(program: Program | None, sources: list[str], variables: frozenset[str],
               risky: set[str]) -> set[str]:
    """What texts' expressions read that must be kept exactly: divisors, and every
    read of an expression that may fail (`risky`)."""
    if program is None:
        return set()
    from escape_game.stats import walk_text

    found: set[str] = set()
    for source in sources:
        if not source or "{" not in source or (
                "/" not in source and "%" not in source and not risky):
            continue
        for kind, value in walk_text(program.text(source)):
            if kind != "literal":
                text = value.source.strip().replace("\n", " ")
                tree = ast.parse(text, "<story>", "eval")
                found |= reads(tree, variables) if value.source in risky else \
                    divisor_reads(tree, variables)
    return found
