"""The clinician's hold: ``hold_phase`` and ``release_hold`` on an ``end: advance`` phase.

In the test playlist, onset (10m, end: advance) has ``max_hold: 10m``: the clinician may hold
it past its planned end for up to 10 minutes. Peak and return hold by themselves (end: hold);
observation is the last phase.
"""

from __future__ import annotations

import pytest

from session_player.session.clock import FakeClock
from session_player.session.commands import CommandRefused
from session_player.session.journal import read_journal
from session_player.session.recovery import resume_timeline
from session_player.session.schedule import SETTLING, PhaseSpan
from session_player.session.timeline import SessionTimeline

MIN = 60.0
DOSE_S = 60.0  # the dosed fixture gives the dose 60 s after the start


def _events(timeline: SessionTimeline, *types: str) -> list[dict]:
    return [e for e in read_journal(timeline.journal_path).events if e["type"] in types]


def _onset_span(timeline: SessionTimeline) -> PhaseSpan:
    return next(span for span in timeline.schedule().phases if span.index == 0)


def test_only_an_advance_phase_with_max_hold_can_be_held(timeline, clock, advance) -> None:
    assert not timeline.state().can_hold  # settling
    clock.advance(DOSE_S)
    timeline.mark_dose_given()
    state = timeline.state()
    assert state.phase_id == "onset" and state.can_hold and not state.can_release_hold
    advance(timeline, 10 * MIN)
    assert timeline.state().phase_id == "peak" and not timeline.state().can_hold
    timeline.advance_phase()
    assert timeline.state().phase_id == "return" and not timeline.state().can_hold
    timeline.advance_phase()
    assert timeline.state().is_last_phase and not timeline.state().can_hold


def test_a_held_phase_plays_past_its_planned_end_until_max_hold(dosed, advance) -> None:
    advance(dosed, 3 * MIN)
    result = dosed.hold_phase()
    assert "Onset held" in result.message and "10m" in result.message
    (held,) = _events(dosed, "phase_held")
    assert (held["phase_id"], held["max_hold_s"]) == ("onset", 10 * MIN)
    assert held["planned_end_tau_s"] == DOSE_S + 10 * MIN
    assert held["deadline_tau_s"] == DOSE_S + 20 * MIN
    state = dosed.state()
    assert not state.can_hold and state.can_release_hold
    assert not state.holding and state.time_to_next_phase_s == 7 * MIN
    # While held, the span ends at the max_hold deadline, not at the planned end.
    assert _onset_span(dosed).end_s == DOSE_S + 20 * MIN
    assert dosed.schedule().extra["planned_end_s"][0] == DOSE_S + 10 * MIN

    advance(dosed, 7 * MIN)  # the planned end: it holds
    state = dosed.state()
    assert state.phase_id == "onset" and state.holding and state.hold_left_s == 10 * MIN
    assert state.time_to_next_phase_s is None
    (holding,) = _events(dosed, "phase_holding")
    assert holding["dose_s"] == 10 * MIN
    advance(dosed, 10 * MIN - 1)
    assert dosed.state().phase_id == "onset"
    events = advance(dosed, 1)
    assert [(e["phase_id"], e["cause"], e["dose_s"]) for e in events] == [
        ("peak", "max_hold", 20 * MIN)
    ]
    state = dosed.state()
    assert not state.holding and not state.can_release_hold and not state.can_hold


def test_advance_ends_a_held_phase(dosed, advance) -> None:
    dosed.hold_phase()
    advance(dosed, 12 * MIN)
    assert dosed.state().holding
    dosed.advance_phase()
    state = dosed.state()
    assert state.phase_id == "peak" and not state.can_release_hold
    assert _events(dosed, "phase_started")[-1]["cause"] == "clinician"
    assert _onset_span(dosed).end_s == DOSE_S + 12 * MIN


def test_release_before_the_planned_end_ends_on_time(dosed, advance) -> None:
    dosed.hold_phase()
    advance(dosed, 4 * MIN)
    result = dosed.release_hold()
    assert "ends on time (in 6:00)" in result.message
    (released,) = _events(dosed, "hold_released")
    assert released["past_planned_end"] is False and released["tau_s"] == DOSE_S + 4 * MIN
    state = dosed.state()
    assert state.can_hold and not state.can_release_hold
    assert _onset_span(dosed).end_s == DOSE_S + 10 * MIN
    events = advance(dosed, 6 * MIN)
    assert [(e["phase_id"], e["cause"]) for e in events] == [("peak", "time")]


def test_hold_release_hold_again(dosed, advance) -> None:
    dosed.hold_phase()
    advance(dosed, MIN)
    dosed.release_hold()
    advance(dosed, MIN)
    dosed.hold_phase()
    advance(dosed, 8 * MIN + 1)
    assert dosed.state().holding and dosed.state().phase_id == "onset"


