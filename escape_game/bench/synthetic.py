"""Synthetic stories for the benchmarks: the ink peer's story, written in our format.

`../shared/bench/gen_ink.py N` writes the ink side of our comparisons: N knots of about
400 characters, three conditional sticky choices with effects on six variables and a
six-item inventory, an unconditional "Wander on" choice, and about 5% of knots ending
the story. The design decision here: `generate` replays gen_ink.py's random draws in
the same order from the same seed (7), so on the same Python the two files describe
*the same story*, knot for knot: the same text, the same conditions, effects and
targets. Comparisons then measure the engines, not two different stories. `ink_source`
writes the ink text from our model, which `write_ink` uses when gen_ink.py is missing
and tests use to prove the two generators agree.

Translation from ink: `inventory ? x` becomes `has('x')`, `~ inventory += x` becomes
`gain('x')`, a knot's read count `knot_n` becomes `visits('scene_n')`, `&&`/`||`
become `and`/`or`, and `-> END` becomes an `ending:`. The "Wander on" choice stays an
ordinary unconditional choice, as in the ink (a `fallback:` would hide it whenever
another choice is open, which the ink's does not).
"""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

#: gen_ink.py's seed, vocabulary, variables and items (kept identical on purpose).
SEED = 7
WORDS = ("the a old dark forest lantern whisper river stone door book longing memory "
         "silver quiet road ash window letter candle shadow bridge north wind song").split()
VARS = ["longing", "courage", "trust", "fear", "gold", "days"]
ITEMS = ["book", "key", "lantern", "letter", "ring", "map"]

#: Scenes per YAML file.
SCENES_PER_FILE = 100


@dataclass(frozen=True)
class Condition:
    """One choice condition, in both languages.

    Attributes:
        ours: in our story language, e.g. `fear >= 4 and has('lantern')`.
        ink: as gen_ink.py writes it, e.g. `fear >= 4 && inventory ? lantern`.
    """

    ours: str
    ink: str


@dataclass(frozen=True)
class SynthChoice:
    """A conditional choice: shown when `condition` holds; adds `delta` to `var`.

    Attributes:
        condition: when it is offered.
        text: about 40 characters of words.
        var: the variable changed.
        delta: added to `var` (from -2 to 3).
        item: an item gained, or "" for none.
        target: index of the scene it leads to.
    """

    condition: Condition
    text: str
    var: str
    delta: int
    item: str
    target: int


@dataclass(frozen=True)
class SynthScene:
    """One scene (a knot in ink).

    Attributes:
        index: n in `scene_n` (ink: `knot_n`).
        text: about 400 characters of words.
        ending: whether the scene ends the story (then it has no choices).
        choices: the three conditional choices.
        wander: index of the scene "Wander on" leads to (-1 at an ending).
    """

    index: int
    text: str
    ending: bool
    choices: tuple[SynthChoice, ...]
    wander: int


def _text(rng: random.Random, n: int) -> str:
    words: list[str] = []
    while len(" ".join(words)) < n:
        words.append(rng.choice(WORDS))
    text = " ".join(words)[:n]
    return text[0].upper() + text[1:] + "."


def _condition(rng: random.Random, n: int) -> Condition:
    v, item, k = rng.choice(VARS), rng.choice(ITEMS), rng.randint(0, 6)
    form = rng.randint(0, 3)
    if form == 0:
        return Condition(f"{v} >= {k} and has('{item}')", f"{v} >= {k} && inventory ? {item}")
    if form == 1:
        return Condition(f"not has('{item}') or {v} < {k}",
                         f"not (inventory ? {item}) || {v} < {k}")
    if form == 2:
        w = rng.choice(VARS)
        return Condition(f"{v} + {w} > {k}", f"{v} + {w} > {k}")
    target = rng.randint(0, n - 1)
    return Condition(f"visits('scene_{target}') > 0 and {v} != {k}",
                     f"knot_{target} > 0 && {v} != {k}")


def generate(n: int) -> list[SynthScene]:
    """The synthetic story of `n` scenes, drawn exactly as gen_ink.py draws it.

    Args:
        n: how many scenes (at least 1).

    Returns:
        the scenes, `scene_0` (the start) first.
    """
    rng = random.Random(SEED)
    scenes = []
    for i in range(n):
        text = _text(rng, 400)
        if i > 0 and rng.random() < 0.05:
            scenes.append(SynthScene(i, text, True, (), -1))
            continue
        choices = []
        for _ in range(3):
            condition = _condition(rng, n)
            label = _text(rng, 40)
            var, delta = rng.choice(VARS), rng.randint(-2, 3)
            item = rng.choice(ITEMS) if rng.random() < 0.3 else ""
            choices.append(SynthChoice(condition, label, var, delta, item, rng.randint(0, n - 1)))
        scenes.append(SynthScene(i, text, False, tuple(choices), rng.randint(0, n - 1)))
    return scenes


# -- our format -------------------------------------------------------------------


def _block(key: str, text: str, indent: str) -> list[str]:
    """`key: |` and `text` wrapped below it, as the authoring guide writes prose."""
    body = textwrap.wrap(text, 76 - len(indent))
    return [f"{indent}{key}: |", *(f"{indent}  {line}" for line in body)]


