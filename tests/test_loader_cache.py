"""The story cache: a warm load gives the same story without PyYAML, and a bad cache is
only ever ignored and rewritten."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from escape_game import cache
from escape_game.expressions import Scope
from escape_game.loader import _sources, read_story, sources_blob
from tests.support import cli_env

GOOD = Path(__file__).parent / "stories" / "good"


@pytest.fixture
def story(tmp_path: Path) -> Path:
    """A private copy of the good story, so tests can edit it."""
    root = tmp_path / "story"
    shutil.copytree(GOOD, root)
    return root


def test_a_warm_load_gives_an_equal_story_and_a_working_program(story):
    cold = read_story(story)
    assert cold.loaded is not None
    assert cache.cache_file(story).is_file()
    warm = read_story(story)
    assert warm.loaded is not None and warm.loaded is not cold.loaded
    assert warm.loaded.story == cold.loaded.story
    assert warm.diagnostics == cold.diagnostics
    program = warm.loaded.program
    assert program.names.memo  # compiled code came from the cache
    condition = program.condition("has('book') and brave")
    scope = Scope(vars={"brave": True}, inventory=["book"], visits={})
    assert condition.evaluate(scope) is True


def test_a_warm_load_imports_neither_yaml_nor_openssl(story):
    assert read_story(story).loaded is not None
    code = (
        "import json, sys\n"
        "from escape_game.loader import read_story\n"
        f"result = read_story({str(story)!r})\n"
        "print(json.dumps({'yaml': 'yaml' in sys.modules, 'loaded': result.loaded is not None,\n"
        "                  'openssl': '_hashlib' in sys.modules,\n"
        "                  'digest': result.loaded.story.digest}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=cli_env(), timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record == {"yaml": False, "loaded": True, "openssl": False,
                      "digest": read_story(story, use_cache=False).loaded.story.digest}


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "empty"])
def test_a_corrupt_cache_is_ignored_and_rewritten(story, damage):
    expected = read_story(story).loaded.story
    path = cache.cache_file(story)
    blob = path.read_bytes()
    damaged = {
        "garbage": b"\x00not a cache at all" * 10,
        "truncated": blob[: len(blob) // 2],
        "flipped": blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:],
        "empty": b"",
    }[damage]
    path.write_bytes(damaged)
    result = read_story(story)
    assert result.loaded is not None and result.loaded.story == expected
    assert path.read_bytes() == blob


def test_an_edited_story_is_read_again(story):
    assert read_story(story).loaded.story.manifest.title == "The Small Hours"
    manifest = story / "story.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace("The Small Hours", "The Long Night"),
                        "utf-8")
    assert read_story(story).loaded.story.manifest.title == "The Long Night"


def test_an_edit_that_keeps_size_and_file_times_is_read_again(story):
    manifest = story / "story.yaml"
    times = manifest.stat()
    assert read_story(story).loaded.story.manifest.title == "The Small Hours"
    manifest.write_text(manifest.read_text("utf-8").replace("The Small Hours", "The Small Houri"),
                        "utf-8")
    os.utime(manifest, ns=(times.st_atime_ns, times.st_mtime_ns))
    edited = read_story(story).loaded.story
    assert edited.manifest.title == "The Small Houri"
    assert edited.digest == read_story(story, use_cache=False).loaded.story.digest


def sources_of(story: Path) -> bytes:
    """The bytes a cache entry of `story` is checked against."""
    found, ignored = _sources(story)
    return sources_blob(story, [(str(path), path.read_bytes()) for path in found], ignored)


def test_the_digest_is_sha256_of_the_sources_warm_or_cold(story):
    expected = hashlib.sha256(sources_of(story)).hexdigest()
    assert read_story(story).loaded.story.digest == expected  # cold
    assert read_story(story).loaded.story.digest == expected  # warm


def test_a_cache_built_by_other_code_is_not_used(story, monkeypatch):
    assert read_story(story).loaded is not None
    assert cache.load(story, sources_of(story)) is not None
    before = cache.cache_file(story).read_bytes()
    monkeypatch.setattr(cache, "CACHE_FORMAT", cache.CACHE_FORMAT + 1)
    assert cache.load(story, sources_of(story)) is None
    assert read_story(story).loaded is not None
    assert cache.cache_file(story).read_bytes() != before  # rewritten under the new stamp
    assert cache.load(story, sources_of(story)) is not None


def test_a_story_with_errors_is_not_cached(story):
    (story / "scenes" / "broken.yaml").write_text("attic:\n  gotoo: kitchen\n", "utf-8")
    assert read_story(story).loaded is None
    assert not cache.cache_file(story).exists()


def test_warnings_are_kept_with_the_cache(story):
    home = story / "scenes" / "home.yaml"
    home.write_text(home.read_text("utf-8").replace("title: Breakfast",
                                                    "title: Breakfast  # the morning"), "utf-8")
    cold = read_story(story)
    assert [d.code for d in cold.diagnostics] == ["hash-cut"]
    assert read_story(story).diagnostics == cold.diagnostics


def test_an_unwritable_cache_folder_is_no_error(story, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way", "utf-8")
    monkeypatch.setenv("ESCAPE_GAME_HOME", str(blocker))
    assert read_story(story).loaded is not None
    assert read_story(story).loaded is not None


def test_the_story_root_is_as_given_on_a_warm_load(story, monkeypatch):
    monkeypatch.chdir(story.parent)
    cold = read_story("story")
    warm = read_story("story")
    assert warm.loaded.story.root == "story"
    assert warm.loaded.story.origins == cold.loaded.story.origins
    assert warm.loaded.story.origins["kitchen"].path == str(Path("story/scenes/home.yaml"))
