"""The start screen's structure check and its cache: a hit answers exactly as validating does,
and any change to what the check read (the playlist, an include, a missing include, the app)
is a miss."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from session_player.launch import start_check
from session_player.launch.start_check import (
    PlaylistCheck,
    ValidationCache,
    check_structure,
    overview_of,
    validate_structure,
)
from session_player.playlist.loader import load_playlist
from session_player.playlist.yaml_source import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted(p for p in (ROOT / "playlists").glob("*.yaml") if p.name != "library.yaml")

LIBRARY = """
kind: library
title: Shared sounds
soundscapes:
  rain: {name: Rain, layers: [{bed: audio/rain.ogg}]}
bells:
  bowl: {file: audio/bowl.ogg}
"""

PLAYLIST = """
title: Cached infusion
route: IV
include: [library.yaml]
patient:
  soundscapes: [rain]
settling:
  soundscape: rain
phases:
  - id: onset
    duration: 10m
    bells: [{at: start, bell: bowl}]
  - id: observation
    duration: 20m
    end: hold
clinical:
  vitals: [{at: pre-dose}, {at: 15m, label: Mid}]
  minimum_observation: 1h
"""


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    write(tmp_path / "library.yaml", LIBRARY)
    write(tmp_path / "session.yaml", PLAYLIST)
    return tmp_path


@pytest.fixture
def cache(tmp_path) -> ValidationCache:
    return ValidationCache(tmp_path / "cache")


def assert_same(hit: PlaylistCheck, fresh: PlaylistCheck) -> None:
    assert hit.from_cache and not fresh.from_cache
    assert hit.problems == fresh.problems
    assert [p.format() for p in hit.problems] == [p.format() for p in fresh.problems]
    assert hit.ok == fresh.ok and hit.unreadable == fresh.unreadable
    assert hit.overview == fresh.overview
    assert hit.same_answer(fresh)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_a_hit_answers_as_validating_does_for_every_bundled_playlist(path, cache):
    fresh = validate_structure(path, cache)
    hit = check_structure(path, cache)
    assert_same(hit, fresh)
    assert cache.hits == 1
    # ... and as the loader itself does.
    result = load_playlist(path, check_audio=False)
    assert hit.problems == result.problems and hit.ok == result.ok
    assert hit.overview == overview_of(result) and hit.overview is not None


def test_a_hit_answers_as_validating_does_for_a_faulty_playlist(folder, cache):
    """Errors in the file and in its library, warnings, a salvaged rest: all come back."""
    write(
        folder / "library.yaml",
        LIBRARY.replace("bells:", "voices:\n  hello: {fil: audio/hello.ogg}\nbells:"),
    )
    text = PLAYLIST.replace("duration: 10m", "duraton: 10m").replace("bell: bowl", "bell: bowel")
    path = write(folder / "session.yaml", text)
    fresh = validate_structure(path, cache)
    assert not fresh.ok and len(fresh.errors) >= 3
    assert {Path(p.path).name for p in fresh.problems} == {"session.yaml", "library.yaml"}
    hit = check_structure(path, cache)
    assert_same(hit, fresh)
    assert hit.overview is None


def test_editing_the_playlist_or_its_library_is_a_miss(folder, cache):
    path = folder / "session.yaml"
    first = check_structure(path, cache)
    assert not first.from_cache and first.ok
    assert check_structure(path, cache).from_cache

    # The library changes: the cached answer would be wrong, and is not used.
    write(folder / "library.yaml", LIBRARY.replace("bowl:", "gong:"))
    assert cache.lookup(path) is None
    changed = check_structure(path, cache)
    assert not changed.from_cache and not changed.ok
    assert any("no bell called 'bowl'" in p.message for p in changed.problems)
    assert_same(check_structure(path, cache), changed)

    # The playlist itself changes.
    write(path, PLAYLIST.replace("bell: bowl", "bell: gong").replace("20m", "25m"))
    assert cache.lookup(path) is None
    edited = check_structure(path, cache)
    assert not edited.from_cache and edited.ok
    assert edited.overview.planned_length_s == 35 * 60
    assert_same(check_structure(path, cache), edited)


def test_an_include_that_goes_or_comes_back_is_a_miss(folder, cache):
    path = folder / "session.yaml"
    assert check_structure(path, cache).ok
    (folder / "library.yaml").unlink()
    assert cache.lookup(path) is None
    missing = check_structure(path, cache)
    assert any("included file not found" in p.message for p in missing.errors)
    assert check_structure(path, cache).from_cache  # still missing: a hit
    write(folder / "library.yaml", LIBRARY)
    assert cache.lookup(path) is None
    assert check_structure(path, cache).ok


def test_a_nested_include_is_part_of_the_key(folder, cache):
    write(folder / "library.yaml", "kind: library\ntitle: Outer\ninclude: [inner.yaml]\n")
    write(folder / "inner.yaml", LIBRARY)
    path = folder / "session.yaml"
    assert check_structure(path, cache).ok
    assert check_structure(path, cache).from_cache
    write(folder / "inner.yaml", LIBRARY.replace("name: Rain", "name: Soft rain"))
    assert cache.lookup(path) is None
    assert check_structure(path, cache).overview.patient_soundscapes == ("Soft rain",)


def test_another_app_version_is_a_miss(folder, cache, tmp_path, monkeypatch):
    path = folder / "session.yaml"
    check_structure(path, cache)
    monkeypatch.setattr(start_check, "__version__", "99.0")
    assert ValidationCache(tmp_path / "cache").lookup(path) is None


def test_a_damaged_entry_is_a_miss(folder, cache):
    path = folder / "session.yaml"
    fresh = check_structure(path, cache)
    (entry,) = cache.cache_dir.glob("*.json")
    for damage in ("not json", json.dumps({"format": 1}), json.dumps([1, 2])):
        entry.write_text(damage, encoding="utf-8")
        assert cache.lookup(path) is None
        assert validate_structure(path, cache).same_answer(fresh)  # and it is written again
        assert_same(check_structure(path, cache), fresh)


def test_what_cannot_be_read_is_not_cached(tmp_path, cache):
    check = check_structure(tmp_path / "absent.yaml", cache)
    assert check.unreadable and not check.ok
    assert not cache.cache_dir.exists() or not list(cache.cache_dir.iterdir())


def test_the_cache_stays_small(folder, cache, monkeypatch):
    monkeypatch.setattr(start_check, "MAX_ENTRIES", 4)
    for number in range(10):
        path = write(folder / f"copy-{number}.yaml", PLAYLIST)
        check_structure(path, cache)
    assert len(list(cache.cache_dir.glob("*.json"))) <= 4
    assert check_structure(folder / "copy-9.yaml", cache).from_cache


def test_the_loader_records_what_it_read(folder):
    write(folder / "session.yaml", PLAYLIST.replace("[library.yaml]", "[library.yaml, gone.yaml]"))
    result = load_playlist(folder / "session.yaml", check_audio=False)
    inputs = result.inputs
    assert set(inputs) == {str(folder / n) for n in ("session.yaml", "library.yaml", "gone.yaml")}
    assert inputs[str(folder / "gone.yaml")] is None
    for name in ("session.yaml", "library.yaml"):
        assert inputs[str(folder / name)] == start_check._file_digest(str(folder / name))


def test_the_digest_reads_what_the_loader_reads():
    assert start_check.MAX_INPUT_BYTES == MAX_FILE_BYTES + 1


def test_a_hit_imports_neither_pydantic_nor_yaml(folder, cache):
    """The point of the cache: the start screen answers without the playlist model."""
    path = folder / "session.yaml"
    check_structure(path, cache)
    code = (
        "import sys\n"
        "from session_player.launch.start_check import ValidationCache, check_structure\n"
        f"check = check_structure({str(path)!r}, ValidationCache({str(cache.cache_dir)!r}))\n"
        "heavy = [m for m in ('pydantic', 'yaml', 'session_player.playlist.model') "
        "if m in sys.modules]\n"
        "print(check.from_cache, check.ok, heavy)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=os.getcwd(),
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "True True []"
