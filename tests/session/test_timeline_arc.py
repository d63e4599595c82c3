"""The arc at run time: settling, the dose, phases on time, holds, extensions, long gaps."""

from __future__ import annotations

import pytest

from session_player.session.clock import FakeClock
from session_player.session.commands import CommandRefused
from session_player.session.journal import read_journal
from session_player.session.schedule import SETTLING
from session_player.session.timeline import SessionTimeline

MIN = 60.0


def _phase_starts(timeline: SessionTimeline) -> list[tuple[str, str, float]]:
    """(phase id, cause, dose_s) of every phase start in the journal."""
    events = read_journal(timeline.journal_path).events
    return [
        (e["phase_id"], e.get("cause", "dose"), e["dose_s"])
        for e in events
        if e["type"] in ("dose_given", "phase_started")
    ]


def test_ready_then_settling(make_timeline, clock: FakeClock) -> None:
    timeline = make_timeline()
    state = timeline.state()
    assert state.status == "ready" and state.phase_index is None and timeline.now_s() == 0
    timeline.start("Pt A", "notes")
    clock.advance(30)
    state = timeline.state()
    assert state.status == "settling"
    assert (state.phase_index, state.phase_id, state.phase_name) == (
        SETTLING,
        "settling",
        "Settling",
    )
    assert state.time_since_dose_s is None and not state.dose_given
    assert state.time_into_phase_s == 30 and state.time_to_next_phase_s is None
    assert timeline.since_dose_s() is None


def test_session_started_event_describes_the_session(tmp_path, store, clock, playlist) -> None:
    playlist_file = tmp_path / "p.yaml"
    playlist_file.write_text("title: x\n")
    timeline = SessionTimeline(playlist, store, clock, clock.wall, playlist_path=playlist_file)
    timeline.start("Pt A", "second session")
    first = read_journal(timeline.journal_path).events[0]
    assert first["type"] == "session_started" and first["seq"] == 1
    assert first["alias"] == "Pt A" and first["notes"] == "second session"
    assert first["playlist_path"] == str(playlist_file.resolve())
    assert len(first["playlist_sha256"]) == 64
    assert isinstance(first["seed"], int) and first["app_version"]
    assert first["session_s"] == 0 and first["dose_s"] is None and first["run"] == 0
    assert {"mono_s", "wall"} <= first.keys()


def test_dose_starts_phase_one_and_the_dose_clock(timeline, clock, advance) -> None:
    clock.advance(5 * MIN)
    result = timeline.mark_dose_given()
    assert "Onset started" in result.message
    state = timeline.state()
    assert state.status == "running" and state.phase_id == "onset" and state.dose_given
    assert state.time_since_dose_s == 0 and state.time_to_next_phase_s == 10 * MIN
    advance(timeline, 4 * MIN)
    assert timeline.since_dose_s() == 4 * MIN
    assert timeline.state().time_into_phase_s == 4 * MIN


def test_every_event_has_the_common_fields(dosed, advance) -> None:
    advance(dosed, 11 * MIN)
    dosed.add_note("x")
    events = read_journal(dosed.journal_path).events
    for event in events:
        assert list(event)[:7] == ["seq", "type", "mono_s", "wall", "run", "session_s", "dose_s"]
    dose = next(e for e in events if e["type"] == "dose_given")
    assert dose["dose_s"] == 0 and dose["session_s"] == 60 and dose["dose_wall"] == dose["wall"]
    note = events[-1]
    assert note["dose_s"] == 11 * MIN and note["mono_s"] - dose["mono_s"] == 11 * MIN


def test_dose_marked_late(timeline, clock) -> None:
    clock.advance(5 * MIN)
    timeline.mark_dose_given(ago_s=2 * MIN)
    assert timeline.since_dose_s() == 2 * MIN
    # The audio cannot go back in time: phase 1 starts now, on the audio timeline.
    assert timeline.state().time_into_phase_s == 0
    assert timeline.tau_at(2 * MIN) == 5 * MIN
    with pytest.raises(CommandRefused, match="already marked"):
        timeline.mark_dose_given()


