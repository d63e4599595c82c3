"""The Spravato REMS monitoring form filled from a scripted journal: a real timeline on a
FakeClock runs an intranasal session (BP before the dose, at 40 minutes, before the end,
MOAA/S with a flagged score), the answers are entered as the console enters them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from session_player.playlist.model import Playlist
from session_player.record.rems_form import (
    FormTemplateError,
    fill_rems_form,
    form_applies,
    load_template,
)
from session_player.session.clock import FakeClock
from session_player.session.journal import read_journal
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


@pytest.fixture
def journal_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    clock = FakeClock()
    timeline = SessionTimeline(
        Playlist.model_validate(PLAYLIST), SessionStore(tmp_path), clock, clock.wall, seed=1
    )
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
    return read_journal(timeline.journal_path).events


def test_the_form_is_filled_in_its_order_from_the_journal(journal_events):
    form = fill_rems_form(journal_events)
    assert form.template.form_id == FORM and form.template.version == 1
    texts = {f.spec.id: f.text for f in form.fields}
    assert [f.spec.id for f in form.fields][:4] == [
        "treatment_date",
        "dose",
        "dose_other_mg",
        "lot_number",
    ]
    assert texts["treatment_date"] == "2026-01-01"
    assert (texts["dose"], texts["dose_other_mg"], texts["lot_number"]) == (
        "other",
        "28 mg",
        "LOT-2",
    )
    assert texts["bp_before_administration"] == "128/82 mmHg (before the dose)"
    assert texts["bp_at_40_minutes"] == "152/90 mmHg (+41:00)"
    assert texts["bp_before_end"] == "126/80 mmHg (+2:01:00)"
    assert texts["total_monitoring_minutes"] == "125 min"  # dose to the end of the session
    assert texts["ready_to_leave_minutes"] == "95 min"
    assert texts["vitals_acceptable_before"] == "Yes"
    assert texts["non_benzodiazepine_sedative_hypnotics"] == "Yes"
    assert texts["benzodiazepines"] == "No"
    sedation = form.get("sedation")
    assert sedation.text == "Yes"
    assert sedation.evidence == ("MOAA/S 3 is below 4 (sedation) at +41:00",)
    depression = form.get("respiratory_depression")
    assert depression.missing and depression.text == "—"  # never answered for the clinician
    assert depression.evidence == ("Respiratory rate 9 /min is below 10 at +2:01:00",)
    assert [f.spec.id for f in form.missing] == ["respiratory_depression"]
    # 13 questions asked (4 medicines, dose, its mg as it is "other", lot, 2 acceptable,
    # ready to leave, 3 adverse events); the respiratory depression one unanswered.
    assert (form.answered_entered, form.asked_entered) == (12, 13)


def test_a_field_whose_condition_is_not_met_does_not_count(journal_events):
    events = list(journal_events) + [
        {"type": "form_field_recorded", "form": FORM, "field": "dose", "value": "84 mg"}
    ]
    form = fill_rems_form(events)
    assert form.get("dose").text == "84 mg"
    assert not form.get("dose_other_mg").applies


def test_an_empty_journal_leaves_every_field_missing():
    form = fill_rems_form([])
    assert len(load_template().fields) == 18
    # All but the dose in mg, asked only for a dose of "other".
    assert [f.spec.id for f in form.fields if f not in form.missing] == ["dose_other_mg"]
    assert all(f.text == "—" for f in form.fields)


def test_which_sessions_fill_the_form():
    assert form_applies("intranasal", None)
    assert not form_applies("intranasal", "none")
    assert form_applies("IV", "spravato-rems")
    assert not form_applies("IV", None)


def test_a_broken_template_is_refused_with_its_file(tmp_path):
    path = tmp_path / "form.yaml"
    data = {
        "form": "x",
        "version": 2,
        "title": "X",
        "fields": [{"id": "a", "label": "A", "kind": "yes_no", "source": "entered"}],
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(FormTemplateError, match=r"form.yaml: a: ask must be one of"):
        load_template(path)
    path.write_text("fields: [", encoding="utf-8")
    with pytest.raises(FormTemplateError, match="not a usable form template"):
        load_template(path)
