"""Rehearsals in the session core: the scaled clock, the journal's mark, and the folder that
keeps them out of patients' records (the resume offer and the supervisor never see them)."""

from __future__ import annotations

import shutil

import pytest

from session_player.session.clock import FakeClock, ScaledClock
from session_player.session.journal import JOURNAL_NAME, read_journal
from session_player.session.rehearsal import REHEARSALS_FOLDER, RehearsalStore, rehearsal_speed_of
from session_player.session.rehearsal_speed import parse_speed
from session_player.session.store import SessionStore, find_unfinished_sessions
from session_player.session.timeline import SessionTimeline
from tests.session.conftest import MINUTE, make_playlist


def test_scaled_clock_runs_speed_times_faster_than_the_clock_under_it() -> None:
    base = FakeClock(start_s=500.0)
    scaled = ScaledClock(base, 30.0)
    assert scaled() == pytest.approx(500.0)  # starts where the base clock is
    base.advance(2.0)
    assert scaled() == pytest.approx(560.0)
    base.advance(0.5)
    assert scaled() == pytest.approx(575.0)


@pytest.mark.parametrize("speed", [0.0, -2.0, float("nan"), float("inf")])
def test_scaled_clock_refuses_a_speed_that_is_not_a_positive_number(speed: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        ScaledClock(FakeClock(), speed)


@pytest.mark.parametrize(("text", "speed"), [("30", 30.0), ("30x", 30.0), ("x60", 60.0)])
def test_speeds_are_written_as_people_write_them(text: str, speed: float) -> None:
    assert parse_speed(text) == speed


@pytest.mark.parametrize("text", ["fast", "0", "1000", ""])
def test_an_unusable_speed_is_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(ValueError, match="rehearsal speed"):
        parse_speed(text)


def _rehearsal(tmp_path, clock: FakeClock, speed: float = 30.0) -> SessionTimeline:
    timeline = SessionTimeline(
        make_playlist(), RehearsalStore(tmp_path / "data"), ScaledClock(clock, speed), clock.wall
    )
    timeline.start("Training", rehearsal_speed=speed)
    return timeline


def test_a_rehearsal_runs_the_whole_arc_on_its_scaled_clock(tmp_path) -> None:
    clock = FakeClock()
    timeline = _rehearsal(tmp_path, clock)
    timeline.mark_dose_given()
    clock.advance(10 * MINUTE / 30 + 0.1)  # 20 s under it: the 10-minute onset is over
    timeline.tick()
    assert timeline.state().phase_id == "peak"
    assert timeline.since_dose_s() == pytest.approx(10 * MINUTE + 3.0)
    timeline.close()


def test_the_journal_of_a_rehearsal_says_so_and_lives_apart(tmp_path) -> None:
    clock = FakeClock()
    timeline = _rehearsal(tmp_path, clock, speed=45.0)
    journal = timeline.journal_path
    timeline.close()
    assert journal.parent.parent == tmp_path / "data" / REHEARSALS_FOLDER
    started = read_journal(journal).events[0]
    assert started["rehearsal"] == {"speed": 45.0}
    assert rehearsal_speed_of(started) == 45.0


def test_a_patients_session_carries_no_rehearsal_mark(timeline) -> None:
    assert "rehearsal" not in timeline.record.started
    assert rehearsal_speed_of(timeline.record.started) is None


def test_an_unfinished_rehearsal_is_not_offered_for_resume(tmp_path) -> None:
    clock = FakeClock()
    patient = SessionTimeline(make_playlist(), SessionStore(tmp_path / "data"), clock, clock.wall)
    patient.start("Blue Heron")
    rehearsal = _rehearsal(tmp_path, clock)
    rehearsal.mark_dose_given()
    # Both are left without session_ended (the app died); only the patient's is unfinished.
    patient.close()
    rehearsal.close()
    found = find_unfinished_sessions(tmp_path / "data")
    assert [s.alias for s in found] == ["Blue Heron"]
    assert SessionStore(tmp_path / "data").unfinished() == found


def test_a_rehearsal_journal_copied_among_sessions_is_still_not_offered(tmp_path) -> None:
    clock = FakeClock()
    rehearsal = _rehearsal(tmp_path, clock)
    folder = rehearsal.journal_path.parent
    rehearsal.close()
    sessions = SessionStore(tmp_path / "data").sessions_dir
    sessions.mkdir(parents=True, exist_ok=True)
    shutil.copytree(folder, sessions / folder.name)
    assert (sessions / folder.name / JOURNAL_NAME).is_file()
    assert find_unfinished_sessions(tmp_path / "data") == []


def test_a_rehearsal_journal_named_directly_is_refused_for_resume(tmp_path) -> None:
    from session_player.session.commands import ResumeError
    from session_player.session.rehearsal import refuse_to_resume_a_rehearsal

    clock = FakeClock()
    rehearsal = _rehearsal(tmp_path, clock)
    journal = rehearsal.journal_path
    rehearsal.close()
    with pytest.raises(ResumeError, match="never resumed"):
        refuse_to_resume_a_rehearsal(journal)
    patient = SessionTimeline(make_playlist(), SessionStore(tmp_path / "data"), clock, clock.wall)
    patient.start("Blue Heron")
    refuse_to_resume_a_rehearsal(patient.journal_path)  # a patient's session: no objection
    patient.close()
