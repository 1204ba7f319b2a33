"""Unit tables for `escape_game.markdown_plain`: Markdown to clean wrapped plain text."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escape_game.markdown_plain import BREAK_MARK, inline_plain, to_plain

INLINE = [
    ("plain", "Mark scrolls his phone.", "Mark scrolls his phone."),
    ("star-emphasis", "a *quiet* morning", "a quiet morning"),
    ("underscore-emphasis", "a _quiet_ morning", "a quiet morning"),
    ("star-strong", "a **quiet** morning", "a quiet morning"),
    ("underscore-strong", "a __quiet__ morning", "a quiet morning"),
    ("strong-emphasis", "a ***very*** quiet", "a very quiet"),
    ("nested", "**a *b* c**", "a b c"),
    ("nested-mixed", "*a __b__ c*", "a b c"),
    ("phrase", "*The Lady and the Unicorn*, bought", "The Lady and the Unicorn, bought"),
    ("intraword-underscore", "snake_case_name stays", "snake_case_name stays"),
    ("intraword-star", "un*frigging*believable", "unfriggingbelievable"),
    ("spaced-stars", "2 * 3 * 4", "2 * 3 * 4"),
    ("lone-star", "a * b", "a * b"),
    ("unmatched-strong", "**open only", "**open only"),
    ("strike", "~~gone~~ here", "gone here"),
    ("code", "run `escape-game`", "run escape-game"),
    ("code-keeps-stars", "`*x*` and *y*", "*x* and y"),
    ("code-double-backtick", "``a ` b``", "a ` b"),
    ("link", "[Cluny](https://www.musee-moyenage.fr)", "Cluny (https://www.musee-moyenage.fr)"),
    ("link-underscores", "[x](http://a.org/_b_)", "x (http://a.org/_b_)"),
    ("link-emphasis", "[*the* book](u)", "the book (u)"),
    ("link-same-as-url", "[http://a.org](http://a.org)", "http://a.org"),
    ("link-title", '[a](http://a.org "Title")', "a (http://a.org)"),
    ("autolink", "<https://x.org/a_b_>", "https://x.org/a_b_"),
    ("image", "![the tapestry](t.png)", "the tapestry"),
    ("bracket-sic", "he said [sic] twice", "he said [sic] twice"),
    ("bracket-markup", "[red]alarm[/red] [bold]", "[red]alarm[/red] [bold]"),
    ("bracket-index", "item [0] and [1]", "item [0] and [1]"),
    ("bracket-reference", "[text][ref] and [a] (b)", "[text][ref] and [a] (b)"),
    ("bracket-empty", "[] [ ]", "[] [ ]"),
    ("escaped-star", "\\*not emphasis\\*", "*not emphasis*"),
    ("escaped-bracket-link", "\\[a\\](b)", "[a](b)"),
    ("backslash-other", "C:\\path \\n", "C:\\path \\n"),
    ("entity", "fish &amp; chips &eacute; &#8364;", "fish & chips é €"),
    ("not-entity", "AT&T & co", "AT&T & co"),
    ("curly-quotes", "‘Tara,’ he said. “Well.”", "‘Tara,’ he said. “Well.”"),
    ("nbsp-kept", "£\u00a0210", "£\u00a0210"),
]


@pytest.mark.parametrize(
    ("source", "expected"), [i[1:] for i in INLINE], ids=[i[0] for i in INLINE]
)
def test_inline(source, expected):
    assert to_plain(source, 200) == expected
    assert inline_plain(source) == expected


BLOCKS = [
    (
        "paragraphs",
        "One line\nand its soft break.\n\n\n\nSecond paragraph.",
        80,
        "One line and its soft break.\n\nSecond paragraph.",
    ),
    (
        "wrap",
        "The kettle climbs to a boil while Mark scrolls his phone.",
        20,
        "The kettle climbs to\na boil while Mark\nscrolls his phone.",
    ),
    (
        "extra-spaces-collapsed",
        "  Too   many    spaces\n   here.  ",
        80,
        "Too many spaces here.",
    ),
    ("leading-and-trailing-blank-lines", "\n\n  \nText.\n\n \n", 80, "Text."),
    ("empty", "", 80, ""),
    ("blank-only", "  \n\n\t\n", 80, ""),
    ("no-wrap-at-zero", "a " * 60, 0, ("a " * 60).strip()),
    ("long-word-unbroken", "see https://example.com/a/very/long/path/indeed ok", 15,
     "see\nhttps://example.com/a/very/long/path/indeed\nok"),
    ("hyphen-unbroken", "a well-known fact", 8, "a\nwell-known\nfact"),
    ("hard-break-spaces", "Gravesend  \nKent", 80, "Gravesend\nKent"),
    ("hard-break-backslash", "Gravesend\\\nKent", 80, "Gravesend\nKent"),
    ("heading", "# Breakfast\nThe kettle.", 80, "Breakfast\n\nThe kettle."),
    ("heading-levels", "## *Two*\n\n###### Six ##", 80, "Two\n\nSix"),
    ("heading-needs-space", "#hashtag", 80, "#hashtag"),
    ("setext-heading", "Ebbsfleet\n=========\nTrains.", 80, "Ebbsfleet\n\nTrains."),
    ("setext-dash", "Ebbsfleet\n---\nTrains.", 80, "Ebbsfleet\n\nTrains."),
    ("thematic-break", "Before.\n\n---\n\nAfter.", 21,
     f"Before.\n\n{BREAK_MARK.center(21).rstrip()}\n\nAfter."),
    ("thematic-stars", "A.\n\n* * *\n\nB.", 0, f"A.\n\n{BREAK_MARK}\n\nB."),
    ("thematic-underscores", "A.\n\n___\n\nB.", 0, f"A.\n\n{BREAK_MARK}\n\nB."),
    ("bullets", "- tea\n- coffee\n* juice", 80, "- tea\n- coffee\n\n- juice"),
    ("bullets-normalised", "* tea\n* coffee", 80, "- tea\n- coffee"),
    ("plus-bullets", "+ tea\n+ coffee", 80, "- tea\n- coffee"),
    ("bullet-hanging-indent", "- the kettle climbs to a boil slowly", 16,
     "- the kettle\n  climbs to a\n  boil slowly"),
    ("bullet-continuation", "- the kettle\n  climbs\n- done", 80, "- the kettle climbs\n- done"),
    ("bullet-lazy", "- the kettle\nclimbs", 80, "- the kettle climbs"),
    ("bullet-after-paragraph", "Choices:\n- tea\n- coffee", 80, "Choices:\n\n- tea\n- coffee"),
    ("bullet-nested", "- a\n  - b\n  - c\n- d", 80, "- a\n  - b\n  - c\n- d"),
    ("bullet-loose-item", "- a\n\n  more\n- b", 80, "- a\n\n  more\n- b"),
    ("bullets-blank-between", "- a\n\n- b", 80, "- a\n- b"),
    ("bullet-emphasis", "- *a*", 80, "- a"),
    ("ordered", "1. first\n2. second", 80, "1. first\n2. second"),
    ("ordered-renumbered", "1. a\n1. b\n1. c", 80, "1. a\n2. b\n3. c"),
    ("ordered-start", "3. a\n4. b", 80, "3. a\n4. b"),
    ("ordered-paren", "1) a\n2) b", 80, "1) a\n2) b"),
    ("ordered-hanging-indent", "1. the kettle climbs to a boil", 14,
     "1. the kettle\n   climbs to a\n   boil"),
    ("ordered-wide-number", "10. the kettle climbs", 12, "10. the\n    kettle\n    climbs"),
    ("two-not-a-list-inside-paragraph", "We left at\n2. It rained.", 80,
     "We left at 2. It rained."),
    ("quote", "> She said\n> nothing.", 80, f"{'    '}She said nothing."),
    ("quote-wrap", "> one two three four five", 14, "    one two\n    three four\n    five"),
    ("quote-lazy", "> one\ntwo", 80, "    one two"),
    ("quote-paragraphs", "> one\n>\n> two", 80, "    one\n\n    two"),
    ("quote-then-paragraph", "> one\n\ntwo", 80, "    one\n\ntwo"),
    ("quote-with-list", "> - a\n> - b", 80, "    - a\n    - b"),
    ("fenced-code", "```\n*raw*  text\n  kept\n```\nAfter.", 80,
     "    *raw*  text\n      kept\n\nAfter."),
    ("indented-code", "Text.\n\n    raw *line*\n\nAfter.", 80,
     "Text.\n\n    raw *line*\n\nAfter."),
    ("brackets-across-lines", "[sic]\n[0]", 80, "[sic] [0]"),
    ("tabs", "a\tb", 80, "a b"),
    ("crlf", "one\r\ntwo\r\n\r\nthree", 80, "one two\n\nthree"),
]


@pytest.mark.parametrize(
    ("source", "width", "expected"), [b[1:] for b in BLOCKS], ids=[b[0] for b in BLOCKS]
)
def test_blocks(source, width, expected):
    assert to_plain(source, width) == expected


def test_passage():
    passage = (
        "# The Kitchen\n"
        "\n"
        "Mark scrolls his phone while the kettle climbs to a **boil**. The garden needs\n"
        "weeding [sic], and _nobody_ has said a word about it.\n"
        "\n"
        "---\n"
        "\n"
        "> Every morning the same.\n"
    )
    assert to_plain(passage, 40) == (
        "The Kitchen\n"
        "\n"
        "Mark scrolls his phone while the kettle\n"
        "climbs to a boil. The garden needs\n"
        "weeding [sic], and nobody has said a\n"
        "word about it.\n"
        "\n"
        "                *  *  *\n"
        "\n"
        "    Every morning the same."
    )


_WORDS = st.lists(
    st.text(alphabet="abcdefghij", min_size=1, max_size=8), min_size=1, max_size=40
)


@given(_WORDS, st.integers(min_value=12, max_value=100))
def test_wrapped_lines_fit(words, width):
    for line in to_plain(" ".join(words), width).split("\n"):
        assert len(line) <= width


@given(_WORDS, st.integers(min_value=12, max_value=100))
def test_wrapping_keeps_every_word(words, width):
    assert to_plain("\n".join(words), width).split() == words


@given(st.text(), st.integers(min_value=0, max_value=120))
def test_any_input_gives_clean_text(markdown, width):
    plain = to_plain(markdown, width)
    assert isinstance(plain, str)
    if "\x1b" not in markdown:
        assert "\x1b" not in plain
    assert not any("\u2500" <= char <= "\u257f" for char in plain if char not in markdown)
    assert "\x00" not in plain or "\x00" in markdown


def test_import_is_light():
    code = (
        "import sys, escape_game.markdown_plain as m; m.to_plain('*a* &amp; b', 80); "
        "print(sorted(n for n in ('markdown_it', 'rich', 'textual') if n in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
