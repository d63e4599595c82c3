"""The session record read from a real journal: complete, tolerant of damage, clear when absent."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from session_player.record import RecordUnreadable, find_journal, read_session_record
from session_player.record.clinic_settings import (
    ClinicSettings,
    load_clinic_settings,
    save_clinic_settings,
)
from tests.record.scripted_journal import (
    ALERT,
    NOTES,
    PLAYLIST_DATA,
    READINGS,
    SIDE_EFFECTS,
    ScriptedSession,
)

MINUTE = 60.0


def test_the_record_holds_everything_the_session_journaled(scripted: ScriptedSession):
    record = read_session_record(scripted.journal_path)

    assert record.alias == "Blue Heron"
    assert record.playlist_known and not record.playlist_changed
    assert record.route == "IV"
    assert record.start_notes == "IV 0.5 mg/kg over 40 min; first of six"
    assert record.started.session_s == 0.0
    assert record.dose.session_s == 5 * MINUTE and record.dose.dose_s == 0.0
    assert record.ended.dose_s == 125 * MINUTE
    assert not record.ended_early and record.end_reason is None
    assert record.minimum_observation_s == 120 * MINUTE
    assert record.complete and record.unread == ()

    # Phases as they really ran: onset extended once, peak held at its end, then advanced.
    names = [(p.name, p.how_started) for p in record.phases]
    assert names == [
        ("Settling", "start"),
        ("Onset", "dose"),
        ("Peak", "time"),
        ("Coming back", "clinician"),
        ("Observation", "time"),
    ]
    onset, peak = record.phases[1], record.phases[2]
    assert onset.extended_s == 5 * MINUTE and onset.length_s == 15 * MINUTE
    assert [c.kind for c in peak.changes] == ["holding"]
    assert peak.length_s == 29 * MINUTE  # 20m planned, held 9m until advanced at +44:00
    assert record.phases[-1].ended == record.ended

    # Every reading, with its flags and the check it belongs to.
    values = [(r.systolic, r.diastolic, r.heart_rate, r.spo2) for r in record.readings]
    assert values == [tuple(float(v) for v in reading[2:]) for reading in READINGS]
    flagged = {r.check_label: sorted(f.measure for f in r.flags) for r in record.readings}
    assert flagged["40m after the dose"] == ["heart_rate", "systolic"]
    assert flagged["unscheduled"] == ["spo2"]
    assert flagged["Before the dose"] == []
    assert record.readings[1].flagged("systolic") and not record.readings[1].flagged("spo2")
    assert record.thresholds.systolic_max == 140 and record.thresholds.spo2_min == 94
    assert [(c.key, c.outcome) for c in record.checks] == [
        ("pre-dose", "recorded"),
        ("40m", "recorded"),
        ("1h20m", "recorded"),
        ("discharge", "recorded"),
    ]

    # Side effects, the mistaken one kept and marked; notes; alerts; the patient's call.
    effects = [(e.kind, e.note, e.withdrawn is not None) for e in record.side_effects]
    assert effects == [
        (SIDE_EFFECTS[0][0], SIDE_EFFECTS[0][1], False),
        ("anxiety", "", True),
        (SIDE_EFFECTS[1][0], "", False),
    ]
    assert [e.kind for e in record.active_side_effects] == ["nausea/vomiting", "dizziness"]
    assert [n.text for n in record.notes] == NOTES
    (alert,) = record.alerts
    assert alert.message == ALERT and alert.handled == "acknowledged"
    assert alert.acknowledged.dose_s - alert.raised.dose_s == MINUTE
    (call,) = record.patient_calls
    assert call.answered is not None and call.called.dose_s == 55 * MINUTE

    # What played, by phase, and the changes.
    played = {p.name: (p.music, p.soundscape) for p in record.played}
    assert played["Settling"] == (("Arrival",), "Rain")
    assert played["Onset"] == (("Slow Tide",), "Rain")
    assert played["Coming back"][1] == "Ocean"  # chosen by the patient during the peak
    changes = [c.text for c in record.played_changes]
    assert changes[0] == "Ocean (chosen by the patient)"
    assert "Calm down undone" in changes

    # The discharge checklist, when it was recorded (the app records no staff names).
    assert record.discharge is not None
    assert record.discharge.items == ("Alert and oriented", "An adult escort is here")
    assert record.discharge.recorded.dose_s == 126 * MINUTE
    assert record.discharge.by is None


def test_an_early_end_gives_its_reason(tmp_path: Path):
    from session_player.playlist.model import Playlist
    from session_player.session.clock import FakeClock
    from session_player.session.store import SessionStore
    from session_player.session.timeline import SessionTimeline

    clock = FakeClock()
    playlist = Playlist.model_validate(PLAYLIST_DATA)
    timeline = SessionTimeline(playlist, SessionStore(tmp_path), clock, clock.wall, seed=1)
    timeline.start("Pt B")
    clock.advance(60)
    timeline.mark_dose_given()
    clock.advance(30 * MINUTE)
    timeline.tick()
    timeline.end_session("patient asked to stop")
    path = timeline.journal_path
    timeline.close()

    record = read_session_record(path, playlist=playlist)
    assert record.ended_early and record.end_reason == "patient asked to stop"
    missed = [c.key for c in record.checks if c.outcome == "missed"]
    assert missed == ["pre-dose"]  # 40m had not fallen due when the session ended
    assert record.discharge is None


def test_a_corrupted_line_and_a_torn_tail_are_listed_with_their_line_numbers(
    scripted: ScriptedSession,
):
    lines = scripted.journal_path.read_bytes().split(b"\n")
    total = len(lines) - 1  # the last element is the empty string after the final newline
    lines[9] = b'{"seq": 10, "type": "no'  # line 10: garbage between good lines
    damaged = b"\n".join(lines) + b'{"seq": 999, "type": "vitals_rec'  # a torn last line
    scripted.journal_path.write_bytes(damaged)

    record = read_session_record(scripted.journal_path)

    assert [u.line_no for u in record.unread] == [10, total + 1]
    assert "not valid JSON" in record.unread[0].message
    assert "torn last line" in record.unread[1].message
    assert not record.complete
    # Everything else is still there.
    assert record.event_count == total - 1
    assert len(record.readings) == len(READINGS)


def test_without_the_playlist_the_record_keeps_what_the_journal_holds(
    scripted: ScriptedSession,
):
    scripted.playlist_path.unlink()
    record = read_session_record(scripted.journal_path)
    assert not record.playlist_known
    assert record.playlist_title == "Record test session"
    assert [p.name for p in record.phases] == [
        "Settling",
        "Onset",
        "Peak",
        "Return",
        "Observation",
    ]
    # The limits the flags crossed are known from their messages.
    assert record.thresholds.source == "flags"
    assert record.thresholds.systolic_max == 140
    assert record.thresholds.spo2_min == 94
    assert record.thresholds.heart_rate_max == 100
    assert record.thresholds.diastolic_max is None  # no reading crossed it
    assert len(record.readings) == len(READINGS)
    assert record.checks == () and record.played == ()


def test_a_missing_or_empty_journal_says_why(tmp_path: Path):
    with pytest.raises(RecordUnreadable, match="there is no journal at"):
        read_session_record(tmp_path / "nope.jsonl")
    with pytest.raises(RecordUnreadable, match="is a folder"):
        read_session_record(tmp_path)
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    with pytest.raises(RecordUnreadable, match="it is empty"):
        read_session_record(empty)
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_bytes(b"\x00\x00\x00 not json\n")
    with pytest.raises(RecordUnreadable, match="no line of it could be read"):
        read_session_record(garbage)


def test_a_journal_is_found_by_file_folder_or_session_id(scripted: ScriptedSession):
    base = scripted.journal_path.parents[2]
    folder = scripted.journal_path.parent
    assert find_journal(scripted.journal_path) == scripted.journal_path
    assert find_journal(folder) == scripted.journal_path
    assert find_journal(folder.name, base) == scripted.journal_path
    with pytest.raises(RecordUnreadable, match="no session 20990101-000000-x"):
        find_journal("20990101-000000-x", base)


def test_clinic_settings_round_trip_owner_only(tmp_path: Path):
    path = tmp_path / "config" / "clinic.json"
    assert load_clinic_settings(path) == ClinicSettings()
    settings = ClinicSettings().with_values(clinic_name="Harbour Clinic", room="Room 2")
    save_clinic_settings(settings.with_values(paper="letter"), path)
    loaded = load_clinic_settings(path)
    assert (loaded.clinic_name, loaded.room, loaded.paper) == ("Harbour Clinic", "Room 2", "letter")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with pytest.raises(ValueError, match="paper must be one of a4, letter"):
        settings.with_values(paper="a5")
    path.write_text("{not json", "utf-8")
    damaged = load_clinic_settings(path)
    assert damaged.paper == "a4" and "could not be read" in (damaged.problem or "")


def test_the_discharge_names_who_recorded_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import os

    from session_player.playlist.model import Playlist
    from session_player.session.clock import FakeClock
    from session_player.session.store import SessionStore
    from session_player.session.timeline import SessionTimeline

    monkeypatch.setattr(os, "fsync", lambda fd: None)
    clock = FakeClock()
    playlist = Playlist.model_validate(PLAYLIST_DATA)
    timeline = SessionTimeline(playlist, SessionStore(tmp_path), clock, clock.wall, seed=1)
    timeline.start("Pt C")
    timeline.add_note(
        "Discharge checklist complete: Alert and oriented; An adult escort is here (recorded by JS)"
    )
    path = timeline.journal_path
    timeline.close()
    record = read_session_record(path, playlist=playlist)
    assert record.discharge.by == "JS"
    assert record.discharge.items == ("Alert and oriented", "An adult escort is here")
