"""The story map: scenes and choices as a graph, drawn as Mermaid or Graphviz `dot` text.

Pure (no terminal, no files): `story_graph` turns a `Story` into a `Graph` value (nodes,
edges, groups), `reachable` finds what the start can lead to ignoring conditions, and
`to_mermaid` / `to_dot` write the text the standard tools render.

Design decisions:

- Choices offered everywhere are not copied onto every scene (a story choice on a
  hundred scenes would be a hundred edges). A location's choices leave from one
  "anywhere in <location>" node inside that location's group, the story's choices
  from one "anywhere" node; reachability still treats them as leaving every scene
  they are offered in.
- `goto: back` returns to the scene the player came from, so it is drawn as an edge
  to every node drawn leading into the scene (a scene, or an "anywhere" node).
- Every label is escaped for its format, so prose with quotes, brackets, `#`, `|`,
  `;` or braces renders as written: Mermaid gets entity codes (`#quot;`), dot gets
  backslash escapes inside quoted strings. Node ids are derived from scene ids
  with a prefix (`s_`), so no id collides with a keyword such as Mermaid's `end`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from escape_game.model import BACK, CONTINUE_ID, Choice, Manifest, Story

#: Longest edge label, in characters, before it is cut with an ellipsis.
LABEL_LIMIT = 40

#: Edges Mermaid draws at most unless its `maxEdges` setting is raised.
MERMAID_MAX_EDGES = 500

#: The node id for choices written on the story (offered in every scene).
ANYWHERE = "*"


@dataclass(frozen=True)
class Edge:
    """A choice drawn as an edge.

    Attributes:
        source: a scene id, `@location` for a location's choice, or `*` for the story's.
        target: a scene id, `@location` or `*` (a `back` returning to an "anywhere").
        choice: the choice id (`continue` for a `next:`).
        label: the choice's text, condensed and shortened (its id when it has none).
        conditional: the choice has an `if` or a `locked_if`.
        back: the choice's goto is `back`.
        once: the choice is once-only.
        fallback: the choice is a fallback.
    """

    source: str
    target: str
    choice: str
    label: str
    conditional: bool = False
    back: bool = False
    once: bool = False
    fallback: bool = False


@dataclass(frozen=True)
class Graph:
    """A story as a graph.

    Attributes:
        title: the story's title.
        start: the start scene's id.
        groups: region id -> location id -> scene ids, in the order declared; scenes
            with no declared location are in region "" and location "".
        anywhere: location ids with choices of their own (drawn as an "anywhere in"
            node), and `*` when the story has choices of its own.
        edges: every edge, in source order.
        endings: ending scene ids.
        unreachable: scene ids the start cannot lead to, even ignoring conditions.
    """

    title: str
    start: str
    groups: dict[str, dict[str, list[str]]]
    anywhere: tuple[str, ...]
    edges: tuple[Edge, ...]
    endings: frozenset[str]
    unreachable: frozenset[str]


def _label(choice: Choice) -> str:
    text = " ".join(choice.text.split())
    if not text:
        return f"({choice.id})"
    if len(text) > LABEL_LIMIT:
        text = text[: LABEL_LIMIT - 1].rstrip() + "…"
    return text


def _edge(source: str, target: str, choice: Choice, back: bool = False) -> Edge:
    return Edge(source, target, choice.id, _label(choice),
                conditional=choice.if_ is not None or choice.locked_if is not None,
                back=back, once=choice.once, fallback=choice.fallback)


def _forward_edges(story: Story) -> list[tuple[Edge, Choice]]:
    """Edges of every choice not going `back`, and the `back` choices (target "")."""
    found: list[tuple[Edge, Choice]] = []
    for scene_id, scene in story.scenes.items():
        if scene.ending is not None:
            continue
        if scene.next:
            found.append((Edge(scene_id, scene.next, CONTINUE_ID, "Continue"),
                          Choice(id=CONTINUE_ID, goto=scene.next)))
            continue
        for choice in scene.choices:
            target = "" if choice.goto == BACK else choice.goto
            found.append((_edge(scene_id, target, choice), choice))
    for location_id, location in story.manifest.locations.items():
        for choice in location.choices:
            target = "" if choice.goto == BACK else choice.goto
            found.append((_edge("@" + location_id, target, choice), choice))
    for choice in story.manifest.choices:
        target = "" if choice.goto == BACK else choice.goto
        found.append((_edge(ANYWHERE, target, choice), choice))
    return found


def story_graph(story: Story) -> Graph:
    """The story as a graph: groups, edges (`back` resolved), endings, unreachable scenes."""
    manifest = story.manifest
    groups: dict[str, dict[str, list[str]]] = {region: {} for region in manifest.regions}
    for scene_id, scene in story.scenes.items():
        location = manifest.locations.get(scene.location)
        region, where = (location.region, scene.location) if location else ("", "")
        groups.setdefault(region, {}).setdefault(where, []).append(scene_id)
    groups = {region: locations for region, locations in groups.items() if locations}

    forward = _forward_edges(story)
    into: dict[str, list[str]] = {}
    for edge, _ in forward:
        if edge.target and edge.source not in into.setdefault(edge.target, []):
            into[edge.target].append(edge.source)
    edges: list[Edge] = []
    for edge, choice in forward:
        if edge.target:
            edges.append(edge)
            continue
        for source in into.get(edge.source, ()):  # back: to whatever led here
            edges.append(_edge(edge.source, source, choice, back=True))

    anywhere = [loc for loc, location in manifest.locations.items() if location.choices]
    if manifest.choices:
        anywhere.append(ANYWHERE)
    endings = frozenset(s for s, scene in story.scenes.items() if scene.ending is not None)
    unreachable = frozenset(story.scenes) - reachable(story)
    return Graph(manifest.title, manifest.start, groups, tuple(anywhere), tuple(edges),
                 endings, unreachable)


def successors(story: Story, back: bool = True) -> dict[str, set[str]]:
    """Scene id -> the scene ids one move can lead to, ignoring every condition.

    A location's choices leave every scene at that location, the story's choices
    every scene that is not an ending, and (when `back` is true) `back` returns to
    every scene that can lead into the scene (found as a fixed point, since a `back`
    move can itself be how a scene was reached). Targets that are not scenes are
    left out.
    """
    scenes = story.scenes
    manifest = story.manifest
    out: dict[str, set[str]] = {scene_id: set() for scene_id in scenes}
    goes_back: set[str] = set()
    for scene_id, scene in scenes.items():
        if scene.ending is not None:
            continue
        offered: list[Choice] = list(scene.choices)
        if scene.next:
            offered = [Choice(id=CONTINUE_ID, goto=scene.next)]
        location = manifest.locations.get(scene.location)
        if location is not None:
            offered += [c for c in location.choices if c.goto != scene_id]
        offered += [c for c in manifest.choices if c.goto != scene_id]
        for choice in offered:
            if choice.goto == BACK:
                goes_back.add(scene_id)
            elif choice.goto in scenes:
                out[scene_id].add(choice.goto)
    changed = back and bool(goes_back)
    while changed:
        changed = False
        into: dict[str, set[str]] = {}
        for source, targets in out.items():
            for target in targets:
                into.setdefault(target, set()).add(source)
        for scene_id in goes_back:
            new = into.get(scene_id, set()) - out[scene_id]
            if new:
                out[scene_id] |= new
                changed = True
    return out


def reachable(story: Story, start: str = "") -> set[str]:
    """Scene ids reachable from `start` (the story's start by default), ignoring
    conditions; empty when the start is not a scene.

    `back` moves are left out: they return to a scene already visited, so they
    never reach a scene that other moves do not.
    """
    start = start or story.manifest.start
    if start not in story.scenes:
        return set()
    out = successors(story, back=False)
    seen = {start}
    queue = deque([start])
    while queue:
        for target in out[queue.popleft()]:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


# -- Mermaid -------------------------------------------------------------------------

#: Characters Mermaid would read as syntax inside a quoted label, as entity codes
#: (replaced in one pass, so the `#` and `;` of a code are never replaced again).
_MERMAID_CODES = str.maketrans({"#": "#35;", '"': "#quot;", "&": "#amp;", "<": "#lt;",
                                ">": "#gt;", "|": "#124;", "`": "#96;", ";": "#59;",
                                "\\": "#92;", "%": "#37;"})


def mermaid_text(text: str) -> str:
    """`text` safe inside a quoted Mermaid label: one line, syntax as entity codes."""
    return " ".join(text.split()).translate(_MERMAID_CODES)


def _mermaid_id(node: str) -> str:
    if node == ANYWHERE:
        return "anywhere"
    if node.startswith("@"):
        return "at_" + node[1:]
    return "s_" + node


def _scene_label(story: Story, scene_id: str) -> tuple[str, str]:
    """(first line, second line) of a scene's node: its id, then its title or ending."""
    scene = story.scenes[scene_id]
    second = scene.title
    if scene.ending is not None:
        second = f"The end: {scene.ending.title}"
    return scene_id, " ".join(second.split())


def _anywhere_label(story: Story, node: str) -> str:
    if node == ANYWHERE:
        return "anywhere in the story"
    location = story.manifest.locations[node.lstrip("@")]
    return f"anywhere in {location.name}"


def _clusters(graph: Graph, manifest: Manifest) -> Iterator[tuple]:
    """The nesting both writers draw, as events: ("open", indent, "r" or "l", id, name),
    ("node", indent, scene id), ("pseudo", indent, "@location"), ("close", indent)."""
    for region_id, locations in graph.groups.items():
        indent = "  "
        if region_id:
            region = manifest.regions.get(region_id)
            yield "open", indent, "r", region_id, region.name if region else region_id
            indent = "    "
        for location_id, scene_ids in locations.items():
            inner = indent
            if location_id:
                yield "open", indent, "l", location_id, manifest.locations[location_id].name
                inner = indent + "  "
                if location_id in graph.anywhere:
                    yield "pseudo", inner, "@" + location_id
            for scene_id in scene_ids:
                yield "node", inner, scene_id
            if location_id:
                yield "close", indent
        if region_id:
            yield "close", "  "


def to_mermaid(story: Story, graph: Graph | None = None) -> str:
    """The story map as a Mermaid flowchart (left to right).

    Regions are outer subgraphs and locations inner ones; endings are stadium-shaped
    and green, unreachable scenes grey with a dashed border, the start bold; a
    conditional choice is a dashed edge, a once-only one is marked "(once)".
    """
    graph = graph or story_graph(story)
    manifest = story.manifest
    lines = ["flowchart LR", f"  %% {mermaid_text(graph.title)}: {len(story.scenes)} scenes"]

    def node(scene_id: str, indent: str) -> None:
        first, second = _scene_label(story, scene_id)
        label = mermaid_text(first) + (f"<br/>{mermaid_text(second)}" if second else "")
        left, right = ("([", "])") if scene_id in graph.endings else ("[", "]")
        lines.append(f'{indent}{_mermaid_id(scene_id)}{left}"{label}"{right}')

    def pseudo(where: str, indent: str) -> None:
        label = mermaid_text(_anywhere_label(story, where))
        lines.append(f'{indent}{_mermaid_id(where)}{{{{"{label}"}}}}')

    for event, indent, *what in _clusters(graph, manifest):
        if event == "open":
            kind, cluster_id, name = what
            lines.append(f'{indent}subgraph {kind}_{cluster_id}["{mermaid_text(name)}"]')
        elif event == "close":
            lines.append(f"{indent}end")
        else:
            (node if event == "node" else pseudo)(what[0], indent)
    if ANYWHERE in graph.anywhere:
        pseudo(ANYWHERE, "  ")
    for edge in graph.edges:
        arrow = "-.->" if edge.conditional or edge.back else "-->"
        label = _edge_text(edge)
        lines.append(f'  {_mermaid_id(edge.source)} {arrow}|"{mermaid_text(label)}"| '
                     f"{_mermaid_id(edge.target)}")
    lines += [
        "  classDef ending fill:#e3f4e1,stroke:#2e7d32,stroke-width:2px",
        "  classDef unreachable fill:#eeeeee,stroke:#9e9e9e,stroke-dasharray:4 3,color:#757575",
        "  classDef start stroke-width:3px",
        "  classDef anywhere fill:#fff8e1,stroke:#f9a825",
    ]
    for style, members in (("ending", graph.endings), ("unreachable", graph.unreachable),
                           ("start", {graph.start} & set(story.scenes))):
        ordered = [s for s in story.scenes if s in members]
        if ordered:
            lines.append(f"  class {','.join(map(_mermaid_id, ordered))} {style}")
    if graph.anywhere:
        lines.append(f"  class {','.join(_mermaid_id(_anywhere_node(a)) for a in graph.anywhere)}"
                     " anywhere")
    return "\n".join(lines) + "\n"


def _anywhere_node(where: str) -> str:
    return where if where == ANYWHERE else "@" + where


def _edge_text(edge: Edge) -> str:
    label = edge.label
    if edge.back:
        label += " (back)"
    if edge.once:
        label += " (once)"
    return label


# -- Graphviz dot --------------------------------------------------------------------


def dot_text(text: str) -> str:
    """`text` as the inside of a dot quoted string (backslashes and quotes escaped)."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(story: Story, graph: Graph | None = None) -> str:
    """The story map in Graphviz's dot language (render with `dot -Tsvg`).

    Regions and locations are nested clusters; endings are double-bordered and green,
    unreachable scenes grey and dashed, the start bold; a conditional choice is a
    dashed edge, a `back` one dotted. `newrank=true` ranks the whole graph at once:
    without it Graphviz (2.43 at least) fails on nested clusters with many edges
    between them ("trouble in init_rank").
    """
    graph = graph or story_graph(story)
    manifest = story.manifest
    lines = [
        "digraph story {",
        f'  graph [rankdir=LR, newrank=true, fontname="Helvetica", labelloc=t, '
        f'label="{dot_text(graph.title)}"];',
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]

    def node(scene_id: str, indent: str) -> None:
        first, second = _scene_label(story, scene_id)
        label = dot_text(first) + (f"\\n{dot_text(second)}" if second else "")
        attributes = [f'label="{label}"']
        if scene_id in graph.endings:
            attributes += ["peripheries=2", 'fillcolor="#e3f4e1"', 'color="#2e7d32"']
        if scene_id in graph.unreachable:
            attributes += ['style="rounded,filled,dashed"', 'fillcolor="#eeeeee"',
                           'color="#9e9e9e"', 'fontcolor="#757575"']
        if scene_id == graph.start:
            attributes.append("penwidth=3")
        lines.append(f'{indent}"{_mermaid_id(scene_id)}" [{", ".join(attributes)}];')

    def pseudo(where: str, indent: str) -> None:
        label = dot_text(_anywhere_label(story, where))
        lines.append(f'{indent}"{_mermaid_id(where)}" [label="{label}", shape=hexagon, '
                     f'fillcolor="#fff8e1", color="#f9a825"];')

    cluster_style = {"r": 'style="rounded,bold"; color="#90a4ae";',
                     "l": 'style=rounded; color="#cfd8dc";'}
    for event, indent, *what in _clusters(graph, manifest):
        if event == "open":
            kind, cluster_id, name = what
            lines.append(f'{indent}subgraph "cluster_{kind}_{cluster_id}" {{')
            lines.append(f'{indent}  label="{dot_text(name)}"; {cluster_style[kind]}')
        elif event == "close":
            lines.append(f"{indent}}}")
        else:
            (node if event == "node" else pseudo)(what[0], indent)
    if ANYWHERE in graph.anywhere:
        pseudo(ANYWHERE, "  ")
    for edge in graph.edges:
        attributes = [f'label="{dot_text(_edge_text(edge))}"']
        if edge.back:
            attributes.append("style=dotted")
        elif edge.conditional:
            attributes.append("style=dashed")
        lines.append(f'  "{_mermaid_id(edge.source)}" -> "{_mermaid_id(edge.target)}" '
                     f'[{", ".join(attributes)}];')
    lines.append("}")
    return "\n".join(lines) + "\n"
