"""Import rules that keep start-up fast: outside `tui/`, nothing imports `textual`.

Each check runs in a fresh interpreter, since this test process has imported
everything already.
"""

from __future__ import annotations

import subprocess
import sys

from tests.support import cli_env

ENGINE_MODULES = (
    "escape_game.cli",
    "escape_game.loader",
    "escape_game.engine",
    "escape_game.linemode",
)


def imported_after(code: str, *, stdin: str = "") -> set[str]:
    """The top-level packages a fresh interpreter has imported after running `code`."""
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write(\n"
        "    '\\nMODULES ' + ' '.join(sorted({m.split('.')[0] for m in sys.modules})) + '\\n'))\n"
        + code
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        input=stdin,
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("MODULES ")]
    assert lines, result.stderr
    return set(lines[-1].split()[1:])


def test_engine_loader_and_cli_do_not_import_textual() -> None:
    modules = imported_after(f"import {', '.join(ENGINE_MODULES)}")
    assert "escape_game" in modules
    assert "textual" not in modules


def test_the_cli_module_imports_only_what_every_command_needs() -> None:
    modules = imported_after("import escape_game.cli")
    assert not modules & {"textual", "yaml", "rich", "platformdirs"}


def test_help_imports_no_story_machinery() -> None:
    modules = imported_after("from escape_game.cli import main\nmain(['--help'])")
    assert not modules & {"textual", "yaml", "rich"}


def test_plain_play_with_a_warm_cache_imports_neither_textual_nor_yaml() -> None:
    play = "from escape_game.cli import main\nmain(['play', '--plain'])"
    imported_after(play)  # the first run fills the story cache
    modules = imported_after(play)
    assert "textual" not in modules
    assert "yaml" not in modules