def test_dose_cannot_be_marked_before_the_session_started(timeline, clock) -> None:
    clock.advance(MIN)
    with pytest.raises(CommandRefused, match="at most 1:00 ago"):
        timeline.mark_dose_given(ago_s=2 * MIN)
    with pytest.raises(CommandRefused):
        timeline.mark_dose_given(ago_s=-1)


def test_phases_advance_on_time_and_holds_wait(dosed, clock, advance) -> None:
    advance(dosed, 10 * MIN)
    assert dosed.state().phase_id == "peak"
    advance(dosed, 20 * MIN)  # peak's planned end: it holds
    state = dosed.state()
    assert state.phase_id == "peak" and state.holding and state.time_to_next_phase_s is None
    assert state.hold_left_s == 15 * MIN
    advance(dosed, 5 * MIN)
    assert dosed.state().hold_left_s == 10 * MIN
    dosed.advance_phase()
    state = dosed.state()
    assert state.phase_id == "return" and not state.holding
    advance(dosed, 15 * MIN)
    assert dosed.state().holding
    advance(dosed, 10 * 3600)  # a hold without max_hold waits for ever
    state = dosed.state()
    assert state.phase_id == "return" and state.holding and state.hold_left_s is None
    assert [cause for _, cause, _ in _phase_starts(dosed)] == ["dose", "time", "clinician"]


def test_max_hold_advances_after_holding_that_long(dosed, advance) -> None:
    advance(dosed, 10 * MIN)
    advance(dosed, 34 * MIN)  # 20m planned + 14m holding
    assert dosed.state().phase_id == "peak"
    events = advance(dosed, 1 * MIN)
    assert [e["type"] for e in events] == ["phase_started"]
    assert events[0]["cause"] == "max_hold" and events[0]["phase_id"] == "return"
    assert events[0]["dose_s"] == 45 * MIN


def test_holding_is_journaled_when_it_begins(dosed, advance) -> None:
    advance(dosed, 30 * MIN + 1)
    holding = [e for e in read_journal(dosed.journal_path).events if e["type"] == "phase_holding"]
    assert len(holding) == 1 and holding[0]["phase_id"] == "peak"
    assert holding[0]["dose_s"] == 30 * MIN


def test_the_last_phase_never_ends_by_itself(dosed, advance) -> None:
    for _ in range(3):
        dosed.advance_phase()
    state = dosed.state()
    assert state.phase_id == "observation" and state.is_last_phase
    assert state.time_to_next_phase_s is None and not state.can_advance
    advance(dosed, 5 * 3600)
    state = dosed.state()
    assert state.status == "running" and state.phase_id == "observation" and not state.holding
    with pytest.raises(CommandRefused, match="last phase; use End session"):
        dosed.advance_phase()


def test_extension_within_the_limit(dosed, advance) -> None:
    advance(dosed, 8 * MIN)
    result = dosed.extend_phase()
    assert result.value == 5 * MIN and "5m of 10m used" in result.message
    state = dosed.state()
    assert state.phase_length_s == 15 * MIN and state.time_to_next_phase_s == 7 * MIN
    assert state.extension_used_s == 5 * MIN and state.extension_remaining_s == 5 * MIN
    dosed.extend_phase()
    assert not dosed.state().can_extend
    with pytest.raises(CommandRefused, match="cannot be extended further: 10m is the most"):
        dosed.extend_phase()
    advance(dosed, 11 * MIN)  # 8 + 11 = 19 < 20
    assert dosed.state().phase_id == "onset"
    advance(dosed, 1 * MIN)
    assert dosed.state().phase_id == "peak"


def test_the_last_step_adds_only_what_is_left(build_playlist, make_timeline, clock) -> None:
    phases = [
        {"id": "a", "duration": "10m", "max_extend": "7m", "extend_step": "5m"},
        {"id": "b", "duration": "10m"},
    ]
    timeline = make_timeline(build_playlist(phases=phases, patient={}))
    timeline.start("x")
    timeline.mark_dose_given()
    assert timeline.extend_phase().value == 5 * MIN
    assert timeline.extend_phase().value == 2 * MIN
    assert timeline.state().extension_used_s == 7 * MIN


