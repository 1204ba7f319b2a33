"""`escape-game graph`: the story map, its reachability, and output that renders.

The Mermaid output is checked by its structure (balanced subgraphs, safe ids, labels
with no raw syntax characters); the dot output is rendered with Graphviz's `dot` when
it is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import STORY, RunCli
from escape_game.graph import (
    mermaid_text,
    reachable,
    story_graph,
    successors,
    to_dot,
    to_mermaid,
)
from escape_game.loader import load_story
from tests.support import build_engine

STORIES = Path(__file__).parent / "stories"
LABELS = STORIES / "toolkit_graph"
BROKEN = STORIES / "toolkit_broken"
GOOD = STORIES / "good"

_NODE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_QUOTED = re.compile(r'"([^"]*)"')
_ENTITY = re.compile(r"#(?:\d+|quot|amp|lt|gt);")


def story(root: Path):
    return load_story(root).story


def test_unreachable_scenes_ignore_conditions_and_back() -> None:
    # `lost` leads into the story and the story's `notes` goes back to wherever it
    # was read, `lost` included: still nothing leads into `lost`.
    labels = story_graph(story(LABELS))
    assert labels.unreachable == {"lost"}
    assert story_graph(story(BROKEN)).unreachable == {"attic"}
    assert story_graph(story(GOOD)).unreachable == frozenset()


def test_reachable_follows_location_and_story_choices() -> None:
    found = reachable(story(LABELS))
    assert found == {"end", "x_ray", "ending_done", "o_ring", "notes"}


def test_back_returns_to_every_scene_leading_in() -> None:
    engine = build_engine({
        "a": {"text": "A", "choices": [{"id": "to_c", "text": "C", "goto": "c"}]},
        "b": {"text": "B", "choices": [{"id": "to_c", "text": "C", "goto": "c"}]},
        "c": {"text": "C", "choices": [{"id": "back", "text": "Back", "goto": "back"}]},
    })
    assert successors(engine.story)["c"] == {"a", "b"}
    assert successors(engine.story, back=False)["c"] == set()
    edges = story_graph(engine.story).edges
    assert [(e.source, e.target, e.back) for e in edges if e.source == "c"] == [
        ("c", "a", True), ("c", "b", True)]


def test_edges_mark_conditions_once_and_back() -> None:
    edges = {(e.source, e.choice, e.target): e for e in story_graph(story(LABELS)).edges}
    assert edges[("end", "brave", "end")].conditional and edges[("end", "brave", "end")].once
    assert edges[("end", "finish", "ending_done")].conditional  # locked_if counts
    assert not edges[("end", "go", "x_ray")].conditional
    assert edges[("@kitchen", "kettle", "o_ring")].label == "Put the kettle on | or not"
    assert edges[("o_ring", "back", "@kitchen")].back
    assert edges[("*", "notes", "notes")].label == "Read your notes"
    assert edges[("notes", "close", "*")].back
    assert edges[("x_ray", "continue", "end")].label == "Continue"


def test_groups_nest_locations_in_regions() -> None:
    groups = story_graph(story(LABELS)).groups
    assert groups == {"home": {"kitchen": ["end", "o_ring"]},
                      "away": {"yard": ["x_ray", "ending_done", "lost"]},
                      "": {"": ["notes"]}}


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        pytest.param('say "hi"', "say #quot;hi#quot;", id="quotes"),
        pytest.param("#1; a|b", "#35;1#59; a#124;b", id="hash-semicolon-bar"),
        pytest.param("<b> & c", "#lt;b#gt; #amp; c", id="angle-ampersand"),
        pytest.param("C:\\x `y` 50%", "C:#92;x #96;y#96; 50#37;", id="backslash-backtick"),
        pytest.param("two\n  lines", "two lines", id="newlines"),
        pytest.param("{a} [b] (c)", "{a} [b] (c)", id="brackets-stay"),
    ],
)
def test_mermaid_text_escapes_in_one_pass(text: str, safe: str) -> None:
    assert mermaid_text(text) == safe


def mermaid_structure(text: str) -> dict:
    """Check Mermaid flowchart text line by line; returns counts of what it holds."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    depth = 0
    counts = {"subgraphs": 0, "nodes": 0, "edges": 0, "dashed": 0, "classes": {}}
    for line in lines[1:]:
        line = line.strip()
        for label in _QUOTED.findall(line):
            # Inside a label: no raw syntax characters, only entity codes (and the
            # line break the output puts between a scene's id and its title).
            plain = _ENTITY.sub("", label.replace("<br/>", " "))
            assert not set(plain) & set('#;|<>&"`\\'), label
        bare = _QUOTED.sub('""', line)
        if line.startswith("%%"):
            continue
        if line.startswith("subgraph "):
            depth += 1
            counts["subgraphs"] += 1
            assert _NODE_ID.match(bare.split()[1].split("[")[0])
        elif line == "end":
            depth -= 1
            assert depth >= 0
        elif line.startswith(("classDef ", "class ")):
            if line.startswith("class "):
                _, members, style = line.split()
                assert all(_NODE_ID.match(m) for m in members.split(","))
                counts["classes"][style] = members.split(",")
        elif "-->" in bare or "-.->" in bare:
            source, arrow, label, target = re.fullmatch(
                r'(\S+) (-->|-\.->)\|("[^"]*")\| (\S+)', line).groups()
            assert _NODE_ID.match(source) and _NODE_ID.match(target)
            assert source != "end" and target != "end"
            counts["edges"] += 1
            counts["dashed"] += arrow == "-.->"
        else:
            node = re.fullmatch(r'(\w+)(\[|\(\[|\{\{)"[^"]*"(\]|\]\)|\}\})', line)
            assert node, line
            assert _NODE_ID.match(node[1]) and node[1] != "end"
            counts["nodes"] += 1
    assert depth == 0
    return counts


