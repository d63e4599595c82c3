"""How the report words times, readings and phases (plain text, no Qt).

Times of day are shown in the UTC offset the journal wrote them with (the clinic's local
time on the day), so a report printed elsewhere or after a change of summer time still
says the time the team saw on the wall clock.
"""

from __future__ import annotations

import re
from datetime import datetime

from session_player.playlist.durations import format_clock, format_duration
from session_player.record.model import ClinicalRecord, Moment, PhaseRecord, VitalReading

HOW_STARTED = {
    "start": "at the start",
    "dose": "at the dose",
    "time": "on time",
    "clinician": "advanced by the clinician",
    "max_hold": "after its longest hold",
    "release": "when its hold was released",
}


def wall_datetime(moment: Moment | None) -> datetime | None:
    if moment is None or not moment.wall:
        return None
    try:
        return datetime.fromisoformat(moment.wall)
    except ValueError:
        return None


def time_of_day(moment: Moment | None, *, seconds: bool = False) -> str:
    when = wall_datetime(moment)
    if when is None:
        return "--:--"
    return when.strftime("%H:%M:%S" if seconds else "%H:%M")


def date_text(moment: Moment | None) -> str:
    when = wall_datetime(moment)
    return when.strftime("%Y-%m-%d") if when is not None else "date unknown"


def dose_clock(record: ClinicalRecord, moment: Moment | None) -> str:
    """``+40:00`` after the dose, ``-3:00`` before it, empty when unknown."""
    offset = since_dose_s(record, moment)
    if offset is None:
        return ""
    return ("+" if offset >= 0 else "-") + format_clock(abs(offset))


def since_dose_s(record: ClinicalRecord, moment: Moment | None) -> float | None:
    """Seconds since the dose, negative before it (from the session clock when needed)."""
    if moment is None:
        return None
    if moment.dose_s is not None:
        return moment.dose_s
    dose = record.dose
    if dose is not None and dose.session_s is not None and moment.session_s is not None:
        return moment.session_s - dose.session_s
    return None


def when(record: ClinicalRecord, moment: Moment | None) -> str:
    """``10:42 (+40:00)``: the wall clock and the dose clock."""
    clock = dose_clock(record, moment)
    return f"{time_of_day(moment)} ({clock})" if clock else time_of_day(moment)


def number(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def blood_pressure(reading: VitalReading) -> str:
    if reading.systolic is None and reading.diastolic is None:
        return "–"
    return f"{number(reading.systolic)}/{number(reading.diastolic)}"


def length_text(seconds: float | None) -> str:
    return "running" if seconds is None else format_duration(round(seconds))


def phase_how(phase: PhaseRecord) -> str:
    parts = [HOW_STARTED.get(phase.how_started, phase.how_started.replace("_", " "))]
    parts.extend(change.text for change in phase.changes)
    return "; ".join(parts)


def short_flag(message: str) -> str:
    """``Systolic 152 mmHg is above 140`` → ``Systolic > 140``: the table has the value."""
    match = re.fullmatch(r"(.+?) [\d.]+ ?\S* is (above|below) ([\d.]+)", message)
    if match is None:
        return message
    name, side, limit = match.groups()
    return f"{name} {'>' if side == 'above' else '<'} {limit}"


def thresholds_text(record: ClinicalRecord) -> str:
    t = record.thresholds
    parts = []
    if t.systolic_max is not None:
        parts.append(f"systolic > {t.systolic_max:g}")
    if t.diastolic_max is not None:
        parts.append(f"diastolic > {t.diastolic_max:g}")
    if t.heart_rate_max is not None:
        parts.append(f"heart rate > {t.heart_rate_max:g}")
    if t.heart_rate_min is not None:
        parts.append(f"heart rate < {t.heart_rate_min:g}")
    if t.spo2_min is not None:
        parts.append(f"SpO2 < {t.spo2_min:g}")
    if not parts:
        return "Thresholds: not known (the playlist could not be read)."
    source = "" if t.source == "playlist" else " (as far as the flags tell; playlist not found)"
    return "Flagged when " + ", ".join(parts) + source + "."


def default_report_name(record: ClinicalRecord) -> str:
    """``2026-03-02 Blue Heron session report.pdf``: date and alias, safe as a file name."""
    alias = "".join(c if c.isalnum() or c in " -_" else "-" for c in record.alias).strip()
    return f"{date_text(record.started)} {alias or 'session'} session report.pdf"
