"""``session-player new``: a playlist from a route's template that validates; never over an
existing file; exit 2 with one line for a bad route or an unwritable place."""

from __future__ import annotations

import shutil
from pathlib import Path

from session_player.cli.main import main
from session_player.playlist.loader import load_playlist

REPO = Path(__file__).resolve().parents[2]


def test_new_writes_a_valid_playlist_for_the_route(tmp_path, capsys):
    (tmp_path / "playlists").mkdir()
    (tmp_path / "assets").symlink_to(REPO / "assets", target_is_directory=True)
    library = tmp_path / "playlists" / "library.yaml"
    shutil.copy(REPO / "playlists" / "library.yaml", library)
    target = tmp_path / "playlists" / "tuesday.yaml"
    argv = ["new", "esketamine", str(target), "--title", "Tuesday", "--include", str(library)]
    assert main(argv) == 0
    assert "Intranasal esketamine template" in capsys.readouterr().out
    result = load_playlist(target)
    assert result.ok, [p.format() for p in result.problems]
    assert result.playlist.title == "Tuesday" and result.playlist.route == "intranasal"
    assert result.playlist.clinical.minimum_observation == 7200
    assert main(["validate", str(target)]) == 0


def test_new_refuses_an_existing_file_a_bad_route_and_a_missing_folder(tmp_path, capsys):
    existing = tmp_path / "mine.yaml"
    existing.write_text("title: mine\n")
    cases = [
        (["new", "IV", str(existing)], "already exists"),
        (["new", "rectal", str(tmp_path / "x.yaml")], "no template for the route 'rectal'"),
        (["new", "IM", str(tmp_path / "nope" / "x.yaml")], "does not exist"),
        (
            ["new", "IM", str(tmp_path / "y.yaml"), "--include", str(tmp_path / "nolib.yaml")],
            "does not exist",
        ),
    ]
    for argv, message in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and err.count("\n") == 1, err
    assert existing.read_text() == "title: mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]
