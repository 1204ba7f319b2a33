"""Story statistics: words, scenes, choices, endings and how much of the text varies.

Pure (no terminal, no files): `story_stats` takes a loaded story and its program and
returns a frozen `Stats`, which the CLI prints as text or JSON.

The design decision is what a "word" is. Authors want to know how much a player can
read, so words are counted in the text as shown, not in the YAML: expressions,
conditions and braces are not words, a printed value (`{money(300)}`) is one word, and
every alternative of varying text (`{a|b|c}`, `{cond: yes|no}`) counts once, since a
player may read any of them. Markdown marks (`*`, `_`, `#`, `>`, backticks, link
targets) are not words either. Counting walks the compiled text tree (`walk_text`),
so it reads text exactly as the engine does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import msgspec

from escape_game.model import Choice, Story
from escape_game.program import Program
from escape_game.text import Text

#: A word: letters or digits, joined by apostrophes or hyphens inside it ("Mark’s").
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
#: A Markdown link or image: only its text is read.
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")

#: The key for scenes that have no location of their own.
NO_LOCATION = ""


def walk_text(text: Text) -> Iterator[tuple[str, Any]]:
    """Every piece of a compiled text, in order, every alternative included.

    Yields:
        ("literal", str) for prose; ("print", Expression) for a printed value;
        ("condition", Expression) for the condition of a `{cond: yes|no}` block.

    The tree's node classes are private to `escape_game.text`; they are read here by
    their attributes (a `_Join` has `parts`, a `_Print` an `expression`, a
    `_Conditional` a `condition`, `yes` and `no`, a variation `alternatives`), so a
    node this walker does not know raises TypeError rather than being skipped.
    """
    root = text._root if text._root is not None else text._static  # noqa: SLF001
    stack = [root]
    while stack:
        node = stack.pop()
        if node.__class__ is str:
            if node:
                yield "literal", node
        elif hasattr(node, "parts"):
            stack.extend(reversed(node.parts))
        elif hasattr(node, "alternatives"):
            stack.extend(reversed(node.alternatives))
        elif hasattr(node, "condition"):
            yield "condition", node.condition
            stack.extend((node.no, node.yes))
        elif hasattr(node, "expression"):
            yield "print", node.expression
        else:
            raise TypeError(f"unknown text node {type(node).__name__}")


def count_words(text: Text) -> int:
    """Visible words in a compiled text: every alternative once, a printed value as one."""
    words = 0
    prose = []
    for kind, value in walk_text(text):
        if kind == "literal":
            prose.append(value)
        elif kind == "print":
            words += 1
    return words + prose_words(" ".join(prose))


def prose_words(prose: str) -> int:
    """Words in plain Markdown prose (link targets and Markdown marks are not words)."""
    return len(_WORD.findall(_LINK.sub(r"\1", prose)))


class Stats(msgspec.Struct, frozen=True):
    """What `escape-game stats` reports.

    Attributes:
        story: the story's id.
        title: its title.
        words: visible words in total (scenes and everything else the player reads).
        scene_words: words in scenes: passages, titles, their choices and lock reasons.
        other_words: words outside scenes: the about text, item names and
            descriptions, location names and descriptions, location and story choices.
        words_by_region: region id -> scene words there ("" for scenes with no
            location).
        words_by_location: location id -> scene words there ("" as above).
        scenes: scenes in the story.
        endings: ending scenes.
        choices: every choice written: scenes' own, locations' and the story's.
        scene_choices: the scenes' own choices (a `next:` counts as one).
        location_choices: choices written on locations.
        story_choices: choices written on the story (offered in every scene).
        variables: declared variables.
        items: declared items.
        locations: declared locations.
        regions: declared regions.
        choices_per_scene: the scenes' own choices per scene that is not an ending.
        varying_scenes: scenes whose passage varies (holds any `{...}` block).
        varying_share: varying_scenes / scenes (0 for no scenes).
    """

    story: str
    title: str
    words: int
    scene_words: int
    other_words: int
    words_by_region: dict[str, int]
    words_by_location: dict[str, int]
    scenes: int
    endings: int
    choices: int
    scene_choices: int
    location_choices: int
    story_choices: int
    variables: int
    items: int
    locations: int
    regions: int
    choices_per_scene: float
    varying_scenes: int
    varying_share: float

    def to_dict(self) -> dict[str, Any]:
        """The stats as plain JSON-able data."""
        return msgspec.to_builtins(self)


def story_stats(story: Story, program: Program) -> Stats:
    """Count a story's words, scenes, choices and the rest.

    Args:
        story: the loaded story.
        program: its compiled program (texts are compiled through it, once each).

    Raises:
        ExpressionError: a text that does not compile (the loader has already
            refused such a story, so only a hand-built story can raise it).
    """
    manifest = story.manifest
    def text_words(source: str) -> int:
        return count_words(program.text(source)) if source else 0

    def choice_words(choice: Choice) -> int:
        return text_words(choice.text) + text_words(choice.reason)

    by_location: dict[str, int] = {}
    scene_words = scene_choices = endings = varying = 0
    for scene in story.scenes.values():
        count = text_words(scene.text) + prose_words(scene.title)
        count += sum(choice_words(choice) for choice in scene.choices)
        if scene.ending is not None:
            endings += 1
            count += prose_words(scene.ending.title)
        else:
            scene_choices += len(scene.choices) + (1 if scene.next else 0)
        if scene.text and program.text(scene.text).varies:
            varying += 1
        by_location[scene.location] = by_location.get(scene.location, 0) + count
        scene_words += count

    by_region: dict[str, int] = {}
    for location_id, count in by_location.items():
        location = manifest.locations.get(location_id)
        region = location.region if location is not None else NO_LOCATION
        by_region[region] = by_region.get(region, 0) + count

    location_choices = sum(len(loc.choices) for loc in manifest.locations.values())
    other = prose_words(manifest.about) + prose_words(manifest.title)
    other += sum(prose_words(i.name) + prose_words(i.description)
                 for i in manifest.items.values())
    other += sum(prose_words(loc.name) + prose_words(loc.description)
                 + sum(choice_words(c) for c in loc.choices)
                 for loc in manifest.locations.values())
    other += sum(prose_words(region.name) for region in manifest.regions.values())
    other += sum(choice_words(choice) for choice in manifest.choices)

    scenes = len(story.scenes)
    playable = scenes - endings
    return Stats(
        story=manifest.id,
        title=manifest.title,
        words=scene_words + other,
        scene_words=scene_words,
        other_words=other,
        words_by_region=dict(sorted(by_region.items(), key=lambda kv: (-kv[1], kv[0]))),
        words_by_location=dict(sorted(by_location.items(), key=lambda kv: (-kv[1], kv[0]))),
        scenes=scenes,
        endings=endings,
        choices=scene_choices + location_choices + len(manifest.choices),
        scene_choices=scene_choices,
        location_choices=location_choices,
        story_choices=len(manifest.choices),
        variables=len(manifest.vars),
        items=len(manifest.items),
        locations=len(manifest.locations),
        regions=len(manifest.regions),
        choices_per_scene=round(scene_choices / playable, 2) if playable else 0.0,
        varying_scenes=varying,
        varying_share=round(varying / scenes, 4) if scenes else 0.0,
    )


def format_stats(stats: Stats, story: Story) -> str:
    """The stats as text for a terminal: totals, then words by region and location."""
    manifest = story.manifest
    lines = [
        f"{stats.title} ({stats.story})",
        f"words: {stats.words:,} ({stats.scene_words:,} in scenes, "
        f"{stats.other_words:,} elsewhere)",
        f"scenes: {stats.scenes:,}, of which {stats.endings:,} endings",
        f"choices: {stats.choices:,} ({stats.scene_choices:,} in scenes, "
        f"{stats.location_choices:,} on locations, {stats.story_choices:,} on the story)",
        f"choices per scene: {stats.choices_per_scene:.2f} (endings left out)",
        f"scenes with varying text: {stats.varying_scenes:,} "
        f"({stats.varying_share * 100:.0f}%)",
        f"variables: {stats.variables}, items: {stats.items}, "
        f"locations: {stats.locations}, regions: {stats.regions}",
        "",
        "words by region:",
    ]
    for region_id, count in stats.words_by_region.items():
        region = manifest.regions.get(region_id)
        name = region.name if region else "(no location)"
        lines.append(f"  {count:>8,}  {name} [{region_id or '-'}]")
    lines += ["", "words by location:"]
    for location_id, count in stats.words_by_location.items():
        location = manifest.locations.get(location_id)
        name = location.name if location else "(no location of its own)"
        lines.append(f"  {count:>8,}  {name} [{location_id or '-'}]")
    return "\n".join(lines)
