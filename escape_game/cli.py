"""The `escape-game` command: play a story, or check one.

The CLI is the outermost layer: it turns arguments into calls on the loader and a
front end, and every `EscapeGameError` into one clear line on stderr and an exit code,
never a traceback. Wrong usage (an unknown option, a missing story folder) is reported
the same way, as one line, with click's own multi-line usage block folded into it.

Start-up time is the design constraint here: this module imports only `click` and
`escape_game.errors` at the top, and each command imports what it needs when it runs,
so `escape-game play --plain` never imports `textual`.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

import click

from escape_game import __version__
from escape_game.errors import CommandError, Diagnostic, EscapeGameError, StoryError

PROG = "escape-game"
"""The program name used in messages, however the program was started."""

_STORY_HINT = "give the folder that holds story.yaml"
_INTERRUPTED = 130  # the shell's code for a process ended by Ctrl+C


def _error_line(message: str) -> None:
    """Write one `escape-game: error: ...` line to stderr."""
    text = " ".join(str(message).split())  # one line, whatever the message held
    click.echo(f"{PROG}: error: {text}", err=True)


class _Program(click.Group):
    """The command group, with its errors reported as one line each.

    Click's standalone mode prints a usage block and a separate "Error:" line; here
    click runs in non-standalone mode and this method reports every error itself.
    """

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        """Run the program and return, or exit with, its exit code.

        Args:
            args: the arguments, without the program name; `sys.argv[1:]` when None.
            prog_name: the name shown in usage text; `escape-game` when None.
            complete_var: click's shell-completion variable.
            standalone_mode: exit the process with the code (True), or return it.
            **extra: passed on to click's context.

        Returns:
            the exit code, when `standalone_mode` is False.
        """
        code = self._run(args, prog_name or PROG, complete_var, extra)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(
        self,
        args: Sequence[str] | None,
        prog_name: str,
        complete_var: str | None,
        extra: dict[str, Any],
    ) -> int:
        try:
            result = super().main(
                args, prog_name, complete_var, standalone_mode=False, **extra
            )
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else prog_name
            message = exc.format_message().rstrip(".")
            _error_line(f"{message} (try '{where} --help')")
            return exc.exit_code
        except click.ClickException as exc:
            _error_line(exc.format_message())
            return exc.exit_code
        except click.Abort:
            return _INTERRUPTED  # Ctrl+C; click has already ended the echoed line
        except StoryError as exc:
            for diagnostic in exc.diagnostics:
                click.echo(diagnostic.format(), err=True)
            _error_line(str(exc))
            return exc.exit_code
        except EscapeGameError as exc:
            _error_line(str(exc))
            return exc.exit_code
        except OSError as exc:
            # A file the user named could not be read or written (a transcript in a
            # folder that does not exist, say): the user's to fix, so no traceback.
            if exc.filename is None:
                raise
            _error_line(f"{exc.strerror or exc}: '{exc.filename}'")
            return 1
        return result if isinstance(result, int) else 0


@click.group(
    cls=_Program,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s")
@click.pass_context
def main(ctx: click.Context) -> int:
    """The Escape: a text adventure in the terminal.

    With no command, plays the story that ships with the game.
    """
    if ctx.invoked_subcommand is not None:
        return 0
    return ctx.invoke(play)


@main.command(short_help="Play a story (the bundled one when STORY_DIR is left out).")
@click.argument("story_dir", required=False, metavar="[STORY_DIR]")
@click.option(
    "--plain",
    is_flag=True,
    help="Plain text for screen readers, pipes and scripts (chosen on its own when "
    "stdin or stdout is not a terminal).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    metavar="N",
    help="Seed for every random outcome, so a game can be repeated exactly.",
)
@click.option(
    "--walkthrough",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Play a recorded route: one choice id a line, '#' comments, 'seed N' and "
    "'expect <expression>' lines.",
)
@click.option(
    "--transcript",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write what was shown and chosen to FILE, as Markdown.",
)
@click.option(
    "--continue",
    "continue_",
    is_flag=True,
    help="Play on from the newest autosave (games are saved after every choice).",
)
@click.option(
    "--load",
    metavar="SLOT",
    help="Play on from a save: 1-9, quick, or auto (see 'escape-game saves list').",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Reload the story whenever its files change, keeping your place (plain mode).",
)
@click.option(
    "--from",
    "from_scene",
    metavar="SCENE",
    help="Start at SCENE instead of the story's start (to test a scene).",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Start with a variable set, e.g. --set longing=5 --set met=true (repeatable).",
)
def play(
    story_dir: str | None = None,
    plain: bool = False,
    seed: int | None = None,
    walkthrough: Path | None = None,
    transcript: Path | None = None,
    continue_: bool = False,
    load: str | None = None,
    watch: bool = False,
    from_scene: str | None = None,
    settings: tuple[str, ...] = (),
) -> int:
    """Play a story (STORY_DIR: the folder holding story.yaml; the bundled story when
    left out)."""
    root = _story_folder(story_dir)
    if continue_ and load is not None:
        raise CommandError("--continue and --load both name a save", "give one of them")
    if continue_:
        load = "auto"
    if load is not None and (walkthrough is not None or seed is not None):
        raise CommandError("a loaded game keeps its own seed and choices",
                           "leave out --seed and --walkthrough with --continue or --load")
    if load is not None and (from_scene or settings):
        raise CommandError("a loaded game keeps its own start",
                           "leave out --from and --set with --continue or --load")
    if watch and (load is not None or walkthrough is not None):
        raise CommandError("--watch starts a new game",
                           "leave out --continue, --load and --walkthrough with --watch")
    if transcript is not None and not transcript.parent.is_dir():
        # Found now, not after a whole game has been played.
        raise CommandError(
            f"no folder '{transcript.parent}' for the transcript",
            "create the folder, or give another path to --transcript",
        )
    plain_only = walkthrough or transcript or watch or from_scene or settings
    if not (plain or plain_only) and _is_terminal(sys.stdin) and _is_terminal(sys.stdout):
        # The full-screen TUI loads the story itself, after its title screen has painted.
        from escape_game.tui.app import run_tui

        return run_tui(root, seed=seed, load=load)

    from escape_game.loader import load_story

    try:
        loaded = load_story(root)
    except StoryError as exc:
        if not exc.diagnostics:
            raise
        _print_diagnostics(exc.diagnostics, root, sys.stderr)
        return exc.exit_code

    from escape_game.playfrom import start_scene, start_values

    scene = start_scene(loaded.story, from_scene)
    variables = start_values(loaded.story, settings)
    # A closed stdin (`escape-game <&-`) is no input at all; Python makes it None.
    stdin = sys.stdin if sys.stdin is not None else io.StringIO()
    if watch:
        from escape_game.watch import play_watching

        return play_watching(root, loaded, seed=seed, scene=scene, variables=variables,
                             stdin=stdin, stdout=sys.stdout, transcript=transcript)

    from escape_game.linemode import run

    return run(
        loaded,
        seed=seed,
        walkthrough=walkthrough,
        transcript=transcript,
        stdin=stdin,
        stdout=sys.stdout,
        load=load,
        scene=scene,
        variables=variables,
    )


@main.command(short_help="Check a story and list every problem with file:line:col.")
@click.argument("story_dir", required=False, metavar="[STORY_DIR]")
@click.option("--strict", is_flag=True, help="Fail on warnings too (for CI).")
@click.option("--format", "format_", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Text for people, JSON for editors and CI.")
def check(story_dir: str | None = None, strict: bool = False, format_: str = "text") -> int:
    """Check a story and list every problem as file:line:col (STORY_DIR: the folder
    holding story.yaml; the bundled story when left out): the loader's errors, then
    static checks (unreachable scenes and endings, dead ends, cycles of automatic
    moves, conditions that are never true, unused declarations, renames that point
    nowhere). The guide lists every code.

    Exits 1 when there are errors (with --strict, warnings too), else 0.
    """
    root = _story_folder(story_dir)
    from escape_game.lint import check_story

    result = check_story(root)
    if format_ == "json":
        _echo_json(result.to_dict(str(root), strict))
    else:
        _print_diagnostics(result.diagnostics, root, sys.stdout)
    return 0 if result.ok(strict) else 1


@main.command(short_help="Print or write the JSON Schemas for story files (for editors).")
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
        _echo_json(found)
    return 0


@main.command(short_help="Write a small new story to start from.")
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


def _story_folder(given: str | None) -> Path:
    """The story folder to use, checked.

    Args:
        given: the STORY_DIR argument, or None for the bundled story. A path to a
            `story.yaml` file is taken to mean the folder holding it.

    Returns:
        the folder as the loader should be given it: relative paths stay relative, so
        diagnostics name files as the user would.

    Raises:
        CommandError: the folder does not exist, is a file, or has no story.yaml.
    """
    if given is None:
        from escape_game.paths import bundled_story

        root = _relative_if_below_cwd(bundled_story())
    else:
        root = Path(given)
        if root.name == "story.yaml" and root.is_file():
            root = root.parent
    shown = given if given is not None and root == Path(given) else str(root)
    if not root.exists():
        raise CommandError(f"no story folder at '{shown}'", _STORY_HINT)
    if not root.is_dir():
        raise CommandError(f"'{shown}' is a file, not a story folder", _STORY_HINT)
    if not (root / "story.yaml").is_file():
        raise CommandError(f"no story.yaml in '{shown}'", _STORY_HINT)
    return root


def _relative_if_below_cwd(path: Path) -> Path:
    """`path` relative to the working folder when it lies below it, else as it is."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _print_diagnostics(diagnostics: Iterable[Diagnostic], root: Path, out: TextIO) -> int:
    """Print each diagnostic and a summary line such as "2 errors, 1 warning in story/".

    Returns:
        the number of errors among them.
    """
    counts = {"error": 0, "warning": 0}
    for diagnostic in diagnostics:
        click.echo(diagnostic.format(), file=out)
        if diagnostic.severity in counts:
            counts[diagnostic.severity] += 1
    summary = ", ".join(_count(n, word) for word, n in counts.items())
    click.echo(f"{summary} in {os.path.join(root, '')}", file=out)
    return counts["error"]


