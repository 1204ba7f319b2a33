"""Where a search's states are: the scenes with the most, and what their states differ in.

When a search stops at its cap, the reasons `analysis` gives may not be the whole
story: a story with no unbounded variable can still have more states than the cap,
because choices made early are remembered (read) late and multiply every state in
between. `crowding` reads the reduced keys back and counts, for the most crowded
scenes, how many values each remembered part takes there, which tells an author
which variable or visit count to look at first.
"""

from __future__ import annotations

import marshal
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Scenes reported, and parts of the state reported for each.
TOP_SCENES, TOP_ATOMS = 5, 6


@dataclass(frozen=True)
class Crowd:
    """A scene with many states.

    Attributes:
        scene: the scene id.
        states: its distinct reduced states.
        atoms: (what, distinct values) for the parts that differ, most values first;
            "what" is a variable name ("x (by side)" for a number needed only by
            side of its boundaries), `visits('x')`, "inventory", "once-only choices
            taken", "turns()" or "came_from".
    """

    scene: str
    states: int
    atoms: tuple[tuple[str, int], ...]


def crowding(keys: Mapping[bytes, int], plans: Mapping[str, Any]) -> tuple[Crowd, ...]:
    """The most crowded scenes of a search, from its marshalled keys and its plans."""
    per_scene: Counter[str] = Counter()
    seen: dict[str, dict[str, set]] = {}
    for raw in keys:
        scene, came_from, values, sides, items, exact, capped, taken, turn = \
            marshal.loads(raw)
        per_scene[scene] += 1
        plan = plans[scene]
        atoms = seen.setdefault(scene, {})
        if len(plan.names) == 1:
            values = (values,)
        parts = list(zip(plan.names, values))
        parts += [(f"{name} (by side)", side) for (name, _), side in zip(plan.sided, sides)]
        parts += [(f"visits('{c}')", v) for c, v in zip(plan.exact, exact)]
        parts += [(f"visits('{c}')", v) for (c, _), v in zip(plan.capped, capped)]
        parts += [("inventory", items), ("once-only choices taken", taken),
                  ("turns()", turn), ("came_from", came_from)]
        for atom, value in parts:
            atoms.setdefault(atom, set()).add(value)
    crowds = []
    for scene, states in per_scene.most_common(TOP_SCENES):
        counts = sorted(((atom, len(values)) for atom, values in seen[scene].items()
                         if len(values) > 1), key=lambda item: (-item[1], item[0]))
        crowds.append(Crowd(scene, states, tuple(counts[:TOP_ATOMS])))
    return tuple(crowds)
