"""Each studio edit on the demo IV playlist: the text afterwards keeps every comment, only
the edited lines change (difflib), and the result validates like ``session-player validate``."""

from __future__ import annotations

import pytest

from session_player.playlist.loader import load_playlist
from session_player.studio import edits
from session_player.studio.document import EditRefused, PlaylistDocument
from tests.studio.text_diff import changed_lines, comment_lines


@pytest.fixture
def doc(iv_playlist) -> PlaylistDocument:
    document = PlaylistDocument.open(iv_playlist)
    assert not document.read_only, document.read_only_reasons
    assert document.result.ok, [p.format() for p in document.problems]
    return document


def apply(doc: PlaylistDocument, edit) -> tuple[list[str], list[str]]:
    before = doc.text
    doc.apply(edit)
    after = doc.text
    result = load_playlist(doc.path, text=after)
    assert result.ok, [p.format() for p in result.problems]
    assert set(comment_lines(before)) <= set(comment_lines(after)), "a comment was lost"
    return changed_lines(before, after)


def test_duration_changes_one_line(doc):
    removed, added = apply(doc, edits.SetPhaseDuration("peak", "20m"))
    assert (removed, added) == (["    duration: 15m"], ["    duration: 20m"])
    assert doc.playlist.phases[1].duration == 1200


def test_duration_in_seconds_is_written_as_people_write_it(doc):
    _, added = apply(doc, edits.SetPhaseDuration("onset", 750))
    assert added == ["    duration: 12m30s"]


def test_end_behaviour_is_added_after_the_duration(doc):
    removed, added = apply(doc, edits.SetPhaseEnd("peak", "hold"))
    assert removed == [] and added == ["    end: hold"]
    lines = doc.text.splitlines()
    assert lines[lines.index("    end: hold") - 1] == "    duration: 15m"
    removed, added = apply(doc, edits.SetPhaseEnd("peak", "advance"))
    assert (removed, added) == (["    end: hold"], ["    end: advance"])


def test_add_music_files_at_the_end_of_a_phase(doc, clinic):
    files = [
        clinic / "assets/audio/music/slow-tide.ogg",
        clinic / "assets/audio/music/still-water.ogg",
    ]
    removed, added = apply(doc, edits.AddMusic("peak", files))
    assert removed == []
    assert added == [
        "        - ../assets/audio/music/slow-tide.ogg",
        "        - ../assets/audio/music/still-water.ogg",
    ]
    assert [
        item.file.endswith(name)
        for item, name in zip(
            doc.playlist.phases[1].music.items,
            ["still-water.ogg", "slow-tide.ogg", "still-water.ogg"],
            strict=True,
        )
    ] == [True] * 3


def test_add_music_to_a_phase_without_music_creates_its_list(doc, clinic):
    apply(doc, edits.RemoveMusicItem("peak", 0))
    removed, added = apply(
        doc, edits.AddMusic("peak", [clinic / "assets/audio/music/slow-tide.ogg"])
    )
    assert removed == []
    assert added == ["    music:", "      items:", "        - ../assets/audio/music/slow-tide.ogg"]


def test_a_file_that_is_not_audio_is_refused_and_nothing_changes(doc, clinic):
    before = doc.text
    notes = clinic / "notes.txt"
    notes.write_text("bring a blanket\n")
    with pytest.raises(EditRefused, match="notes.txt: not an audio file"):
        doc.apply(edits.AddMusic("onset", [clinic / "assets/audio/music/slow-tide.ogg", notes]))
    assert doc.text == before and not doc.can_undo


