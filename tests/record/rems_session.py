"""The scripted intranasal session of the REMS form and report tests: a real timeline on a
FakeClock, BP before the dose, at 41 minutes and before the end, a flagged MOAA/S, a flagged
respiratory rate, and the form's answers entered as the console enters them."""

from __future__ import annotations

from pathlib import Path

from session_player.playlist.model import Playlist
from session_player.session.clock import FakeClock
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline

MINUTE = 60.0
FORM = "spravato-rems-v1"

PLAYLIST = {
    "title": "Esketamine",
    "route": "intranasal",
    "phases": [{"id": "rest", "duration": "2h", "end": "hold"}],
    "clinical": {
        "vitals": [
            {"at": "pre-dose", "measures": ["blood_pressure", "heart_rate"]},
            {"at": "40m", "measures": ["blood_pressure", "sedation"]},
            {"at": "discharge", "measures": ["blood_pressure", "respiratory_rate"]},
        ],
        "minimum_observation": "2h",
    },
}


def rems_playlist() -> Playlist:
    return Playlist.model_validate(PLAYLIST)


def run_rems_session(folder: Path) -> Path:
    """The session on a FakeClock; returns its journal's path."""
    clock = FakeClock()
    timeline = SessionTimeline(rems_playlist(), SessionStore(folder), clock, clock.wall, seed=1)
    timeline.start("Blue Heron")
    for field in ("benzodiazepines", "psychostimulants", "maois"):
        timeline.record_form_field(FORM, field, False)
    timeline.record_form_field(FORM, "non_benzodiazepine_sedative_hypnotics", True)
    timeline.record_vitals(systolic=128, diastolic=82, heart_rate=72)
    clock.advance(5 * MINUTE)
    timeline.mark_dose_given()
    clock.advance(2 * MINUTE)  # the lot number, typed after the dose mark
    timeline.record_form_field(FORM, "dose", "other")
    timeline.record_form_field(FORM, "dose_other_mg", 28)
    timeline.record_form_field(FORM, "lot_number", "LOT-1")
    timeline.record_form_field(FORM, "lot_number", "LOT-2")  # corrected: the latest counts
    timeline.record_form_field(FORM, "vitals_acceptable_before", True)
    clock.advance(39 * MINUTE)  # 41 minutes after the dose
    timeline.tick()
    timeline.record_vitals(systolic=152, diastolic=90)
    timeline.record_scale("sedation", 3)
    clock.advance(30 * MINUTE)
    timeline.record_vitals(systolic=140, diastolic=86)  # unscheduled, at 71 minutes
    clock.advance(50 * MINUTE)
    timeline.tick()
    timeline.record_vitals(systolic=126, diastolic=80, respiratory_rate=9)  # the discharge
    timeline.record_form_field(FORM, "ready_to_leave_minutes", 95)
    timeline.record_form_field(FORM, "vitals_acceptable_at_completion", True)
    timeline.record_form_field(FORM, "sedation", True)
    timeline.record_form_field(FORM, "dissociation", False)
    clock.advance(4 * MINUTE)
    timeline.end_session()
    return timeline.journal_path
