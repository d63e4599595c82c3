"""The FHIR export: a Bundle the library's R4B models accept, on the vital-signs profile, the
patient as the alias only, flags as interpretations, and the same bytes as the golden file
for the scripted session."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient

from session_player.record import read_session_record
from session_player.record.fhir_export import (
    FhirExportError,
    bundle_dict,
    fhir_json,
    observations_of,
)
from tests.record.export_session import ALIAS, run_export_session

GOLDEN = Path(__file__).parent / "golden" / "export_session.fhir.json"
UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"


def _observations(bundle: dict) -> list[dict]:
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    ]


def _codes(resource: dict) -> list[str]:
    return [coding["code"] for coding in resource["code"]["coding"]]


def _by_code(bundle: dict, code: str) -> list[dict]:
    return [r for r in _observations(bundle) if code in _codes(r)]


def test_the_bundle_matches_the_golden_file(export_journal: Path) -> None:
    text = fhir_json(read_session_record(export_journal))
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, "utf-8")
    assert text == GOLDEN.read_text("utf-8"), "regenerate with UPDATE_GOLDEN=1 after a review"


def test_the_bundle_and_every_resource_validate_with_the_r4b_models(export_journal: Path) -> None:
    data = json.loads(fhir_json(read_session_record(export_journal)))
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection"
    kinds = [type(entry.resource) for entry in bundle.entry]
    assert kinds[0] is Patient and set(kinds[1:]) == {Observation}
    for entry in data["entry"]:
        model = Patient if entry["resource"]["resourceType"] == "Patient" else Observation
        model.model_validate(entry["resource"])
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"


def test_every_observation_follows_the_vital_signs_profile(export_journal: Path) -> None:
    data = json.loads(fhir_json(read_session_record(export_journal)))
    patient_url = data["entry"][0]["fullUrl"]
    observations = _observations(data)
    assert observations
    for observation in observations:
        assert observation["status"] == "final"
        assert observation["category"][0]["coding"][0]["code"] == "vital-signs"
        assert observation["meta"]["profile"][0].endswith("/vitalsigns")
        assert observation["subject"] == {"reference": patient_url}
        assert observation["effectiveDateTime"].endswith("+01:00")
        assert all(c["system"] == LOINC for c in observation["code"]["coding"])
        quantities = [observation.get("valueQuantity")] + [
            c.get("valueQuantity") for c in observation.get("component", [])
        ]
        for quantity in filter(None, quantities):
            assert quantity["system"] == UCUM


def test_the_readings_have_their_loinc_codes_units_and_times(export_journal: Path) -> None:
    record = read_session_record(export_journal)
    data = json.loads(fhir_json(record))
    readings = record.readings
    panels = _by_code(data, "85354-9")
    # Every reading with a blood pressure: pre-dose, 40m, the BP alone, discharge.
    assert [p["effectiveDateTime"] for p in panels] == [
        "2026-03-02T10:02:00+01:00",
        "2026-03-02T10:45:00+01:00",
        "2026-03-02T10:55:00+01:00",
        "2026-03-02T12:14:00+01:00",
    ]
    systolic = [c for p in panels for c in p["component"] if _codes(c) == ["8480-6"]]
    diastolic = [c for p in panels for c in p["component"] if _codes(c) == ["8462-4"]]
    assert [c["valueQuantity"]["value"] for c in systolic] == [128, 152, 138, 124]
    assert [c["valueQuantity"]["value"] for c in diastolic] == [82, 95, 88, 80]
    assert {c["valueQuantity"]["code"] for c in systolic + diastolic} == {"mm[Hg]"}
    heart = _by_code(data, "8867-4")
    assert [h["valueQuantity"]["value"] for h in heart] == [72, 46, 104, 70]
    assert {h["valueQuantity"]["code"] for h in heart} == {"/min"}
    spo2 = _by_code(data, "59408-5")
    assert [s["valueQuantity"]["value"] for s in spo2] == [98, 92.5, 99]
    assert all(_codes(s) == ["59408-5", "2708-6"] for s in spo2)
    assert {s["valueQuantity"]["code"] for s in spo2} == {"%"}
    assert len(_observations(data)) == 11  # 4 panels, 4 heart rates, 3 SpO2 (5 readings)
    assert len(readings) == 5


def test_flagged_readings_carry_high_or_low_and_the_flag_text(export_journal: Path) -> None:
    data = json.loads(fhir_json(read_session_record(export_journal)))

    def interpretation(resource: dict) -> str | None:
        found = resource.get("interpretation")
        return found[0]["coding"][0]["code"] if found else None

    panels = _by_code(data, "85354-9")
    flagged_panel = panels[1]
    assert [interpretation(c) for c in flagged_panel["component"]] == ["H", "H"]
    notes = [n["text"] for n in flagged_panel["note"]]
    assert "Systolic 152 mmHg is above 140" in notes and "Diastolic 95 mmHg is above 90" in notes
    assert [interpretation(c) for c in panels[0]["component"]] == [None, None]
    assert [interpretation(h) for h in _by_code(data, "8867-4")] == [None, "L", "H", None]
    assert [interpretation(s) for s in _by_code(data, "59408-5")] == [None, "L", None]


def test_the_patient_is_the_alias_only(export_journal: Path) -> None:
    text = fhir_json(read_session_record(export_journal))
    data = json.loads(text)
    patient = data["entry"][0]["resource"]
    assert set(patient) == {"resourceType", "id", "identifier"}
    assert patient["identifier"] == [{"system": "urn:session-player:alias", "value": ALIAS}]
    assert text.count(ALIAS) == 1  # nowhere else: not in a note, not in an id


def test_the_same_journal_gives_the_same_bundle_wherever_it_lies(
    tmp_path: Path,
    fixed_zone: None,
) -> None:
    first = fhir_json(read_session_record(run_export_session(tmp_path / "a")))
    second = fhir_json(read_session_record(run_export_session(tmp_path / "b")))
    assert first == second


def _event(**fields: object) -> dict:
    base = {"seq": 5, "type": "vitals_recorded", "wall": "2026-03-02T10:00:00.000000+00:00"}
    return {**base, **fields}


def test_a_missing_pressure_is_named_absent_in_the_panel() -> None:
    (panel,) = observations_of(_event(systolic=141, flags=[]), "k", "urn:uuid:p")
    systolic, diastolic = panel["component"]
    assert systolic["valueQuantity"]["value"] == 141
    assert "valueQuantity" not in diastolic
    assert diastolic["dataAbsentReason"]["coding"][0]["code"] == "not-performed"
    Observation.model_validate(panel)


def test_respiratory_rate_is_exported() -> None:
    event = _event(respiratory_rate=9, flags=["Respiratory rate 9 /min is below 10"])
    (rate,) = observations_of(event, "k", "urn:uuid:p")
    assert rate["code"]["coding"][0]["code"] == "9279-1"
    assert rate["valueQuantity"] == {
        "value": 9,
        "unit": "breaths/minute",
        "system": UCUM,
        "code": "/min",
    }
    assert rate["meta"]["profile"][1].endswith("/resprate")
    assert rate["interpretation"][0]["coding"][0]["code"] == "L"
    Observation.model_validate(rate)


def _scale(scale: str, score: int, flags: list[str], **more: object) -> dict:
    return _event(type="scale_recorded", check="40m", scale=scale, score=score, flags=flags, **more)


def test_scales_are_survey_observations_with_their_flags() -> None:
    sedation = _scale("sedation", 3, ["MOAA/S 3 is below 4 (sedation)"])
    dissociation = _scale("dissociation", 6, [])
    cadss = _scale("cadss", 30, ["CADSS total 30 is above 20"], items=[1] * 22 + [8])
    resources = [r for e in (sedation, dissociation, cadss) for r in observations_of(e, "k", "p")]
    assert [r["code"]["coding"][0]["code"] for r in resources] == [
        "moaas",
        "dissociation-rating",
        "cadss-total",
    ]
    assert [r["valueInteger"] for r in resources] == [3, 6, 30]
    assert {r["category"][0]["coding"][0]["code"] for r in resources} == {"survey"}
    assert [
        r.get("interpretation", [{}])[0].get("coding", [{}])[0].get("code") for r in resources
    ] == [
        "L",
        None,
        "H",
    ]
    assert [c["valueInteger"] for c in resources[2]["component"]][-2:] == [1, 8]
    assert resources[0]["note"][-1]["text"] == "MOAA/S 3 is below 4 (sedation)"
    for resource in resources:
        Observation.model_validate(resource)
    assert observations_of(_scale("unknown", 3, []), "k", "p") == []


def test_events_that_are_not_readings_give_no_observation() -> None:
    assert observations_of({"seq": 1, "type": "note", "wall": "x", "text": "120"}, "k", "p") == []
    assert observations_of(_event(systolic=None, heart_rate=True), "k", "p") == []


def test_a_value_the_models_refuse_is_a_clear_error() -> None:
    events = (_event(heart_rate=70, wall="yesterday at noon"),)
    with pytest.raises(FhirExportError, match="does not validate"):
        bundle_dict(events, "Blue Heron")
