"""Unit tables for `escape_game.text`: inline expressions, variation, escapes, errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escape_game.expressions import ExpressionError, Names, Scope
from escape_game.model import Variable
from escape_game.text import MAX_NESTING, compile_text, format_value

NAMES = Names(
    variables={
        "longing": Variable(value=0, min=0, max=10),
        "money": Variable(value=14000, min=0),
        "ratio": Variable(value=2.5),
        "name": Variable(value="Tara"),
        "met": Variable(value=False),
    },
    items=frozenset({"book"}),
    scenes=frozenset({"kitchen", "station"}),
)


def scope(seed: int = 7, turn: int = 3, **values) -> Scope:
    """A scope with the story's variables, overridden by `values`."""
    variables = {"longing": 6, "money": 14000, "ratio": 2.5, "name": "Tara", "met": False}
    variables.update(values)
    return Scope(
        vars=variables, inventory=["book"], visits={"kitchen": 2}, turn=turn, seed=seed
    )


def render(source: str, visit: int = 1, **values) -> str:
    return compile_text(source, NAMES).render(scope(**values), visit)


def visits(source: str, count: int = 5) -> list[str]:
    """The text rendered on visits 1..count (one compile, a fresh scope each visit)."""
    text = compile_text(source, NAMES)
    return [text.render(scope(), visit) for visit in range(1, count + 1)]


# --- variation by visit ------------------------------------------------------------

VARIATIONS = [
    ("sequence", "{a|b|c}", ["a", "b", "c", "c", "c"]),
    ("sequence-two", "{First.|Later.}", ["First.", "Later.", "Later.", "Later.", "Later."]),
    ("sequence-one", "{a|}", ["a", "", "", "", ""]),
    ("cycle", "{&a|b|c}", ["a", "b", "c", "a", "b"]),
    ("cycle-two", "{&Tick.|Tock.}", ["Tick.", "Tock.", "Tick.", "Tock.", "Tick."]),
    ("cycle-one", "{&a}", ["a"] * 5),
    ("once", "{!a|b}", ["a", "b", "", "", ""]),
    ("once-one", "{!Only the first time.}", ["Only the first time.", "", "", "", ""]),
    ("once-empty-last", "{!Said once.|}", ["Said once.", "", "", "", ""]),
    ("in-prose", "The kettle {a|b} boils.", ["The kettle a boils.", "The kettle b boils."]
     + ["The kettle b boils."] * 3),
    ("two-blocks", "{a|b}{&x|y}", ["ax", "by", "bx", "by", "bx"]),
    ("empty-first", "{|later}", ["", "later", "later", "later", "later"]),
    ("empty-middle", "{a||c}", ["a", "", "c", "c", "c"]),
    ("cycle-empty", "{&|x}", ["", "x", "", "x", ""]),
    ("spaces-kept", "{ a | b }", [" a ", " b ", " b ", " b ", " b "]),
    ("colon-in-cycle", "{&Note: tea.|Note: coffee.}", ["Note: tea.", "Note: coffee."] * 2
     + ["Note: tea."]),
    ("colon-in-once", "{!At 9: rain.}", ["At 9: rain.", "", "", "", ""]),
    ("apostrophes", "{It's late.|It isn't.}", ["It's late."] + ["It isn't."] * 4),
    ("quotes-in-cycle", "{&\"Yes,\" she said.|'No.'}", ['"Yes," she said.', "'No.'"] * 2
     + ['"Yes," she said.']),
    ("multiline", "{a\nb|c\nd}", ["a\nb", "c\nd", "c\nd", "c\nd", "c\nd"]),
]


@pytest.mark.parametrize(
    ("source", "expected"), [v[1:] for v in VARIATIONS], ids=[v[0] for v in VARIATIONS]
)
def test_variation_by_visit(source, expected):
    assert visits(source) == expected