def test_a_dropped_folder_brings_its_audio_and_lists_the_rest(clinic):
    folder = clinic / "dropped"
    folder.mkdir()
    for name in ("b.ogg", "a.ogg"):
        (folder / name).write_bytes((clinic / "assets/audio/music/slow-tide.ogg").read_bytes())
    (folder / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a picture")
    (folder / ".hidden.ogg").write_bytes(b"")
    check = edits.check_music_drop([folder])
    assert [f.name for f in check.files] == ["a.ogg", "b.ogg"]
    assert [(p.name, bool(why)) for p, why in check.refused] == [("cover.jpg", True)]
    assert check.messages()[0].startswith("cover.jpg: not added (")


def test_reorder_music_moves_one_line(doc):
    removed, added = apply(doc, edits.MoveMusicItem("onset", 1, 0))
    assert removed == ["        - ../assets/audio/music/still-water.ogg"]
    assert added == ["        - ../assets/audio/music/still-water.ogg"]
    assert doc.playlist.phases[0].music.items[0].file.endswith("still-water.ogg")


def test_remove_music_item(doc):
    removed, added = apply(doc, edits.RemoveMusicItem("onset", 0))
    assert (removed, added) == (["        - ../assets/audio/music/evening-light.ogg"], [])


def test_moving_a_phase_takes_its_comments_with_it(doc):
    before = doc.text
    apply(doc, edits.MovePhase("return", 1))
    assert [p.id for p in doc.playlist.phases] == ["onset", "return", "peak", "observation"]
    after = doc.text
    note = "  # Return: the effects fade as the infusion ends."
    assert after.index(note) < after.index("  - id: return") < after.index("  - id: peak")
    assert sorted(before.splitlines()) == sorted(after.splitlines())  # moved, nothing else


def test_place_a_voice_cue_in_time_order(doc):
    removed, added = apply(doc, edits.PlaceVoiceCue("settling", "1m", cue="support"))
    assert removed == [] and added == ["    - at: 1m", "      cue: support"]
    assert [str(c.at) for c in doc.playlist.settling.voice] == ["30s", "1m", "3m"]


def test_place_a_bell_in_a_phase_without_bells(doc):
    removed, added = apply(doc, edits.PlaceBell("peak", "end-2m", "soft-chime"))
    assert removed == [] and added == [
        "    bells:",
        "      - at: end-2m",
        "        bell: soft-chime",
    ]


def test_move_and_remove_a_cue(doc):
    removed, added = apply(doc, edits.MoveCue("peak", "voice", 0, "6m"))
    assert (removed, added) == (["      - at: 4m"], ["      - at: 6m"])
    removed, added = apply(doc, edits.RemoveCue("settling", "voice", 1))
    assert (removed, added) == (["    - at: 3m", "      cue: breathe"], [])


def test_choose_a_soundscape_and_the_patients_choices(doc):
    removed, added = apply(doc, edits.SetSoundscape("onset", "ocean"))
    assert (removed, added) == ([], ["    soundscape: ocean"])
    removed, added = apply(doc, edits.SetSoundscape("peak", None))
    assert (removed, added) == (["    soundscape: drone"], [])
    removed, added = apply(
        doc, edits.SetPatientChoices(soundscapes=["rain", "ocean"], default="ocean", phases="all")
    )
    assert removed == [
        "  soundscapes: [rain, ocean, wind, drone]",
        "  default: rain",
        "  phases: [settling, onset, return, observation]",
    ]
    assert added == ["  soundscapes: [rain, ocean]", "  default: ocean", "  phases: all"]


def test_levels_and_gains(doc):
    assert apply(doc, edits.SetLevel("default_volume_db", -12)) == (
        ["  default_volume_db: -10"],
        ["  default_volume_db: -12"],
    )
    assert apply(doc, edits.SetMusicGain("onset", -3.5)) == ([], ["      gain_db: -3.5"])
    assert apply(doc, edits.SetMusicGain("peak", -2, index=0)) == (
        ["        - ../assets/audio/music/still-water.ogg"],
        ["        - file: ../assets/audio/music/still-water.ogg", "          gain_db: -2"],
    )
    assert apply(doc, edits.SetSoundscapeGain("onset", -4)) == ([], ["    soundscape_gain_db: -4"])


def test_an_edit_that_would_make_the_playlist_invalid_is_refused(doc):
    before = doc.text
    with pytest.raises(EditRefused, match="default_volume_db"):
        doc.apply(edits.SetLevel("max_volume_db", -20))
    with pytest.raises(EditRefused, match="no phase 'nowhere'"):
        doc.apply(edits.SetPhaseDuration("nowhere", "5m"))
    with pytest.raises(EditRefused, match="longer than zero"):
        doc.apply(edits.SetPhaseDuration("peak", "0s"))
    with pytest.raises(EditRefused, match="at:"):
        doc.apply(edits.PlaceBell("peak", "banana", "soft-chime"))
    assert doc.text == before and not doc.can_undo


def test_undo_and_redo_restore_every_byte(doc, clinic):
    texts = [doc.text]
    doc.apply(edits.SetPhaseDuration("peak", "20m"))
    texts.append(doc.text)
    doc.apply(edits.AddMusic("onset", [clinic / "assets/audio/music/slow-tide.ogg"]))
    texts.append(doc.text)
    doc.apply(edits.MovePhase("observation", 0))
    texts.append(doc.text)
    assert doc.undo_label == "Move observation"
    for expected in reversed(texts[:-1]):
        doc.undo()
        assert doc.text == expected
    assert not doc.can_undo and not doc.dirty
    doc.redo()
    doc.redo()
    assert doc.text == texts[2] and doc.redo_label == "Move observation"
    doc.apply(edits.SetPhaseEnd("onset", "hold"))  # a new edit forgets what could be redone
    assert not doc.can_redo
    with pytest.raises(EditRefused, match="nothing to redo"):
        doc.redo()


def test_listeners_hear_every_change(doc):
    seen = []
    doc.add_listener(lambda d: seen.append(d.text))
    doc.apply(edits.SetPhaseDuration("peak", "20m"))
    doc.undo()
    doc.redo()
    assert len(seen) == 3 and seen[0] == seen[2] != seen[1]


def test_every_bundled_playlist_opens_editable(clinic):
    for path in sorted((clinic / "playlists").glob("*.yaml")):
        doc = PlaylistDocument.open(path)
        if path.name == "library.yaml":
            assert doc.read_only and "library" in doc.read_only_reasons[0].message
        else:
            assert not doc.read_only, (path.name, doc.read_only_reasons)


def test_add_a_folder_brings_its_audio_in_name_order_and_lists_the_rest(doc, clinic):
    folder = clinic / "Album"
    folder.mkdir()
    for name in ("2 second.ogg", "1 first.ogg"):
        (folder / name).write_bytes((clinic / "assets/audio/music/still-water.ogg").read_bytes())
    (folder / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    edit = edits.AddMusic("observation", [folder])
    removed, added = apply(doc, edit)
    assert removed == []
    assert added == ["        - ../Album/1 first.ogg", "        - ../Album/2 second.ogg"]
    assert [(path.name, bool(why)) for path, why in edit.skipped] == [("cover.jpg", True)]
    (folder / "1 first.ogg").unlink()
    (folder / "2 second.ogg").unlink()
    with pytest.raises(EditRefused, match="Album: a folder with no audio file"):
        doc.apply(edits.AddMusic("observation", [folder]))
