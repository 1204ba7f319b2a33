"""`escape-game saves list|show|delete|export|import`: the saved games of a story.

Each subcommand takes `--story DIR` (list, show and delete also a positional STORY_DIR,
as `play` and `check` do; the bundled story by default), loads it to learn
its id (saves are kept per story id) and works on that story's save folder. Every
`SaveError` reaches the player as one line through the program's error handling.
Data goes to stdout (`--format json` for tools); nothing here imports more than
`click` until a command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

_STORY = click.option("--story", "story_dir", metavar="DIR",
                      help="The story folder (the bundled story when left out).")
#: The story folder given positionally, as `play` and `check` take it (`--story` too).
_STORY_ARGUMENT = click.argument("story_arg", metavar="[STORY_DIR]", required=False)
_FORMAT = click.option("--format", "format_", type=click.Choice(["text", "json"]),
                       default="text", show_default=True,
                       help="Text for people, JSON for tools.")


def _store_and_story(story_dir: str | None):
    """The save folder and the loaded story for `--story`.

    Raises:
        CommandError: no story folder there; StoryError: the story has errors.
    """
    from escape_game.cli_common import story_folder
    from escape_game.loader import load_story
    from escape_game.saves import SaveStore

    loaded = load_story(story_folder(story_dir))
    return SaveStore(loaded.story.manifest.id), loaded.story


def _one_story(positional: str | None, option: str | None) -> str | None:
    """The story folder given as STORY_DIR or as --story (not both, unless the same).

    Raises:
        CommandError: two different folders were given.
    """
    if positional is not None and option is not None and positional != option:
        from escape_game.errors import CommandError

        raise CommandError(f"two story folders given: '{positional}' and --story '{option}'",
                           "give the story folder once")
    return positional if positional is not None else option


def _record(entry, story) -> dict[str, Any]:
    """An entry as a JSON-able dict."""
    record: dict[str, Any] = {"name": entry.name, "kind": entry.kind,
                              "file": str(entry.path), "damaged": entry.damaged}
    if entry.save is None:
        record["problem"] = entry.problem
        return record
    save = entry.save
    record.update(label=save.label, saved_at=save.saved_at, turn=save.turn,
                  play_time=save.play_time, title=save.title, location=save.location,
                  game=save.game, story_version=save.story.version,
                  story_unchanged=save.story.digest == story.digest)
    return record


@click.group("saves", short_help="List, show, delete, export and import saved games.")
def saves_command() -> None:
    """The saved games of a story: numbered slots (1-9), the quicksave (quick) and
    the autosaves (auto is the newest, then auto2, auto3...)."""


@saves_command.command("list", short_help="List every save, damaged ones with the reason.")
@_STORY_ARGUMENT
@_STORY
@_FORMAT
def list_saves(story_dir: str | None = None, format_: str = "text",
               story_arg: str | None = None) -> int:
    """List every save of the story (STORY_DIR or --story; the bundled story when left
    out), newest autosave first; a damaged file is listed with the reason it cannot be
    read."""
    store, story = _store_and_story(_one_story(story_arg, story_dir))
    entries = store.entries()
    if format_ == "json":
        from escape_game.cli_common import echo_json

        echo_json([_record(entry, story) for entry in entries])
    elif not entries:
        click.echo(f"no saves of '{story.manifest.id}' yet (in {store.folder})", err=True)
    for entry in entries if format_ == "text" else ():
        click.echo(entry.summary())
    return 0


@saves_command.command("show", short_help="Show one save in full.")
@click.argument("name")
@_STORY_ARGUMENT
@_STORY
@_FORMAT
def show_save(name: str, story_dir: str | None = None, format_: str = "text",
              story_arg: str | None = None) -> int:
    """Show the save NAME (1-9, quick, auto, auto2...): when, where, the state."""
    store, story = _store_and_story(_one_story(story_arg, story_dir))
    entry = store.find(name)
    if format_ == "json":
        import msgspec

        from escape_game.cli_common import echo_json

        record = _record(entry, story)
        if entry.save is not None:
            record["save"] = msgspec.to_builtins(entry.save)
        echo_json(record)
        return 0
    click.echo(entry.summary())
    click.echo(f"file: {entry.path}")
    if entry.save is None:
        return 0
    save = entry.save
    same = save.story.digest == story.digest
    click.echo(f"story: {save.story.id} version {save.story.version}"
               + ("" if same else f" (edited since: now version {story.manifest.version};"
                                  " loading replays its choices)"))
    click.echo(f"scene: {save.state.scene}; choices made: {save.turn}; seed {save.seed}")
    for variable, value in save.state.vars.items():
        click.echo(f"  {variable} = {value!r}")
    click.echo("carrying: " + (", ".join(save.state.inventory) or "nothing"))
    return 0


@saves_command.command("delete", short_help="Delete a save (damaged ones too).")
@click.argument("name")
@_STORY_ARGUMENT
@_STORY
def delete_save(name: str, story_dir: str | None = None, story_arg: str | None = None) -> int:
    """Delete the save NAME; the only way a damaged file is ever removed."""
    store, _ = _store_and_story(_one_story(story_arg, story_dir))
    entry = store.delete(name)
    click.echo(f"deleted {entry.name} ({entry.path.name})")
    return 0


@saves_command.command("export", short_help="Copy a save to a file.")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_STORY
def export_save(name: str, file: Path, story_dir: str | None = None) -> int:
    """Copy the save NAME, byte for byte, to FILE."""
    store, _ = _store_and_story(story_dir)
    entry = store.export(name, file)
    click.echo(f"exported {entry.name} to {file}")
    return 0


@saves_command.command("import", short_help="Copy a save file into a slot.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("slot", required=False)
@click.option("--force", is_flag=True, help="Replace the save already in SLOT.")
@_STORY
def import_save(file: Path, slot: str | None = None, force: bool = False,
                story_dir: str | None = None) -> int:
    """Copy the save FILE into SLOT (1-9 or quick; the first free slot when left out).
    The file must be a readable save of this story."""
    store, _ = _store_and_story(story_dir)
    entry = store.import_file(file, slot or "", replace=force)
    click.echo(f"imported {file} into {entry.name}")
    return 0
