"""The Spravato REMS Patient Monitoring Form, filled from a session's journal (Qt-free).

The field list is a versioned template (``forms/spravato_rems_v1.yaml``), in the form's
order: the report renders one page from ``fill_rems_form(events)``, field by field, so a
team keys it into the REMS portal in one pass. Each field is either **entered** on the
console (journaled as ``form_field_recorded`` with the form's id, ``spravato-rems-v1``; the
latest answer counts) or **derived** from the journal:

- ``dose_date``: the date of the dose mark (the first device), as the wall clock had it;
- ``bp_before_dose``: the last blood pressure recorded before the dose;
- ``bp_at_40m``: the blood pressure recorded nearest to 40 minutes after the dose (within
  30 to 60 minutes);
- ``bp_before_end``: the last blood pressure recorded after the dose and after the 40-minute
  one (the end of monitoring's);
- ``monitoring_minutes``: whole minutes from the dose mark to the end of the session.

A yes/no question with ``evidence`` (did sedation occur?) lists the flagged readings that
bear on it (MOAA/S below its threshold, a flagged respiratory rate or SpO2) beside the
answer; it never answers for the clinician. A field with nothing to show is ``missing``, and
the page says so rather than leave a blank that looks filled.

Entry points for the report (h1's ``report`` package) and the console:

- ``load_template(path=None)``: the template (the newest version by default);
- ``form_applies(route, monitoring_form)``: whether a session fills this form;
- ``fill_rems_form(events, template=None)``: a ``FilledForm``; ``form.fields`` in the form's
  order, each with ``label``, ``section``, ``text`` (what to print) and ``missing``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from session_player.playlist.durations import format_clock

FORMS_DIR = Path(__file__).with_name("forms")
DEFAULT_TEMPLATE = FORMS_DIR / "spravato_rems_v1.yaml"
KINDS = ("date", "choice", "text", "number", "yes_no", "blood_pressure", "minutes")
SOURCES = ("entered", "dose_date", "bp_before_dose", "bp_at_40m", "bp_before_end")
SOURCES += ("monitoring_minutes",)
ASKED = ("start", "dose", "discharge")
BP_40M_S = 40 * 60.0
BP_40M_WINDOW_S = (30 * 60.0, 60 * 60.0)  # a reading this far after the dose is "at 40 min"
EVIDENCE_FLAGS = {
    # Which journaled flags bear on each question (the start of the flag's message).
    "sedation": ("MOAA/S",),
    "dissociation": ("Dissociation", "CADSS"),
    "respiratory_depression": ("Respiratory rate", "SpO2"),
}


class FormTemplateError(ValueError):
    """A template file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class FieldSpec:
    id: str
    section: str
    label: str
    kind: str
    source: str
    ask: str | None = None  # for entered fields: start, dose or discharge
    choices: tuple[str, ...] = ()
    only_if: tuple[tuple[str, str], ...] = ()  # asked only when these fields have these values
    evidence: str | None = None


@dataclass(frozen=True)
class FormTemplate:
    form: str  # spravato-rems
    version: int
    title: str
    fields: tuple[FieldSpec, ...]

    @property
    def form_id(self) -> str:
        """What the journal's form_field_recorded events name: ``spravato-rems-v1``."""
        return f"{self.form}-v{self.version}"

    def field(self, field_id: str) -> FieldSpec:
        return next(spec for spec in self.fields if spec.id == field_id)


@dataclass(frozen=True)
class FilledField:
    spec: FieldSpec
    value: object  # the answer or the derived value (None: missing)
    text: str  # what the page prints: "128/84 mmHg (10:31)", "Yes", "84 mg", "—"
    missing: bool
    applies: bool = True  # False: a conditional field whose condition is not met
    evidence: tuple[str, ...] = ()  # flagged readings beside a yes/no answer

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def section(self) -> str:
        return self.spec.section


