"""Fixture stories and helpers for the save tests (no tests here).

`loop_engine` is a small story that never ends unless asked, with every kind of value
a save must carry: ints, floats, strings with any Unicode, booleans, items, once-only
choices, visit-dependent and shuffled text, and seeded random outcomes.
"""

from __future__ import annotations

from escape_game.engine import Engine
from escape_game.session import Session, Start
from tests.support import build_engine

SCENES = {
    "a": {"title": "Kitchen", "text": "{~Kettle.|Radio.|Rain.} {steps} steps, {ratio}.",
          "on_enter": "visits_a += 1",
          "choices": [
              {"id": "walk", "text": "Walk", "goto": "b",
               "do": "steps += 1; luck = random(1, 6); ratio += 0.25"},
              {"id": "take", "text": "Take the coin", "once": True, "do": "gain('coin')",
               "goto": "a"},
              {"id": "gamble", "text": "Gamble", "if": "has('coin')", "goto": "c",
               "do": "luck = random(0, 100); lose('coin')"},
          ]},
    "b": {"title": "Garden", "text": "{visits('b') > 2: Again the garden.|The garden.}",
          "choices": [
              {"id": "back", "text": "Back", "goto": "a"},
              {"id": "rename", "text": "Sign", "do": "name = 'Zoë 😀 \u00e9\u0301 中文'",
               "goto": "a"},
              {"id": "think", "text": "Think", "locked_if": "luck > 5",
               "reason": "Too lucky.", "do": "flag = not flag; ratio = ratio / 3",
               "goto": "b"},
              {"id": "leave", "text": "Leave", "if": "steps > 30", "goto": "end"},
          ]},
    "c": {"title": "Table", "text": "You rolled {luck}.", "choices": [
        {"id": "again", "text": "Again", "goto": "a", "do": "ratio = ratio * 1.5"},
    ]},
    "end": {"text": "The end.", "ending": {"title": "Away"}},
}

VARS = {"steps": 0, "luck": 0, "ratio": 0.5, "name": "Tara", "flag": False,
        "visits_a": 0}


def loop_engine(**manifest: object) -> Engine:
    """The fixture story as an engine (manifest fields may be overridden)."""
    fields = {"vars": VARS, "items": {"coin": {"name": "Coin"}}, **manifest}
    return build_engine(SCENES, **fields)


def play(engine: Engine, choices: list[str], seed: int = 7) -> Session:
    """A session after taking `choices` from a fresh start."""
    session = Session(engine, Start(seed=seed))
    for choice in choices:
        session.choose(choice)
    return session


def long_log(length: int = 1000) -> list[str]:
    """A valid log of `length` choices for the fixture story (walk/back pairs)."""
    route = ["take", "walk", "rename"]
    while len(route) < length:
        route += ["walk", "back"]
    return route[:length]


def pick(session: Session, number: int) -> str:
    """The id of an open choice in the current step, chosen by `number` (modulo)."""
    open_ids = [choice.id for choice in session.step.choices if not choice.locked]
    return open_ids[number % len(open_ids)]
