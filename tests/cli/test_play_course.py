"""``session-player play`` honours the alias's preferences: the removals are said before the
sound starts and the choice is journaled (what is then heard is the mixer's business, the
same as in the app: tests/record/test_course_render.py renders it)."""

from __future__ import annotations

from session_player.record.preferences import Preferences, PreferenceStore
from tests.cli.test_play_live_session import journal_events, material, play, playlist

__all__ = ["material"]  # the audio files, made once for the module (a fixture)


def run_play(material, folder, alias: str):
    path = playlist(material, cue_at_s=1.0, bell_at_s=2.0)
    args = [str(path), "--alias", alias, "--dose-at", "0.5s", "--stop-after", "2s"]
    process = play(args, folder / "device.raw", folder)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return out, err, journal_events(folder)[0]


def test_play_applies_and_says_the_preferences_of_the_alias(material, tmp_path):
    PreferenceStore(tmp_path).save(
        Preferences("Blue Heron", avoid=frozenset({"bells"})), "2026-01-01T10:00:00+00:00"
    )
    out, _err, started = run_play(material, tmp_path, "Blue Heron")
    assert "preferences of Blue Heron: 1 item of the playlist removed" in out
    assert "Onset: bell “high” at 2s (no bells)" in out
    assert out.index("(no bells)") < out.index("session started")  # before the sound
    assert started["course"]["avoid"] == ["bells"]


def test_play_says_when_the_preferences_cannot_be_read(material, tmp_path):
    store = PreferenceStore(tmp_path)
    store.save(Preferences("Blue Heron", avoid=frozenset({"bells"})), "2026-01-01")
    store.path_for("Blue Heron").write_text("{torn", "utf-8")
    out, err, started = run_play(material, tmp_path, "Blue Heron")
    assert "the preferences of 'Blue Heron' cannot be read, so none are applied" in err
    assert "course" not in started
