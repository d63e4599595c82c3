"""A session's vital signs as a FHIR R4 Bundle, for a clinic's record system.

``session-player export JOURNAL --format fhir`` writes what this module builds: a Bundle of
type ``collection`` holding

- one **Patient** that carries the session's alias as an identifier and nothing else (no
  name, no birth date: the alias is the only identity the app ever knows);
- one **Observation** per measurement of each ``vitals_recorded`` event, on the FHIR
  vital-signs profile: category ``vital-signs``, a LOINC code, UCUM units
  (``http://unitsofmeasure.org``), ``effectiveDateTime`` from the event's wall time, subject
  the Patient. Blood pressure is one panel (LOINC 85354-9) with its systolic (8480-6) and
  diastolic (8462-4) components in ``mm[Hg]``; heart rate 8867-4 in ``/min``; SpO2 with both
  codes the profile asks for (59408-5 pulse oximetry and 2708-6) in ``%``; respiratory rate
  9279-1 in ``/min``. A reading past a playlist threshold carries the interpretation H or L
  (HL7 v3 ObservationInterpretation) and the console's flag text as a note.
- one Observation per ``scale_recorded`` event: a sedation score (MOAA/S, 0-5), a
  dissociation rating (0-10) or a CADSS total (0-92, its 23 items as components), category
  ``survey``, the score as ``valueInteger``, flagged L (sedation below its threshold) or H
  (dissociation above its threshold). None has a LOINC code we could name with confidence,
  so they are coded in the app's own code system (``CODE_SYSTEM``) with a text a person can
  read; a receiving system maps them.

A rehearsal's journal is refused (``RehearsalNotExported``): its readings were typed to
practise, and must never reach a chart as a patient's vital signs.

The resources are built and validated with the ``fhir.resources`` models (R4B, which reads
and writes R4 JSON for these resources), never as hand-written dictionaries: a field the
models reject raises ``FhirExportError`` here, not at the clinic's import.

It reads a ``ClinicalRecord`` (``record/model.py``): its alias, and its ``events``, the
journal's readings and scores as journaled, because they carry every measure the console
records (respiratory rate, the scales), also those the model's ``VitalReading`` does not
name yet. Everything in the bundle comes from the journal alone,
deterministically: ids are UUID 5 of the session (alias, start time, seed) and the event's
seq, the bundle's timestamp is the last event's wall time. The same journal always gives
the same bytes, so a golden file can pin the output.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Sequence

from session_player.record.model import ClinicalRecord

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
ABSENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
CODE_SYSTEM = "urn:session-player:observation"  # the app's own codes (scores, ratings)
ALIAS_SYSTEM = "urn:session-player:alias"  # the Patient's only identifier
VITAL_SIGNS_PROFILE = "http://hl7.org/fhir/StructureDefinition/vitalsigns"
# A fixed namespace for our UUID 5 ids: uuid5(NAMESPACE_URL, "urn:session-player:fhir").
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:session-player:fhir")


class FhirExportError(Exception):
    """The bundle could not be built (the message says which event and why)."""


class RehearsalNotExported(FhirExportError):
    """A rehearsal's journal: its readings were typed to train, not taken from a patient, and
    must never reach a clinical record system as Observations."""


# measure key in the journal -> (LOINC codes with displays, UCUM code, unit text, profile)
SIMPLE_VITALS: dict[str, tuple[tuple[tuple[str, str], ...], str, str, str]] = {
    "heart_rate": ((("8867-4", "Heart rate"),), "/min", "beats/minute", "heartrate"),
    "spo2": (
        (
            ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"),
            ("2708-6", "Oxygen saturation in Arterial blood"),
        ),
        "%",
        "%",
        "oxygensat",
    ),
    "respiratory_rate": ((("9279-1", "Respiratory rate"),), "/min", "breaths/minute", "resprate"),
}
BP_PANEL = ("85354-9", "Blood pressure panel with all children optional")
BP_COMPONENTS = (
    ("systolic", "8480-6", "Systolic blood pressure"),
    ("diastolic", "8462-4", "Diastolic blood pressure"),
)
# The scales of ``scale_recorded`` events (session/scales.py): scale -> (our code, display)
SCALES: dict[str, tuple[str, str]] = {
    "sedation": ("moaas", "Modified Observer's Assessment of Alertness/Sedation (MOAA/S), 0-5"),
    "dissociation": ("dissociation-rating", "Dissociation rating, 0-10"),
    "cadss": ("cadss-total", "Clinician-Administered Dissociative States Scale (CADSS) total"),
}
# How the console words a flag's measure (session/vitals.py MEASURE_NAMES), to read which
# measure a flag message is about and which side of its limit it fell.
FLAG_NAMES = {
    "systolic": "Systolic",
    "diastolic": "Diastolic",
    "heart_rate": "Heart rate",
    "spo2": "SpO2",
    "respiratory_rate": "Respiratory rate",
}
_FLAG_SIDE = re.compile(r"\bis (above|below)\b")


def _concept(system: str, code: str, display: str) -> dict:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _quantity(value: float, ucum: str, unit: str) -> dict:
    return {"value": _number(value), "unit": unit, "system": UCUM, "code": ucum}


def _number(value: float) -> int | float:
    # 120.0 in the journal is written 120 in FHIR: the same decimal, as a person wrote it.
    return int(value) if float(value).is_integer() else float(value)


def _is_value(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def flag_sides(flags: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Which measures a reading's flag messages are about: measure -> (H or L, message)."""
    sides: dict[str, tuple[str, str]] = {}
    for message in flags:
        if not isinstance(message, str):
            continue
        for measure, name in FLAG_NAMES.items():
            if message.startswith(name + " "):
                match = _FLAG_SIDE.search(message)
                if match:
                    sides[measure] = ("H" if match.group(1) == "above" else "L", message)
                break
    return sides


