"""`play --from SCENE --set name=value`: start a game anywhere, with chosen values.

For testing a scene without playing up to it. Each `--set` value is read by the
variable's declared type (the type of its initial value): `true`/`false` for a flag,
a plain decimal for a number, and anything for text. A number outside the variable's
min and max is refused rather than clamped as an effect would clamp it: a test that
quietly started from another value than the one asked for would mislead. Every mistake
is a `CommandError` naming the fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from escape_game.errors import CommandError, did_you_mean
from escape_game.model import Story, Value

_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\Z")


def start_scene(story: Story, scene: str | None) -> str:
    """The scene to start at: "" for the story's own start.

    Raises:
        CommandError: no scene has that id (with a did-you-mean).
    """
    if not scene:
        return ""
    if scene not in story.scenes:
        hint = did_you_mean(scene, story.scenes) or "give the id of a scene in the story"
        raise CommandError(f"--from: there is no scene '{scene}'", hint)
    return scene


def start_values(story: Story, settings: Iterable[str]) -> dict[str, Value]:
    """The variables `--set name=value` gives, each read by its declared type.

    Raises:
        CommandError: no `=`, an unknown variable (with a did-you-mean), a value of the
            wrong type, or a number outside the variable's bounds.
    """
    values: dict[str, Value] = {}
    declared_vars = story.manifest.vars
    for setting in settings:
        name, equals, text = setting.partition("=")
        name = name.strip()
        if not equals or not name:
            raise CommandError(f"--set '{setting}' is not name=value",
                               "write it as --set longing=3 or --set met=true")
        if name not in declared_vars:
            hint = did_you_mean(name, declared_vars) or "declare it under vars: in story.yaml"
            raise CommandError(f"--set: there is no variable '{name}'", hint)
        values[name] = parse_value(story, name, text)
    return values


def parse_value(story: Story, name: str, text: str) -> Value:
    """`text` as a value of the declared variable `name`.

    Raises:
        CommandError: the text does not fit the variable's type or bounds.
    """
    declared = story.manifest.variable(name)
    initial = declared.value
    if isinstance(initial, bool):
        if text not in ("true", "false"):
            raise CommandError(f"--set {name}: '{text}' is not true or false",
                               f"'{name}' is a true/false variable: write {name}=true "
                               f"or {name}=false")
        return text == "true"
    if isinstance(initial, str):
        return text
    if not _NUMBER.match(text.strip()):
        raise CommandError(f"--set {name}: '{text}' is not a number",
                           f"'{name}' holds a number: write it like {name}=3 or {name}=2.5")
    number = float(text)
    value: Value = int(number) if number.is_integer() and "." not in text \
        and "e" not in text.lower() else number
    low, high = declared.min, declared.max
    if (low is not None and value < low) or (high is not None and value > high):
        shown = (f"at least {low}" if high is None else f"at most {high}" if low is None
                 else f"{low} to {high}")
        raise CommandError(f"--set {name}: {text} is outside its range ({shown})",
                           "give a value within the variable's min and max")
    return value
