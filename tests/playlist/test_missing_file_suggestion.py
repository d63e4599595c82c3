"""A missing audio file gets a "did you mean" naming the file beside it, at the reference's
line and column (issue 10/22: slow-tides.ogg beside slow-tide.ogg)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from session_player.playlist.loader import load_playlist

DEMO_TRACK = Path(__file__).resolve().parents[2] / "assets" / "audio" / "music" / "slow-tide.ogg"


def _playlist(folder: Path, item: str) -> Path:
    path = folder / "playlists" / "p.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f"""
    title: Typo
    route: IV
    phases:
      - id: onset
        duration: 12m
        music:
          items: [{item}]
          loop: true
    """
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def _messages(path: Path) -> list[str]:
    return [p.format().split(":", 1)[1] for p in load_playlist(path).problems]


def _library(tmp_path: Path) -> None:
    music = tmp_path / "audio" / "music"
    music.mkdir(parents=True)
    shutil.copy(DEMO_TRACK, music / "slow-tide.ogg")
    shutil.copy(DEMO_TRACK, music / "evening-light.ogg")


def test_a_typo_in_the_file_name_suggests_the_file_beside_it(tmp_path):
    _library(tmp_path)
    path = _playlist(tmp_path, "../audio/music/slow-tides.ogg")
    assert _messages(path) == [
        "7:15: error: music file ../audio/music/slow-tides.ogg: file not found; "
        "did you mean '../audio/music/slow-tide.ogg'?"
    ]


def test_a_typo_in_a_folder_name_is_found_too(tmp_path):
    _library(tmp_path)
    path = _playlist(tmp_path, "../audio/musik/slow-tide.ogg")
    (message,) = _messages(path)
    assert message.endswith("file not found; did you mean '../audio/music/slow-tide.ogg'?")


def test_nothing_close_gets_no_guess(tmp_path):
    _library(tmp_path)
    path = _playlist(tmp_path, "../audio/music/thunderstorm.ogg")
    (message,) = _messages(path)
    assert message.endswith("music file ../audio/music/thunderstorm.ogg: file not found")


def test_a_typo_in_an_included_file_suggests_the_library_beside_it(tmp_path):
    folder = tmp_path / "playlists"
    folder.mkdir()
    (folder / "library.yaml").write_text("kind: library\nbells: {}\n", encoding="utf-8")
    path = folder / "p.yaml"
    path.write_text(
        "title: Typo\nroute: IV\ninclude: [libary.yaml]\nphases:\n  - id: onset\n"
        "    duration: 12m\n",
        encoding="utf-8",
    )
    assert "3:11: error: included file not found: libary.yaml; did you mean 'library.yaml'?" in (
        _messages(path)
    )
