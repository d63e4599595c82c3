"""Reading a session's journal into a ``ClinicalRecord`` (see ``model.py`` for the model).

``read_session_record(journal_path)`` is the one entry point. The journal is read tolerantly
(``session.journal.read_journal``): a corrupted line in the middle is skipped and a torn
last line ignored, and both are listed in ``record.unread`` with their line numbers, so a
damaged journal still gives a record that says what could not be read. A journal that is
missing, unreadable or holds no event at all raises ``RecordUnreadable`` with a message for
the clinician (never a traceback).

The playlist names the phases, the music and the thresholds. It is the one given, else the
file the journal names (``playlist_path``), read again without probing audio; when neither
is available the record still has everything the journal holds (phase ids, flags as
journaled), and ``playlist_known`` is False.

``find_journal(reference, base_dir)`` turns what a user types (a journal file, a session
folder, or a session's folder name such as ``20260302-104207-pt-a``) into a journal path.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from session_player.playlist.model import Playlist
from session_player.record.clinic_settings import ClinicSettings
from session_player.record.listening_dose import DEFAULT_CALIBRATION_DB_SPL, listening_dose
from session_player.record.listening_settings import ListeningSettings, load_listening_settings
from session_player.record.model import (
    MEASURES,
    AlertRecord,
    CheckOutcome,
    ClinicalRecord,
    DischargeRecord,
    ListeningDoseRecord,
    Moment,
    NoteRecord,
    PatientCall,
    PhaseChange,
    PhaseRecord,
    PlayedChange,
    PlayedPhase,
    Resumption,
    ScaleScore,
    SideEffectRecord,
    UnreadLine,
    VitalFlag,
    VitalReading,
    VitalThresholds,
)
from session_player.record.moments import moment, number_or_none, text_or_none
from session_player.record.rems_form import FilledForm, fill_rems_form, form_applies
from session_player.record.what_played import played_changes, played_phases
from session_player.session.journal import JOURNAL_NAME, read_journal
from session_player.session.scales import SCALE_NAMES, SCALE_RANGES
from session_player.session.store import SESSIONS_FOLDER, default_base_dir, file_sha256
from session_player.session.vitals import MEASURE_NAMES, check_specs

DISCHARGE_NOTE_PREFIX = "Discharge checklist complete"  # ui/discharge_checklist.py writes it
RECORDED_BY = re.compile(r" \(recorded by ([^()]{1,40})\)$")
SCALE_LIMIT = re.compile(r" is (?:above|below) (\d+)\b")  # session/scales.scale_flag's words
SCALE_LIMIT_KEYS = {"sedation": "sedation_min", "dissociation": "dissociation_max"}
SCALE_LIMIT_KEYS["cadss"] = "cadss_max"


class RecordUnreadable(Exception):
    """The journal cannot give a record (missing, unreadable, empty); the message says why."""


# --- finding ---------------------------------------------------------------------------------


def find_journal(reference: str | os.PathLike, base_dir: str | os.PathLike | None = None) -> Path:
    """The journal a user means: a journal file, a session folder, or a session's folder name."""
    given = Path(reference)
    if given.is_file():
        return given
    if given.is_dir():
        if (given / JOURNAL_NAME).is_file():
            return given / JOURNAL_NAME
        raise RecordUnreadable(f"{given} is a folder without a session journal ({JOURNAL_NAME})")
    name = str(reference)
    if os.sep not in name and "/" not in name:
        base = Path(base_dir) if base_dir is not None else default_base_dir()
        candidate = base / SESSIONS_FOLDER / name / JOURNAL_NAME
        if candidate.is_file():
            return candidate
        raise RecordUnreadable(
            f"no journal file {name} and no session {name} in {base / SESSIONS_FOLDER}"
        )
    raise RecordUnreadable(f"there is no journal at {given}")


# --- reading ---------------------------------------------------------------------------------