def _count(number: int, word: str) -> str:
    """"1 error", "2 errors"."""
    return f"{number} {word}{'' if number == 1 else 's'}"


# -- authoring tools: graph, playtest, explore, stats ------------------------------------
# Each loads the story (a story with errors is reported as `check` reports it, on
# stderr) and hands it to its pure module; only the output is done here.


def _engine_for(root: str):
    """An engine for the story in `root`: the picklable factory playtest workers call."""
    from escape_game.engine import Engine
    from escape_game.loader import load_story

    loaded = load_story(root)
    return Engine(loaded.story, loaded.program)


def _echo_json(data: Any) -> None:
    import json

    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


_FORMAT_TEXT_JSON = click.option(
    "--format", "format_", type=click.Choice(["text", "json"]), default="text",
    show_default=True, help="Text for people, JSON for editors and CI.")


@main.command(short_help="Draw the story map as Mermaid or Graphviz dot text.")
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

    story = load_story(_story_folder(story_dir)).story
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


@main.command(short_help="Play a story many times at random and report what broke.")
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
@_FORMAT_TEXT_JSON
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

    root = _story_folder(story_dir)
    loaded = load_story(root)
    engine = Engine(loaded.story, loaded.program)
    with _progress_bar(runs, "playing") as progress:
        report = run_playtest(engine, runs, seed, jobs=jobs, max_steps=max_steps,
                              factory=functools.partial(_engine_for, str(root)),
                              progress=progress)
    written: dict[int, str] = {}
    if report.failures:
        out.mkdir(parents=True, exist_ok=True)
        for index, failure in enumerate(report.failures):
            path = out / f"failure-{index + 1:02d}-{failure.kind}.txt"
            path.write_text(walkthrough_text(failure, str(root), str(path)), encoding="utf-8")
            written[index] = str(path)
    if format_ == "json":
        _echo_json(report.to_dict(written))
    else:
        click.echo(format_report(report, loaded.story, written))
    return 0 if report.ok else 1


