"""The patient's course read from real journals (written by the real timeline): earlier
sessions by alias, what the next session may take over, and the history's details."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from session_player.playlist.model import Playlist
from session_player.record.course import find_course, known_aliases
from session_player.record.preferences import Preferences, PreferenceStore
from session_player.session.clock import FakeClock
from session_player.session.journal import JOURNAL_NAME
from session_player.session.rehearsal import RehearsalStore
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline

PLAYLIST = Playlist.model_validate(
    {
        "title": "Course test",
        "route": "IV",
        "soundscapes": {
            "rain": {"name": "Rain", "layers": [{"bed": "rain.ogg"}]},
            "ocean": {"name": "Ocean", "layers": [{"bed": "ocean.ogg"}]},
        },
        "patient": {"soundscapes": ["rain", "ocean"], "default": "rain"},
        "levels": {"default_volume_db": -10, "max_volume_db": -4},
        "phases": [{"id": "onset", "duration": "10m"}, {"id": "rest", "duration": "10m"}],
    }
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def run_session(
    base: Path,
    clock: FakeClock,
    alias: str,
    *,
    notes: str = "",
    soundscape: str | None = None,
    volume_db: float | None = None,
    note: str | None = None,
    end: bool = True,
    store: SessionStore | None = None,
    rehearsal_speed: float | None = None,
) -> Path:
    timeline = SessionTimeline(PLAYLIST, store or SessionStore(base), clock, clock.wall, seed=1)
    timeline.start(alias, notes, rehearsal_speed=rehearsal_speed)
    clock.advance(30)
    timeline.mark_dose_given()
    clock.advance(30)
    if soundscape:
        timeline.choose_soundscape(soundscape, by="patient")
    if volume_db is not None:
        timeline.set_volume(volume_db, by="patient")
    if note:
        timeline.add_note(note)
    timeline.log_side_effect("dizziness")
    if end:
        clock.advance(60)
        timeline.end_session("done early for the test")
    path = timeline.journal_path
    timeline.close()
    clock.jump_wall(24 * 3600)  # the next session: another day
    return Path(path)


def test_earlier_sessions_newest_first_with_what_they_left(tmp_path, clock):
    base = tmp_path / "data"
    run_session(base, clock, "Blue Heron", notes="first visit", soundscape="ocean", volume_db=-8)
    run_session(base, clock, "Grey Owl", notes="someone else", soundscape="rain")
    run_session(base, clock, "Blue Heron", notes="second visit", note="asked for quieter")
    course = find_course(base, "  blue   heron ")  # as typed: spaces and case do not matter
    assert [s.start_notes for s in course.sessions] == ["second visit", "first visit"]
    assert course.last.notes == ("asked for quieter",)
    assert course.last.playlist_title == "Course test"
    assert course.last.finished and course.last.end_reason == "done early for the test"
    assert course.last.side_effects == ("dizziness",)
    # The newest session chose nothing: the soundscape and volume come from the one before.
    assert course.last_soundscape() == "ocean"
    assert course.last_volume_db() == -8.0
    assert course.last_notes() == "second visit"
    assert find_course(base, "Nobody").sessions == ()


def test_an_alias_with_the_same_slug_is_another_patient(tmp_path, clock):
    base = tmp_path / "data"
    run_session(base, clock, "Blue Heron", notes="heron")
    run_session(base, clock, "Blue-Heron", notes="hyphen")  # the same folder slug
    assert [s.start_notes for s in find_course(base, "Blue Heron").sessions] == ["heron"]
    assert [s.start_notes for s in find_course(base, "blue-heron").sessions] == ["hyphen"]


def test_rehearsals_are_not_part_of_the_course(tmp_path, clock):
    base = tmp_path / "data"
    run_session(base, clock, "Blue Heron", notes="real")
    rehearsal = run_session(
        base, clock, "Blue Heron", notes="training", store=RehearsalStore(base), rehearsal_speed=30
    )
    assert [s.start_notes for s in find_course(base, "Blue Heron").sessions] == ["real"]
    # A rehearsal's journal copied among the sessions is still a rehearsal: its
    # session_started says so.
    shutil.copytree(rehearsal.parent, base / "sessions" / "29990101-000000-blue-heron")
    assert [s.start_notes for s in find_course(base, "Blue Heron").sessions] == ["real"]
    assert known_aliases(base) == ["Blue Heron"]


def test_a_damaged_journal_still_counts_and_says_so(tmp_path, clock):
    base = tmp_path / "data"
    journal = run_session(base, clock, "Blue Heron", notes="torn", soundscape="ocean")
    with open(journal, "ab") as stream:
        stream.write(b'{"seq": 99, "type": "no')  # a crash mid-write: a torn last line
    lines = journal.read_bytes().split(b"\n")
    damaged = next(i for i, line in enumerate(lines) if b'"type":"dose_given"' in line)
    lines[damaged] = b"garbage in the middle"
    journal.write_bytes(b"\n".join(lines))
    (past,) = find_course(base, "Blue Heron").sessions
    assert past.unreadable_lines == 2
    assert past.last_soundscape == "ocean"


def test_an_unfinished_session_is_listed_as_such(tmp_path, clock):
    base = tmp_path / "data"
    run_session(base, clock, "Blue Heron", end=False)
    (past,) = find_course(base, "Blue Heron").sessions
    assert not past.finished and past.end_reason is None


def test_known_aliases_most_recent_first(tmp_path, clock):
    base = tmp_path / "data"
    run_session(base, clock, "Grey Owl")
    run_session(base, clock, "Blue Heron")
    run_session(base, clock, "grey owl")  # the same patient, written otherwise
    assert known_aliases(base) == ["grey owl", "Blue Heron"]
    assert known_aliases(tmp_path / "nothing here") == []


def test_preferences_come_with_the_course(tmp_path, clock):
    base = tmp_path / "data"
    run_session(base, clock, "Blue Heron")
    PreferenceStore(base).save(
        Preferences("Blue Heron", avoid=frozenset({"bells"})), "2026-01-02T10:00:00+00:00"
    )
    course = find_course(base, "blue heron")
    assert course.preferences.avoid == {"bells"}
    assert course.preferences_problem is None


def test_a_damaged_preferences_file_is_reported_not_ignored(tmp_path, clock):
    base = tmp_path / "data"
    store = PreferenceStore(base)
    store.save(Preferences("Blue Heron", avoid=frozenset({"bells"})), "now")
    store.path_for("Blue Heron").write_text("{not json", "utf-8")
    course = find_course(base, "Blue Heron")
    assert course.preferences is None
    assert "damaged" in course.preferences_problem
    assert str(store.path_for("Blue Heron")) in course.preferences_problem


def test_journal_file_name_is_the_one_the_store_writes(tmp_path, clock):
    journal = run_session(tmp_path / "data", clock, "Blue Heron")
    assert journal.name == JOURNAL_NAME
