"""Opening, saving and reloading a playlist in the studio: read-only when it cannot be
round-tripped, atomic saves whose failures leave the previous file whole."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from session_player.studio import edits
from session_player.studio.document import (
    EditRefused,
    OpenFailed,
    PlaylistDocument,
    SaveConflict,
    SaveFailed,
)
from tests.full_disk import fill, small_tmpfs

SMALL = """\
# A short test session without music.
title: Small
route: IM   # intramuscular

phases:
  - id: only
    duration: 5m   # five minutes
"""


def _write(folder: Path, text: str, name: str = "p.yaml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def _open_read_only(folder: Path, text: str) -> PlaylistDocument:
    path = _write(folder, text)
    doc = PlaylistDocument.open(path, check_audio=False)
    assert doc.read_only
    with pytest.raises(EditRefused, match="read-only"):
        doc.apply(edits.SetPhaseDuration("only", "6m"))
    with pytest.raises(SaveFailed, match="read-only"):
        doc.save()
    assert path.read_text() == text
    return doc


def test_a_syntax_error_opens_read_only_with_its_line(tmp_path):
    doc = _open_read_only(tmp_path, SMALL + "  - id: [unclosed\n")
    problem = doc.read_only_reasons[0]
    assert "YAML syntax error" in problem.message and "line 8, column 9" in problem.message
    assert doc.problems  # the problem list shows it too


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("x: !!python/object:os.system ls\n", "unsupported YAML tag"),
        ("x: !!binary aGVsbG8=\n", "binary data"),
        ("x: " + "[" * 80 + "]" * 80 + "\n", "nesting deeper than 64"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
                for i in range(6)
            ),
            "too many aliases",
        ),
    ],
    ids=["python-tag", "binary", "deep", "alias-bomb"],
)
def test_hostile_content_opens_read_only(tmp_path, extra, message):
    doc = _open_read_only(tmp_path, SMALL + extra)
    assert message in doc.read_only_reasons[0].message


def test_anchors_and_aliases_open_read_only(tmp_path):
    text = (
        SMALL.replace("duration: 5m   # five minutes", "duration: &five 5m")
        + "description: *five\n"
    )
    doc = _open_read_only(tmp_path, text)
    assert "anchors and aliases" in doc.read_only_reasons[0].message
    assert doc.read_only_reasons[0].position.line == 7


def test_text_that_is_not_utf8_opens_read_only(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_bytes(SMALL.replace("Small", "Sm\xe9ll").encode("latin-1"))
    doc = PlaylistDocument.open(path, check_audio=False)
    assert doc.read_only and "UTF-8" in doc.read_only_reasons[0].message
    path.write_bytes(b"\xef\xbb\xbf" + SMALL.encode())
    doc = PlaylistDocument.open(path, check_audio=False)
    assert doc.read_only and "byte-order mark" in doc.read_only_reasons[0].message


def test_windows_line_ends_are_kept_on_save(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_bytes(SMALL.replace("\n", "\r\n").encode())
    doc = PlaylistDocument.open(path)
    assert not doc.read_only and not doc.changed_on_disk()
    doc.apply(edits.SetPhaseEnd("only", "hold"))
    doc.save()
    expected = SMALL.replace(
        "    duration: 5m   # five minutes\n", "    duration: 5m   # five minutes\n    end: hold\n"
    )
    assert path.read_bytes() == expected.replace("\n", "\r\n").encode()
    assert not doc.changed_on_disk()


def test_a_file_that_cannot_be_read_fails_to_open(tmp_path):
    with pytest.raises(OpenFailed, match="does not exist"):
        PlaylistDocument.open(tmp_path / "missing.yaml")
    with pytest.raises(OpenFailed, match="folder"):
        PlaylistDocument.open(tmp_path)


def test_save_writes_the_edited_text_and_keeps_the_mode(tmp_path):
    path = _write(tmp_path, SMALL)
    path.chmod(0o640)
    doc = PlaylistDocument.open(path)
    doc.apply(edits.SetPhaseDuration("only", "7m"))
    assert doc.dirty
    doc.save()
    assert not doc.dirty
    assert path.read_text() == SMALL.replace("duration: 5m", "duration: 7m")
    assert (path.stat().st_mode & 0o777) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.yaml"]  # no temp file left


def test_a_full_disk_leaves_the_previous_file_whole(tmp_path):
    with small_tmpfs(tmp_path / "disk") as disk:
        path = _write(disk, SMALL)
        doc = PlaylistDocument.open(path)
        doc.apply(edits.SetPhaseDuration("only", "7m"))
        filler = fill(disk)
        with pytest.raises(SaveFailed, match="the disk is full; the file on disk is unchanged"):
            doc.save()
        assert path.read_text() == SMALL
        assert sorted(p.name for p in disk.iterdir()) == ["filler.bin", "p.yaml"]
        assert doc.dirty  # the edit is still there to save
        filler.unlink()
        doc.save()
        assert path.read_text() == doc.text


def test_a_read_only_folder_leaves_the_previous_file_whole(tmp_path):
    folder = tmp_path / "ro"
    if os.geteuid() == 0:
        # Root writes through permission bits: a file system mounted read-only stops it.
        with small_tmpfs(folder):
            path = _write(folder, SMALL)
            doc = PlaylistDocument.open(path)
            doc.apply(edits.SetPhaseDuration("only", "7m"))
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
            with pytest.raises(SaveFailed, match=r"could not save .*read-only|permission"):
                doc.save()
            assert path.read_text() == SMALL
        return
    folder.mkdir()
    path = _write(folder, SMALL)
    doc = PlaylistDocument.open(path)
    doc.apply(edits.SetPhaseDuration("only", "7m"))
    folder.chmod(0o500)
    try:
        with pytest.raises(SaveFailed, match="permission denied"):
            doc.save()
    finally:
        folder.chmod(0o700)
    assert path.read_text() == SMALL


def test_a_file_changed_outside_is_not_overwritten_unasked(tmp_path):
    path = _write(tmp_path, SMALL)
    doc = PlaylistDocument.open(path)
    doc.apply(edits.SetPhaseDuration("only", "7m"))
    outside = SMALL.replace("title: Small", "title: Small, edited elsewhere")
    path.write_text(outside)
    assert doc.changed_on_disk()
    with pytest.raises(SaveConflict, match="changed outside the studio"):
        doc.save()
    assert path.read_text() == outside
    doc.save(overwrite=True)
    assert path.read_text() == doc.text


def test_reload_takes_the_file_from_disk(tmp_path):
    path = _write(tmp_path, SMALL)
    doc = PlaylistDocument.open(path)
    doc.apply(edits.SetPhaseDuration("only", "7m"))
    path.write_text(SMALL.replace("5m", "9m"))
    doc.reload()
    assert doc.playlist.phases[0].duration == 540
    assert not doc.dirty and not doc.can_undo
    path.write_text(SMALL + "  - id: [broken\n")
    doc.reload()
    assert doc.read_only and doc.problems


def test_a_playlist_with_problems_stays_editable_and_an_edit_can_fix_them(clinic):
    path = clinic / "playlists" / "p.yaml"
    path.write_text(
        SMALL + "    music:\n      items:\n        - ../assets/audio/music/gone.ogg   # moved?\n"
    )
    doc = PlaylistDocument.open(path)
    assert not doc.read_only and doc.playlist is None
    assert [p.position.line for p in doc.problems if p.is_error] == [10]
    doc.apply(edits.SetPhaseDuration("only", "6m"))  # the old problem does not block an edit
    doc.apply(edits.AddMusic("only", [clinic / "assets/audio/music/slow-tide.ogg"]))
    doc.apply(edits.RemoveMusicItem("only", 0))
    assert doc.result.ok and doc.playlist.phases[0].duration == 360
    assert "gone.ogg" not in doc.text


def test_data_is_a_copy(tmp_path):
    doc = PlaylistDocument.open(_write(tmp_path, SMALL))
    doc.data["phases"].clear()
    assert doc.data["phases"][0]["id"] == "only"


def test_reload_of_a_file_that_went_away_fails_and_keeps_the_document(tmp_path):
    path = _write(tmp_path, SMALL)
    doc = PlaylistDocument.open(path)
    doc.apply(edits.SetPhaseDuration("only", "7m"))
    path.unlink()
    with pytest.raises(OpenFailed, match="does not exist"):
        doc.reload()
    assert doc.dirty and "duration: 7m" in doc.text  # nothing lost: it can be saved again
    doc.save()
    assert path.read_text() == doc.text