class _progress_bar:
    """A Rich progress bar on stderr when it is a terminal; otherwise nothing.

    Used as `with _progress_bar(total, what) as progress:`, where `progress(n)` reports
    n done (None comes back when there is no terminal). The bar refreshes only when
    told, so no thread runs beside worker processes being started.
    """

    def __init__(self, total: int | None, what: str) -> None:
        self.total, self.what, self.bar = total, what, None

    def __enter__(self):
        if not _is_terminal(sys.stderr):
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


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@main.command(short_help="Search every state of a story: endings, dead ends, errors.")
@click.argument("story_dir", required=False, metavar="[STORY_DIR]")
@click.option("--max-states", type=click.IntRange(min=1), default=200_000, show_default=True,
              metavar="N", help="Stop after this many distinct states.")
@_FORMAT_TEXT_JSON
def explore(story_dir: str | None = None, max_states: int = 200_000,
            format_: str = "text") -> int:
    """Search every distinct state breadth first and report each ending reachable and
    each dead end or error, with its shortest route, and whether the search completed.

    Exits 0 when the search completed and found every ending reachable and nothing
    wrong, 1 otherwise.
    """
    import time

    from escape_game.explore import explore as run_explore
    from escape_game.explore import format_exploration
    from escape_game.loader import load_story

    loaded = load_story(_story_folder(story_dir))
    started = time.perf_counter()
    with _progress_bar(None, "exploring") as progress:
        found = run_explore(loaded.story, loaded.program, max_states=max_states,
                            progress=progress)
    seconds = time.perf_counter() - started
    if format_ == "json":
        _echo_json({**found.to_dict(), "seconds": round(seconds, 3)})
    else:
        click.echo(format_exploration(found, loaded.story))
        click.echo(f"{found.states / max(seconds, 1e-9):,.0f} states a second "
                   f"({seconds:.2f} s)", err=True)
    return 0 if found.ok else 1


@main.command(short_help="Count a story's words, scenes, choices and endings.")
@click.argument("story_dir", required=False, metavar="[STORY_DIR]")
@_FORMAT_TEXT_JSON
def stats(story_dir: str | None = None, format_: str = "text") -> int:
    """Count words (in total, by region and by location), scenes, choices, endings,
    variables and items, the average choices per scene and the share of scenes whose
    text varies. Every alternative of varying text counts once."""
    from escape_game.loader import load_story
    from escape_game.stats import format_stats, story_stats

    loaded = load_story(_story_folder(story_dir))
    counted = story_stats(loaded.story, loaded.program)
    if format_ == "json":
        _echo_json(counted.to_dict())
    else:
        click.echo(format_stats(counted, loaded.story))
    return 0


def _add_saves_command() -> None:
    """`escape-game saves ...` lives in `cli_saves` (it imports only click at first)."""
    from escape_game.cli_saves import saves_command

    main.add_command(saves_command)


_add_saves_command()
