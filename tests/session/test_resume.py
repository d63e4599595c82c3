"""Recovery: rebuild a session from its journal after a crash and go on at the right point."""

from __future__ import annotations

import pytest

from session_player.session.clock import FakeClock
from session_player.session.commands import ResumeError
from session_player.session.journal import read_journal
from session_player.session.recovery import resume_timeline
from session_player.session.state import CONTINUOUS_FIELDS
from session_player.session.timeline import SessionTimeline

MIN = 60.0


def crash_and_resume(
    timeline: SessionTimeline, clock: FakeClock, away_s: float, **kwargs
) -> tuple[SessionTimeline, FakeClock]:
    """The process dies now; the app restarts ``away_s`` later with a fresh monotonic clock."""
    timeline.close()  # what the kernel does to a killed process's files
    restarted = FakeClock(start_s=7.0, wall_start_s=clock.wall() + away_s)
    resumed = resume_timeline(
        timeline.playlist, timeline.journal_path, restarted, restarted.wall, **kwargs
    )
    return resumed, restarted


def assert_same_state(one, two, tolerance_s: float = 1e-3) -> None:
    assert one.discrete() == two.discrete()
    for name in CONTINUOUS_FIELDS:
        a, b = getattr(one, name), getattr(two, name)
        assert (a is None) == (b is None), name
        if a is not None:
            assert a == pytest.approx(b, abs=tolerance_s), name


def test_resume_in_settling(timeline, clock) -> None:
    clock.advance(90)
    timeline.choose_soundscape("forest")
    resumed, _ = crash_and_resume(timeline, clock, away_s=30)
    state = resumed.state()
    assert state.status == "settling" and state.soundscape_id == "forest"
    assert resumed.now_s() == pytest.approx(120, abs=1e-3)
    assert resumed.schedule().soundscape_choices == timeline.schedule().soundscape_choices


def test_resume_mid_phase_at_the_right_position(dosed, clock, advance) -> None:
    advance(dosed, 4 * MIN)
    dosed.set_volume(-12)
    advance(dosed, 1 * MIN)  # 5 min after the dose; the journal has been quiet for 1 min
    resumed, restarted = crash_and_resume(dosed, clock, away_s=45)
    state = resumed.state()
    assert state.phase_id == "onset" and state.volume_db == -12
    assert state.time_since_dose_s == pytest.approx(5 * MIN + 45, abs=1e-3)
    assert resumed.tau_now() == pytest.approx(60 + 5 * MIN + 45, abs=1e-3)
    report = resumed.resume_report
    assert report.since_last_event_s == pytest.approx(MIN + 45, abs=1e-3)
    # The heartbeat (written on ticks) knew the app was alive until the crash.
    assert report.away_s == pytest.approx(45, abs=5.0)
    assert not report.torn_tail and report.problems == () and report.missed_events == 0
    restarted.advance(5 * MIN - 45)
    resumed.tick()
    assert resumed.state().phase_id == "peak"
    resumed_event = [e for e in read_journal(resumed.journal_path).events][-2]
    assert resumed_event["type"] == "session_resumed" and resumed_event["run"] == 1


def test_missed_transitions_are_journaled_on_resume_at_their_times(dosed, clock, advance) -> None:
    advance(dosed, 8 * MIN)
    resumed, _ = crash_and_resume(dosed, clock, away_s=25 * MIN)  # 33 min after the dose
    assert resumed.state().phase_id == "peak"
    assert resumed.resume_report.missed_events == 2  # peak started, peak holding
    events = read_journal(resumed.journal_path).events
    started = [e for e in events if e["type"] == "phase_started"][-1]
    assert started["dose_s"] == pytest.approx(10 * MIN) and started["late_s"] > 0
    assert events[-1]["type"] == "session_resumed" and events[-1]["missed_events"] == 2
    assert resumed.state().holding


def test_resume_across_pauses_and_extensions(dosed, clock, advance) -> None:
    advance(dosed, 2 * MIN)
    dosed.extend_phase()
    dosed.pause_audio()
    advance(dosed, 3 * MIN)
    dosed.resume_audio()
    advance(dosed, 1 * MIN)
    dosed.pause_audio()
    advance(dosed, 30)
    live = dosed.state()
    resumed, _ = crash_and_resume(dosed, clock, away_s=0.0)
    assert_same_state(resumed.state(), live)
    assert resumed.state().paused and resumed.state().extension_used_s == 5 * MIN
    # tau: 60 s settling + 2 min + 2 s fade + 1 min + 2 s fade
    assert resumed.tau_now() == pytest.approx(60 + 3 * MIN + 4, abs=1e-3)
    assert resumed.schedule() == dosed.schedule()


def test_crash_while_paused_stays_paused_and_the_audio_waits(dosed, clock, advance) -> None:
    advance(dosed, MIN)
    dosed.pause_audio()
    advance(dosed, 10)
    resumed, restarted = crash_and_resume(dosed, clock, away_s=20 * MIN)
    state = resumed.state()
    assert state.paused and state.phase_id == "onset"
    assert state.time_into_phase_s == pytest.approx(62, abs=1e-3)  # where the audio paused
    assert state.time_since_dose_s == pytest.approx(MIN + 10 + 20 * MIN, abs=1e-3)
    resumed.resume_audio()
    restarted.advance(10)
    assert resumed.state().time_into_phase_s == pytest.approx(72, abs=1e-3)


