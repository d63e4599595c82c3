"""The README's examples are real: the playlist validates and the commands exist."""

import re
import shutil
from pathlib import Path

from session_player.cli.main import SUBCOMMANDS
from session_player.playlist.loader import load_playlist

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_playlist_example_validates(tmp_path):
    section = README.split("## Writing a playlist", 1)[1]
    (example,) = re.findall(r"```yaml\n(.*?)```", section, re.S)[:1]
    shutil.copy(ROOT / "playlists" / "library.yaml", tmp_path / "library.yaml")
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    result = load_playlist(path, check_audio=False)
    assert result.ok, [p.format() for p in result.problems]
    assert [p.id for p in result.playlist.phases] == ["onset", "peak", "observation"]


def test_readme_names_every_subcommand_and_the_two_make_targets():
    for command in SUBCOMMANDS:
        assert f"session-player {command}" in README
    assert "make run" in README and "make test" in README