@dataclass(frozen=True)
class FilledForm:
    template: FormTemplate
    fields: tuple[FilledField, ...]
    answered_entered: int = 0
    asked_entered: int = 0
    problems: tuple[str, ...] = field(default=())

    @property
    def missing(self) -> tuple[FilledField, ...]:
        return tuple(f for f in self.fields if f.applies and f.missing)

    def get(self, field_id: str) -> FilledField:
        return next(f for f in self.fields if f.spec.id == field_id)


# --- the template ----------------------------------------------------------------------------


@cache
def load_template(path: Path | None = None) -> FormTemplate:
    path = Path(path) if path is not None else DEFAULT_TEMPLATE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        specs = tuple(_field_spec(path, item) for item in data["fields"])
        template = FormTemplate(str(data["form"]), int(data["version"]), str(data["title"]), specs)
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        if isinstance(error, FormTemplateError):
            raise
        raise FormTemplateError(f"{path}: not a usable form template ({error})") from error
    ids = [spec.id for spec in specs]
    if len(set(ids)) != len(ids):
        raise FormTemplateError(f"{path}: a field id is used twice")
    for spec in specs:
        for other, _ in spec.only_if:
            if other not in ids:
                raise FormTemplateError(f"{path}: {spec.id}: only_if names no field '{other}'")
    return template


def _field_spec(path: Path, item: dict) -> FieldSpec:
    spec = FieldSpec(
        id=str(item["id"]),
        section=str(item.get("section", "")),
        label=str(item["label"]),
        kind=str(item["kind"]),
        source=str(item["source"]),
        ask=item.get("ask"),
        choices=tuple(str(choice) for choice in item.get("choices", ())),
        only_if=tuple((str(k), str(v)) for k, v in (item.get("only_if") or {}).items()),
        evidence=item.get("evidence"),
    )
    if spec.kind not in KINDS or spec.source not in SOURCES:
        raise FormTemplateError(f"{path}: {spec.id}: unknown kind or source")
    if spec.source == "entered" and spec.ask not in ASKED:
        raise FormTemplateError(f"{path}: {spec.id}: ask must be one of {', '.join(ASKED)}")
    if spec.kind == "choice" and not spec.choices:
        raise FormTemplateError(f"{path}: {spec.id}: a choice needs choices")
    return spec


def form_applies(route: str | None, monitoring_form: str | None) -> bool:
    """Intranasal sessions fill the form unless the playlist says ``monitoring_form: none``;
    any session does with ``monitoring_form: spravato-rems``."""
    if monitoring_form is not None:
        return monitoring_form == "spravato-rems"
    return route == "intranasal"


# --- filling ---------------------------------------------------------------------------------


def entered_answers(events: Iterable[dict], template: FormTemplate) -> dict[str, object]:
    """The latest answer of each entered field (an answer cleared with None is no answer)."""
    answers: dict[str, object] = {}
    for event in events:
        if event.get("type") == "form_field_recorded" and event.get("form") == template.form_id:
            answers[str(event.get("field"))] = event.get("value")
    return {key: value for key, value in answers.items() if value not in (None, "")}


def fill_rems_form(events: Iterable[dict], template: FormTemplate | None = None) -> FilledForm:
    """The form as the journal fills it (see the module's docstring)."""
    template = template or load_template()
    events = list(events)
    answers = entered_answers(events, template)
    dose = next((e for e in events if e.get("type") == "dose_given"), None)
    ended = next((e for e in events if e.get("type") == "session_ended"), None)
    pressures = _blood_pressures(events, dose)
    derived = {
        "dose_date": _dose_date(dose),
        "bp_before_dose": pressures[0],
        "bp_at_40m": pressures[1],
        "bp_before_end": pressures[2],
        "monitoring_minutes": _monitoring_minutes(dose, ended),
    }
    filled: list[FilledField] = []
    asked = answered = 0
    for spec in template.fields:
        applies = all(str(answers.get(other)) == value for other, value in spec.only_if)
        if spec.source == "entered":
            value = answers.get(spec.id)
            if applies:
                asked += 1
                answered += value is not None
            text = _answer_text(spec, value)
        else:
            value, text = derived[spec.source]
        evidence = _evidence(events, spec.evidence) if spec.evidence else ()
        filled.append(
            FilledField(
                spec, value, text if value is not None else "—", value is None, applies, evidence
            )
        )
    return FilledForm(template, tuple(filled), answered, asked)