def read_session_record(
    journal_path: str | os.PathLike,
    *,
    playlist: Playlist | None = None,
    clinic: ClinicSettings | None = None,
    listening: ListeningSettings | None = None,
) -> ClinicalRecord:
    """The record of the session whose journal is at ``journal_path``.

    ``listening``: the clinic's headphone calibrations for the listening dose (None: read
    from ``listening.json`` in the user's config folder)."""
    path = Path(journal_path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise RecordUnreadable(f"there is no journal at {path}") from None
    except IsADirectoryError:
        raise RecordUnreadable(f"{path} is a folder, not a journal file") from None
    except OSError as exc:
        raise RecordUnreadable(f"cannot read the journal {path}: {exc.strerror or exc}") from None
    contents = read_journal(path, data)
    if not contents.events:
        why = "it is empty" if not data.strip() else "no line of it could be read"
        raise RecordUnreadable(f"{path} holds no session event: {why}")
    events = list(contents.events)
    unread = [UnreadLine(p.line_no, p.message) for p in contents.problems]
    if contents.torn_tail:
        line_no = data[: contents.valid_length].count(b"\n") + 1
        unread.append(
            UnreadLine(
                line_no,
                f"torn last line ({contents.torn_bytes} bytes, ignored): "
                "the app stopped while writing it",
            )
        )
    return _build(
        path,
        file_sha256(path) or "",
        events,
        tuple(unread),
        playlist,
        clinic if clinic is not None else ClinicSettings(),
        listening if listening is not None else load_listening_settings(),
    )


def _first(events: list[dict], kind: str) -> dict | None:
    return next((e for e in events if e["type"] == kind), None)


def _load_named_playlist(started: dict) -> tuple[Playlist | None, bool]:
    """The playlist the journal names, read again (no audio probing), and whether it changed."""
    path = started.get("playlist_path")
    if not isinstance(path, str) or not Path(path).is_file():
        return None, False
    from session_player.playlist.loader import load_playlist

    try:
        result = load_playlist(path, check_audio=False)
    except Exception:  # noqa: BLE001 - a playlist that cannot be read only loses names
        return None, False
    recorded = started.get("playlist_sha256")
    changed = bool(recorded) and file_sha256(path) != recorded
    return result.playlist, changed


def _build(
    path: Path,
    sha256: str,
    events: list[dict],
    unread: tuple[UnreadLine, ...],
    playlist: Playlist | None,
    clinic: ClinicSettings,
    listening: ListeningSettings,
) -> ClinicalRecord:
    started = _first(events, "session_started") or {}
    changed = False
    if playlist is None and started:
        playlist, changed = _load_named_playlist(started)
    dose = _first(events, "dose_given")
    ended = _first(events, "session_ended")
    rehearsal = started.get("rehearsal")
    rehearsal_speed = (
        number_or_none(rehearsal.get("speed")) if isinstance(rehearsal, dict) else None
    )
    minimum = playlist.clinical.minimum_observation if playlist is not None else None
    notes, discharge = _notes_and_discharge(events, playlist)
    return ClinicalRecord(
        journal_path=path,
        journal_sha256=sha256,
        event_count=len(events),
        clinic=clinic.clinic,
        alias=str(started.get("alias", "")),
        playlist_title=str(
            started.get("playlist_title") or (playlist.title if playlist else "") or ""
        ),
        playlist_path=text_or_none(started.get("playlist_path")),
        playlist_known=playlist is not None,
        playlist_changed=changed,
        route=text_or_none(started.get("route")) or (playlist.route if playlist else None),
        dose_entered=text_or_none(started.get("dose_note")),
        start_notes=str(started.get("notes", "") or ""),
        rehearsal_speed=rehearsal_speed,
        app_version=text_or_none(started.get("app_version")),
        started=moment(started) if started else None,
        dose=_dose_moment(dose),
        ended=moment(ended) if ended else None,
        end_reason=text_or_none(ended.get("reason")) if ended else None,
        ended_early=bool(ended.get("early")) if ended else False,
        minimum_observation_s=minimum,
        phases=_phases(events, playlist),
        readings=_readings(events, playlist),
        thresholds=_thresholds(events, playlist),
        checks=_checks(events, playlist),
        side_effects=_side_effects(events),
        notes=notes,
        alerts=_alerts(events),
        patient_calls=_patient_calls(events),
        resumptions=tuple(
            Resumption(
                moment(e),
                number_or_none(e.get("away_s")),
                int(e.get("missed_events") or 0),
            )
            for e in events
            if e["type"] == "session_resumed"
        ),
        played=played_phases(playlist, events),
        played_changes=played_changes(playlist, events),
        discharge=discharge,
        written_late=sum(1 for e in events if "written_late_wall" in e),
        unread=unread,
        events=tuple(events),
        scores=_scores(events, playlist),
        rems_form=_rems_form(events, playlist, started),
        listening=_listening(events, playlist, listening),
    )


def _listening(
    events: list[dict], playlist: Playlist | None, settings: ListeningSettings
) -> ListeningDoseRecord:
    calibration = settings.report_calibration_db_spl
    if settings.headphones_db_spl:
        # The journal does not name the device that played: the loudest entered, so the
        # stated dose is never lower than the real one for any of the clinic's headphones.
        device = max(settings.headphones_db_spl, key=lambda name: settings.headphones_db_spl[name])
        count = len(settings.headphones_db_spl)
        source = (
            f"“{device}”, the loudest of the {count} headphones entered in the settings"
            if count > 1
            else f"“{device}”, the headphone entered in the settings"
        ) + "; the journal does not say which device played"
    elif calibration == DEFAULT_CALIBRATION_DB_SPL:
        source = "the default: no headphone's level is entered in the settings"
    else:
        source = "the clinic's default: no headphone's level is entered in the settings"
    return ListeningDoseRecord(
        dose=listening_dose(events, calibration_db_spl=calibration, playlist=playlist),
        calibration_source=source,
        warn_percent=float(settings.warn_percent),
        settings_problem=settings.problem,
    )


def _scores(events: list[dict], playlist: Playlist | None) -> tuple[ScaleScore, ...]:
    labels = _check_labels(playlist)
    scores: list[ScaleScore] = []
    for event in events:
        score = event.get("score")
        if event["type"] != "scale_recorded" or isinstance(score, bool):
            continue
        if not isinstance(score, int):
            continue
        scale = str(event.get("scale", ""))
        check = text_or_none(event.get("check"))
        items = event.get("items") if isinstance(event.get("items"), list) else []
        scores.append(
            ScaleScore(
                seq=int(event["seq"]),
                at=moment(event),
                check=check,
                check_label=labels.get(check, check) if check else "unscheduled",
                scale=scale,
                name=SCALE_NAMES.get(scale, scale),
                score=score,
                out_of=SCALE_RANGES.get(scale, (0, 0))[1],
                items=tuple(int(v) for v in items if isinstance(v, int)),
                flags=tuple(str(f) for f in event.get("flags") or [] if isinstance(f, str)),
            )
        )
    return tuple(scores)


def _rems_form(events: list[dict], playlist: Playlist | None, started: dict) -> FilledForm | None:
    route = text_or_none(started.get("route")) or (playlist.route if playlist else None)
    monitoring_form = playlist.clinical.monitoring_form if playlist is not None else None
    if not form_applies(route, monitoring_form):
        return None
    return fill_rems_form(events)


def _dose_moment(dose: dict | None) -> Moment | None:
    if dose is None:
        return None
    # A dose marked late ("given 2 minutes ago") happened before its event: its own fields.
    return Moment(
        wall=text_or_none(dose.get("dose_wall")) or text_or_none(dose.get("wall")),
        session_s=number_or_none(dose.get("dose_session_s")),
        dose_s=0.0,
    )


# --- phases ----------------------------------------------------------------------------------


def _phase_name(playlist: Playlist | None, index: int, phase_id: str) -> str:
    if playlist is not None and 0 <= index < len(playlist.phases):
        phase = playlist.phases[index]
        if phase.id == phase_id or not phase_id:
            return phase.display_name
    return phase_id.replace("_", " ").replace("-", " ").capitalize() or f"Phase {index + 1}"


def _phase_ids(started: dict) -> list[str]:
    ids = started.get("phase_ids")
    return [str(i) for i in ids] if isinstance(ids, list) else []


def _phases(events: list[dict], playlist: Playlist | None) -> tuple[PhaseRecord, ...]:
    started = _first(events, "session_started")
    ids = _phase_ids(started or {})
    ended = _first(events, "session_ended")
    # Each run: (index, phase_id, start moment, how, [changes])
    runs: list[tuple[int, str, Moment, str, list[PhaseChange]]] = []
    if started is not None:
        runs.append((-1, "settling", moment(started), "start", []))
    for event in events:
        kind = event["type"]
        if kind in ("dose_given", "phase_started"):
            index = int(event.get("index", 0))
            phase_id = str(event.get("phase_id") or (ids[index] if 0 <= index < len(ids) else ""))
            how = "dose" if kind == "dose_given" else str(event.get("cause") or "time")
            at = _dose_moment(event) if kind == "dose_given" else moment(event)
            runs.append((index, phase_id, at, how, []))
        elif runs and kind in ("phase_extended", "phase_holding", "phase_held", "hold_released"):
            runs[-1][4].append(_phase_change(event))
    records: list[PhaseRecord] = []
    for position, (index, phase_id, at, how, changes) in enumerate(runs):
        if position + 1 < len(runs):
            end: Moment | None = runs[position + 1][2]
        else:
            end = moment(ended) if ended is not None else None
        planned = None
        if playlist is not None and 0 <= index < len(playlist.phases):
            planned = playlist.phases[index].duration
        name = "Settling" if index < 0 else _phase_name(playlist, index, phase_id)
        records.append(
            PhaseRecord(
                index=index,
                phase_id=phase_id,
                name=name,
                started=at,
                ended=end,
                how_started=how,
                planned_s=planned,
                extended_s=sum((c.added_s for c in changes if c.kind == "extended"), 0.0),
                changes=tuple(changes),
            )
        )
    return tuple(records)


def _phase_change(event: dict) -> PhaseChange:
    from session_player.playlist.durations import format_duration

    kind = event["type"]
    if kind == "phase_extended":
        added = float(event.get("added_s") or 0.0)
        return PhaseChange(
            moment(event), "extended", added, f"extended by {format_duration(added)}"
        )
    if kind == "phase_holding":
        return PhaseChange(moment(event), "holding", 0.0, "held at its planned end")
    if kind == "phase_held":
        most = number_or_none(event.get("max_hold_s"))
        text = "held by the clinician"
        if most:
            text += f" (at most {format_duration(most)} past its planned end)"
        return PhaseChange(moment(event), "held", 0.0, text)
    return PhaseChange(moment(event), "released", 0.0, "hold released")


# --- vital signs -----------------------------------------------------------------------------


def _check_labels(playlist: Playlist | None) -> dict[str, str]:
    if playlist is None:
        return {}
    return {spec.key: spec.label for spec in check_specs(playlist.clinical)}


def flag_measure(message: str) -> str | None:
    """Which measure a journaled flag message is about ("Systolic 152 mmHg is above 140")."""
    for measure, name in MEASURE_NAMES.items():
        if message.startswith(name + " "):
            return measure
    return None


def _readings(events: list[dict], playlist: Playlist | None) -> tuple[VitalReading, ...]:
    labels = _check_labels(playlist)
    readings: list[VitalReading] = []
    for event in events:
        if event["type"] != "vitals_recorded":
            continue
        check = text_or_none(event.get("check"))
        flags = tuple(
            VitalFlag(measure, message)
            for message in (event.get("flags") or [])
            if isinstance(message, str) and (measure := flag_measure(message)) is not None
        )
        values = {m: number_or_none(event.get(m)) for m in MEASURES}
        values["respiratory_rate"] = number_or_none(event.get("respiratory_rate"))
        readings.append(
            VitalReading(
                seq=int(event["seq"]),
                at=moment(event),
                check=check,
                check_label=labels.get(check, check) if check else "unscheduled",
                flags=flags,
                written_late="written_late_wall" in event,
                **values,
            )
        )
    return tuple(readings)


def _thresholds(events: list[dict], playlist: Playlist | None) -> VitalThresholds:
    if playlist is not None:
        t = playlist.clinical.thresholds
        return VitalThresholds(
            float(t.systolic_max),
            float(t.diastolic_max),
            float(t.heart_rate_max),
            float(t.heart_rate_min),
            float(t.spo2_min),
            respiratory_rate_min=float(t.respiratory_rate_min),
            respiratory_rate_max=float(t.respiratory_rate_max),
            sedation_min=float(t.sedation_min),
            dissociation_max=float(t.dissociation_max),
            cadss_max=float(t.cadss_max),
        )
    # Without the playlist, the flags as journaled still tell the limits they crossed.
    found: dict[str, float] = {}
    keys = {
        ("systolic", "above"): "systolic_max",
        ("diastolic", "above"): "diastolic_max",
        ("heart_rate", "above"): "heart_rate_max",
        ("heart_rate", "below"): "heart_rate_min",
        ("spo2", "below"): "spo2_min",
        ("respiratory_rate", "below"): "respiratory_rate_min",
        ("respiratory_rate", "above"): "respiratory_rate_max",
    }
    for event in events:
        if event["type"] != "vitals_recorded":
            continue
        for message in event.get("flags") or []:
            measure = flag_measure(str(message))
            words = str(message).split()
            if measure is None or len(words) < 2 or words[-2] not in ("above", "below"):
                continue
            key = keys.get((measure, words[-2]))
            limit = number_or_none(_float(words[-1]))
            if key is not None and limit is not None:
                found[key] = limit
    for event in events:  # "MOAA/S 3 is below 4 (sedation)", "CADSS total 12 is above 4"
        if event["type"] != "scale_recorded":
            continue
        key = SCALE_LIMIT_KEYS.get(str(event.get("scale", "")))
        for message in event.get("flags") or []:
            match = SCALE_LIMIT.search(str(message))
            if key is not None and match is not None:
                found[key] = float(match.group(1))
    return VitalThresholds(**found, source="flags")


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _checks(events: list[dict], playlist: Playlist | None) -> tuple[CheckOutcome, ...]:
    if playlist is None:
        return ()
    from session_player.playlist.durations import format_clock

    done: dict[str, tuple[str, dict]] = {}
    for event in events:
        check = event.get("check")
        # A check with a scale is recorded by its score too (scale_recorded).
        recorded = event["type"] in ("vitals_recorded", "scale_recorded")
        if recorded and check and check not in done:
            done[str(check)] = ("recorded", event)
        elif event["type"] == "vitals_skipped" and check and check not in done:
            done[str(check)] = ("skipped", event)
    dose = _first(events, "dose_given")
    last = _first(events, "session_ended") or events[-1]
    end_dose_s = number_or_none(last.get("dose_s"))
    outcomes: list[CheckOutcome] = []
    for spec in check_specs(playlist.clinical):
        if spec.at == "pre-dose":
            due = "before the dose"
        elif spec.at == "discharge":
            due = "at discharge"
        else:
            due = f"+{format_clock(float(spec.at))}"
        if spec.key in done:
            outcome, event = done[spec.key]
            reason = str(event.get("reason", "")) if outcome == "skipped" else ""
            outcomes.append(CheckOutcome(spec.key, spec.label, due, outcome, moment(event), reason))
            continue
        if spec.at == "pre-dose":
            fell_due = True
        elif spec.at == "discharge":
            fell_due = False  # due at the end: "open" until the discharge is done
        else:
            fell_due = dose is not None and end_dose_s is not None and end_dose_s >= float(spec.at)
        outcomes.append(CheckOutcome(spec.key, spec.label, due, "missed" if fell_due else "open"))
    return tuple(outcomes)


# --- the rest of the clinical record ---------------------------------------------------------


def _side_effects(events: list[dict]) -> tuple[SideEffectRecord, ...]:
    withdrawn = {
        e.get("side_effect_seq"): moment(e) for e in events if e["type"] == "side_effect_withdrawn"
    }
    return tuple(
        SideEffectRecord(
            seq=int(e["seq"]),
            at=moment(e),
            kind=str(e.get("kind", "")),
            note=str(e.get("note", "") or ""),
            withdrawn=withdrawn.get(e["seq"]),
        )
        for e in events
        if e["type"] == "side_effect"
    )


def _notes_and_discharge(
    events: list[dict], playlist: Playlist | None
) -> tuple[tuple[NoteRecord, ...], DischargeRecord | None]:
    notes: list[NoteRecord] = []
    discharge: DischargeRecord | None = None
    for event in events:
        if event["type"] == "discharge_recorded":  # a structured event, if a later app has it
            items = tuple(str(i) for i in event.get("items") or [])
            discharge = DischargeRecord(moment(event), items, text_or_none(event.get("by")))
            continue
        if event["type"] != "note":
            continue
        text = str(event.get("text", ""))
        if text.startswith(DISCHARGE_NOTE_PREFIX):
            text, by = _recorded_by(text)
            discharge = DischargeRecord(
                moment(event),
                _discharge_items(text, playlist),
                by or text_or_none(event.get("by")),
            )
        else:
            notes.append(NoteRecord(int(event["seq"]), moment(event), text))
    return tuple(notes), discharge


def _recorded_by(text: str) -> tuple[str, str | None]:
    """``… (recorded by AB)`` → the text without it, and ``AB``: the initials the summary's
    discharge checklist adds (``ui/discharge_checklist.py``)."""
    match = RECORDED_BY.search(text)
    if match is None:
        return text, None
    return text[: match.start()], match.group(1).strip()


def _discharge_items(text: str, playlist: Playlist | None) -> tuple[str, ...]:
    rest = text[len(DISCHARGE_NOTE_PREFIX) :].lstrip(":").strip()
    if not rest:
        return ()
    if playlist is not None:
        # The playlist's own items, when they are what was recorded (an item may hold "; ").
        items = playlist.clinical.discharge_checklist
        if "; ".join(items) == rest:
            return tuple(items)
    return tuple(part.strip() for part in rest.split("; ") if part.strip())


def _alerts(events: list[dict]) -> tuple[AlertRecord, ...]:
    acknowledged: dict[int, Moment] = {}
    for event in events:
        if event["type"] == "alert_acknowledged":
            acknowledged.setdefault(int(event.get("alert_id", -1)), moment(event))
    alerts: list[AlertRecord] = []
    for event in events:
        if event["type"] != "alert_raised":
            continue
        alert_id = int(event.get("alert_id", -1))
        alerts.append(
            AlertRecord(
                alert_id,
                str(event.get("kind", "")),
                str(event.get("message", "")),
                moment(event),
                acknowledged.get(alert_id),
            )
        )
    return tuple(alerts)


def _patient_calls(events: list[dict]) -> tuple[PatientCall, ...]:
    calls: list[tuple[Moment, Moment | None]] = []
    for event in events:
        if event["type"] == "patient_called":
            calls.append((moment(event), None))
        elif event["type"] == "patient_call_answered":
            # An answer answers every call still open (two presses, one answer).
            calls = [(c, a if a is not None else moment(event)) for c, a in calls]
    return tuple(PatientCall(c, a) for c, a in calls)


__all__ = [
    "ClinicalRecord",
    "PlayedChange",
    "PlayedPhase",
    "RecordUnreadable",
    "find_journal",
    "read_session_record",
]
