"""The scripted session of the record and report tests: a real ``SessionTimeline`` on a
``FakeClock`` writes a real journal (vitals, flags, side effects, notes, alerts, holds, an
extension, a patient call, the discharge checklist), and the tests read it back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from session_player.playlist.model import Playlist
from session_player.session.clock import FakeClock
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline

MINUTE = 60.0

PLAYLIST_DATA: dict = {
    "title": "Record test session",
    "route": "IV",
    "soundscapes": {
        "rain": {"name": "Rain", "layers": [{"bed": "rain.ogg"}]},
        "ocean": {"name": "Ocean", "layers": [{"bed": "ocean.ogg"}]},
        "ground": {"name": "Grounding", "layers": [{"bed": "ground.ogg"}]},
    },
    "patient": {"soundscapes": ["rain", "ocean"], "default": "rain", "phases": "all"},
    "calm_down": {"music_db": -12, "soundscape": "ground", "fade": "5s"},
    "settling": {"music": {"items": [{"file": "settle.ogg", "title": "Arrival"}]}},
    "phases": [
        {
            "id": "onset",
            "duration": "10m",
            "max_extend": "10m",
            "extend_step": "5m",
            "music": {"items": [{"file": "slow-tide.ogg"}]},
        },
        {"id": "peak", "duration": "20m", "end": "hold", "max_hold": "15m"},
        {"id": "return", "name": "Coming back", "duration": "15m"},
        {"id": "observation", "duration": "60m", "max_extend": "30m", "extend_step": "10m"},
    ],
    "clinical": {
        "vitals": [{"at": "pre-dose"}, {"at": "40m"}, {"at": "80m"}, {"at": "discharge"}],
        "thresholds": {"systolic_max": 140, "heart_rate_max": 100, "spo2_min": 94},
        "minimum_observation": "2h",
        "discharge_checklist": ["Alert and oriented", "An adult escort is here"],
    },
}

# Every value a test looks for in the report's text.
READINGS = [  # (check, minutes after the dose or None before it, systolic, diastolic, hr, spo2)
    ("pre-dose", None, 128, 82, 72, 98),
    ("40m", 40, 152, 89, 104, 96),  # systolic and heart rate flagged
    (None, 55, 139, 88, 88, 93),  # unscheduled, SpO2 flagged
    ("1h20m", 80, 131, 84, 76, 97),
    ("discharge", 126, 124, 80, 70, 99),
]
SIDE_EFFECTS = [("nausea/vomiting", "mild, settled with a sip of water"), ("dizziness", "")]
NOTES = ["Patient asked for the ocean sounds", "Talked about the garden at the return"]
ALERT = "Headphones disconnected"
# With ``with_scales``: what each reading above also took (respiratory rate, MOAA/S,
# dissociation 0-10), by its index in READINGS; the 55-minute one is flagged on all three.
SCALES = {1: (14, 4, 3), 2: (9, 3, 6), 3: (15, 5, 1)}


@dataclass
class ScriptedSession:
    journal_path: Path
    playlist: Playlist
    playlist_path: Path
    clock: FakeClock


def make_playlist_file(folder: Path) -> Path:
    path = folder / "record-test.yaml"
    path.write_text(yaml.safe_dump(PLAYLIST_DATA, sort_keys=False), "utf-8")
    return path


def run_scripted_session(
    folder: Path,
    *,
    alias: str = "Blue Heron",
    wall_start_s: float = 1_767_225_600.0,
    with_scales: bool = False,
) -> ScriptedSession:
    """Run the whole session on a fake clock; the journal ends with the discharge.

    ``wall_start_s``: when it starts on the wall clock (default 2026-01-01T00:00Z).
    ``with_scales``: the readings of ``SCALES`` also take a respiratory rate, a MOAA/S and
    a dissociation rating (the report screenshot shows its scales chart)."""
    playlist_path = make_playlist_file(folder)
    playlist = Playlist.model_validate(PLAYLIST_DATA, context={"base_dir": str(folder)})
    clock = FakeClock(wall_start_s=wall_start_s)
    store = SessionStore(folder / "data")
    timeline = SessionTimeline(
        playlist, store, clock, clock.wall, seed=7, playlist_path=playlist_path
    )
    timeline.start(alias, "IV 0.5 mg/kg over 40 min; first of six")
    clock.advance(3 * MINUTE)

    def vitals(index: int) -> None:
        check, _at, systolic, diastolic, heart_rate, spo2 = READINGS[index]
        scales = SCALES.get(index) if with_scales else None
        rate = scales[0] if scales else None
        timeline.record_vitals(
            systolic, diastolic, heart_rate, spo2, check_label=check, respiratory_rate=rate
        )
        if scales:
            timeline.record_scale("sedation", scales[1], check_label=check)
            timeline.record_scale("dissociation", scales[2], check_label=check)

    def at_dose_minute(minutes: float) -> None:
        target = timeline.since_dose_s()
        assert target is not None
        clock.advance(minutes * MINUTE - target)
        timeline.tick()

    vitals(0)
    clock.advance(2 * MINUTE)
    timeline.mark_dose_given()
    at_dose_minute(4)
    timeline.log_side_effect(*SIDE_EFFECTS[0])
    at_dose_minute(6)
    timeline.extend_phase()
    at_dose_minute(9)
    mistaken = timeline.log_side_effect("anxiety")
    assert mistaken.seq is not None
    timeline.withdraw_side_effect(mistaken.seq)
    at_dose_minute(18)
    timeline.add_note(NOTES[0])
    timeline.choose_soundscape("ocean", by="patient")
    at_dose_minute(22)
    alert = timeline.raise_alert("device", ALERT)
    at_dose_minute(23)
    timeline.acknowledge_alert(int(alert.value))
    at_dose_minute(30)
    timeline.calm_down()
    at_dose_minute(34)
    timeline.undo_calm_down()
    at_dose_minute(40)
    vitals(1)
    at_dose_minute(44)  # peak holds at its planned end (35m): advance
    timeline.advance_phase()
    at_dose_minute(50)
    timeline.log_side_effect(*SIDE_EFFECTS[1])
    at_dose_minute(55)
    vitals(2)
    timeline.patient_called()
    at_dose_minute(56)
    timeline.answer_patient_call()
    at_dose_minute(70)
    timeline.add_note(NOTES[1])
    at_dose_minute(80)
    vitals(3)
    at_dose_minute(125)
    timeline.end_session()
    at_dose_minute(126)
    vitals(4)
    timeline.add_note("Discharge checklist complete: Alert and oriented; An adult escort is here")
    journal_path = timeline.journal_path
    assert journal_path is not None
    timeline.close()
    return ScriptedSession(journal_path, playlist, playlist_path, clock)
