"""The scripted session of the export tests: a real ``SessionTimeline`` on a ``FakeClock``
(wall clock fixed at 2026-03-02 09:00 UTC, shown in a UTC+1 zone) writes a real journal.

Its own script, apart from the report's (``conftest.py``), so that the FHIR golden file
changes only when the export does. Readings cover a full set, flagged values on both sides
of their limits, a blood pressure alone, a heart rate alone and a late discharge reading;
notes hold commas, quotes, newlines and a would-be spreadsheet formula.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from session_player.playlist.model import Playlist
from session_player.session.clock import FakeClock
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline

MINUTE = 60.0
WALL_START_S = 1_772_442_000.0  # 2026-03-02T09:00:00Z
ZONE = "CET-1"  # a fixed UTC+1 without summer time: journal walls read "+01:00"
ALIAS = "Blue Heron"

PLAYLIST_DATA: dict = {
    "title": "Export test session",
    "route": "IV",
    "soundscapes": {"rain": {"name": "Rain", "layers": [{"bed": "rain.ogg"}]}},
    "patient": {"soundscapes": ["rain"], "default": "rain", "phases": "all"},
    "levels": {"default_volume_db": -6, "max_volume_db": -2},
    "phases": [
        {"id": "onset", "duration": "10m", "music": {"items": ["a.ogg"]}},
        {"id": "peak", "duration": "30m"},
        {"id": "observation", "duration": "80m"},
    ],
    "clinical": {
        "vitals": [{"at": "pre-dose"}, {"at": "40m"}, {"at": "discharge"}],
        "thresholds": {
            "systolic_max": 140,
            "diastolic_max": 90,
            "heart_rate_max": 100,
            "heart_rate_min": 50,
            "spo2_min": 94,
        },
        "minimum_observation": "2h",
    },
}

NOTES = ['Asked for "rain", then quiet, no music', "=SUM(A1:A9) typed by mistake\nsecond line"]


@pytest.fixture
def fixed_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Journal walls are local time: pin the zone so the golden file holds on any machine."""
    monkeypatch.setenv("TZ", ZONE)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def export_journal(tmp_path: Path, fixed_zone: None) -> Path:
    return run_export_session(tmp_path)


def run_export_session(
    folder: Path, base_dir: Path | None = None, *, rehearsal_speed: float | None = None
) -> Path:
    """Run the session (its journal in ``base_dir``, by default ``folder/data``; a
    rehearsal at ``rehearsal_speed``); returns the journal's path."""
    playlist = Playlist.model_validate(PLAYLIST_DATA, context={"base_dir": str(folder)})
    clock = FakeClock(start_s=500.0, wall_start_s=WALL_START_S)
    store = SessionStore(base_dir if base_dir is not None else folder / "data")
    timeline = SessionTimeline(playlist, store, clock, clock.wall, seed=3)
    timeline.start(ALIAS, "IV 0.5 mg/kg over 40 min", rehearsal_speed=rehearsal_speed)
    clock.advance(2 * MINUTE)
    timeline.record_vitals(128, 82, 72, 98)  # pre-dose, nothing flagged
    clock.advance(3 * MINUTE)
    timeline.mark_dose_given()
    clock.advance(12 * MINUTE)
    timeline.tick()
    timeline.log_side_effect("nausea/vomiting", "mild, settled")
    timeline.set_volume(-9)
    clock.advance(8 * MINUTE)
    timeline.tick()
    timeline.record_vitals(heart_rate=46)  # unscheduled, heart rate low
    timeline.add_note(NOTES[0])
    clock.advance(20 * MINUTE)
    timeline.tick()
    timeline.record_vitals(152, 95, 104, 92.5)  # 40m: all four flagged
    clock.advance(10 * MINUTE)
    timeline.tick()
    timeline.record_vitals(systolic=138, diastolic=88)  # blood pressure alone
    timeline.add_note(NOTES[1])
    clock.advance(75 * MINUTE)
    timeline.tick()
    timeline.end_session()
    clock.advance(4 * MINUTE)
    timeline.record_vitals(124, 80, 70, 99, check_label="discharge")
    path = timeline.journal_path
    assert path is not None
    timeline.close()
    return path