def _answer_text(spec: FieldSpec, value: object) -> str:
    if value is None:
        return "—"
    if spec.kind == "yes_no":
        return "Yes" if value is True else "No" if value is False else str(value)
    if spec.kind == "minutes" and isinstance(value, (int, float)):
        return f"{value:g} min"
    if spec.kind == "number" and isinstance(value, (int, float)):
        return f"{value:g}" + (" mg" if spec.id.endswith("_mg") else "")
    return str(value)


def _dose_date(dose: dict | None) -> tuple[object, str]:
    wall = str((dose or {}).get("dose_wall") or (dose or {}).get("wall") or "")
    if len(wall) < 10:
        return None, "—"
    return wall[:10], wall[:10]  # the local date as the wall clock had it (ISO, with offset)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _blood_pressures(events: list[dict], dose: dict | None) -> list[tuple[object, str]]:
    """(value, text) before the dose, at 40 minutes, before the end."""
    readings = [
        e
        for e in events
        if e.get("type") == "vitals_recorded" and _number(e.get("systolic")) is not None
    ]
    dose_session_s = _number((dose or {}).get("dose_session_s"))

    def after_dose_s(event: dict) -> float | None:
        if dose_session_s is None:
            return None
        at_s = _number(event.get("session_s"))
        return None if at_s is None else at_s - dose_session_s

    before = [e for e in readings if (after_dose_s(e) is None or after_dose_s(e) < 0)]
    after = [e for e in readings if after_dose_s(e) is not None and after_dose_s(e) >= 0]
    low, high = BP_40M_WINDOW_S
    near_40 = [e for e in after if low <= after_dose_s(e) <= high]
    at_40 = min(near_40, key=lambda e: abs(after_dose_s(e) - BP_40M_S), default=None)
    later = [e for e in after if at_40 is None or after_dose_s(e) > after_dose_s(at_40)]
    if at_40 is None:
        later = [e for e in after if after_dose_s(e) > high]
    chosen = [before[-1] if before else None, at_40, later[-1] if later else None]
    return [_pressure(event, after_dose_s(event) if event else None) for event in chosen]


def _pressure(event: dict | None, after_dose_s: float | None) -> tuple[object, str]:
    if event is None:
        return None, "—"
    systolic, diastolic = _number(event.get("systolic")), _number(event.get("diastolic"))
    value = f"{systolic:g}/{diastolic:g}" if diastolic is not None else f"{systolic:g}/–"
    when = f"+{format_clock(after_dose_s)}" if after_dose_s is not None else "before the dose"
    if after_dose_s is not None and after_dose_s < 0:
        when = "before the dose"
    return value, f"{value} mmHg ({when})"


def _monitoring_minutes(dose: dict | None, ended: dict | None) -> tuple[object, str]:
    start = _number((dose or {}).get("dose_session_s"))
    end = _number((ended or {}).get("session_s"))
    if start is None or end is None or end < start:
        return None, "—"
    minutes = int(round((end - start) / 60.0))
    return minutes, f"{minutes} min"


def _evidence(events: list[dict], question: str) -> tuple[str, ...]:
    prefixes = EVIDENCE_FLAGS.get(question, ())
    found: list[str] = []
    for event in events:
        if event.get("type") not in ("vitals_recorded", "scale_recorded"):
            continue
        for message in event.get("flags") or []:
            if isinstance(message, str) and message.startswith(prefixes):
                at_s = _number(event.get("dose_s"))
                when = f" at +{format_clock(at_s)}" if at_s is not None and at_s >= 0 else ""
                found.append(f"{message}{when}")
    return tuple(found)