def test_release_after_the_planned_end_advances_now_with_the_transition(dosed, advance) -> None:
    dosed.hold_phase()
    advance(dosed, 13 * MIN)
    assert dosed.state().holding
    result = dosed.release_hold()
    assert result.message == "Hold released; Peak started"
    started = _events(dosed, "phase_started")[-1]
    assert (started["phase_id"], started["cause"], started["dose_s"]) == (
        "peak",
        "release",
        13 * MIN,
    )
    assert started["tau_s"] == DOSE_S + 13 * MIN
    phases = dosed.schedule().phases[:3]  # then the phase after the peak's deadline
    assert [(s.index, s.start_s, s.end_s) for s in phases] == [
        (SETTLING, 0.0, DOSE_S),
        (0, DOSE_S, DOSE_S + 13 * MIN),
        (1, DOSE_S + 13 * MIN, DOSE_S + 33 * MIN + 15 * MIN),  # peak: 20m + its max_hold
    ]
    assert phases[2].crossfade_s == 20.0


def test_release_while_paused_starts_the_next_phase_where_the_audio_stands(dosed, advance) -> None:
    dosed.hold_phase()
    advance(dosed, 12 * MIN)
    dosed.pause_audio()
    advance(dosed, 5 * MIN)
    dosed.release_hold()
    started = _events(dosed, "phase_started")[-1]
    frozen_tau = DOSE_S + 12 * MIN + 2.0  # the pause fade, then the audio stands still
    assert started["tau_s"] == frozen_tau and started["session_s"] == DOSE_S + 17 * MIN
    assert dosed.state().phase_id == "peak" and dosed.state().paused


def test_an_extension_moves_the_hold_deadline_too(dosed, advance) -> None:
    dosed.hold_phase()
    advance(dosed, 12 * MIN)
    assert dosed.state().holding
    dosed.extend_phase()  # planned end 15m: not holding any more, deadline 25m
    state = dosed.state()
    assert not state.holding and state.time_to_next_phase_s == 3 * MIN
    assert _onset_span(dosed).end_s == DOSE_S + 25 * MIN
    advance(dosed, 3 * MIN)
    assert dosed.state().holding
    assert len(_events(dosed, "phase_holding")) == 2
    events = advance(dosed, 10 * MIN)
    assert [(e["cause"], e["dose_s"]) for e in events] == [("max_hold", 25 * MIN)]


@pytest.mark.parametrize(
    ("advances", "fragment"),
    [
        (0, "already held"),
        (1, "already holds at its planned end"),  # peak: end: hold
        (2, "already holds at its planned end"),  # return
        (3, "last phase"),
    ],
)
def test_hold_refusals(dosed, advances, fragment) -> None:
    dosed.hold_phase()
    for _ in range(advances):
        dosed.advance_phase()
    before = dosed.state().discrete()
    with pytest.raises(CommandRefused, match=fragment) as refused:
        dosed.hold_phase()
    assert refused.value.reason.endswith(".")
    assert dosed.state().discrete() == before
    assert _events(dosed, "command_refused")[-1]["command"] == "hold_phase"


def test_a_phase_without_max_hold_cannot_be_held(build_playlist, make_timeline, clock) -> None:
    playlist = build_playlist(
        phases=[{"id": "one", "duration": "5m"}, {"id": "two", "duration": "5m"}]
    )
    timeline = make_timeline(playlist)
    timeline.start()
    with pytest.raises(CommandRefused, match="no phase to hold"):
        timeline.hold_phase()
    timeline.mark_dose_given()
    assert not timeline.state().can_hold
    with pytest.raises(CommandRefused, match=r"does not let One hold \(it has no max_hold\)"):
        timeline.hold_phase()


def test_release_refusals(dosed) -> None:
    with pytest.raises(CommandRefused, match="Onset is not held."):
        dosed.release_hold()
    dosed.advance_phase()
    with pytest.raises(CommandRefused, match="Peak holds by itself"):
        dosed.release_hold()
    dosed.end_session(reason="test")
    with pytest.raises(CommandRefused, match="has ended"):
        dosed.hold_phase()


def test_hold_is_a_discrete_change_for_subscribers(dosed) -> None:
    seen = []
    dosed.subscribe(lambda state: seen.append(state.can_release_hold))
    dosed.hold_phase()
    dosed.release_hold()
    assert seen == [False, True, False]


def test_resume_rebuilds_a_hold(dosed, clock, advance) -> None:
    dosed.hold_phase()
    advance(dosed, 5 * MIN)
    schedule = dosed.schedule()
    dosed.close()
    clock = FakeClock(start_s=7.0, wall_start_s=clock.wall())
    resumed = resume_timeline(dosed.playlist, dosed.journal_path, clock, clock.wall)
    try:
        assert resumed.state().can_release_hold and resumed.schedule() == schedule
        clock.advance(5 * MIN)  # past the planned end: holds, as live
        resumed.tick()
        assert resumed.state().holding
    finally:
        resumed.close()


def test_resume_after_the_hold_deadline_journals_the_advance_at_its_time(
    dosed, clock, advance
) -> None:
    dosed.hold_phase()
    advance(dosed, 5 * MIN)
    dosed.close()
    # The app comes back 30 minutes later: holding began at 10m, max_hold ran out at 20m.
    clock = FakeClock(start_s=7.0, wall_start_s=clock.wall() + 30 * MIN)
    resumed = resume_timeline(dosed.playlist, dosed.journal_path, clock, clock.wall)
    try:
        starts = _events(resumed, "phase_started")
        assert [(e["phase_id"], e["cause"], e["dose_s"]) for e in starts] == [
            ("peak", "max_hold", 20 * MIN)
        ]
        assert resumed.state().phase_id == "peak"
    finally:
        resumed.close()