def _interpretation(side: str) -> list[dict]:
    display = "High" if side == "H" else "Low"
    return [_concept(INTERPRETATION_SYSTEM, side, display)]


def session_key(events: Sequence[dict]) -> str:
    """What names one session independently of where its journal lies."""
    started = next((e for e in events if e["type"] == "session_started"), None)
    if started is None:  # its first line was lost: the first event that was read names it
        first = events[0] if events else {}
        return f"|{first.get('wall', '')}|seq {first.get('seq', '')}"
    return f"{started.get('alias', '')}|{started.get('wall', '')}|{started.get('seed', '')}"


def _uuid(key: str, *parts: object) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "/".join([key, *map(str, parts)])))


def _base(
    event: dict, key: str, part: str, patient_url: str, category: str, profile: str | None
) -> dict:
    resource: dict = {
        "resourceType": "Observation",
        "id": _uuid(key, event["seq"], part),
        "status": "final",
        "category": [
            _concept(
                CATEGORY_SYSTEM, category, "Vital Signs" if category == "vital-signs" else "Survey"
            )
        ],
        "subject": {"reference": patient_url},
        "effectiveDateTime": str(event["wall"]),
    }
    if profile is not None:
        resource["meta"] = {
            "profile": [VITAL_SIGNS_PROFILE, f"http://hl7.org/fhir/StructureDefinition/{profile}"]
        }
    check = event.get("check")
    if isinstance(check, str) and check:
        # Which check of the playlist the reading was for: "40m", "pre-dose", "discharge".
        resource["note"] = [{"text": f"Check: {check}"}]
    return resource


def _add_note(resource: dict, text: str) -> None:
    resource.setdefault("note", []).append({"text": text})


