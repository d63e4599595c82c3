"""Preferences per alias: owner-only, atomic, never silently lost or ignored."""

from __future__ import annotations

import json
import os
import stat

import pytest

from session_player.record.preferences import Preferences, PreferencesError, PreferenceStore

WHEN = "2026-01-02T10:00:00+00:00"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_saved_and_read_back_owner_only(tmp_path):
    store = PreferenceStore(tmp_path / "data")
    saved = store.save(
        Preferences(
            " Blue  Heron ",
            avoid=frozenset({"lyrics", "bells"}),
            disliked_soundscapes=frozenset({"rain"}),
            note="  prefers it quiet ",
        ),
        WHEN,
    )
    assert saved.alias == "Blue Heron" and saved.note == "prefers it quiet"
    path = store.path_for("blue heron")
    assert path.parent == tmp_path / "data" / "patients"
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    loaded = store.load("BLUE HERON")
    assert loaded == saved
    assert loaded.describe() == ["No bells", "No music with lyrics", "Not the soundscape “rain”"]
    # The alias is the only identity, and only inside the file: its name is a slug and hash.
    assert json.loads(path.read_text())["alias"] == "Blue Heron"
    assert "Heron" not in path.name


def test_no_file_means_no_preferences(tmp_path):
    preferences = PreferenceStore(tmp_path).load("Grey Owl")
    assert preferences.empty and preferences.alias == "Grey Owl"


def test_two_aliases_with_one_slug_keep_two_files(tmp_path):
    store = PreferenceStore(tmp_path)
    store.save(Preferences("Blue Heron", avoid=frozenset({"bells"})), WHEN)
    store.save(Preferences("Blue-Heron", avoid=frozenset({"voice"})), WHEN)
    assert store.load("Blue Heron").avoid == {"bells"}
    assert store.load("Blue-Heron").avoid == {"voice"}


def test_a_failed_write_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    store = PreferenceStore(tmp_path)
    store.save(Preferences("Blue Heron", avoid=frozenset({"bells"})), WHEN)
    before = store.path_for("Blue Heron").read_bytes()

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(PreferencesError, match="could not be saved.*No space left"):
        store.save(Preferences("Blue Heron", avoid=frozenset({"voice"})), WHEN)
    monkeypatch.undo()
    assert store.path_for("Blue Heron").read_bytes() == before
    assert sorted(p.name for p in store.folder.iterdir()) == [store.path_for("Blue Heron").name]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{torn", "damaged, not valid JSON"),
        ('["a list"]', "not a JSON object"),
        ('{"alias": "Blue Heron", "avoid": "bells"}', "'avoid' must be a list"),
        ('{"alias": "Grey Owl"}', "holds the alias 'Grey Owl'"),
    ],
)
def test_a_bad_file_is_an_error_that_names_it(tmp_path, text, message):
    store = PreferenceStore(tmp_path)
    store.folder.mkdir(parents=True)
    store.path_for("Blue Heron").write_text(text, "utf-8")
    with pytest.raises(PreferencesError, match=message) as caught:
        store.load("Blue Heron")
    assert str(store.path_for("Blue Heron")) in str(caught.value)
