"""`check`'s findings about routes: where a player can get to, and where they can get stuck.

Unreachable scenes and endings (also through choices that can never be taken), a story
with no ending, scenes from which no ending can be reached, `goto: back` in the start
scene, cycles of automatic moves, and dead ends. Each function takes the `lint`
checker that holds the story, its graph (`graph`) and its condition logic.
"""

from __future__ import annotations

import itertools

from escape_game.errors import Diagnostic
from escape_game.lint.formula import TRUE, conjoin, negate
from escape_game.lint.graph import components
from escape_game.lint.explain import describe
from escape_game.lint.logic import all_can_fail
from escape_game.lint.where import diagnostic


def reach(checker) -> list[Diagnostic]:
    """Unreachable scenes and endings, endless loops, and back at the start."""
    story, graph, out = checker.story, checker.graph, []
    start = story.manifest.start
    anyhow = graph.reachable(start)
    possible = graph.reachable(start, lambda offer: (offer.owner, offer.index)
                               not in checker.closed)
    for scene_id, scene in story.scenes.items():
        what = "ending" if scene.ending is not None else "scene"
        code = f"unreachable-{what}"
        if scene_id not in anyhow:
            out.append(diagnostic(checker.where.scene(scene_id), "warning", code,
                                  f"{what} '{scene_id}' cannot be reached from the start "
                                  f"'{start}'", "add a choice or a `next:` that leads "
                                  "here, or remove it"))
        elif scene_id not in possible:
            out.append(diagnostic(checker.where.scene(scene_id), "warning", code,
                                  f"{what} '{scene_id}' can only be reached through "
                                  "choices that can never be taken",
                                  "see the never-true conditions on the way here"))
    if not graph.endings:
        out.append(diagnostic(checker.where.manifest(("start",)), "warning", "no-ending",
                              "the story has no ending", "give a scene `ending: {title: "
                              "...}` and a route to it"))
    else:
        out += endless(checker, anyhow)
    for offer in graph.offers.get(start, ()):
        if offer.choice.goto == "back" and offer.owner == start:
            out.append(diagnostic(checker.where.choice(start, offer.choice.id), "warning",
                                  "back-at-start", f"choice '{offer.choice.id}' goes back, "
                                  f"but the story starts in '{start}', so the first time "
                                  "there is no scene to go back to",
                                  "give it a scene id instead of `back`"))
    return out


def endless(checker, reachable: set[str]) -> list[Diagnostic]:
    """Scenes from which no route leads to an ending, reported where they are entered."""
    trapped = reachable - checker.graph.reaching(checker.graph.endings)
    came_from = checker.graph.came_from
    out = []
    for scene_id in checker.story.scenes:
        if scene_id not in trapped:
            continue
        outside = came_from.get(scene_id, set()) - trapped
        if scene_id != checker.story.manifest.start and not outside:
            continue
        order = checker.order
        loop = sorted(checker.graph.reachable(scene_id) & trapped, key=order.__getitem__)
        shown = ", ".join(loop[:6]) + (", ..." if len(loop) > 6 else "")
        out.append(diagnostic(checker.where.scene(scene_id), "warning", "endless-loop",
                              f"no route from scene '{scene_id}' leads to an ending: the "
                              f"player can only go on among {shown}",
                              "add a choice that leads towards an ending"))
    return out


