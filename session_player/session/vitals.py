"""Vital-sign checks: which are due, and which readings are past the playlist's thresholds.

Checks come from ``clinical.vitals`` in the playlist, each at ``pre-dose``, ``discharge`` or a
time after the dose. A check is **due** from its time until it is recorded or skipped:

- ``pre-dose``: from the start of settling. It stays due after the dose until it is recorded
  (a reading taken before the dose, entered late) or skipped with a reason: a baseline that
  was never taken must not vanish silently from the clinician's screen.
- a time after the dose (``40m``): from then on, on the dose clock.
- ``discharge``: once the minimum observation has passed (or, without a minimum, once the
  last phase has started), and in any case once the session has ended.

Thresholds are advisory: a flagged reading is recorded like any other and only highlighted.
Implausible numbers (a systolic of 1200) are refused as typing errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from session_player.playlist.durations import format_duration
from session_player.playlist.model import Clinical, Thresholds, VitalCheck
from session_player.session.scales import VITAL_MEASURES

# Refused as typing errors rather than flagged: (measure, lowest, highest, unit).
PLAUSIBLE = {
    "systolic": (40, 300, "mmHg"),
    "diastolic": (20, 200, "mmHg"),
    "heart_rate": (20, 250, "bpm"),
    "spo2": (50, 100, "%"),
    "respiratory_rate": (2, 70, "/min"),
}
MEASURE_NAMES = {
    "systolic": "Systolic",
    "diastolic": "Diastolic",
    "heart_rate": "Heart rate",
    "spo2": "SpO2",
    "respiratory_rate": "Respiratory rate",
}


@dataclass(frozen=True)
class CheckSpec:
    """One check of the playlist with the key the journal and the GUI use for it."""

    key: str  # its label, or pre-dose / discharge / 40m; unique within the playlist
    label: str  # what the console shows
    at: float | str  # seconds after the dose, "pre-dose" or "discharge"
    measures: tuple[str, ...]


@dataclass(frozen=True)
class DueCheck:
    key: str
    label: str
    measures: tuple[str, ...]
    due_from_dose_s: float | None  # None for pre-dose and discharge
    at_discharge: bool = False  # the check before the patient leaves (``at: discharge``)


@dataclass(frozen=True)
class VitalFlag:
    measure: str  # systolic, diastolic, heart_rate, spo2
    value: float
    limit: float
    message: str  # "Systolic 152 mmHg is above 140"


def check_specs(clinical: Clinical) -> tuple[CheckSpec, ...]:
    """The playlist's checks, a repeating one (``every: 10m, until: 2h``) expanded into one
    check per time: ``Obs 10m`` … ``Obs 2h`` (unlabelled: ``10m`` …), each due on its own."""
    specs: list[CheckSpec] = []
    seen: set[str] = set()

    def add(base: str, label: str, at: float | str, measures: tuple[str, ...]) -> None:
        key = base
        number = 2
        while key.lower() in seen:  # two unlabelled checks at the same time: 40m, 40m#2
            key = f"{base}#{number}"
            number += 1
        seen.add(key.lower())
        specs.append(CheckSpec(key, label, at, measures))

    for check in clinical.vitals:
        measures = tuple(check.measures)
        if check.every is not None:
            for at_s in check.times_s:
                when = format_duration(at_s)
                if check.label:
                    add(
                        f"{check.label} {when}",
                        f"{check.label} ({when} after the dose)",
                        at_s,
                        measures,
                    )
                else:
                    add(when, f"{when} after the dose", at_s, measures)
            continue
        add(check.label or _at_text(check), check.label or _at_label(check), check.at, measures)
    return tuple(specs)


def _at_text(check: VitalCheck) -> str:
    return check.at if isinstance(check.at, str) else format_duration(check.at)


def _at_label(check: VitalCheck) -> str:
    # Worded exactly as the start screen words a check's time ("40m after the dose"), which
    # then shows an unlabelled check once instead of "40m after dose (40m after the dose)".
    if check.at == "pre-dose":
        return "Before the dose"
    if check.at == "discharge":
        return "Before discharge"
    return f"{format_duration(check.at)} after the dose"


def find_spec(specs: tuple[CheckSpec, ...], key: str) -> CheckSpec | None:
    wanted = key.strip().lower()
    for spec in specs:
        if spec.key.lower() == wanted or spec.label.lower() == wanted:
            return spec
    return None


def due_checks(
    specs: tuple[CheckSpec, ...],
    done: set[str],
    *,
    status: str,
    dose_s: float | None,
    minimum_observation_s: float | None,
    in_last_phase: bool,
    parts_done: dict[str, set[str]] | None = None,
) -> tuple[DueCheck, ...]:
    """The checks due now, in the order they fell due (pre-dose, timed, discharge).

    A check asking for vital signs and a scale stays due until both are recorded; its
    ``measures`` are then what is still to take (``parts_done``: the parts recorded so far).
    """
    due: list[tuple[float, DueCheck]] = []
    for spec in specs:
        if spec.key in done:
            continue
        recorded = (parts_done or {}).get(spec.key)
        if recorded:
            spec = CheckSpec(spec.key, spec.label, spec.at, remaining_measures(spec, recorded))
        if spec.at == "pre-dose":
            if status != "ready":
                due.append((-1.0, DueCheck(spec.key, spec.label, spec.measures, None)))
        elif spec.at == "discharge":
            if minimum_observation_s is not None:
                reached = dose_s is not None and dose_s >= minimum_observation_s
            else:
                reached = in_last_phase
            if reached or status == "ended":
                check = DueCheck(spec.key, spec.label, spec.measures, None, at_discharge=True)
                due.append((float("inf"), check))
        elif dose_s is not None and dose_s >= float(spec.at):
            due.append(
                (float(spec.at), DueCheck(spec.key, spec.label, spec.measures, float(spec.at)))
            )
    due.sort(key=lambda pair: pair[0])  # stable: equal times keep the playlist's order
    return tuple(check for _, check in due)


def remaining_measures(spec: CheckSpec, recorded: set[str]) -> tuple[str, ...]:
    """The measures of a check whose part (``vitals``, or a scale) is not recorded yet."""
    return tuple(
        measure
        for measure in spec.measures
        if ("vitals" if measure in VITAL_MEASURES else measure) not in recorded
    )


def implausible(readings: dict[str, float | None]) -> str | None:
    """Why a reading looks like a typing error, or None."""
    for measure, value in readings.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            return f"{MEASURE_NAMES[measure]} must be a number, got {value!r}"
        low, high, unit = PLAUSIBLE[measure]
        if not low <= value <= high:
            return (
                f"{MEASURE_NAMES[measure]} {value:g} {unit} is not a plausible reading "
                f"(expected {low}–{high}); please check the number"
            )
    return None


def flags_for(readings: dict[str, float | None], thresholds: Thresholds) -> tuple[VitalFlag, ...]:
    """Readings past the playlist's advisory thresholds."""
    limits = [
        ("systolic", "above", thresholds.systolic_max),
        ("diastolic", "above", thresholds.diastolic_max),
        ("heart_rate", "above", thresholds.heart_rate_max),
        ("heart_rate", "below", thresholds.heart_rate_min),
        ("spo2", "below", thresholds.spo2_min),
        ("respiratory_rate", "above", thresholds.respiratory_rate_max),
        ("respiratory_rate", "below", thresholds.respiratory_rate_min),
    ]
    flags: list[VitalFlag] = []
    for measure, side, limit in limits:
        value = readings.get(measure)
        if value is None:
            continue
        past = value > limit if side == "above" else value < limit
        if past:
            unit = PLAUSIBLE[measure][2]
            message = f"{MEASURE_NAMES[measure]} {value:g} {unit} is {side} {limit}"
            flags.append(VitalFlag(measure, value, limit, message))
    return tuple(flags)
