"""What the TUI's screens show, built from the session: plain functions from values.

Place lines are Rich `Text` (never markup); the journal, inventory, help and About
pages are Markdown strings, which never read terminal markup either, so `[brackets]`
in a story show as written. Kept apart from the screens so they are easy to test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from escape_game.engine import ChoiceView, Step
from escape_game.errors import EscapeGameError
from escape_game.expressions import day_and_time
from escape_game.model import Manifest, Story
from escape_game.session import Session, Turn
from escape_game.state import GameState
from escape_game.tui.prose import collapse_spaces

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen


def one_line(text: str) -> str:
    """`text` with its whitespace (newlines from YAML blocks too) made single spaces."""
    return " ".join(text.split())


def md_escape(text: str) -> str:
    """`text` safe inside Markdown: the characters Markdown would read are escaped."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def when(state: GameState, manifest: Manifest) -> str:
    """The day and time the manifest's `status` names, e.g. "Day 1 · 07:00"."""
    status = manifest.status
    return " · ".join(day_and_time(state.vars, status.day, status.time))


def place_line(step: Step, state: GameState, manifest: Manifest) -> Text:
    """The header: location · region — scene title, then the day and time."""
    passage = step.passages[-1]
    location = manifest.locations.get(passage.location)
    line = Text()
    if location is not None:
        line.append(one_line(location.name), style="bold")
        region = manifest.regions.get(location.region)
        if region is not None:
            line.append(f" · {one_line(region.name)}")
    title = one_line(passage.title)
    if title and (location is None or title != one_line(location.name)):
        line.append(" — " if line else "")
        line.append(title, style="italic")
    clock_text = when(state, manifest)
    if clock_text:
        line.append("   ")
        line.append(clock_text, style="bold")
    return line


def replayed_turns(session: Session) -> list[Turn]:
    """The turns of a loaded game before the load, rebuilt by replaying its log.

    A game resumed from a save holds only the steps since the load; the journal and the
    journey map want the whole game, so the log before `session.base` is replayed on
    the engine (pure, fast). A log that no longer replays gives what did.
    """
    if session.base == 0:
        return []
    engine, start = session.engine, session.start
    turns: list[Turn] = []
    try:
        step = engine.start(start.seed, start.scene, start.variables)
        for choice_id in session.log[:session.base]:
            chosen = next((c for c in step.choices if c.id == choice_id), None)
            turns.append(Turn(step, chosen))
            step = engine.choose(step.state, choice_id)
    except EscapeGameError:
        pass
    return turns


def story_error_place(session: Session, choice: ChoiceView) -> str:
    """Where a story error was met: the scene, its file and line, and the choice taken."""
    story = session.engine.story
    scene = session.state.scene
    origin = story.origin(scene, choice.id) or story.origin(scene)
    where = f"{origin.path}:{origin.line}" if origin else ""
    text = f"In scene '{scene}'" + (f" ({where})" if where else "")
    return text + f", taking the choice '{choice.id}' (“{one_line(choice.text)}”)."


def journal_markdown(session: Session, before: list[Turn] = ()) -> str:
    """Every passage read and choice made this game, with the location of each."""
    manifest = session.engine.story.manifest
    parts = []
    for turn in [*before, *session.journal()]:
        for passage in turn.step.passages:
            location = manifest.locations.get(passage.location)
            where = one_line(location.name) if location else ""
            title = one_line(passage.title)
            heading = " — ".join(dict.fromkeys(x for x in (where, title) if x))
            parts.append(f"### {md_escape(heading or passage.scene)}\n\n"
                         f"{collapse_spaces(passage.text.strip())}")
        if turn.chosen is not None:
            parts.append(f"> **You chose:** {md_escape(one_line(turn.chosen.text))}")
    return "\n\n".join(parts)


def inventory_markdown(session: Session) -> str:
    """Each item held, with its description."""
    items = session.engine.story.manifest.items
    if not session.state.inventory:
        return "You carry nothing of note."
    lines = []
    for item_id in session.state.inventory:
        item = items.get(item_id)
        name = md_escape(one_line(item.name)) if item else md_escape(item_id)
        description = md_escape(one_line(item.description)) if item else ""
        lines.append(f"- **{name}**" + (f": {description}" if description else ""))
    return "\n".join(lines)


#: Keys the bindings table cannot show: what they do, in the player's words.
EXTRA_KEYS = [
    ("1–9, 0", "take that choice (0 is the tenth)"),
    ("↑ ↓ then Enter, or a click", "take the highlighted choice"),
    ("PgUp, PgDn, Space", "scroll the passage"),
    ("Tab", "move between the passage and the choices (then ↑ ↓ scroll the passage)"),
]


def help_markdown(app: App, screen: Screen) -> str:
    """Every key of the game screen and the app, and every command of the palette."""
    rows = ["## Keys", "", "| key | what it does |", "|---|---|"]
    rows += [f"| {key} | {what} |" for key, what in EXTRA_KEYS]
    seen = set()
    # Every key with a description, shown in the key bar or not (the key bar has room for
    # only some); the choice and scroll keys are told above, in the player's words.
    shown = [b for b in screen.BINDINGS if b.description and not
             b.action.startswith(("pick(", "scroll_passage("))] + list(app.BINDINGS)
    for binding in shown:
        if binding.action in seen:
            continue
        seen.add(binding.action)
        keys = ", ".join(_key_name(key) for key in binding.key.split(","))
        what = binding.description
        if binding.tooltip:
            what += f": {binding.tooltip[:1].lower()}{binding.tooltip[1:]}"
        rows.append(f"| {keys} | {what} |")
    rows.append("| Ctrl+P | the command palette |")
    rows += ["", "## Commands (Ctrl+P)", "", "| command | what it does |", "|---|---|"]
    for command in app.get_system_commands(screen):
        rows.append(f"| {command.title} | {command.help} |")
    return "\n".join(rows)


def _key_name(key: str) -> str:
    names = {"question_mark": "?", "ctrl+q": "Ctrl+Q"}
    if key in names:
        return names[key]
    return key.upper() if key.startswith("f") and key[1:].isdigit() else key


def about_markdown(story: Story | None) -> str:
    """The About page: the story's title, author, version and its `about` text."""
    if story is None:
        return "The story is still loading."
    manifest = story.manifest
    lines = [f"## {md_escape(one_line(manifest.title))}", ""]
    byline = [f"by {md_escape(one_line(manifest.author))}"] if manifest.author else []
    byline.append(f"version {manifest.version}")
    lines += [", ".join(byline), "", manifest.about.strip() or "No about text."]
    scenes = len(story.scenes)
    endings = sum(1 for scene in story.scenes.values() if scene.ending is not None)
    lines += ["", f"{scenes} scenes, {endings} endings."]
    return "\n".join(lines)
