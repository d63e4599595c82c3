"""The Spravato REMS monitoring form filled from a scripted journal: a real timeline on a
FakeClock runs an intranasal session (BP before the dose, at 40 minutes, before the end,
MOAA/S with a flagged score), the answers are entered as the console enters them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from session_player.record import read_session_record
from session_player.record.rems_form import (
    FormTemplateError,
    fill_rems_form,
    form_applies,
    load_template,
)
from session_player.session.journal import read_journal
from tests.record.rems_session import FORM, rems_playlist, run_rems_session


@pytest.fixture
def journal_events(rems_journal: Path) -> list[dict]:
    return read_journal(rems_journal).events


@pytest.fixture
def rems_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    return run_rems_session(tmp_path)


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


def test_the_session_record_holds_the_scales_the_rate_and_the_form(rems_journal):
    record = read_session_record(rems_journal, playlist=rems_playlist())
    (score,) = record.scores
    assert (score.name, score.score, score.out_of, score.check) == ("MOAA/S", 3, 5, "40m")
    assert score.flags == ("MOAA/S 3 is below 4 (sedation)",)
    discharge = record.readings[-1]
    assert discharge.respiratory_rate == 9 and discharge.flagged("respiratory_rate")
    assert record.rems_form is not None
    assert record.rems_form.get("lot_number").text == "LOT-2"
    assert {c.key: c.outcome for c in record.checks}["40m"] == "recorded"