NESTED = [
    ("cycle-in-sequence", "{a|{&x|y}}", ["a", "y", "x", "y", "x"]),
    ("sequence-in-cycle", "{&{a|b}|c}", ["a", "c", "b", "c", "b"]),
    ("once-in-sequence", "{{!x|y}|z}", ["x", "z", "z", "z", "z"]),
    ("cycle-in-conditional", "{met: no|{&p|q}}", ["p", "q", "p", "q", "p"]),
    ("conditional-in-cycle", "{&{longing > 5: big}|small}", ["big", "small", "big",
                                                            "small", "big"]),
    ("expression-in-sequence", "{You have {longing}.|Still {longing}.}",
     ["You have 6.", "Still 6.", "Still 6.", "Still 6.", "Still 6."]),
    ("deep", "{&a{b|{c|d}}|e}", ["ab", "e", "ad", "e", "ad"]),
    ("escape-in-nested", "{&\\{x\\}|y\\|z}", ["{x}", "y|z", "{x}", "y|z", "{x}"]),
]


@pytest.mark.parametrize(
    ("source", "expected"), [v[1:] for v in NESTED], ids=[v[0] for v in NESTED]
)
def test_nesting(source, expected):
    assert visits(source) == expected


@pytest.mark.parametrize("visit", [0, -3], ids=["zero", "negative"])
def test_visit_below_one_reads_as_first(visit):
    for source in ["{a|b}", "{&a|b}", "{!a|b}"]:
        assert compile_text(source, NAMES).render(scope(), visit) == "a"


# --- shuffle -----------------------------------------------------------------------


def test_shuffle_repeats_for_same_seed_and_turn():
    text = compile_text("{~a|b|c|d|e|f}", NAMES)
    first = [text.render(scope(seed=s, turn=t), 1) for s in range(20) for t in range(5)]
    again = [text.render(scope(seed=s, turn=t), 1) for s in range(20) for t in range(5)]
    assert first == again


def test_shuffle_ignores_visit():
    text = compile_text("{~a|b|c|d|e|f}", NAMES)
    assert {text.render(scope(seed=11, turn=2), v) for v in range(1, 6)} == {
        text.render(scope(seed=11, turn=2), 1)
    }


def test_shuffle_varies_across_seeds_and_turns():
    text = compile_text("{~a|b|c}", NAMES)
    by_seed = {text.render(scope(seed=s, turn=0), 1) for s in range(60)}
    by_turn = {text.render(scope(seed=1, turn=t), 1) for t in range(60)}
    assert by_seed == {"a", "b", "c"}
    assert by_turn == {"a", "b", "c"}


def test_shuffle_advances_draws():
    text = compile_text("{~a|b} and {~c|d} and {&e|f}", NAMES)
    work = scope()
    text.render(work, 1)
    assert work.draws == 2


def test_shuffle_draws_at_the_current_draw_number():
    text = compile_text("{~a|b|c|d|e|f|g|h}", NAMES)
    picks = []
    for draws in range(30):
        work = scope(seed=5, turn=1)
        work.draws = draws
        picks.append(text.render(work, 1))
    # Two shuffles in one text read consecutive draws.
    pair = compile_text("{~a|b|c|d|e|f|g|h}{~a|b|c|d|e|f|g|h}", NAMES)
    work = scope(seed=5, turn=1)
    assert pair.render(work, 1) == picks[0] + picks[1]
    assert len(set(picks)) > 1


def test_shuffle_single_alternative():
    assert visits("{~only}", 3) == ["only"] * 3


def test_shuffle_only_draws_when_shown():
    text = compile_text("{met: {~a|b}}", NAMES)
    work = scope()
    assert text.render(work, 1) == ""
    assert work.draws == 0


# --- conditionals ------------------------------------------------------------------