def test_time_away_counts_as_playing_time(dosed, clock, advance) -> None:
    advance(dosed, MIN)
    resumed, _ = crash_and_resume(dosed, clock, away_s=2 * MIN)
    assert resumed.state().time_into_phase_s == pytest.approx(3 * MIN, abs=1e-3)


def test_resume_with_a_torn_last_line(dosed, clock, advance) -> None:
    advance(dosed, MIN)
    dosed.add_note("before the crash")
    dosed.close()
    with open(dosed.journal_path, "ab") as stream:
        stream.write(b'{"seq":99,"type":"note","text":"half wri')
    restarted = FakeClock(start_s=1.0, wall_start_s=clock.wall() + 10)
    resumed = resume_timeline(dosed.playlist, dosed.journal_path, restarted, restarted.wall)
    report = resumed.resume_report
    assert report.torn_tail and report.torn_bytes > 0
    assert resumed.state().phase_id == "onset"
    contents = read_journal(resumed.journal_path)
    assert not contents.torn_tail and contents.problems == ()
    seqs = [e["seq"] for e in contents.events]
    assert seqs == list(range(1, len(seqs) + 1))
    assert contents.events[-1]["type"] == "session_resumed" and contents.events[-1]["torn_tail"]


def test_events_are_never_lost_or_duplicated_over_several_crashes(dosed, clock) -> None:
    timeline = dosed
    for round_number in range(3):
        clock.advance(MIN)
        timeline.tick()
        timeline.add_note(f"round {round_number}")
        timeline, clock = crash_and_resume(timeline, clock, away_s=MIN)
    events = read_journal(timeline.journal_path).events
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert [e["text"] for e in events if e["type"] == "note"] == ["round 0", "round 1", "round 2"]
    assert [e["run"] for e in events if e["type"] == "session_resumed"] == [1, 2, 3]
    session_times = [e["session_s"] for e in events]
    assert session_times == sorted(session_times)
    assert timeline.since_dose_s() == pytest.approx(6 * MIN, abs=1e-3)


def test_a_wall_clock_behind_the_journal_resumes_at_the_last_event(dosed, clock, advance) -> None:
    advance(dosed, MIN)
    resumed, _ = crash_and_resume(dosed, clock, away_s=-3600)  # the clock was set back
    assert resumed.since_dose_s() == pytest.approx(MIN, abs=1e-3)
    assert "behind the session's last sign of life" in resumed.resume_report.problems[0]


def test_an_ended_session_resumes_as_ended(dosed, clock) -> None:
    dosed.end_session(reason="test")
    resumed, _ = crash_and_resume(dosed, clock, away_s=10)
    assert resumed.state().status == "ended"


def test_resume_refuses_a_different_playlist(dosed, clock, build_playlist) -> None:
    dosed.close()
    other = build_playlist(phases=[{"id": "only", "duration": "1h"}])
    with pytest.raises(ResumeError, match=r"phases \(only\) are not those of the session"):
        resume_timeline(other, dosed.journal_path, clock, clock.wall)


def test_resume_refuses_a_session_still_open_elsewhere(dosed, clock) -> None:
    with pytest.raises(ResumeError, match="still open in another Session Player window"):
        resume_timeline(dosed.playlist, dosed.journal_path, clock, clock.wall)


def test_resume_refuses_an_empty_journal(tmp_path, playlist, clock) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_bytes(b'{"seq":1,"type":"session_sta')
    with pytest.raises(ResumeError, match="nothing to resume"):
        resume_timeline(playlist, path, clock, clock.wall)


def test_a_changed_playlist_file_is_reported(tmp_path, store, clock, playlist) -> None:
    playlist_file = tmp_path / "p.yaml"
    playlist_file.write_text("title: one\n")
    timeline = SessionTimeline(playlist, store, clock, clock.wall, playlist_path=playlist_file)
    timeline.start("x")
    playlist_file.write_text("title: two\n")
    resumed, _ = crash_and_resume(timeline, clock, away_s=1)
    assert resumed.resume_report.playlist_changed
    assert "changed" in resumed.resume_report.problems[-1]


def test_a_corrupt_middle_line_is_reported_and_the_rest_replayed(dosed, clock) -> None:
    dosed.add_note("one")
    dosed.set_volume(-20)
    dosed.close()
    lines = dosed.journal_path.read_bytes().split(b"\n")
    lines[-3] = b"#corrupt#"  # the note
    dosed.journal_path.write_bytes(b"\n".join(lines))
    restarted = FakeClock(start_s=1.0, wall_start_s=clock.wall())
    resumed = resume_timeline(dosed.playlist, dosed.journal_path, restarted, restarted.wall)
    assert resumed.state().volume_db == -20
    assert "not valid JSON" in resumed.resume_report.problems[0]
