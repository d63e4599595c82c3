"""Track lists in every format, broken ones included: every entry kept in order, with its
line and, when it cannot be used, why (never dropped silently)."""

from __future__ import annotations

import pytest

from session_player.studio.track_lists import TrackListUnreadable, read_track_list
from tests.studio.music_fixtures import file_url, music_folder


@pytest.fixture
def music(tmp_path):
    return music_folder(tmp_path)


def _summary(tracks):
    return [(e.line, e.path.name if e.path else None, e.title, e.problem) for e in tracks.entries]


def test_m3u8_with_extinf_titles_relative_absolute_and_file_urls(music, tmp_path):
    listed = tmp_path / "Calm evening.m3u8"
    listed.write_text(
        "#EXTM3U\n"
        "#EXTINF:123,Evening light (Clinic edit)\n"
        "Music calm/Évening light.ogg\n"
        "\n"
        "# a comment line\n"
        f"{music / 'slow tide #2.ogg'}\n"
        "#EXTINF:-1,Still water\n"
        f"{file_url(music / 'sub' / 'still water.ogg')}\n",
        encoding="utf-8",
    )
    tracks = read_track_list(listed)
    assert tracks.format == "m3u"
    assert _summary(tracks) == [
        (3, "Évening light.ogg", "Evening light (Clinic edit)", None),
        (6, "slow tide #2.ogg", None, None),
        (8, "still water.ogg", "Still water", None),
    ]
    assert all(e.duration_s and e.duration_s > 1 for e in tracks.entries)


def test_m3u_written_on_windows_in_cp1252_with_backslashes(music, tmp_path):
    listed = tmp_path / "old.m3u"
    listed.write_bytes("#EXTINF:60,Évening\r\nMusic calm\\Évening light.ogg\r\n".encode("cp1252"))
    (entry,) = read_track_list(listed).entries
    assert (entry.line, entry.title, entry.problem) == (2, "Évening", None)
    assert entry.path.name == "Évening light.ogg"


def test_unreadable_entries_are_reported_with_their_line_and_why(music, tmp_path):
    listed = tmp_path / "mixed.m3u"
    listed.write_text(
        "Music calm/broken.mp3\n"
        "Music calm/missing.ogg\n"
        "Music calm/cover.jpg\n"
        "https://radio.example/stream.mp3\n"
        "spotify:track:4uLU6hMCjMI75M1A2tKUQC\n"
        "Brian Eno - An Ending (Ascent)\n"
        "Music calm\n"
        "Music calm/sub/still water.ogg\n"
    )
    tracks = read_track_list(listed)
    problems = [(e.line, e.problem) for e in tracks.refused]
    assert [line for line, _ in problems] == [1, 2, 3, 4, 5, 6, 7]
    why = dict(problems)
    assert "decode" in why[1] or "not an audio file" in why[1]
    assert why[2] == "file not found"
    assert "not an audio file" in why[3]
    assert why[4].startswith("no local file") and why[5].startswith("no local file")
    assert why[6] == "no local file (names a track, not a file)"
    assert why[7] == "not a file"
    assert [e.line for e in tracks.usable] == [8]
    lines = tracks.problem_lines()
    assert lines[1] == f"{listed}:2:1: error: file not found: Music calm/missing.ogg"
    assert lines[4].endswith(": spotify:track:4uLU6hMCjMI75M1A2tKUQC")


def test_pls_files_and_titles_in_order_of_their_number(music, tmp_path):
    listed = tmp_path / "calm.pls"
    listed.write_text(
        "[playlist]\n"
        "File2=Music/nowhere.ogg\n"
        "Title2=Gone\n"
        f"File1={file_url(music / 'Évening light.ogg')}\n"
        "Title1=Evening\n"
        "Length1=123\n"
        "File3=http://stream.example/live\n"
        "NumberOfEntries=3\n"
        "Version=2\n"
    )
    assert _summary(read_track_list(listed)) == [
        (4, "Évening light.ogg", "Evening", None),
        (2, "nowhere.ogg", "Gone", "file not found"),
        (7, None, None, "no local file (not a file path)"),
    ]