def test_mermaid_output_is_well_formed() -> None:
    labels = story(LABELS)
    drawn = story_graph(labels)
    counts = mermaid_structure(to_mermaid(labels))
    assert counts["subgraphs"] == 4  # two regions, two locations
    assert counts["nodes"] == len(labels.scenes) + 2  # two "anywhere" nodes
    assert counts["edges"] == len(drawn.edges) == 9
    assert counts["dashed"] == 4  # brave, finish, and the two back moves
    assert counts["classes"]["ending"] == ["s_ending_done"]
    assert counts["classes"]["unreachable"] == ["s_lost"]
    assert counts["classes"]["start"] == ["s_end"]


def test_mermaid_labels_keep_the_prose() -> None:
    text = to_mermaid(story(LABELS))
    assert 's_end["end<br/>Start: #quot;the#quot; end#59; #35;1 #lt;b#gt;"]' in text
    assert 's_ending_done(["ending_done<br/>The end: Done #quot;well#quot; #35;3"])' in text
    assert 'subgraph r_home["Home #amp; #quot;garden#quot;"]' in text


@pytest.mark.parametrize("root", [GOOD, BROKEN, STORIES / "toolkit_explore"],
                         ids=["good", "broken", "explore"])
def test_mermaid_output_of_other_stories_is_well_formed(root: Path) -> None:
    mermaid_structure(to_mermaid(story(root)))


def test_dot_output_nests_clusters_and_styles_edges() -> None:
    text = to_dot(story(LABELS))
    assert text.startswith("digraph story {") and text.rstrip().endswith("}")
    assert text.index('subgraph "cluster_r_home"') < text.index('subgraph "cluster_l_kitchen"') \
        < text.index('subgraph "cluster_r_away"')
    assert '"s_end" -> "s_ending_done" [label="Finish", style=dashed];' in text
    assert '"s_o_ring" -> "at_kitchen" [label="Go back (back)", style=dotted];' in text
    assert 'label="end\\nStart: \\"the\\" end; #1 <b>"' in text
    assert 'label="Be {brave: brave|bold} \\\\{sic\\\\} [red] C:… (once)"' in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
@pytest.mark.parametrize("root", [LABELS, GOOD, BROKEN, STORY],
                         ids=["labels", "good", "broken", "bundled"])
def test_dot_output_renders_with_graphviz(root: Path) -> None:
    done = subprocess.run(["dot", "-Tsvg"], input=to_dot(story(root)), capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "<svg" in done.stdout
    if root == LABELS:
        # The labels come out as written (SVG escapes them its own way).
        assert "Start: &quot;the&quot; end; #1 &lt;b&gt;" in done.stdout
        assert "Say “hello” &amp; go \\| stay; now #2 &lt;i&gt;" in done.stdout


def test_graph_command_prints_each_format(run_cli: RunCli) -> None:
    mermaid = run_cli("graph", LABELS)
    assert mermaid.returncode == 0, mermaid.stderr
    assert mermaid.stdout.startswith("flowchart LR\n") and mermaid.stderr == ""
    dot = run_cli("graph", LABELS, "--format", "dot")
    assert dot.returncode == 0, dot.stderr
    assert dot.stdout.startswith("digraph story {")


def test_graph_command_reports_a_broken_story(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text("id: x\ntitle: X\nstart: nowhere\n", encoding="utf-8")
    result = run_cli("graph", tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "escape-game: error:" in result.stderr and "Traceback" not in result.stderr


def test_the_toolkit_modules_are_pure() -> None:
    # graph, playtest, explore and stats touch no terminal and no files: they import
    # neither the terminal libraries nor the YAML reader nor the command line.
    from tests.test_imports import imported_after

    modules = imported_after("import escape_game.graph, escape_game.playtest, "
                             "escape_game.explore, escape_game.stats")
    assert not modules & {"textual", "rich", "click", "yaml"}