def test_a_phase_without_max_extend_cannot_be_extended(dosed) -> None:
    dosed.advance_phase()  # peak: max_extend 0
    with pytest.raises(CommandRefused, match="does not allow extending Peak"):
        dosed.extend_phase()


def test_extending_a_holding_phase_ends_the_hold_for_a_while(
    build_playlist, make_timeline, advance
) -> None:
    phases = [
        {"id": "a", "duration": "10m", "end": "hold", "max_extend": "10m", "extend_step": "5m"},
        {"id": "b", "duration": "10m"},
    ]
    timeline = make_timeline(build_playlist(phases=phases, patient={}))
    timeline.start("x")
    timeline.mark_dose_given()
    advance(timeline, 12 * MIN)
    assert timeline.state().holding
    timeline.extend_phase()  # planned end now 15m
    assert not timeline.state().holding
    assert timeline.state().time_to_next_phase_s == 3 * MIN
    advance(timeline, 3 * MIN)
    assert timeline.state().holding
    holding = [
        e for e in read_journal(timeline.journal_path).events if e["type"] == "phase_holding"
    ]
    assert [e["dose_s"] for e in holding] == [10 * MIN, 15 * MIN]


def test_a_long_gap_journals_every_missed_transition_at_its_time(
    build_playlist, make_timeline, clock
) -> None:
    phases = [
        {"id": "a", "duration": "10m"},
        {"id": "b", "duration": "5m"},
        {"id": "c", "duration": "10m", "end": "hold", "max_hold": "5m"},
        {"id": "d", "duration": "1m"},
        {"id": "e", "duration": "1h"},
    ]
    timeline = make_timeline(build_playlist(phases=phases, patient={}))
    timeline.start("x")
    timeline.mark_dose_given()
    clock.advance(2 * 3600)  # the app was frozen for two hours
    events = timeline.tick()
    assert [(e["type"], e.get("phase_id")) for e in events] == [
        ("phase_started", "b"),
        ("phase_started", "c"),
        ("phase_holding", "c"),
        ("phase_started", "d"),
        ("phase_started", "e"),
    ]
    assert [e["dose_s"] for e in events] == [600, 900, 1500, 1800, 1860]
    assert [e.get("cause") for e in events] == ["time", "time", None, "max_hold", "time"]
    assert all(e["late_s"] > 0 for e in events)
    walls = [e["wall"] for e in events]
    assert walls == sorted(walls)
    assert timeline.state().phase_id == "e"


def test_commands_catch_up_with_the_clock_first(dosed, clock) -> None:
    clock.advance(10 * MIN + 30)  # no tick: onset ended 30 s ago
    dosed.add_note("checked on the patient")
    events = read_journal(dosed.journal_path).events
    assert [e["type"] for e in events[-2:]] == ["phase_started", "note"]
    assert events[-2]["dose_s"] == 10 * MIN


def test_a_three_hour_arc_on_the_injected_clock(dosed, advance) -> None:
    # 5,400 ticks of a three-hour session; no real time passes (under a second of CPU).
    seen = []
    for _ in range(3 * 3600 // 2):  # a tick every 2 s for three hours
        advance(dosed, 2.0)
        state = dosed.state()
        if not seen or seen[-1] != state.phase_id:
            seen.append(state.phase_id)
        if state.holding and state.phase_id == "return":
            dosed.advance_phase()
    assert seen == ["onset", "peak", "return", "observation"]
    assert dosed.state().can_end
    dosed.end_session()
    starts = _phase_starts(dosed)
    assert [(pid, cause) for pid, cause, _ in starts] == [
        ("onset", "dose"),
        ("peak", "time"),
        ("return", "max_hold"),
        ("observation", "clinician"),
    ]
    assert starts[1][2] == pytest.approx(10 * MIN)
    assert starts[2][2] == pytest.approx(45 * MIN)
    assert starts[3][2] == pytest.approx(60 * MIN, abs=2.0)
