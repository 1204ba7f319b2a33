"""The author's commands: schema, new, graph, playtest, explore and stats.

Each loads the story (a story with errors is reported as `check` reports it, on stderr)
and hands it to its pure module; only the output is done here. `cli` registers them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from escape_game.cli_common import PROG, echo_json, is_terminal, story_folder


def engine_for(root: str):
    """An engine for the story in `root`: the picklable factory playtest workers call."""
    from escape_game.engine import Engine
    from escape_game.loader import load_story

    loaded = load_story(root)
    return Engine(loaded.story, loaded.program)


@click.command(short_help="Print or write the JSON Schemas for story files (for editors).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write story.schema.json and scenes.schema.json into DIR.")
@click.option("--file", "which", type=click.Choice(["story", "scenes"]),
              help="Print only the schema of story.yaml or of scene files.")
def schema(out: Path | None = None, which: str | None = None) -> int:
    """Print the JSON Schemas (draft-07, as the YAML language server reads them) for
    story.yaml and scene files, generated from the engine's own types: both, keyed by
    file name, or one with --file; with --out, write both files into DIR."""
    from escape_game.schema import SCENES_FILE, STORY_FILE, render, schemas

    found = schemas()
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, value in found.items():
            (out / name).write_text(render(value), encoding="utf-8")
            click.echo(str(out / name))
        return 0
    if which is not None:
        click.echo(render(found[STORY_FILE if which == "story" else SCENES_FILE]), nl=False)
    else:
        echo_json(found)
    return 0


@click.command(short_help="Write a small new story to start from.")
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
def new(folder: Path) -> int:
    """Write a small story that plays at once into DIR (a new or empty folder): a
    manifest, scenes with a choice, a condition, an item and endings, a README, and
    the editor schemas."""
    from escape_game.starter import create

    written = create(folder)
    for path in written:
        click.echo(str(path))
    click.echo(f"\nPlay it: {PROG} play --plain {folder}\n"
               f"Check it: {PROG} check --strict {folder}", err=True)
    return 0




FORMAT_TEXT_JSON = click.option(
    "--format", "format_", type=click.Choice(["text", "json"]), default="text",
    show_default=True, help="Text for people, JSON for editors and CI.")


@click.command(short_help="Draw the story map as Mermaid or Graphviz dot text.")
@click.argument("story_dir", required=False, metavar="[STORY_DIR]")
@click.option("--format", "format_", type=click.Choice(["mermaid", "dot"]),
              default="mermaid", show_default=True,
              help="Mermaid (Markdown viewers, mermaid.live) or Graphviz (dot -Tsvg).")
def graph(story_dir: str | None = None, format_: str = "mermaid") -> int:
    """Print the story map to stdout: scenes grouped by location and region, choices
    as labelled edges (dashed when conditional), endings and unreachable scenes
    styled apart. For example: escape-game graph --format dot | dot -Tsvg > map.svg"""
    from escape_game.graph import MERMAID_MAX_EDGES, story_graph, to_dot, to_mermaid
    from escape_game.loader import load_story

    story = load_story(story_folder(story_dir)).story
    drawn = story_graph(story)
    if format_ == "dot":
        click.echo(to_dot(story, drawn), nl=False)
        return 0
    click.echo(to_mermaid(story, drawn), nl=False)
    if len(drawn.edges) > MERMAID_MAX_EDGES:
        click.echo(f"{PROG}: warning: the map has {len(drawn.edges):,} edges; Mermaid draws "
                   f"at most {MERMAID_MAX_EDGES} unless its maxEdges setting is raised "
                   "(or use --format dot)", err=True)
    return 0


@click.command(short_help="Play a story many times at random and report what broke.")
@click.argument("story_dir", required=False, metavar="[STORY_DIR]")
@click.option("--runs", type=click.IntRange(min=1), default=1000, show_default=True,
              metavar="N", help="Playthroughs to play.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              metavar="S", help="Run i is seeded from (S, i): the same S gives the same report.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              metavar="J", help="Processes to play in (the report does not depend on it).")
@click.option("--max-steps", type=click.IntRange(min=1), default=500, show_default=True,
              metavar="N", help="Choices a playthrough may make before it is stopped.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("playtest-failures"), show_default=True, metavar="DIR",
              help="Where to write a walkthrough for each failure (only when one is found).")
@FORMAT_TEXT_JSON
def playtest(story_dir: str | None = None, runs: int = 1000, seed: int = 0, jobs: int = 1,
             max_steps: int = 500, out: Path = Path("playtest-failures"),
             format_: str = "text") -> int:
    """Play random playthroughs and report the endings reached, the scenes and choices
    never reached, and every error or dead end with the shortest route to it, written
    as a walkthrough that `play --walkthrough` replays.

    Exits 1 when any playthrough failed.
    """
    import functools

    from escape_game.engine import Engine
    from escape_game.loader import load_story
    from escape_game.playtest import format_report, walkthrough_text
    from escape_game.playtest import playtest as run_playtest

    root = story_folder(story_dir)
    loaded = load_story(root)
    engine = Engine(loaded.story, loaded.program)
    with progress_bar(runs, "playing") as progress:
        report = run_playtest(engine, runs, seed, jobs=jobs, max_steps=max_steps,
                              factory=functools.partial(engine_for, str(root)),
                              progress=progress)
    written: dict[int, str] = {}
    if report.failures:
        out.mkdir(parents=True, exist_ok=True)
        for index, failure in enumerate(report.failures):
            path = out / f"failure-{index + 1:02d}-{failure.kind}.txt"
            path.write_text(walkthrough_text(failure, str(root), str(path)), encoding="utf-8")
            written[index] = str(path)
    if format_ == "json":
        echo_json(report.to_dict(written))
    else:
        click.echo(format_report(report, loaded.story, written))
    return 0 if report.ok else 1


class progress_bar:
    """A Rich progress bar on stderr when it is a terminal; otherwise nothing.

    Used as `with progress_bar(total, what) as progress:`, where `progress(n)` reports
    n done (None comes back when there is no terminal). The bar refreshes only when
    told, so no thread runs beside worker processes being started.
    """

    def __init__(self, total: int | None, what: str) -> None:
        self.total, self.what, self.bar = total, what, None

    def __enter__(self):
        if not is_terminal(sys.stderr):
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
        from rich.progress import TimeElapsedColumn

        columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn()] if self.total else \
            [TextColumn("{task.description}: {task.completed:,} states"), TimeElapsedColumn()]
        self.bar = Progress(*columns, console=Console(stderr=True), auto_refresh=False,
                            transient=True)
        self.bar.start()
        task = self.bar.add_task(self.what, total=self.total)

        def progress(done: int) -> None:
            self.bar.update(task, completed=done, refresh=True)

        return progress

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@click.command(short_help="Search every state of a story: endings, dead ends, errors.")
@click.argument("story_dir", required=False, metavar="[STORY_DIR]")
@click.option("--max-states", type=click.IntRange(min=1), default=200_000, show_default=True,
              metavar="N", help="Stop after this many distinct states.")
@FORMAT_TEXT_JSON
def explore(story_dir: str | None = None, max_states: int = 200_000,
            format_: str = "text") -> int:
    """Search every distinct state breadth first and report each ending reachable and
    each dead end or error, with its shortest route, and whether the search completed.
    A search stopped at --max-states aims a search at each scene it missed and tries
    to prove from the story that no state can be a dead end or an error.

    Exits 0 when every ending was reached and nothing can fail (a complete search
    found nothing wrong, or a stopped one has the proof), 1 otherwise.
    """
    import time

    from escape_game.explore import explore as run_explore
    from escape_game.explore import format_exploration
    from escape_game.loader import load_story

    loaded = load_story(story_folder(story_dir))
    started = time.perf_counter()
    with progress_bar(None, "exploring") as progress:
        found = run_explore(loaded.story, loaded.program, max_states=max_states,
                            progress=progress)
    seconds = time.perf_counter() - started
    if format_ == "json":
        echo_json({**found.to_dict(), "seconds": round(seconds, 3)})
    else:
        click.echo(format_exploration(found, loaded.story))
        searched = found.states + found.directed_states
        click.echo(f"{searched / max(seconds, 1e-9):,.0f} states a second "
                   f"({searched:,} states in {seconds:.2f} s)", err=True)
    return 0 if found.ok else 1


@click.command(short_help="Count a story's words, scenes, choices and endings.")
@click.argument("story_dir", required=False, metavar="[STORY_DIR]")
@FORMAT_TEXT_JSON
def stats(story_dir: str | None = None, format_: str = "text") -> int:
    """Count words (in total, by region and by location), scenes, choices, endings,
    variables and items, the average choices per scene and the share of scenes whose
    text varies. Every alternative of varying text counts once."""
    from escape_game.loader import load_story
    from escape_game.stats import format_stats, story_stats

    loaded = load_story(story_folder(story_dir))
    counted = story_stats(loaded.story, loaded.program)
    if format_ == "json":
        echo_json(counted.to_dict())
    else:
        click.echo(format_stats(counted, loaded.story))
    return 0


AUTHOR_COMMANDS = (schema, new, graph, playtest, explore, stats)