def test_xspf_locations_titles_and_a_streaming_export_without_files(music, tmp_path):
    listed = tmp_path / "calm.xspf"
    listed.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<playlist version="1" xmlns="http://xspf.org/ns/0/">\n'
        "  <title>Calm</title>\n"
        "  <trackList>\n"
        "    <track>\n"
        f"      <location>{file_url(music / 'slow tide #2.ogg')}</location>\n"
        "      <title>Slow tide</title>\n"
        "    </track>\n"
        "    <track>\n"
        "      <title>Weightless</title><creator>Marconi Union</creator>\n"
        "      <identifier>spotify:track:6kkwzB6hXLIONkEk9JciA6</identifier>\n"
        "    </track>\n"
        "    <track><location>Music%20calm/sub/still%20water.ogg</location></track>\n"
        "    <track><title>Only a name</title></track>\n"
        "  </trackList>\n"
        "</playlist>\n"
    )
    entries = read_track_list(listed).entries
    assert [(e.line, e.title, e.problem) for e in entries] == [
        (6, "Slow tide", None),
        (9, "Weightless", "no local file (not a file path)"),
        (13, None, "file not found"),
        (14, "Only a name", "no local file"),
    ]


def test_a_folder_brings_its_audio_and_reports_the_rest(music):
    tracks = read_track_list(music)
    assert tracks.format == "folder"
    # Sorted by path in lower case (code points: É after s), sub-folders included.
    assert [e.location for e in tracks.usable] == [
        "slow tide #2.ogg",
        "sub/still water.ogg",
        "Évening light.ogg",
    ]
    assert {e.location for e in tracks.refused} == {"broken.mp3", "cover.jpg"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.xspf", "<playlist><trackList><track>", "not a readable XSPF list"),
        (
            "bomb.xspf",
            '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa">]><playlist>&a;</playlist>',
            "XML entities are not allowed",
        ),
        ("bad.m3u8", b"#EXTM3U\nmusic/\xff\xfe.ogg\n", "bad.m3u8:2: not valid UTF-8"),
        ("binary.m3u", b"\x00\x01\x02", "binary data"),
        ("notes.txt", "hello\n", "not a track list"),
        ("absent.m3u", None, "does not exist"),
    ],
)
def test_broken_lists_are_unreadable_with_a_reason(tmp_path, name, content, message):
    listed = tmp_path / name
    if isinstance(content, str):
        listed.write_text(content)
    elif content is not None:
        listed.write_bytes(content)
    with pytest.raises(TrackListUnreadable, match=message):
        read_track_list(listed)


def test_an_empty_list_has_no_entries(tmp_path):
    listed = tmp_path / "empty.m3u"
    listed.write_text("#EXTM3U\n")
    assert read_track_list(listed).entries == []


def test_a_list_becomes_one_edit_with_its_titles(clinic, music, tmp_path):
    from session_player.studio.document import EditRefused, PlaylistDocument
    from session_player.studio.edits import AddMusic

    listed = tmp_path / "calm.m3u"
    listed.write_text("#EXTINF:1,Evening\nMusic calm/Évening light.ogg\nMusic calm/cover.jpg\n")
    tracks = read_track_list(listed)
    doc = PlaylistDocument.open(clinic / "playlists" / "iv-infusion-40min.yaml")
    doc.apply(AddMusic.from_tracks("return", tracks))
    items = doc.playlist.phases[2].music.items
    assert (items[-1].title, items[-1].file.endswith("Évening light.ogg")) == ("Evening", True)
    assert doc.undo_label == "Add 1 music item to return"
    listed.write_text("https://radio.example/calm\n")
    with pytest.raises(EditRefused, match="no track of calm.m3u can be used"):
        AddMusic.from_tracks("return", read_track_list(listed))