CONDITIONALS = [
    ("true-with-else", "{longing > 5: Cage.|Weeds.}", {}, "Cage."),
    ("false-with-else", "{longing > 5: Cage.|Weeds.}", {"longing": 1}, "Weeds."),
    ("true-no-else", "{longing > 5: Cage.}", {}, "Cage."),
    ("false-no-else", "{longing > 5: Cage.}", {"longing": 1}, ""),
    ("empty-true", "{met:|not met}", {}, "not met"),
    ("empty-else", "{met: met|}", {}, ""),
    ("bool-variable", "{met: yes|no}", {"met": True}, "yes"),
    ("function", "{visits('kitchen') > 1: The same kettle.}", {}, "The same kettle."),
    ("has", "{has('book'): A book.|No book.}", {}, "A book."),
    ("not", "{not met: Strangers.}", {}, "Strangers."),
    ("space-after-colon-dropped", "{met:   \tyes|no}", {"met": True}, "yes"),
    ("no-space-after-colon", "{met:yes|no}", {"met": True}, "yes"),
    ("else-spaces-kept", "{met: yes| no }", {}, " no "),
    ("colon-in-true-part", "{met: At 9: rain.|Dry.}", {"met": True}, "At 9: rain."),
    ("colon-in-false-part", "{met: Dry.|At 9: rain.}", {}, "At 9: rain."),
    ("colon-in-string", "{name == 'a:b': odd|even}", {}, "even"),
    ("colon-in-string-true", "{name == 'a:b': odd|even}", {"name": "a:b"}, "odd"),
    ("double-quoted-colon", '{name == "x:y": odd|even}', {"name": "x:y"}, "odd"),
    ("escaped-bar-in-string", "{name == 'a\\|b': odd|even}", {"name": "a|b"}, "odd"),
    ("multiline-condition", "{longing > 5\n and not met: Both.}", {}, "Both."),
    ("in-prose", "Mark sighs. {met: Hello.|Nobody.} Done.", {}, "Mark sighs. Nobody. Done."),
]


@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [c[1:] for c in CONDITIONALS],
    ids=[c[0] for c in CONDITIONALS],
)
def test_conditional(source, values, expected):
    assert render(source, **values) == expected


# --- printing values ---------------------------------------------------------------

PRINTED = [
    ("int", "{longing}", {}, "6"),
    ("int-large", "{money}", {}, "14000"),
    ("int-negative", "{0 - longing}", {}, "-6"),
    ("float", "{ratio}", {}, "2.5"),
    ("float-division", "{longing / 4}", {}, "1.5"),
    ("float-whole", "{longing / 2}", {}, "3"),
    ("float-noise", "{ratio / 25}", {}, "0.1"),
    ("float-third", "{longing / 18}", {}, "0.333333333"),
    ("true", "{longing > 1}", {}, "true"),
    ("false", "{met}", {}, "false"),
    ("text", "{name}", {}, "Tara"),
    ("text-joined", "{name + '!'}", {}, "Tara!"),
    ("text-with-colon", "{'a:b'}", {}, "a:b"),
    ("text-with-braces", "{'\\{x\\}'}", {}, "{x}"),
    ("text-with-bar", "{'a\\|b'}", {}, "a|b"),
    ("money", "{money(money)}", {}, "£140.00"),
    ("clock", "{clock(450)}", {}, "07:30"),
    ("spaces-around", "{  longing  }", {}, "6"),
    ("multiline", "{longing\n + 1}", {}, "7"),
    ("in-prose", "You have {money(money)} left.", {}, "You have £140.00 left."),
]


@pytest.mark.parametrize(
    ("source", "values", "expected"), [p[1:] for p in PRINTED], ids=[p[0] for p in PRINTED]
)
def test_print_value(source, values, expected):
    assert render(source, **values) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-12, "-12"),
        (2.5, "2.5"),
        (3.0, "3"),
        (0.1 + 0.2, "0.3"),
        (-1e-12, "0"),
        (1e15 + 0.5, "1000000000000000.5"),
        ("x", "x"),
        ("", ""),
    ],
    ids=lambda v: repr(v),
)
def test_format_value(value, expected):
    assert format_value(value) == expected


# --- escapes and plain text --------------------------------------------------------

