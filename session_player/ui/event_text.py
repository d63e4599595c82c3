"""Journal events in words, for the console's log and the end-of-session summary.

Qt-free, so the wording is tested without a screen. Every line says when (the time of day,
and the time since the dose once there is one) and what, in the clinician's words.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from session_player.playlist.durations import format_clock, format_duration
from session_player.playlist.model import Playlist
from session_player.session.clock import wall_from_iso
from session_player.session.scales import score_text
from session_player.session.vitals import MEASURE_NAMES

# Events that only matter to the machine (they are in the journal, not in the log).
QUIET_EVENTS = {"heartbeat"}


@dataclass(frozen=True)
class EventLine:
    seq: int
    wall_text: str  # "14:32"
    dose_text: str  # "+27:14", or "" before the dose
    text: str
    flagged: bool = False  # a warning colour: flagged vitals, alerts, refusals, early end


def time_of_day(event: dict) -> str:
    try:
        return time.strftime("%H:%M", time.localtime(wall_from_iso(str(event.get("wall")))))
    except (ValueError, TypeError, OverflowError):
        return "--:--"


def dose_clock_text(event: dict) -> str:
    dose_s = event.get("dose_s")
    if not isinstance(dose_s, (int, float)):
        return ""
    return ("+" if dose_s >= 0 else "") + format_clock(dose_s)


def soundscape_name(playlist: Playlist, soundscape_id: str | None) -> str:
    if soundscape_id and soundscape_id in playlist.soundscapes:
        return playlist.soundscapes[soundscape_id].name
    return soundscape_id or "none"


def phase_name(playlist: Playlist, event: dict) -> str:
    index = event.get("index")
    if isinstance(index, int) and 0 <= index < len(playlist.phases):
        return playlist.phases[index].display_name
    return str(event.get("phase_id") or "phase")


def readings_text(event: dict) -> str:
    parts = []
    systolic, diastolic = event.get("systolic"), event.get("diastolic")
    if systolic is not None or diastolic is not None:
        parts.append(f"BP {_n(systolic)}/{_n(diastolic)}")
    if event.get("heart_rate") is not None:
        parts.append(f"HR {_n(event['heart_rate'])}")
    if event.get("spo2") is not None:
        parts.append(f"SpO2 {_n(event['spo2'])}%")
    if event.get("respiratory_rate") is not None:
        parts.append(f"RR {_n(event['respiratory_rate'])}/min")
    return ", ".join(parts)


def form_answer_text(event: dict) -> str:
    """``Lot number: AB123``, ``Benzodiazepines: no``: a form_field_recorded event in words."""
    name = str(event.get("field", "")).replace("_", " ").capitalize()
    value = event.get("value")
    if isinstance(value, bool):
        answer = "yes" if value else "no"
    elif value is None or value == "":
        answer = "cleared"
    else:
        answer = _n(value)
    return f"{name}: {answer}"


def _n(value: object) -> str:
    if value is None:
        return "–"
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def describe(playlist: Playlist, event: dict) -> EventLine | None:
    """The log line for one journal event, or None for events that are not shown."""
    kind = event.get("type", "")
    if kind in QUIET_EVENTS:
        return None
    flagged = False
    text = _TEXTS.get(kind)
    if text is not None:
        line = text
    elif kind == "session_started":
        line = f"Session started for “{event.get('alias', '')}”: settling"
    elif kind == "dose_given":
        ago = event.get("ago_s") or 0
        line = f"Dose given; {phase_name(playlist, event)} started"
        if ago:
            line += f" (marked {format_duration(ago)} late)"
    elif kind == "phase_started":
        cause = event.get("cause")
        why = {
            "clinician": " (advanced)",
            "max_hold": " (hold time reached)",
            "release": " (hold released)",
        }.get(cause, "")
        line = f"{phase_name(playlist, event)} started{why}"
    elif kind == "phase_holding":
        line = f"{phase_name(playlist, event)} reached its planned end: holds until you advance"
    elif kind == "phase_held":
        line = f"{phase_name(playlist, event)} held: plays on past its planned end"
        max_hold_s = event.get("max_hold_s")
        if isinstance(max_hold_s, (int, float)):
            line += f" (at most {format_duration(max_hold_s)} more)"
    elif kind == "hold_released":
        name = phase_name(playlist, event)
        if event.get("past_planned_end"):
            line = f"Hold on {name} released: the next phase starts"
        else:
            line = f"Hold on {name} released: it ends on time"
    elif kind == "phase_extended":
        line = (
            f"{phase_name(playlist, event)} extended by {format_duration(event.get('added_s', 0))}"
        )
    elif kind == "session_ended":
        reason = event.get("reason")
        line = "Session ended" + (f" early: {reason}" if event.get("early") else "")
        if reason and not event.get("early"):
            line += f" ({reason})"
        flagged = bool(event.get("early"))
    elif kind == "volume_set":
        who = " by the patient" if event.get("by") == "patient" else ""
        line = f"Volume {event.get('volume_db', 0):g} dB{who}"
        if event.get("clamped"):
            line += " (at the limit)"
    elif kind == "volume_cap_set":
        line = f"Volume cap {event.get('cap_db', 0):g} dB"
    elif kind == "soundscape_chosen":
        line = (
            f"Soundscape: {soundscape_name(playlist, event.get('soundscape_id'))} "
            f"(by the {event.get('by', 'clinician')})"
        )
    elif kind == "calm_down":
        line = f"Calm down: music {event.get('music_db', 0):g} dB"
        if event.get("soundscape_id"):
            line += f", {soundscape_name(playlist, event['soundscape_id'])}"
    elif kind == "vitals_recorded":
        flags = event.get("flags") or []
        check = event.get("check")
        line = f"Vitals{f' ({check})' if check else ''}: {readings_text(event)}"
        if flags:
            line += " — " + "; ".join(flags)
            flagged = True
    elif kind == "scale_recorded":
        flags = event.get("flags") or []
        check = event.get("check")
        line = f"{score_text(event)}{f' ({check})' if check else ''}"
        if flags:
            line += " — " + "; ".join(flags)
            flagged = True
    elif kind == "form_field_recorded":
        line = f"Monitoring form: {form_answer_text(event)}"
    elif kind == "vitals_skipped":
        line = f"Vitals check {event.get('check')} skipped: {event.get('reason', '')}"
    elif kind == "side_effect":
        note = event.get("note")
        line = f"Side effect: {event.get('kind')}" + (f" — {note}" if note else "")
    elif kind == "side_effect_withdrawn":
        line = f"Side effect undone (logged by mistake): {event.get('kind')}"
    elif kind == "note":
        line = f"Note: {event.get('text', '')}"
    elif kind == "alert_raised":
        line = f"Alert: {event.get('message', '')}"
        flagged = True
    elif kind == "alert_acknowledged":
        line = f"Alert {event.get('alert_id')} acknowledged"
    elif kind == "command_refused":
        line = f"Not done ({event.get('command', '').replace('_', ' ')}): {event.get('reason')}"
        flagged = True
    elif kind == "session_resumed":
        line = f"Resumed after {format_duration(round(event.get('away_s', 0)))} away"
        missed = event.get("missed_events") or 0
        if missed:
            line += f"; {missed} transition{'s' if missed != 1 else ''} caught up"
        flagged = True
    else:
        line = kind.replace("_", " ").capitalize()
    return EventLine(
        seq=int(event.get("seq", 0)),
        wall_text=time_of_day(event),
        dose_text=dose_clock_text(event),
        text=line,
        flagged=flagged,
    )


_TEXTS = {
    "audio_paused": "Audio paused",
    "audio_resumed": "Audio resumed",
    "calm_down_undone": "Calm down undone",
    "faded_to_silence": "Faded to silence",
    "faded_back": "Faded back in",
    "patient_called": "The patient called",
    "patient_call_answered": "Patient call answered",
}

MEASURE_LABELS = MEASURE_NAMES