def _effects(choice: SynthChoice) -> list[str]:
    op = f"{choice.var} -= {-choice.delta}" if choice.delta < 0 else \
        f"{choice.var} += {choice.delta}"
    if not choice.item:
        return [f"      do: {op}"]
    return ["      do: |", f"        {op}", f"        gain('{choice.item}')"]


def scene_yaml(scene: SynthScene) -> str:
    """One scene as it appears in a scene file (a mapping entry, blank line after)."""
    lines = [f"scene_{scene.index}:", f"  location: {_location(scene.index)}"]
    if scene.ending:
        lines.append(f"  ending: {{title: Ending {scene.index}}}")
    lines += _block("text", scene.text, "  ")
    if not scene.ending:
        lines.append("  choices:")
        for number, choice in enumerate(scene.choices, 1):
            lines.append(f"    - id: c{number}")
            lines += _block("text", choice.text, "      ")
            lines.append(f"      if: {choice.condition.ours}")
            lines += _effects(choice)
            lines.append(f"      goto: scene_{choice.target}")
        lines += ["    - id: wander", "      text: |", "        Wander on",
                  f"      goto: scene_{scene.wander}"]
    return "\n".join(lines) + "\n\n"


def _location(index: int) -> str:
    return f"part_{index // SCENES_PER_FILE:03d}"


def manifest_yaml(n: int) -> str:
    """The story.yaml of the `n`-scene story: its variables, items and locations."""
    parts = (n + SCENES_PER_FILE - 1) // SCENES_PER_FILE
    lines = [
        f"# A synthetic story of {n} scenes, written by escape_game.bench.synthetic.",
        f"id: synthetic-{n}",
        f"title: Synthetic {n}",
        "version: 1",
        "start: scene_0",
        "about: |",
        "  The benchmark's story, the same as gen_ink.py's ink story of this size.",
        "vars:",
        *(f"  {name}: 0" for name in VARS),
        "items:",
        *(f"  {item}: {{name: The {item}}}" for item in ITEMS),
        "regions:",
        "  synthetic: {name: Synthetic}",
        "locations:",
        *(f"  {_location(p * SCENES_PER_FILE)}: {{name: Part {p}, region: synthetic}}"
          for p in range(parts)),
    ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Written:
    """A synthetic story written to disk.

    Attributes:
        root: the story folder (holds story.yaml and scenes/).
        scenes: how many scenes.
        files: every YAML file written, the manifest first.
        size: bytes of YAML written.
    """

    root: Path
    scenes: int
    files: tuple[Path, ...]
    size: int


def write_story(n: int, root: Path) -> Written:
    """Write the `n`-scene story in our format under `root` (created if missing).

    Scenes go to `scenes/part_NNN.yaml`, a hundred to a file, each file holding one
    location.
    """
    scenes = generate(n)
    (root / "scenes").mkdir(parents=True, exist_ok=True)
    files = [root / "story.yaml"]
    files[0].write_text(manifest_yaml(n), encoding="utf-8")
    for start in range(0, n, SCENES_PER_FILE):
        path = root / "scenes" / f"{_location(start)}.yaml"
        chunk = scenes[start:start + SCENES_PER_FILE]
        header = f"# Scenes {start} to {start + len(chunk) - 1} of the synthetic story.\n\n"
        path.write_text(header + "".join(scene_yaml(s) for s in chunk), encoding="utf-8")
        files.append(path)
    return Written(root, n, tuple(files), sum(p.stat().st_size for p in files))


# -- the ink side -----------------------------------------------------------------


def ink_source(n: int) -> str:
    """The ink story gen_ink.py writes for `n` knots, made from our model."""
    out = ["LIST inventory = " + ", ".join(ITEMS), *(f"VAR {v} = 0" for v in VARS), "-> knot_0"]
    for scene in generate(n):
        out += [f"=== knot_{scene.index} ===", scene.text]
        if scene.ending:
            out.append("-> END")
            continue
        for choice in scene.choices:
            out.append(f"+ {{{choice.condition.ink}}} [{choice.text}]")
            out.append(f"    ~ {choice.var} += {choice.delta}")
            if choice.item:
                out.append(f"    ~ inventory += {choice.item}")
            out.append(f"    -> knot_{choice.target}")
        out.append(f"+ [Wander on] -> knot_{scene.wander}")
    return "\n".join(out) + "\n"


def write_ink(n: int, folder: Path, gen_ink: Path | None) -> tuple[Path, str]:
    """Write `story_N.ink` into `folder` with gen_ink.py (or our copy when it is missing).

    Args:
        n: how many knots.
        folder: where to write (gen_ink.py writes into its working folder).
        gen_ink: the peer's generator script, or None.

    Returns:
        the file, and how it was made: "gen_ink.py, the same story as ours",
        "gen_ink.py, a different draw from ours" (another Python's random module),
        or "our copy of gen_ink.py".
    """
    path = folder / f"story_{n}.ink"
    folder.mkdir(parents=True, exist_ok=True)
    if gen_ink is not None and gen_ink.is_file():
        subprocess.run([sys.executable, str(gen_ink), str(n)], cwd=folder, check=True,
                       stdout=subprocess.DEVNULL)
        same = path.read_text(encoding="utf-8") == ink_source(n)
        return path, "gen_ink.py, " + ("the same story as ours" if same
                                       else "a different draw from ours")
    path.write_text(ink_source(n), encoding="utf-8")
    return path, "our copy of gen_ink.py"
