"""What the author wrote: the story model, frozen after loading.

These msgspec Structs are the single description of the story format. The loader
validates YAML against them, `escape-game schema` generates the JSON Schema from them,
and the cache stores them. Field names are the YAML keys (`if_` is written `if`).

What the player has done lives apart, in `state.GameState` (ink's Story/StoryState
split): nothing here changes during play.
"""

from __future__ import annotations

import re
from typing import Literal, Union

import msgspec

#: A variable's value. Numbers, booleans and strings; no lists, no nulls.
Value = Union[bool, int, float, str]

#: Every author-chosen id: scenes, choices, variables, items, locations, regions.
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")

#: Words the plain mode reads as commands, so no choice may take them as an id.
COMMAND_WORDS = frozenset(
    "undo redo restart look inventory status help quit save load saves".split()
)

#: The id of the one choice a scene with `next:` offers.
CONTINUE_ID = "continue"

#: The `goto` target that returns to the scene the player came from.
BACK = "back"

_STRUCT = dict(frozen=True, forbid_unknown_fields=True, omit_defaults=True)


class Ending(msgspec.Struct, **_STRUCT):
    """Marks a scene as an ending.

    Attributes:
        title: the ending's name, shown on the ending screen and counted in the profile.
    """

    title: str


class Choice(msgspec.Struct, **_STRUCT):
    """A transition out of a scene.

    Attributes:
        id: stable id, unique within the scene; saves and walkthroughs refer to it.
        text: what the player reads; may hold inline text expressions. May be empty
            only for a fallback, which is then taken at once (as in ink).
        if_: condition (written `if`); the choice is hidden while it is false.
        locked_if: condition; while true the choice is shown but cannot be taken.
        reason: why a locked choice is locked, in the story's words.
        once: once-only when true; sticky (offered again) by default.
        fallback: offered only when no other choice can be taken.
        do: effects, run when the choice is taken, before moving.
        goto: target scene id, or `back` for the scene the player came from.
    """

    id: str
    goto: str
    text: str = ""
    if_: Union[str, None] = msgspec.field(default=None, name="if")
    locked_if: Union[str, None] = None
    reason: str = ""
    once: bool = False
    fallback: bool = False
    do: str = ""


class Scene(msgspec.Struct, **_STRUCT):
    """A state of the story: one place, one moment, and the ways out of it.

    Exactly one of `choices`, `next` and `ending` says how the scene is left.

    Attributes:
        location: id of a location declared in the manifest; empty for a scene
            that happens wherever the player came from (reading the phone, say).
        text: the passage, Markdown with inline text expressions.
        title: a short heading; defaults to the location's name when shown.
        on_enter: effects run every time the scene is entered, before its text shows.
        choices: the scene's own choices, in the order shown.
        next: a scene to move on to, offered as the single choice `continue`.
        ending: present on ending scenes.
    """

    location: str = ""
    text: str = ""
    title: str = ""
    on_enter: str = ""
    choices: tuple[Choice, ...] = ()
    next: Union[str, None] = None
    ending: Union[Ending, None] = None


class Variable(msgspec.Struct, **_STRUCT):
    """A declared story variable.

    Attributes:
        value: initial value; its type is the variable's type for the whole story.
        min: lower bound for a number; assignments are clamped to it.
        max: upper bound for a number; assignments are clamped to it.
        label: the name shown to the player; empty for a hidden variable.
        show: whether the status panel shows it (a meter when it has min and max).
        format: how a number is shown: "money" (pence as £), "euros" (cents as €),
            "clock" (minutes after midnight as 07:30), or "" as it is.
    """

    value: Value
    min: Union[int, float, None] = None
    max: Union[int, float, None] = None
    label: str = ""
    show: bool = False
    format: Literal["", "money", "euros", "clock"] = ""


class Item(msgspec.Struct, **_STRUCT):
    """Something the player can carry.

    Attributes:
        name: shown in the inventory and in notifications.
        description: shown when the player looks at the item.
    """

    name: str
    description: str = ""


class Location(msgspec.Struct, **_STRUCT):
    """A room: a place scenes happen in.

    Attributes:
        name: shown in the header, e.g. "Home, Gravesend".
        region: id of a region declared in the manifest.
        description: a line about the place, for `look` and the journey map.
        choices: choices offered in every scene at this location.
    """

    name: str
    region: str
    description: str = ""
    choices: tuple[Choice, ...] = ()


class Region(msgspec.Struct, **_STRUCT):
    """A part of the world, named on the journey map (Kent, London, Paris...)."""

    name: str


class Status(msgspec.Struct, **_STRUCT):
    """Which variables the header shows as the day and the time of day.

    Attributes:
        day: a numeric variable counting days, or "" for none.
        time: a numeric variable in minutes after midnight, or "" for none.
    """

    day: str = ""
    time: str = ""


class Renamed(msgspec.Struct, **_STRUCT):
    """Old id -> new id, so saves made before a rename still load.

    Choice keys are `scene.choice` (or a bare choice id for every scene).
    """

    scenes: dict[str, str] = {}
    choices: dict[str, str] = {}
    vars: dict[str, str] = {}
    items: dict[str, str] = {}


class Manifest(msgspec.Struct, **_STRUCT):
    """`story.yaml`: everything about a story except its scenes.

    Attributes:
        id: the story's id; saves are kept per story id.
        title: shown on the title screen.
        version: a number the author bumps when scenes change; saves record it.
        start: id of the first scene.
        about: shown on the About screen.
        author: who wrote it.
        status: which variables the header shows as day and time.
        vars: every variable, declared with its initial value (or the full form).
        items: every item.
        locations: every location.
        regions: every region.
        choices: choices offered in every scene of the story (reading the phone, say).
        renamed: old ids, for saves made before a rename.
    """

    id: str
    title: str
    start: str
    version: int = 1
    about: str = ""
    author: str = ""
    status: Status = Status()
    vars: dict[str, Union[Variable, bool, int, float, str]] = {}
    items: dict[str, Item] = {}
    locations: dict[str, Location] = {}
    regions: dict[str, Region] = {}
    choices: tuple[Choice, ...] = ()
    renamed: Renamed = Renamed()

    def variable(self, name: str) -> Variable:
        """The declaration of `name` in full form (a bare value becomes `Variable`).

        Raises:
            KeyError: when `name` is not declared.
        """
        declared = self.vars[name]
        return declared if isinstance(declared, Variable) else Variable(value=declared)


class Origin(msgspec.Struct, frozen=True, array_like=True):
    """Where something was written: a file and a 1-based line and column."""

    path: str
    line: int
    col: int = 1


class Story(msgspec.Struct, frozen=True):
    """A whole loaded story: the manifest, every scene, and where each was written.

    Attributes:
        manifest: the parsed `story.yaml`.
        scenes: scene id -> scene, in the order the files define them.
        origins: where each scene and choice was written, keyed `scene` and
            `scene.choice`; used to locate errors met during play.
        digest: a hash of every source file's content; saves record it.
        root: the story folder, as given.
    """

    manifest: Manifest
    scenes: dict[str, Scene]
    origins: dict[str, Origin]
    digest: str
    root: str = ""

    def origin(self, scene: str, choice: str = "") -> Origin | None:
        """Where `scene` (or its choice `choice`) was written, if known."""
        return self.origins.get(f"{scene}.{choice}" if choice else scene)