ESCAPES = [
    ("open-brace", "a \\{ b", "a { b"),
    ("close-brace", "a \\} b", "a } b"),
    ("both-braces", "\\{not a block\\}", "{not a block}"),
    ("bar", "a \\| b", "a | b"),
    ("colon", "a\\: b", "a: b"),
    ("backslash", "a \\\\ b", "a \\ b"),
    ("backslash-then-brace", "\\\\{longing}", "\\6"),
    ("other-stays", "\\n \\* \\[", "\\n \\* \\["),
    ("trailing-backslash", "end\\", "end\\"),
    ("bare-bar-and-colon", "a | b: c", "a | b: c"),
    ("in-alternative", "{a\\|b|c}", "a|b"),
    ("colon-in-sequence", "{Note\\: tea|coffee}", "Note: tea"),
    ("brackets", "[sic] [red]bold[/red] [0] [link](x)", "[sic] [red]bold[/red] [0] [link](x)"),
    ("markdown", "*a* **b** _c_ `d`", "*a* **b** _c_ `d`"),
]


@pytest.mark.parametrize(
    ("source", "expected"), [e[1:] for e in ESCAPES], ids=[e[0] for e in ESCAPES]
)
def test_escapes(source, expected):
    assert render(source) == expected


def test_plain_text_renders_as_its_source():
    source = "Mark scrolls his phone. [sic] Platform #2: the 08:14 | not a block."
    text = compile_text(source, NAMES)
    assert text.render(scope(), 1) is source
    assert text.source is source
    assert not text.varies


@pytest.mark.parametrize(
    ("source", "varies"),
    [
        ("plain", False),
        ("escaped \\{x\\}", False),
        ("{longing}", True),
        ("{met: a}", True),
        ("{a|b}", True),
        ("{&a}", True),
        ("{~a|b}", True),
        ("{!a}", True),
        ("", False),
    ],
    ids=["plain", "escapes", "expression", "conditional", "sequence", "cycle", "shuffle",
         "once", "empty"],
)
def test_varies(source, varies):
    assert compile_text(source, NAMES).varies is varies


def _escape(text: str) -> str:
    return "".join("\\" + c if c in "{}|:\\" else c for c in text)


@given(st.text())
def test_escaped_text_renders_as_written(text):
    assert render(_escape(text)) == text


@given(st.text(alphabet="{}|:\\&~!ab '\"\n", max_size=30))
def test_any_text_compiles_or_raises_expression_error(source):
    try:
        compiled = compile_text(source, NAMES)
    except ExpressionError as error:
        assert 0 <= error.offset <= len(source)
        return
    for visit in (1, 2, 3):
        assert isinstance(compiled.render(scope(), visit), str)


# --- errors ------------------------------------------------------------------------

ERRORS = [
    # id, source, offset (None: anywhere inside the braces), code, words in message or hint
    ("unmatched-open", "Hello {a|b", 6, "unbalanced-brace", "\\{"),
    ("unmatched-open-first", "{a {b} c", 0, "unbalanced-brace", "\\{"),
    ("unmatched-close", "Hello a|b}", 9, "unbalanced-brace", "\\}"),
    ("unmatched-close-after-block", "{a|b}}", 5, "unbalanced-brace", "\\}"),
    ("unmatched-open-nested", "{a|{b}", 0, "unbalanced-brace", "literal brace"),
    ("escaped-close-does-not-close", "{a\\}", 0, "unbalanced-brace", "brace"),
    ("unknown-name", "Well. {nme}", 7, "unknown-variable", "name"),
    ("unknown-name-spaced", "Well. {  nme }", 9, "unknown-variable", "name"),
    ("unknown-name-in-condition", "Well. {longing > 1 and nme == 'x': yes}", 23,
     "unknown-variable", "name"),
    ("unknown-scene", "{visits('kitchn') > 1: again}", 8, "unknown-scene", "kitchen"),
    ("unknown-name-nested", "{a|{&x|{nme}}}", 8, "unknown-variable", "name"),
    ("unknown-name-after-line", "line one\nline {two|{nme}}", 20, "unknown-variable", ""),
    ("after-escape", "\\{ {'\\{' + nme}", 11, "unknown-variable", ""),
    ("type-in-block", "ab {longing + 'x'}", 4, "type", ""),
    ("prose-colon", "{Note: tea|coffee}", 1, "unknown-variable", "\\:"),
    ("number-condition", "{longing: a}", 1, "type", "\\:"),
    ("apostrophe-colon", "{It's late: go.|stay}", None, "syntax", "\\:"),
    ("empty-condition", "{: a}", 0, "empty", "\\:"),
    ("empty-braces", "a {} b", 2, "empty", "\\{"),
    ("blank-braces", "a { } b", 2, "empty", "\\{"),
    ("three-branches", "{met: a|b|c}", 9, "conditional", "\\|"),
    ("prose-in-braces", "{just prose}", None, "syntax", ""),
]


