"""The story language: what compiles, what is refused at load, and how it evaluates."""

from __future__ import annotations

from pathlib import Path

import pytest

from escape_game.expressions import (
    BOOL,
    NUMBER,
    TEXT,
    ExpressionError,
    Names,
    Scope,
    compile_effects,
    compile_expression,
    seeded_fraction,
)
from escape_game.loader import read_story
from escape_game.model import Variable

NAMES = Names(
    variables={
        "longing": Variable(value=2, min=0, max=10),
        "money": Variable(value=500, min=0),
        "ratio": Variable(value=0.5),
        "name": Variable(value="Tara"),
        "met": Variable(value=False),
    },
    items=frozenset({"book"}),
    scenes=frozenset({"kitchen"}),
)


def scope(**values) -> Scope:
    variables = {"longing": 2, "money": 500, "ratio": 0.5, "name": "Tara", "met": False}
    return Scope(vars={**variables, **values}, inventory=["book"], visits={"kitchen": 3},
                 turn=4, seed=9)


@pytest.mark.parametrize(
    "source, code",
    [
        pytest.param("().__class__", "not-allowed", id="dunder-attribute"),
        pytest.param("__import__('os')", "unknown-function", id="import"),
        pytest.param("open('/etc/passwd')", "unknown-function", id="open"),
        pytest.param("(lambda: 1)()", "unknown-function", id="lambda-call"),
        pytest.param("lambda: 1", "not-allowed", id="lambda"),
        pytest.param("[x for x in 'ab']", "not-allowed", id="comprehension"),
        pytest.param("name[0]", "not-allowed", id="subscript"),
        pytest.param("'ab' * 10**9", "not-allowed", id="string-times-power"),
        pytest.param("'ab' * money", "type", id="string-times-number"),
        pytest.param("10**10**10", "not-allowed", id="huge-power"),
        pytest.param("9" * 40, "too-large", id="huge-literal"),
        pytest.param("not " * 10_000 + "met", "too-long", id="ten-thousand-nots"),
        pytest.param("(" * 300 + "1" + ")" * 300, "syntax", id="deep-parentheses"),
        pytest.param("-" * 300 + "1", "too-deep", id="deep-signs"),
        pytest.param("f'{name}'", "not-allowed", id="f-string"),
        pytest.param("met if met else met", "not-allowed", id="if-expression"),
        pytest.param("longing in money", "not-allowed", id="in"),
        pytest.param("longing ==", "syntax", id="syntax"),
        pytest.param("lnging > 2", "unknown-variable", id="unknown-variable"),
        pytest.param("has('bok')", "unknown-item", id="unknown-item"),
        pytest.param("visits('attic') > 0", "unknown-scene", id="unknown-scene"),
        pytest.param("has(name)", "arguments", id="id-not-literal"),
        pytest.param("longing", "type", id="number-as-condition"),
        pytest.param("name > 1", "type", id="text-vs-number"),
        pytest.param("met < true", "type", id="ordering-booleans"),
    ],
)
def test_refused_at_compile_with_a_code(source, code):
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source, NAMES, BOOL)
    assert caught.value.code == code
    assert caught.value.message


def test_did_you_mean_for_names_and_ids():
    with pytest.raises(ExpressionError) as caught:
        compile_expression("lnging > 2", NAMES, BOOL)
    assert "did you mean 'longing'?" in caught.value.hint
    with pytest.raises(ExpressionError) as caught:
        compile_expression("has('bok')", NAMES, BOOL)
    assert "did you mean 'book'?" in caught.value.hint


@pytest.mark.parametrize(
    "source, value, type_",
    [
        pytest.param("longing + 1", 3, NUMBER, id="add"),
        pytest.param("7 / 2", 3.5, NUMBER, id="true-division"),
        pytest.param("7 // 2", 3, NUMBER, id="floor-division"),
        pytest.param("7 % 4", 3, NUMBER, id="modulo"),
        pytest.param("name + '!'", "Tara!", TEXT, id="join-text"),
        pytest.param("true and not met", True, BOOL, id="booleans"),
        pytest.param("0 < longing <= 2", True, BOOL, id="chained-comparison"),
        pytest.param("visits('kitchen')", 3, NUMBER, id="visits"),
        pytest.param("has('book')", True, BOOL, id="has"),
        pytest.param("turns()", 4, NUMBER, id="turns"),
        pytest.param("clock(450)", "07:30", TEXT, id="clock"),
        pytest.param("money(money)", "£5.00", TEXT, id="money"),
        pytest.param("euros(1250)", "€12.50", TEXT, id="euros"),
    ],
)
def test_evaluates(source, value, type_):
    expression = compile_expression(source, NAMES)
    assert expression.type == type_
    assert expression.evaluate(scope()) == value