def observations_of(event: dict, key: str, patient_url: str) -> list[dict]:
    """The Observation resources (as plain dicts, not yet validated) of one journal event."""
    if not isinstance(event.get("wall"), str):
        return []
    if event.get("type") == "scale_recorded":
        return _score_observations(event, key, patient_url)
    if event.get("type") != "vitals_recorded":
        return []
    sides = flag_sides(event.get("flags") or [])
    resources: list[dict] = []
    if any(_is_value(event.get(measure)) for measure, _, _ in BP_COMPONENTS):
        panel = _base(event, key, "bp", patient_url, "vital-signs", "bp")
        panel["code"] = _concept(LOINC, *BP_PANEL)
        components = []
        for measure, code, display in BP_COMPONENTS:
            component: dict = {"code": _concept(LOINC, code, display)}
            value = event.get(measure)
            if _is_value(value):
                component["valueQuantity"] = _quantity(value, "mm[Hg]", "mmHg")
            else:
                # The profile wants both components: say this one was not taken.
                component["dataAbsentReason"] = _concept(
                    ABSENT_SYSTEM, "not-performed", "Not Performed"
                )
            if measure in sides:
                component["interpretation"] = _interpretation(sides[measure][0])
                _add_note(panel, sides[measure][1])
            components.append(component)
        panel["component"] = components
        resources.append(panel)
    for measure, (codes, ucum, unit, profile) in SIMPLE_VITALS.items():
        value = event.get(measure)
        if not _is_value(value):
            continue
        observation = _base(event, key, measure, patient_url, "vital-signs", profile)
        observation["code"] = {
            "coding": [{"system": LOINC, "code": code, "display": text} for code, text in codes],
            "text": codes[0][1],
        }
        observation["valueQuantity"] = _quantity(value, ucum, unit)
        if measure in sides:
            observation["interpretation"] = _interpretation(sides[measure][0])
            _add_note(observation, sides[measure][1])
        resources.append(observation)
    return resources


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _score_observations(event: dict, key: str, patient_url: str) -> list[dict]:
    scale, score = event.get("scale"), event.get("score")
    if scale not in SCALES or not _whole(score):
        return []
    code, display = SCALES[str(scale)]
    observation = _base(event, key, str(scale), patient_url, "survey", None)
    observation["code"] = _concept(CODE_SYSTEM, code, display)
    observation["valueInteger"] = score
    items = event.get("items")
    if isinstance(items, list) and all(_whole(item) for item in items):
        observation["component"] = [
            {"code": _concept(CODE_SYSTEM, f"cadss-{number}", f"CADSS item {number}"),
             "valueInteger": item}
            for number, item in enumerate(items, start=1)
        ]  # fmt: skip
    for message in event.get("flags") or []:
        match = _FLAG_SIDE.search(message) if isinstance(message, str) else None
        if match:
            observation["interpretation"] = _interpretation(
                "H" if match.group(1) == "above" else "L"
            )
            _add_note(observation, message)
    return [observation]


def bundle_dict(events: Sequence[dict], alias: str) -> dict:
    """The bundle of a session's events as JSON-ready data, validated by the
    ``fhir.resources`` models; raises ``FhirExportError``."""
    from fhir.resources.R4B.bundle import Bundle  # imported here: it loads ~1 s of models

    key = session_key(events)
    patient_id = _uuid(key, "patient")
    patient_url = f"urn:uuid:{patient_id}"
    patient = {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [{"system": ALIAS_SYSTEM, "value": alias or "(no alias)"}],
    }
    entries = [{"fullUrl": patient_url, "resource": patient}]
    for event in events:
        for resource in observations_of(event, key, patient_url):
            entries.append({"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource})
    data: dict = {
        "resourceType": "Bundle",
        "id": _uuid(key, "bundle"),
        "type": "collection",
        "entry": entries,
    }
    last_wall = next((e["wall"] for e in reversed(events) if isinstance(e.get("wall"), str)), None)
    if last_wall is not None:
        data["timestamp"] = last_wall
    try:
        bundle = Bundle.model_validate(data)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise FhirExportError(f"the FHIR bundle does not validate: {exc}") from exc
    return json.loads(bundle.model_dump_json())


def fhir_json(record: ClinicalRecord) -> str:
    """The record's bundle as pretty-printed JSON text, ending with a newline; a rehearsal
    raises ``RehearsalNotExported``."""
    if record.rehearsal_speed is not None:
        raise RehearsalNotExported(
            f"{record.journal_path} is a rehearsal (×{record.rehearsal_speed:g}), not a "
            "patient's record: it is not exported as FHIR (--format csv lists its events)"
        )
    return json.dumps(bundle_dict(record.events, record.alias), indent=2, ensure_ascii=False) + "\n"
