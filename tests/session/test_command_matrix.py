"""Every command in every state: carried out, or refused with a message for the clinician."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from session_player.session.commands import CommandRefused
from session_player.session.journal import read_journal
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline

_ALIASES = itertools.count()

STATES = ("ready", "settling", "running", "last", "paused", "ended")
OK = None

# command -> (call, {state: None for carried out, or a fragment of the refusal})
NOT_STARTED = "has not started"
ENDED = "The session has ended"
COMMANDS: dict[str, tuple[Callable[[SessionTimeline], object], dict[str, str | None]]] = {
    "start": (
        lambda t: t.start("again"),
        {"ready": OK, **{s: "already started" for s in STATES[1:]}},
    ),
    "mark_dose_given": (
        lambda t: t.mark_dose_given(),
        {
            "settling": OK,
            "running": "already marked",
            "last": "already marked",
            "paused": "already marked",
        },
    ),
    "pause_audio": (
        lambda t: t.pause_audio(),
        {"settling": OK, "running": OK, "last": OK, "paused": "already paused"},
    ),
    "resume_audio": (
        lambda t: t.resume_audio(),
        {"settling": "not paused", "running": "not paused", "last": "not paused", "paused": OK},
    ),
    "extend_phase": (
        lambda t: t.extend_phase(),
        {"settling": "nothing to extend", "running": OK, "last": OK, "paused": OK},
    ),
    "advance_phase": (
        lambda t: t.advance_phase(),
        {"settling": "Mark the dose", "running": OK, "last": "use End session", "paused": OK},
    ),
    # In "running" and "paused" the phase is onset: end: advance with a max_hold.
    "hold_phase": (
        lambda t: t.hold_phase(),
        {"settling": "no phase to hold", "running": OK, "last": "last phase", "paused": OK},
    ),
    "release_hold": (
        lambda t: t.release_hold(),
        {s: "is not held" for s in ("settling", "running", "last", "paused")},
    ),
    "choose_soundscape_patient": (
        lambda t: t.choose_soundscape("forest", by="patient"),
        {"settling": OK, "running": OK, "last": "may not choose", "paused": OK},
    ),
    "choose_soundscape_clinician": (
        lambda t: t.choose_soundscape("ocean", by="clinician"),
        {"settling": OK, "running": OK, "last": OK, "paused": OK},
    ),
    "set_volume": (
        lambda t: t.set_volume(-10),
        {"settling": OK, "running": OK, "last": OK, "paused": OK},
    ),
    "set_volume_cap": (
        lambda t: t.set_volume_cap(-8),
        {"settling": OK, "running": OK, "last": OK, "paused": OK},
    ),
    "calm_down": (
        lambda t: t.calm_down(),
        {s: OK for s in ("settling", "running", "last", "paused")},
    ),
    "undo_calm_down": (
        lambda t: t.undo_calm_down(),
        {s: "not on" for s in ("settling", "running", "last", "paused")},
    ),
    "fade_to_silence": (
        lambda t: t.fade_to_silence(),
        {s: OK for s in ("settling", "running", "last", "paused")},
    ),
    "fade_back": (
        lambda t: t.fade_back(),
        {s: "not faded" for s in ("settling", "running", "last", "paused")},
    ),
    "end_session": (
        lambda t: t.end_session(),
        {
            "settling": "dose has not been marked",
            "running": "minimum observation",
            "last": "minimum observation",
            "paused": "minimum observation",
        },
    ),
    "end_session_with_reason": (
        lambda t: t.end_session(reason="patient asked to stop"),
        {"settling": OK, "running": OK, "last": OK, "paused": OK},
    ),
    # The clinical record goes on after the end: discharge vitals come after the music.
    "record_vitals": (lambda t: t.record_vitals(120, 80, 70, 98), {s: OK for s in STATES[1:]}),
    "skip_vitals": (lambda t: t.skip_vitals("40m", "patient asleep"), {s: OK for s in STATES[1:]}),
    "log_side_effect": (lambda t: t.log_side_effect("dizziness"), {s: OK for s in STATES[1:]}),
    "add_note": (lambda t: t.add_note("all calm"), {s: OK for s in STATES[1:]}),
    "raise_alert": (lambda t: t.raise_alert("device_lost", "x"), {s: OK for s in STATES[1:]}),
    "acknowledge_alert": (
        lambda t: t.acknowledge_alert(99),
        {s: "no alert 99" for s in STATES[1:]},
    ),
    "patient_called": (lambda t: t.patient_called(), {s: OK for s in STATES[1:]}),
    "answer_patient_call": (
        lambda t: t.answer_patient_call(),
        {s: "not calling" for s in STATES[1:]},
    ),
}


def _expected(command: str, state: str) -> str | None:
    table = COMMANDS[command][1]
    if state in table:
        return table[state]
    return NOT_STARTED if state == "ready" else ENDED


def _in_state(timeline: SessionTimeline, clock, state: str) -> SessionTimeline:
    if state == "ready":
        return timeline
    timeline.start(f"pt-{next(_ALIASES)}")  # a folder of its own in the shared store
    clock.advance(60)
    if state == "settling":
        return timeline
    timeline.mark_dose_given()
    clock.advance(60)
    if state == "last":
        for _ in range(3):
            timeline.advance_phase()
    elif state == "paused":
        timeline.pause_audio()
        clock.advance(10)
    elif state == "ended":
        timeline.end_session(reason="test")
    return timeline


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> SessionStore:
    # One folder for the 150 cases: creating and cleaning one each is most of their time.
    return SessionStore(tmp_path_factory.mktemp("matrix"))


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_command_in_state(shared_store, playlist, clock, command: str, state: str) -> None:
    timeline = SessionTimeline(playlist, shared_store, clock, clock.wall, seed=1)
    timeline = _in_state(timeline, clock, state)
    call = COMMANDS[command][0]
    expected = _expected(command, state)
    before = timeline.state()
    if expected is OK:
        result = call(timeline)
        assert result.message
        assert timeline.state().status != "ready"
        timeline.close()
        return
    with pytest.raises(CommandRefused) as refused:
        call(timeline)
    assert expected in refused.value.reason
    assert refused.value.reason[0].isupper() and refused.value.reason.endswith(".")
    # Refusing changes nothing (but a refusal during a session is on the record).
    assert timeline.state().discrete() == before.discrete()
    if state != "ready":
        last = read_journal(timeline.journal_path).events[-1]
        assert last["type"] == "command_refused" and last["reason"] == refused.value.reason
        timeline.close()