def test_random_is_repeatable_in_range_and_advances_the_draw():
    expression = compile_expression("random(1, 6)", NAMES)
    first, again = scope(), scope()
    rolls = [expression.evaluate(first) for _ in range(50)]
    assert rolls == [expression.evaluate(again) for _ in range(50)]
    assert set(rolls) <= set(range(1, 7)) and len(set(rolls)) > 1
    assert first.draws == 50
    assert seeded_fraction(1, 2, 3) == seeded_fraction(1, 2, 3) != seeded_fraction(2, 2, 3)


def test_non_finite_and_division_by_zero_are_errors_in_play():
    big = Names(variables={"x": Variable(value=1e300)})
    with pytest.raises(ExpressionError, match="not finite|larger"):
        compile_expression("x * x", big).evaluate(Scope(vars={"x": 1e300}, inventory=[],
                                                        visits={}))
    with pytest.raises(ExpressionError, match="divides by zero"):
        compile_expression("longing / (money - 500)", NAMES).evaluate(scope())
    # a whole number too large for a float, divided: Python's OverflowError, as ours
    huge = Names(variables={"n": Variable(value=10**15)})
    with pytest.raises(ExpressionError, match="too large to hold"):
        compile_expression("n*n*n*n*n*n*n*n*n*n*n*n*n*n*n*n*n*n*n*n*n / 3", huge).evaluate(
            Scope(vars={"n": 10**15}, inventory=[], visits={}))


def test_an_effect_error_quotes_the_story_not_the_compiled_code():
    effects = compile_effects("longing = 10 / random(0, 0)", NAMES)
    with pytest.raises(ExpressionError) as raised:
        effects.apply(scope())
    assert raised.value.message == "'longing = 10 / random(0, 0)' divides by zero"


def test_effects_assign_clamp_and_move_items():
    effects = compile_effects("longing += 20; money -= 1000\nname = 'T'\nlose('book')\n"
                              "gain('book')\nmet = not met", NAMES)
    state = scope()
    effects.apply(state)
    assert state.vars["longing"] == 10 and state.vars["money"] == 0
    assert state.vars["name"] == "T" and state.vars["met"] is True
    assert state.inventory == ["book"] and state.lost == ["book"] and state.gained == ["book"]


@pytest.mark.parametrize(
    "source, code",
    [
        pytest.param("longing == 3", "not-an-effect", id="comparison"),
        pytest.param("longing = 'high'", "type", id="wrong-type"),
        pytest.param("name -= 'a'", "type", id="subtract-text"),
        pytest.param("met += true", "type", id="add-boolean"),
        pytest.param("gain('bok')", "unknown-item", id="unknown-item"),
        pytest.param("nobody = 1", "unknown-variable", id="unknown-variable"),
        pytest.param("import os", "not-an-effect", id="import"),
        pytest.param("longing, money = 1, 2", "not-allowed", id="unpacking"),
    ],
)
def test_effects_refused(source, code):
    with pytest.raises(ExpressionError) as caught:
        compile_effects(source, NAMES)
    assert caught.value.code == code


def test_refused_when_the_story_loads_with_file_and_line(tmp_path: Path):
    (tmp_path / "scenes").mkdir()
    (tmp_path / "story.yaml").write_text(
        "id: t\ntitle: T\nstart: a\nvars:\n  n: 0\n"
        "regions:\n  r:\n    name: R\nlocations:\n  l:\n    name: L\n    region: r\n",
        encoding="utf-8")
    (tmp_path / "scenes" / "a.yaml").write_text(
        "a:\n  location: l\n  text: |\n    Hello.\n  choices:\n"
        "    - id: go\n      text: |\n        Go\n      if: ().__class__\n      goto: a\n"
        "    - id: big\n      text: |\n        Big\n      do: |\n        n = 'ab' * 10**9\n"
        "      goto: a\n",
        encoding="utf-8")
    result = read_story(tmp_path, use_cache=False)
    assert result.loaded is None
    found = {(d.path.rsplit("/", 1)[-1], d.line) for d in result.diagnostics}
    assert ("a.yaml", 9) in found and ("a.yaml", 15) in found
