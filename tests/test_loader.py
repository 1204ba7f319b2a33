"""The loader: one broken fixture story per trap, YAML 1.2 typing, positions, safety.

Each folder under tests/stories/ (other than `good` and the save fixtures) holds a small
story with one kind of mistake; the table below says exactly which errors it must give,
where, and with what message, so a trap that starts cascading into other errors fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import cli_env
from escape_game.errors import StoryError
from escape_game.loader import LoadResult, load_story, read_story
from escape_game.model import Origin, Variable
from escape_game.yamlread import INVALID, offset_position, read_document

STORIES = Path(__file__).parent / "stories"
PROSE = frozenset({"text", "title"})

# folder, file inside it, line, column, code, a fragment of the message
TRAPS = [
    ("duplicate_key", "scenes/home.yaml", 14, 3, "duplicate-key", "'text' is given twice in one mapping, at lines 12 and 14"),
    ("duplicate_scene", "scenes/b_more/again.yaml", 2, 1, "duplicate-scene",
     "scene 'kitchen' is defined twice: at tests/stories/duplicate_scene/scenes/a_home.yaml:1 "
     "and at tests/stories/duplicate_scene/scenes/b_more/again.yaml:2"),
    ("tab_indent", "scenes/home.yaml", 12, 1, "tab", "a tab in the indentation at line 12, column 1"),
    ("unknown_field", "scenes/home.yaml", 18, 7, "unknown-field", "unknown field 'gotoo'"),
    ("python_tag", "scenes/home.yaml", 12, 9, "yaml-tag", "the YAML tag !!python/object/apply:os.system is not allowed"),
    ("unknown_tag", "scenes/home.yaml", 12, 10, "yaml-tag", "the YAML tag !shout is not allowed"),
    ("billion_laughs", "scenes/home.yaml", 16, 7, "alias-bomb", "expand to more than 1,000,000 values"),
    ("not_utf8", "scenes/home.yaml", 13, 8, "not-utf8", "byte 0xE9 at line 13, column 8 is not valid UTF-8"),
    ("text_as_mapping", "scenes/home.yaml", 12, 9, "text-as-mapping", "YAML read this `text` as a mapping"),
    ("hash_cut", "scenes/home.yaml", 12, 18, "hash-cut", "' #' cut this title short: YAML read '#2' as a comment"),
    ("quote_start", "scenes/home.yaml", 12, 9, "quote-start", "a one-line value that starts with \" must end with it"),
    ("star_start", "scenes/home.yaml", 12, 9, "star-start", "a value that starts with '*' is read as a YAML alias"),
    ("colon_in_value", "scenes/home.yaml", 12, 19, "colon-in-value", "a ': ' inside a one-line value"),
    ("flow_list", "scenes/home.yaml", 18, 11, "flow-list", "YAML read this `do` as a list of 2 parts, split at its commas"),
    ("flow_comma", "story.yaml", 13, 69, "flow-comma", "a comma inside '{...}' cut the description short: YAML read 'a table', 'a window.'"),
    ("bad_ids", "scenes/home.yaml", 10, 1, "bad-id", "scene id 'Hall' is not a valid id"),
    ("bad_ids", "scenes/home.yaml", 15, 1, "reserved-id", "'back' is not a scene id"),
    ("bad_ids", "scenes/home.yaml", 20, 11, "reserved-id", "choice id 'look' is a command word"),
    ("bad_ids", "scenes/home.yaml", 24, 11, "reserved-id", "'continue' is the id of the choice a `next:` scene makes"),
    ("bad_ids", "scenes/home.yaml", 28, 11, "bad-id", "choice id 'Shout' is not a valid id"),
    ("keyword_var", "story.yaml", 8, 3, "reserved-name", "'is' is a word of the story language"),
    ("exits", "scenes/home.yaml", 10, 1, "no-exit", "scene 'hall' has no way out"),
    ("exits", "scenes/home.yaml", 18, 3, "two-exits", "scene 'stairs' has both `choices` and `next`"),
    ("duplicate_choice", "scenes/home.yaml", 19, 11, "duplicate-choice", "choice id 'out' is used twice in scene 'hall', at lines 15 and 19"),
    ("shared_choice_ids", "scenes/home.yaml", 6, 11, "duplicate-choice", "choice id 'phone' is also the id of a story or location choice"),
    ("variables", "story.yaml", 8, 32, "bounds", "min 10 is greater than max 0"),
    ("variables", "story.yaml", 9, 21, "bounds", "the initial value 12 is outside 0 to 10"),
    ("variables", "story.yaml", 10, 28, "bounds", "'max' only applies to a number"),
    ("variables", "story.yaml", 11, 29, "bounds", "'min' only applies to a number, and the value is the text '10:45'"),
    ("references", "story.yaml", 4, 8, "unknown-scene", "unknown scene 'kitchen_'"),
    ("references", "story.yaml", 13, 40, "unknown-region", "unknown region 'hom'"),
    ("references", "scenes/home.yaml", 11, 13, "unknown-location", "unknown location 'kitchn'"),
    ("references", "scenes/home.yaml", 18, 13, "unknown-scene", "unknown scene 'kitchenn'"),
    ("references", "scenes/home.yaml", 23, 9, "unknown-scene", "unknown scene 'hal'"),
    ("expressions", "scenes/home.yaml", 14, 5, "unknown-variable", "unknown variable 'longingg'"),
    ("expressions", "scenes/home.yaml", 17, 21, "unknown-item", "unknown item 'bok'"),
    ("expressions", "scenes/home.yaml", 20, 25, "unknown-scene", "unknown scene 'hal'"),
    ("expressions", "scenes/home.yaml", 21, 27, "type", "true/false"),
    ("expressions", "scenes/home.yaml", 27, 11, "not-an-effect", "'longing == 3' is not an effect"),
    ("yes_no", "scenes/home.yaml", 18, 13, "type", "'once' should be true or false, not the text 'yes'"),
    ("syntax", "scenes/home.yaml", 14, 4, "yaml-syntax", "YAML syntax"),
    ("many_files", "story.yaml", 4, 1, "unknown-field", "unknown field 'titel'"),
    ("many_files", "scenes/a.yaml", 15, 3, "unknown-field", "unknown field 'nxt'"),
    ("many_files", "scenes/b.yaml", 3, 1, "tab", "a tab in the indentation"),
    ("many_files", "scenes/c/deep.yaml", 9, 13, "unknown-scene", "unknown scene 'kitchn'"),
    ("many_files", "scenes/d.yaml", 3, 19, "colon-in-value", "a ': ' inside a one-line value"),
]

# Hints that must name the fix, by code.
HINTS = {
    "unknown-field": "did you mean 'goto'?", "text-as-mapping": "block", "hash-cut": "block",
    "quote-start": "block", "star-start": "block", "colon-in-value": "block",
    "flow-list": "block", "tab": "spaces", "reserved-name": "is_flag", "unknown-scene": "did you mean",
    "yaml-tag": "remove the tag", "not-utf8": "UTF-8", "duplicate-key": "remove or rename",
}

_cache: dict[str, LoadResult] = {}


def read(folder: str) -> LoadResult:
    """The fixture read once per test session, with the root given relatively (as users do)."""
    if folder not in _cache:
        _cache[folder] = read_story(Path("tests/stories") / folder, use_cache=False)
    return _cache[folder]


@pytest.fixture(autouse=True)
def _in_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(STORIES.parent.parent)


@pytest.mark.parametrize(
    ("folder", "file", "line", "col", "code", "message"), TRAPS,
    ids=[f"{t[0]}-{t[4]}-{t[2]}" for t in TRAPS])
def test_each_trap_is_reported_where_it_was_written(folder, file, line, col, code, message):
    result = read(folder)
    assert result.loaded is None
    path = f"tests/stories/{folder}/{file}"
    found = [d for d in result.diagnostics if (d.path, d.line, d.code) == (path, line, code)]
    assert found, "\n".join(d.format() for d in result.diagnostics)
    assert found[0].col == col
    assert message in found[0].message
    if folder != "expressions":  # the expression compiler's own messages may have none
        assert found[0].hint
    if code in HINTS and (code != "unknown-field" or folder == "unknown_field"):
        assert HINTS[code] in found[0].hint


@pytest.mark.parametrize("folder", sorted({t[0] for t in TRAPS}))
def test_each_fixture_gives_exactly_its_errors(folder):
    """No trap cascades into errors of its own making."""
    expected = {(f"tests/stories/{folder}/{t[1]}", t[2], t[4]) for t in TRAPS if t[0] == folder}
    errors = {(d.path, d.line, d.code) for d in read(folder).diagnostics if d.severity == "error"}
    assert errors == expected


def test_a_locked_choice_without_a_reason_is_a_warning():
    warnings = [d for d in read("expressions").diagnostics if d.severity == "warning"]
    assert [(d.line, d.code) for d in warnings] == [(22, "no-reason")]


def test_a_utf8_bom_is_fine():
    result = read("bom")
    assert result.loaded is not None and not result.diagnostics
    assert result.loaded.story.origins["kitchen"] == Origin("tests/stories/bom/scenes/home.yaml", 1, 1)


def test_the_good_story_loads_with_origins_and_a_digest():
    result = read("good")
    assert result.loaded is not None, [d.format() for d in result.diagnostics]
    story = result.loaded.story
    assert story.root == "tests/stories/good"
    assert story.origins["kitchen"] == Origin("tests/stories/good/scenes/home.yaml", 1, 1)
    assert story.origin("kitchen", "garden") == Origin("tests/stories/good/scenes/home.yaml", 12, 7)
    assert len(story.digest) == 64
    assert all(isinstance(v, Variable) for v in story.manifest.vars.values())
    assert story.manifest.vars["brave"] == Variable(value=False)


def test_the_digest_follows_content_and_file_names(tmp_path):
    copy = tmp_path / "story"
    shutil.copytree(STORIES / "good", copy)
    first = read_story(copy, use_cache=False).loaded.story.digest
    assert read_story(copy, use_cache=False).loaded.story.digest == first
    (copy / "scenes" / "home.yaml").rename(copy / "scenes" / "a_home.yaml")
    assert read_story(copy, use_cache=False).loaded.story.digest != first


def test_load_story_raises_with_every_diagnostic():
    with pytest.raises(StoryError) as raised:
        load_story("tests/stories/many_files", use_cache=False)
    assert "5 errors" in raised.value.message
    assert len(raised.value.diagnostics) == 5


@pytest.mark.parametrize("where", ["no_such_folder", "tests/stories/good/scenes"],
                         ids=["missing-folder", "no-story-yaml"])
def test_a_missing_folder_or_manifest_is_one_clear_error(where):
    with pytest.raises(StoryError) as raised:
        load_story(where, use_cache=False)
    assert not raised.value.diagnostics
    assert where in raised.value.message and raised.value.hint
    result = read_story(where)
    assert result.loaded is None and len(result.diagnostics) == 1


def test_scene_files_are_found_at_any_depth_in_path_order(tmp_path):
    copy = tmp_path / "story"
    shutil.copytree(STORIES / "good", copy)
    deep = copy / "scenes" / "b" / "c"
    deep.mkdir(parents=True)
    (copy / "scenes" / "town.yaml").rename(deep / "town.yaml")
    (copy / "scenes" / ".hidden.yaml").write_text("not: [valid", "utf-8")
    (copy / "scenes" / "notes.txt").write_text("not: [valid", "utf-8")
    story = read_story(copy, use_cache=False).loaded.story
    assert story.origins["market_stall"].path == str(deep / "town.yaml")
    assert list(story.scenes)[0] == "market_stall"  # b/c/town.yaml sorts before home.yaml


# --- YAML 1.2 typing ------------------------------------------------------------------

TYPING = [
    ("true", True), ("false", False), ("True", "True"), ("TRUE", "TRUE"),
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"), ("y", "y"),
    ("10:45", "10:45"), ("0755", "0755"), ("0o17", "0o17"), ("0x1F", "0x1F"),
    ("1_000", "1_000"), ("2016-05-03", "2016-05-03"), ("2016-05-03T10:00:00", "2016-05-03T10:00:00"),
    ("12", 12), ("-3", -3), ("+4", 4), ("0", 0), ("0.5", 0.5), ("-2.25", -2.25), ("1e3", 1000.0),
    (".5", ".5"), ("1.", "1."), (".inf", ".inf"), (".nan", ".nan"),
    ("null", None), ("~", None), ("", None), ("Null", "Null"), ("NULL", "NULL"),
    ("'true'", "true"), ('"12"', "12"), ("!!str 12", "12"), ("!!int 12", 12), ("!!float 2", 2.0),
]


@pytest.mark.parametrize(("written", "value"), TYPING, ids=[t[0] or "empty" for t in TYPING])
def test_yaml_1_2_typing(written, value):
    out: list = []
    doc = read_document("t.yaml", f"key: {written}\n".encode(), PROSE, out)
    assert not out
    assert doc.value["key"] == value and type(doc.value["key"]) is type(value)


@pytest.mark.parametrize("written", ["!!int ten", "!!bool yes", "!!binary aGk=", "!!set {a}",
                                     "!!timestamp 2016-05-03", "!!python/name:os.system ''"])
def test_tags_that_do_not_fit_are_refused(written):
    out: list = []
    doc = read_document("t.yaml", f"key: {written}\n".encode(), PROSE, out)
    assert [d.code for d in out] == ["yaml-tag"]
    assert doc.value["key"] is INVALID


# --- Aliases --------------------------------------------------------------------------


def test_a_billion_laughs_is_refused_quickly_and_small():
    """In a fresh process: it finishes (a billion expansions never would) in little memory."""
    code = (
        "import resource\n"
        "from escape_game.loader import read_story\n"
        "r = read_story('tests/stories/billion_laughs', use_cache=False)\n"
        "assert r.loaded is None and r.diagnostics[0].code == 'alias-bomb', r.diagnostics\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=cli_env(), cwd=STORIES.parent.parent, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) < 200_000  # kilobytes


def test_a_wide_alias_bomb_in_one_mapping_is_refused():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]"
              for i in range(7)]
    out: list = []
    read_document("t.yaml", "\n".join(lines).encode(), PROSE, out)
    assert [d.code for d in out] == ["alias-bomb"]


def test_an_alias_inside_its_own_anchor_is_refused():
    out: list = []
    read_document("t.yaml", b"a: &x [1, *x]\n", PROSE, out)
    assert [d.code for d in out] == ["alias-loop"]


def test_a_few_aliases_are_fine_and_shared():
    out: list = []
    doc = read_document("t.yaml", b"a: &x {name: Home}\nb: *x\nc: *x\n", PROSE, out)
    assert not out
    assert doc.value == {"a": {"name": "Home"}, "b": {"name": "Home"}, "c": {"name": "Home"}}


# --- Other YAML shapes ----------------------------------------------------------------


def test_a_comment_after_two_spaces_is_only_a_warning():
    out: list = []
    read_document("t.yaml", b"title: Breakfast  # the first scene\n", PROSE, out)
    assert [(d.severity, d.code) for d in out] == [("warning", "hash-cut")]


def test_a_comment_after_a_non_prose_value_is_fine():
    out: list = []
    read_document("t.yaml", b"goto: kitchen # the kitchen\n", PROSE, out)
    assert not out


def test_a_tab_inside_a_block_of_text_is_a_warning():
    out: list = []
    doc = read_document("t.yaml", b"text: |\n  Line\n  \tindented\n", PROSE, out)
    assert [(d.severity, d.code, d.line, d.col) for d in out] == [("warning", "tab", 3, 3)]
    assert doc.value["text"] == "Line\n\tindented\n"


def test_a_control_character_is_located():
    out: list = []
    read_document("t.yaml", b"a: 1\nb: x\x07y\n", PROSE, out)
    assert [(d.code, d.line, d.col) for d in out] == [("bad-character", 2, 5)]


def test_nesting_is_bounded():
    out: list = []
    read_document("t.yaml", b"a: " + b"[" * 500 + b"]" * 500, PROSE, out)
    assert [d.code for d in out] == ["too-deep"]


# --- Expression offsets to file positions ---------------------------------------------

POSITIONS = [
    # source, the text to find, expected (line, col) of its first character
    ("key: |\n  first line\n  second {x} here\n", "{x}", (3, 10)),
    ("key: |\n\n  after a blank\n", "blank", (3, 11)),
    ("key: |\n    deeper\n      more\n", "more", (3, 7)),
    ("  key: plain value here\n", "here", (1, 20)),
    ("key: 'quoted value'\n", "value", (1, 14)),
    ('key: "double value"\n', "value", (1, 14)),
    ("key: >\n  folded one\n  folded two\n", "two", (3, 10)),
    ("key: >\n  para one\n\n  para two\n", "two", (4, 8)),
]


@pytest.mark.parametrize(("source", "needle", "where"), POSITIONS, ids=range(len(POSITIONS)))
def test_offsets_map_to_the_file(source, needle, where):
    out: list = []
    doc = read_document("t.yaml", source.encode(), PROSE, out)
    node = doc.node_at(("key",))
    assert offset_position(doc, node, doc.value["key"].index(needle)) == where


# --- Never a traceback ----------------------------------------------------------------

YAMLISH = st.text(alphabet=st.sampled_from(list("ab:- \n\t{}[],|>#&*!'\"%@`?é\x07\ufeff")), max_size=80)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scene_file=YAMLISH)
def test_any_scene_file_gives_diagnostics_never_a_traceback(tmp_path_factory, scene_file):
    root = tmp_path_factory.mktemp("story")
    shutil.copy(STORIES / "good" / "story.yaml", root / "story.yaml")
    (root / "scenes").mkdir()
    (root / "scenes" / "x.yaml").write_bytes(scene_file.encode("utf-8", "surrogatepass"))
    result = read_story(root, use_cache=False)
    assert all(d.severity in ("error", "warning") for d in result.diagnostics)


# --- Without libyaml ------------------------------------------------------------------

PURE_PYTHON_TRAPS = ["duplicate_key", "tab_indent", "python_tag", "billion_laughs",
                     "text_as_mapping", "hash_cut", "quote_start", "star_start",
                     "colon_in_value", "flow_list", "flow_comma", "expressions", "many_files"]


@pytest.mark.parametrize("folder", PURE_PYTHON_TRAPS)
def test_the_pure_python_parser_finds_the_same_traps(folder, monkeypatch):
    import yaml

    from escape_game import yamlread

    monkeypatch.setattr(yamlread, "Parser", yamlread.make_parser(yaml.SafeLoader))
    pure = read_story(Path("tests/stories") / folder, use_cache=False).diagnostics
    assert [(d.path, d.line, d.col, d.code) for d in pure] == [
        (d.path, d.line, d.col, d.code) for d in read(folder).diagnostics]


@pytest.mark.parametrize(("written", "value"), TYPING, ids=[t[0] or "empty" for t in TYPING])
def test_yaml_1_2_typing_without_libyaml(written, value, monkeypatch):
    import yaml

    from escape_game import yamlread

    monkeypatch.setattr(yamlread, "Parser", yamlread.make_parser(yaml.SafeLoader))
    out: list = []
    doc = yamlread.read_document("t.yaml", f"key: {written}\n".encode(), PROSE, out)
    assert not out and doc.value["key"] == value and type(doc.value["key"]) is type(value)


def test_a_tag_on_a_key_is_refused():
    out: list = []
    doc = read_document("t.yaml", b"!!python/name:os.system key: 1\nother: 2\n", PROSE, out)
    assert [d.code for d in out] == ["yaml-tag"]
    assert doc.value == {"other": 2}


def test_an_ampersand_in_prose_does_not_cap_a_big_file(monkeypatch):
    """The alias cap counts only what aliases add: a big file with '&' in it is fine."""
    from escape_game import yamltraps

    monkeypatch.setattr(yamltraps, "MAX_EXPANDED", 1_000)
    lines = ["note: Marks & Spencer"] + [f"k{i}: [{', '.join(['x'] * 50)}]" for i in range(100)]
    out: list = []
    doc = read_document("t.yaml", "\n".join(lines).encode(), PROSE, out)
    assert not out and len(doc.value) == 101
    bomb = b"a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    read_document("t.yaml", bomb + b"c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n", PROSE, out)
    assert [d.code for d in out] == ["alias-bomb"]


def test_a_yml_file_is_not_read_but_warned_about(tmp_path):
    copy = tmp_path / "story"
    shutil.copytree(STORIES / "good", copy)
    (copy / "scenes" / "extra.yml").write_text("attic: [not, read]\n", "utf-8")
    result = read_story(copy)
    assert result.loaded is not None
    assert [(d.severity, d.code, d.path) for d in result.diagnostics] == [
        ("warning", "ignored-file", str(copy / "scenes" / "extra.yml"))]
    assert read_story(copy).diagnostics == result.diagnostics  # from the cache


# -- a quote that runs on, tabs the parser names badly, one mistake one error ----------

@pytest.mark.parametrize("source", [
    "id: a\ntitle: 'Twas the night\ntext: hello\nnext: b\nchoices:\n  - id: x\n    text: It's late\n",
    "id: a\ntitle: 'Twas the night\ntext: It's late\nnext: b\n",
    "id: a\ntitle: 'Twas the night\ntext: hello\nchoices:\n  - {id: x, text: 'Go'}\n",
    "id: a\ntitle: \"Hello, she said\ntext: \"Go,\" he said\n",
], ids=["later-apostrophe", "next-line", "flow-after", "double"])
def test_a_quote_that_runs_on_is_reported_where_it_opened(source):
    out: list = []
    read_document("t.yaml", source.encode(), PROSE, out)
    assert [(d.line, d.col, d.code) for d in out] == [(2, 8, "quote-start")], out
    assert "block" in out[0].hint
    if "'Twas" in source:
        assert "’" in out[0].hint


def test_a_quoted_value_over_two_lines_is_still_fine():
    out: list = []
    doc = read_document("t.yaml", b"title: 'The long\n  night'\ntext: It's late\n", PROSE, out)
    assert not out and doc.value == {"title": "The long night", "text": "It's late"}


@pytest.mark.parametrize(("source", "line", "col"), [
    (b"a: 1\n\t\nb: 2\n", 2, 1),
    (b"-\tid: breathe\n  text: x\n", 1, 2),
    (b"choices:\n  -\tid: breathe\n", 2, 4),
], ids=["blank-line", "after-dash", "after-nested-dash"])
def test_a_tab_the_parser_trips_on_is_named(source, line, col):
    out: list = []
    read_document("t.yaml", source, PROSE, out)
    assert [(d.line, d.col, d.code) for d in out] == [(line, col, "tab")], out
    assert "spaces" in out[0].hint


def _good_copy(tmp_path: Path) -> Path:
    story = tmp_path / "story"
    shutil.copytree(STORIES / "good", story)
    return story


@pytest.mark.parametrize("manifest", [
    b"id: good\ntitle: Caf\xe9\n",
    ("a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{n}: &{n} [{','.join(['*' + p] * 10)}]\n" for p, n in zip("abcde", "bcdef")
    ) + "g: [" + ",".join(["*f"] * 10) + "]\n").encode(),
], ids=["not-utf8", "alias-bomb"])
def test_a_manifest_that_cannot_be_read_gives_only_that_error(tmp_path, manifest):
    story = _good_copy(tmp_path)
    (story / "story.yaml").write_bytes(manifest)
    errors = [d for d in read_story(story, use_cache=False).diagnostics if d.severity == "error"]
    assert [d.code for d in errors] in (["not-utf8"], ["alias-bomb"]), errors


def test_a_variable_with_a_field_error_stays_declared(tmp_path):
    story = _good_copy(tmp_path)
    manifest = story / "story.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("label: Longing, show: true", "label: Longing, show: True"),
                        encoding="utf-8")
    errors = [d for d in read_story(story, use_cache=False).diagnostics if d.severity == "error"]
    assert [(d.line, d.code) for d in errors] == [(12, "type")], errors


def test_a_number_where_text_is_wanted_is_hinted_to_be_quoted(tmp_path):
    story = _good_copy(tmp_path)
    manifest = story / "story.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("title: The Small Hours", "title: 1984"), encoding="utf-8")
    errors = [d for d in read_story(story, use_cache=False).diagnostics if d.severity == "error"]
    assert [d.message for d in errors] == ["'title' should be text, not the number 1984"]
    assert errors[0].hint == 'put it in quotes to make it text: title: "1984"'
