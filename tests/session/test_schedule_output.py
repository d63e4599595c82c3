"""The AudioSchedule the timeline hands to the mixer."""

from __future__ import annotations

from session_player.session.schedule import SETTLING, BusEvent, PhaseSpan

MIN = 60.0


def test_nothing_to_play_before_the_start(make_timeline) -> None:
    schedule = make_timeline().schedule()
    assert schedule.phases == () and schedule.bus_events == ()


def test_settling_fades_in_from_silence(timeline) -> None:
    schedule = timeline.schedule()
    assert schedule.phases == (PhaseSpan(SETTLING, 0.0, None, 4.0),)
    assert schedule.bus_events[:3] == (
        BusEvent(0.0, "master", None, 0.0),
        BusEvent(0.0, "music", 0.0, 0.0),
        BusEvent(0.0, "master", -6.0, 4.0),
    )
    assert schedule.seed == 1234 and schedule.ended_at_s is None


def test_phase_spans_as_the_session_runs(dosed, advance) -> None:
    onset_start = 60.0
    schedule = dosed.schedule()
    assert schedule.phases == (
        PhaseSpan(SETTLING, 0.0, onset_start, 4.0),
        PhaseSpan(0, onset_start, onset_start + 10 * MIN, 10.0),
        # The next phase, from where the onset ends by itself (see the next test).
        PhaseSpan(1, onset_start + 10 * MIN, onset_start + 45 * MIN, 20.0),
    )
    dosed.extend_phase()
    assert dosed.schedule().phases[1].end_s == onset_start + 15 * MIN
    assert dosed.schedule().phases[2].start_s == onset_start + 15 * MIN  # it moved along
    advance(dosed, 15 * MIN)
    peak_start = onset_start + 15 * MIN
    schedule = dosed.schedule()
    # A hold phase with max_hold: its end is the max_hold deadline until someone advances.
    assert schedule.phases[1:3] == (
        PhaseSpan(0, onset_start, peak_start, 10.0),
        PhaseSpan(1, peak_start, peak_start + 35 * MIN, 20.0),
    )
    # After the deadline the return phase would start by itself (and hold: no end).
    assert schedule.phases[3] == PhaseSpan(2, peak_start + 35 * MIN, None, 10.0)
    planned = schedule.extra["planned_end_s"]
    assert (planned[0], planned[1]) == (peak_start, peak_start + 20 * MIN)
    advance(dosed, 5 * MIN)
    dosed.advance_phase()
    return_start = peak_start + 5 * MIN
    # A hold phase without max_hold: open.
    assert dosed.schedule().phases[-1] == PhaseSpan(2, return_start, None, 10.0)
    assert dosed.schedule().phases[-2].end_s == return_start
    dosed.advance_phase()
    assert dosed.schedule().phases[-1].end_s is None  # the last phase lasts until End


def test_the_next_phase_is_scheduled_before_it_starts_exactly_as_it_will_run(
    dosed, advance
) -> None:
    # The live mixer renders ahead of what is heard: it must know the next phase before
    # the tick journals it, and the journaled start must not move it (no re-plan).
    before = dosed.schedule()
    advance(dosed, 10 * MIN + 1)
    assert dosed.state().phase_id == "peak"
    after = dosed.schedule()
    assert after.phases[:3] == before.phases
    assert after.extra["planned_end_s"][1] == before.extra["planned_end_s"][1]


def test_no_next_phase_before_the_dose(timeline) -> None:
    assert [span.index for span in timeline.schedule().phases] == [SETTLING]  # a person doses


def test_no_next_phase_after_the_end_or_when_a_person_must_start_it(dosed, advance) -> None:
    advance(dosed, 10 * MIN + 1)
    dosed.advance_phase()  # into "return", which holds without a deadline
    assert dosed.schedule().phases[-1].end_s is None
    assert dosed.schedule().phases[-1].index == 2
    dosed.advance_phase()  # the last phase ends only when the clinician ends the session
    assert dosed.schedule().phases[-1].index == 3
    dosed.end_session(reason="test")
    assert max(span.index for span in dosed.schedule().phases) == 3


def test_spans_follow_the_audio_timeline_across_a_pause(dosed, advance) -> None:
    advance(dosed, 60)
    dosed.pause_audio()
    advance(dosed, 10 * MIN)
    dosed.resume_audio()
    assert dosed.schedule().phases[1].end_s == 60 + 10 * MIN  # tau: the pause is not in it
    advance(dosed, 9 * MIN)
    assert dosed.state().phase_id == "peak"
    assert dosed.schedule().phases[2].start_s == 60 + 10 * MIN
    assert dosed.dose_s_at_tau(60 + 10 * MIN) == 10 * MIN + 10 * MIN - 2


def test_dose_clock_to_tau_and_back(dosed, advance) -> None:
    advance(dosed, 5 * MIN)
    assert dosed.tau_at(0) == 60 and dosed.tau_now() == 6 * MIN
    assert dosed.dose_s_at_tau(dosed.tau_now()) == 5 * MIN
    assert dosed.session_at_tau(60) == 60 and dosed.tau_at_session(60) == 60


def test_there_is_no_dose_clock_before_the_dose(timeline) -> None:
    import pytest

    with pytest.raises(ValueError, match="no dose clock yet"):
        timeline.tau_at(0)
    assert timeline.since_dose_s() is None and timeline.tau_now() == 0


def test_the_end_fades_everything_out(dosed) -> None:
    dosed.end_session(reason="test")
    schedule = dosed.schedule()
    assert schedule.ended_at_s == 70.0
    assert schedule.phases[-1].end_s == 70.0
    assert schedule.bus_events[-1] == BusEvent(60.0, "master", None, 10.0)
