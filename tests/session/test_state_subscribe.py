"""Observable state: subscribers hear of discrete changes only, and cannot break the session."""

from __future__ import annotations

import logging

from session_player.session.state import CONTINUOUS_FIELDS, SessionState

MIN = 60.0


def test_continuous_fields_are_the_running_clocks() -> None:
    assert set(CONTINUOUS_FIELDS) == {
        "session_s",
        "tau_s",
        "time_since_dose_s",
        "time_into_phase_s",
        "time_to_next_phase_s",
        "hold_left_s",
        "observation_left_s",
    }
    one = SessionState(status="running", session_s=1.0, time_since_dose_s=1.0)
    two = SessionState(status="running", session_s=9.0, time_since_dose_s=9.0)
    assert one.discrete() == two.discrete()


def test_subscribe_gets_the_current_state_then_only_changes(dosed, advance) -> None:
    seen: list[SessionState] = []
    unsubscribe = dosed.subscribe(seen.append)
    assert len(seen) == 1 and seen[0].phase_id == "onset"
    for _ in range(60):
        advance(dosed, 1)  # the clocks run: no notification
    assert len(seen) == 1
    dosed.set_volume(-10)
    assert len(seen) == 2 and seen[-1].volume_db == -10
    dosed.set_volume(-10)  # journaled, but nothing changed
    assert len(seen) == 2
    advance(dosed, 9 * MIN)  # onset ends: a discrete change driven by the clock
    assert len(seen) == 3 and seen[-1].phase_id == "peak"
    unsubscribe()
    dosed.calm_down()
    assert len(seen) == 3


def test_clock_driven_discrete_changes_are_notified(dosed, advance) -> None:
    seen: list[SessionState] = []
    dosed.subscribe(seen.append, initial=False)
    advance(dosed, 40 * MIN)  # peak began at 10m; the 40m check is due
    assert [s.phase_id for s in seen] == ["peak"]
    assert [d.key for d in seen[-1].due_vitals] == ["40m"]
    advance(dosed, 80 * MIN)  # minimum observation reached (after peak held, return)
    assert seen[-1].can_end


def test_a_failing_subscriber_is_logged_and_others_still_hear(dosed, caplog) -> None:
    def broken(state: SessionState) -> None:
        raise RuntimeError("view bug")

    seen: list[SessionState] = []
    dosed.subscribe(broken, initial=False)
    dosed.subscribe(seen.append, initial=False)
    with caplog.at_level(logging.ERROR, logger="session_player.session.timeline"):
        dosed.pause_audio()
    assert len(seen) == 1 and seen[0].paused
    assert "subscriber failed" in caplog.text
    assert dosed.state().paused


def test_a_subscriber_may_call_a_command(dosed) -> None:
    seen: list[SessionState] = []

    def reacts(state: SessionState) -> None:
        seen.append(state)
        if state.patient_call_pending:
            dosed.answer_patient_call()  # re-entrant: notifies again after this round

    dosed.subscribe(reacts, initial=False)
    dosed.patient_called()
    assert [s.patient_call_pending for s in seen] == [True, False]
    assert not dosed.state().patient_call_pending
