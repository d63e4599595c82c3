"""``session-player import``: prints the usable tracks as YAML to paste, or adds them to a
playlist's phase (comments kept, validated, saved); every refused entry on stderr with its
line; exit 0 / 1 (some refused) / 2 (usage, unreadable)."""

from __future__ import annotations

import shutil

import yaml

from session_player.cli.main import main
from session_player.playlist.loader import load_playlist
from tests.studio.music_fixtures import REPO, music_folder
from tests.studio.text_diff import changed_lines


def _clinic(tmp_path):
    shutil.copytree(REPO / "playlists", tmp_path / "playlists")
    (tmp_path / "assets").symlink_to(REPO / "assets", target_is_directory=True)
    music = music_folder(tmp_path)
    listed = tmp_path / "calm.m3u8"
    listed.write_text(
        "#EXTM3U\n"
        "#EXTINF:120,Evening light\n"
        "Music calm/Évening light.ogg\n"
        "Music calm/sub/still water.ogg\n"
        "spotify:track:4uLU6hMCjMI75M1A2tKUQC\n"
    )
    return tmp_path / "playlists" / "iv-infusion-40min.yaml", music, listed


def test_without_into_it_prints_yaml_to_paste_and_reports_the_rest(tmp_path, capsys, monkeypatch):
    _, _, listed = _clinic(tmp_path)
    monkeypatch.chdir(tmp_path / "playlists")
    assert main(["import", str(listed)]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"{listed}:5:1: error: no local file (not a file path): spotify:track:4uLU6hMCjMI75M1A2tKUQC"
    ]
    assert "# 2 tracks from" in out and "1 could not be used" in out
    assert yaml.safe_load(out) == {
        "items": [
            {"file": "../Music calm/Évening light.ogg", "title": "Evening light"},
            "../Music calm/sub/still water.ogg",
        ]
    }


def test_into_a_phase_adds_the_tracks_and_keeps_the_file(tmp_path, capsys):
    playlist, _, listed = _clinic(tmp_path)
    before = playlist.read_text()
    assert main(["import", str(listed), "--into", str(playlist), "--phase", "peak"]) == 1
    out, err = capsys.readouterr()
    assert "Added 2 tracks to peak" in out and "1 could not be used" in out
    assert "spotify:track" in err
    removed, added = changed_lines(before, playlist.read_text())
    assert removed == []
    assert added == [
        "        - file: ../Music calm/Évening light.ogg",
        "          title: Evening light",
        "        - ../Music calm/sub/still water.ogg",
    ]
    result = load_playlist(playlist)
    assert result.ok, [p.format() for p in result.problems]
    assert [i.title for i in result.playlist.phases[1].music.items] == [None, "Evening light", None]


def test_a_folder_into_settling_exits_1_for_its_non_audio_files(tmp_path, capsys):
    playlist, music, _ = _clinic(tmp_path)
    assert main(["import", str(music), "--into", str(playlist), "--phase", "settling"]) == 1
    _, err = capsys.readouterr()
    assert "broken.mp3" in err and "cover.jpg" in err
    assert len(load_playlist(playlist).playlist.settling.music.items) == 2 + 3


def test_all_tracks_usable_exits_0(tmp_path, capsys, monkeypatch):
    _, music, _ = _clinic(tmp_path)
    (music / "broken.mp3").unlink()
    (music / "cover.jpg").unlink()
    assert main(["import", str(music), "--relative-to", str(music)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert yaml.safe_load(out)["items"] == [
        "slow tide #2.ogg",
        "sub/still water.ogg",
        "Évening light.ogg",
    ]


def test_usage_and_unreadable_inputs_exit_2_with_one_line(tmp_path, capsys):
    playlist, _, listed = _clinic(tmp_path)
    before = playlist.read_text()
    cases = [
        (["import", str(listed), "--into", str(playlist)], "--into and --phase go together"),
        (["import", str(tmp_path / "none.m3u")], "does not exist"),
        (
            ["import", str(listed), "--into", str(playlist), "--phase", "nowhere"],
            "no phase 'nowhere'",
        ),
        (
            ["import", str(listed), "--into", str(tmp_path / "x.yaml"), "--phase", "peak"],
            "does not exist",
        ),
        (
            [
                "import",
                str(listed),
                "--into",
                str(playlist.with_name("library.yaml")),
                "--phase",
                "x",
            ],
            "library",
        ),
    ]
    for argv, message in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, (argv, err)
    assert playlist.read_text() == before


def test_nothing_usable_leaves_the_playlist_unchanged(tmp_path, capsys):
    playlist, _, _ = _clinic(tmp_path)
    before = playlist.read_text()
    listed = tmp_path / "stream.m3u"
    listed.write_text("https://radio.example/calm\n")
    assert main(["import", str(listed), "--into", str(playlist), "--phase", "peak"]) == 1
    assert "is unchanged" in capsys.readouterr().err
    assert playlist.read_text() == before