@pytest.mark.parametrize(
    ("source", "offset", "code", "words"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_error(source, offset, code, words):
    with pytest.raises(ExpressionError) as caught:
        compile_text(source, NAMES)
    error = caught.value
    if offset is None:  # where in the expression is the expression compiler's business
        assert 0 < error.offset < source.index("}")
        offset = error.offset
    assert (error.offset, error.code) == (offset, code)
    assert words in error.message + " " + error.hint


def test_too_deep_nesting_is_an_error_not_a_crash():
    deep = "{a|" * (MAX_NESTING + 1) + "b" + "}" * (MAX_NESTING + 1)
    with pytest.raises(ExpressionError) as caught:
        compile_text(deep, NAMES)
    assert caught.value.code == "nesting"
    assert caught.value.offset == 3 * MAX_NESTING
    with pytest.raises(ExpressionError):
        compile_text("{" * 10_000 + "}" * 10_000, NAMES)
    ok = "{a|" * MAX_NESTING + "b" + "}" * MAX_NESTING
    assert compile_text(ok, NAMES).render(scope(), 2) == "b"


def test_runtime_error_points_into_the_text():
    text = compile_text("Sum: {1 // (longing - longing)}", NAMES)
    with pytest.raises(ExpressionError) as caught:
        text.render(scope(), 1)
    assert caught.value.code == "division-by-zero"
    assert caught.value.offset == 6


def test_runtime_error_in_condition_points_into_the_text():
    text = compile_text("{a|{longing // (longing - longing) > 1: x}}", NAMES)
    assert text.render(scope(), 1) == "a"
    with pytest.raises(ExpressionError) as caught:
        text.render(scope(), 2)
    assert caught.value.offset == 4


def test_a_wrong_item_in_a_condition_gets_no_colon_hint():
    with pytest.raises(ExpressionError) as caught:
        compile_text("{has('bok'): You hold it.}", NAMES)
    assert caught.value.code == "unknown-item" and "\\:" not in caught.value.hint


def test_a_comparison_before_a_colon_gets_no_colon_hint():
    with pytest.raises(ExpressionError) as caught:
        compile_text("{name == 3: yes}", NAMES)
    error = caught.value
    assert error.message == "cannot compare text with number"
    assert "\\:" not in error.hint and "3, not '3'" in error.hint


@pytest.mark.parametrize(("source", "words"), [
    ("{name * 2}", "without quotes"),
    ("{met - 1}", "true/false values are not numbers"),
])
def test_arithmetic_on_a_wrong_type_names_the_fix(source, words):
    with pytest.raises(ExpressionError) as caught:
        compile_text(source, NAMES)
    assert "works on numbers" in caught.value.message and words in caught.value.hint


@pytest.mark.parametrize("source", ["{longing / 0}", "{longing // 0.0}", "{longing % -0}",
                                    "{longing / 0 > 1: a}"])
def test_a_division_by_a_literal_zero_is_refused_at_load(source):
    with pytest.raises(ExpressionError) as caught:
        compile_text(source, NAMES)
    assert caught.value.code == "division-by-zero"
    assert compile_text("{longing / 2}", NAMES).render(scope(), 1) == "3"
