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
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from escape_game import __version__
from escape_game.cli_common import (
    PROG,
    echo_json,
    is_terminal,
    print_diagnostics,
    story_folder,
)
from escape_game.errors import CommandError, EscapeGameError, StoryError

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
    root = story_folder(story_dir)
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
    if not (plain or plain_only) and is_terminal(sys.stdin) and is_terminal(sys.stdout):
        # The full-screen TUI loads the story itself, after its title screen has painted.
        from escape_game.tui.app import run_tui

        return run_tui(root, seed=seed, load=load)

    from escape_game.loader import load_story

    try:
        loaded = load_story(root)
    except StoryError as exc:
        if not exc.diagnostics:
            raise
        print_diagnostics(exc.diagnostics, root, sys.stderr)
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
    root = story_folder(story_dir)
    from escape_game.lint import check_story

    result = check_story(root)
    if format_ == "json":
        echo_json(result.to_dict(str(root), strict))
    else:
        print_diagnostics(result.diagnostics, root, sys.stdout)
    return 0 if result.ok(strict) else 1


def _add_commands() -> None:
    """The author's commands live in `cli_author`, `escape-game saves ...` in `cli_saves`."""
    from escape_game.cli_author import AUTHOR_COMMANDS
    from escape_game.cli_saves import saves_command

    for command in (*AUTHOR_COMMANDS, saves_command):
        main.add_command(command)


_add_commands()
