"""Property: any sequence of commands and clock moves, replayed from the journal, gives the
same state and the same audio schedule as the live timeline (state = f(playlist, journal, clock))."""

from __future__ import annotations

import contextlib
import itertools
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from session_player.session.clock import FakeClock
from session_player.session.commands import CommandRefused
from session_player.session.journal import read_journal
from session_player.session.recovery import resume_timeline
from session_player.session.state import CONTINUOUS_FIELDS
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline

COMMANDS = {
    "dose": lambda t: t.mark_dose_given(),
    "dose_late": lambda t: t.mark_dose_given(ago_s=30),
    "advance": lambda t: t.advance_phase(),
    "extend": lambda t: t.extend_phase(),
    "hold": lambda t: t.hold_phase(),
    "release": lambda t: t.release_hold(),
    "pause": lambda t: t.pause_audio(),
    "resume": lambda t: t.resume_audio(),
    "patient_forest": lambda t: t.choose_soundscape("forest", by="patient"),
    "patient_rain": lambda t: t.choose_soundscape("rain", by="patient"),
    "clinician_ocean": lambda t: t.choose_soundscape("ocean", by="clinician"),
    "volume_patient": lambda t: t.set_volume(-1, by="patient"),
    "volume_low": lambda t: t.set_volume(-30),
    "cap": lambda t: t.set_volume_cap(-12),
    "calm": lambda t: t.calm_down(),
    "undo_calm": lambda t: t.undo_calm_down(),
    "silence": lambda t: t.fade_to_silence(),
    "back": lambda t: t.fade_back(),
    "end": lambda t: t.end_session(),
    "end_reason": lambda t: t.end_session(reason="test"),
    "vitals": lambda t: t.record_vitals(150, 85, 72, 97),
    "skip": lambda t: t.skip_vitals("40m", "asleep"),
    "side_effect": lambda t: t.log_side_effect("nausea/vomiting"),
    "note": lambda t: t.add_note("note"),
    "alert": lambda t: t.raise_alert("device_lost", "gone"),
    "ack": lambda t: t.acknowledge_alert(1),
    "call": lambda t: t.patient_called(),
    "answer": lambda t: t.answer_patient_call(),
}
# Clock moves in whole or half seconds: exact in the journal's microsecond wall times, so a
# transition that falls exactly on "now" is on the same side of it live and after replay.
WAITS = [0.5, 1.0, 2.0, 5.0, 59.0, 120.0, 600.0, 1800.0, 4000.0]

_EXAMPLES = itertools.count()
step = st.one_of(
    st.tuples(st.just("wait"), st.sampled_from(WAITS)),
    st.tuples(st.just("cmd"), st.sampled_from(sorted(COMMANDS))),
    st.tuples(st.just("crash"), st.sampled_from([0.0, 30.0, 900.0])),
)


def _resume(timeline: SessionTimeline, wall_s: float, folder: Path | None = None):
    clock = FakeClock(start_s=3.0, wall_start_s=wall_s)
    path = timeline.journal_path
    if folder is not None:  # resume a copy, leaving the live session untouched
        shutil.copytree(path.parent, folder)
        path = folder / path.name
    return resume_timeline(timeline.playlist, path, clock, clock.wall), clock


def _assert_same(live: SessionTimeline, replayed: SessionTimeline) -> None:
    one, two = live.state(), replayed.state()
    assert one.discrete() == two.discrete()
    for name in CONTINUOUS_FIELDS:
        a, b = getattr(one, name), getattr(two, name)
        assert (a is None) == (b is None), name
        if a is not None:
            assert a == pytest.approx(b, abs=1e-6), name
    assert live.schedule() == replayed.schedule()
    assert live.tau_now() == pytest.approx(replayed.tau_now(), abs=1e-6)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, max_size=30))
def test_replay_gives_the_live_state(build_playlist, tmp_path, steps) -> None:
    # One folder per example, removed by pytest later: removing them here costs more time
    # than the example itself on a slow disk.
    base = tmp_path / f"example-{next(_EXAMPLES)}"
    clock = FakeClock()
    timeline = SessionTimeline(
        build_playlist(), SessionStore(base / "data"), clock, clock.wall, seed=7
    )
    timeline.start("prop")
    for kind, value in steps:
        if kind == "wait":
            clock.advance(value)
            timeline.tick()
        elif kind == "cmd":
            with contextlib.suppress(CommandRefused):
                COMMANDS[value](timeline)
        else:  # the process dies; the app comes back `value` seconds later
            timeline.close()
            timeline, clock = _resume(timeline, clock.wall() + value)
    timeline.tick()
    replayed, _ = _resume(timeline, clock.wall(), base / "copy")
    try:
        _assert_same(timeline, replayed)
        events = read_journal(timeline.journal_path).events
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        times = [e["session_s"] for e in events]
        assert times == sorted(times)
    finally:
        replayed.close()
        timeline.close()