def automatic_cycles(checker) -> list[Diagnostic]:
    """Cycles of textless fallbacks: certain ones are errors, possible ones warnings."""
    certain: dict[str, str] = {}
    possible: dict[str, list[str]] = {}
    for scene_id, offers in checker.graph.offers.items():
        automatic = [o for o in offers if o.automatic]
        if not automatic or any(not o.choice.fallback and o.unconditional
                                and not o.choice.once for o in offers):
            continue  # no automatic move, or a choice always open that stops them
        # `goto: back` goes to any scene leading here: the graph's moves resolve it
        possible[scene_id] = [target for target, offer in checker.graph.moves[scene_id]
                              if any(offer is o for o in automatic)]
        first = automatic[0]
        if all(o.choice.fallback for o in offers) and first.unconditional \
                and not first.choice.once and first.choice.goto in checker.story.scenes:
            certain[scene_id] = first.choice.goto
    order = checker.order.__getitem__
    out = []
    for component in components(possible):
        loops = len(component) > 1 or component[0] in possible.get(component[0], ())
        if not loops:
            continue
        members = sorted(component, key=order)
        cycle = next((found for member in members
                      if (found := _certain_cycle(member, certain))), [])
        members = cycle or members
        first = members[0]
        path = " -> ".join([*members, first])
        if cycle:
            out.append(diagnostic(checker.where.scene(first), "error", "automatic-cycle",
                                  f"automatic moves go round in a cycle: {path}",
                                  "give one of these scenes a choice the player makes"))
        else:
            out.append(diagnostic(checker.where.scene(first), "warning", "automatic-cycle",
                                  f"automatic moves can go round in a cycle: {path}",
                                  "make sure the player always has a choice in one of "
                                  "these scenes"))
    return out


def dead_ends(checker) -> list[Diagnostic]:
    """Scenes whose every choice can be unavailable at once, with no fallback."""
    revisitable: set[str] | None = None  # worked out only if a once-only choice needs it
    out = []
    for scene_id, offers in checker.graph.offers.items():
        if not offers or checker.story.scenes[scene_id].next:
            continue
        if any(offer.choice.if_ is None and offer.choice.locked_if is None
               and not offer.choice.once for offer in offers):
            continue
        if revisitable is None and any(offer.choice.once for offer in offers):
            revisitable = checker.graph.revisitable()
        formulas = []
        for index, offer in enumerate(offers):
            choice = offer.choice
            risky = choice.once and (offer.owner != scene_id or scene_id in revisitable)
            formulas.append(conjoin(
                _drawn(checker, choice.if_, (index, "if")),
                negate(_drawn(checker, choice.locked_if, (index, "lock")))
                if choice.locked_if else TRUE,
                negate(("atom", ("taken", offer.owner, choice.id))) if risky else TRUE))
        if TRUE in formulas:
            continue
        answer, example = all_can_fail(formulas, checker.domains, scene_id)
        if answer is False:
            continue
        when = f" (for example with {describe(example)})" if describe(example) else ""
        out.append(diagnostic(checker.where.scene(scene_id), "warning", "dead-end",
                              f"scene '{scene_id}' can be left with no choice to take"
                              f"{when}: every choice has a condition or is once-only, "
                              "and none is a fallback",
                              "add a choice with `fallback: true` and no condition, or "
                              "make the conditions cover every case"))
    return out




def _drawn(checker, source: str | None, where: tuple) -> tuple:
    """The formula of a condition in one place of a scene. The engine draws each
    condition's `random()` outcomes apart (`engine.CONDITION_DRAWS`), so an atom that
    draws is a fresh one here: `random(1, 2) == 1` as one choice's `if` and as
    another's `locked_if` can both come out true."""
    if source is None:
        return TRUE
    formula = checker.formula(source)
    return _fresh(formula, where, itertools.count()) if "random" in source else formula


def _fresh(formula: tuple, where: tuple, numbers) -> tuple:
    """`formula` with each atom made its own, numbered in order: even the same
    `random(1, 2) == 1` twice in one condition draws twice."""
    kind = formula[0]
    if kind == "atom":
        return ("atom", (formula[1], where, next(numbers)))
    if kind in ("and", "or"):
        return (kind, tuple(_fresh(part, where, numbers) for part in formula[1]))
    if kind == "not":
        return ("not", _fresh(formula[1], where, numbers))
    return formula


def _certain_cycle(start: str, certain: dict[str, str]) -> list[str]:
    """The cycle of certain automatic moves through `start`, or [] when there is none."""
    path, scene = [], start
    while scene in certain and scene not in path:
        path.append(scene)
        scene = certain[scene]
    return path[path.index(scene):] if scene in path and path.index(scene) == 0 else []
