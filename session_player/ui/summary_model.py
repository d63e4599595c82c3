"""The end-of-session summary as plain data, read from the journal (Qt-free, testable).

The journal is the record: the summary shows what it says, not what the app remembers, so a
resumed session's summary is complete too.
"""

from __future__ import annotations

from dataclasses import dataclass

from session_player.playlist.durations import format_clock, format_duration
from session_player.playlist.item_titles import pretty_title
from session_player.playlist.model import Playlist
from session_player.session.record_saving import clock_of
from session_player.session.vitals import check_specs
from session_player.ui.event_text import (
    describe,
    readings_text,
    soundscape_name,
    time_of_day,
)


@dataclass(frozen=True)
class PhaseRow:
    name: str
    started: str  # "14:02 (+0:00)"
    length: str  # "10m" or "12m30s"
    how: str  # "on time", "advanced", "extended by 5m"…


@dataclass(frozen=True)
class VitalsRow:
    time: str
    check: str
    readings: str
    flags: str
    missed: bool = False  # due and never recorded nor skipped: "not done", said in red


@dataclass(frozen=True)
class MissedCheck:
    """A vital-sign check that fell due and was neither recorded nor skipped."""

    label: str
    due: str  # "due +20:00" or "due before the dose"
    due_session_s: float  # where it falls among the readings


def due_text(due_from_dose_s: float | None) -> str:
    """When a check fell due, in the clinician's words (timed checks on the dose clock)."""
    if due_from_dose_s is None:
        return "due before the dose"
    return f"due +{format_clock(due_from_dose_s)}"


@dataclass(frozen=True)
class SessionSummary:
    alias: str
    title: str
    started: str
    dose: str
    ended: str
    end_reason: str
    phases: tuple[PhaseRow, ...]
    vitals: tuple[VitalsRow, ...]
    missed_checks: tuple[MissedCheck, ...]
    played: tuple[str, ...]
    side_effects: tuple[str, ...]
    # Events the disk refused at first (it was full), written once it had room: each with
    # when it happened and when it reached the record. Empty when everything was on time.
    written_late: tuple[str, ...] = ()


def _when(event: dict) -> str:
    dose_s = event.get("dose_s")
    clock = time_of_day(event)
    if isinstance(dose_s, (int, float)):
        return f"{clock} (+{format_clock(dose_s)})"
    return clock


def _what_played(playlist: Playlist, events: list[dict], starts: list[dict]) -> list[str]:
    """Per phase, its music and soundscape; then every change of soundscape, with its time.

    A phase's soundscape is the one the playlist names for it, else the latest choice made
    before it started, else the patient's default (the precedence of ``arc.effective_soundscape``).
    """
    played: list[str] = []
    chosen: str | None = None
    runs = [(-1, float("-inf"))] + [
        (int(e.get("index", 0)), float(e.get("session_s", 0.0))) for e in starts
    ]
    for index, begin in runs:
        content = playlist.settling if index < 0 else playlist.phases[index]
        label = "Settling" if index < 0 else playlist.phases[index].display_name
        for event in events:
            if event["type"] == "soundscape_chosen" and float(event["session_s"]) <= begin:
                chosen = event.get("soundscape_id")
        soundscape = content.soundscape or chosen or playlist.patient.default
        parts = []
        if content.music is not None:
            parts.append(
                ", ".join(
                    item.title or (pretty_title(item.file) if item.file else "silence")
                    for item in content.music.items
                )
            )
        if soundscape:
            parts.append(soundscape_name(playlist, soundscape))
        if parts:
            played.append(f"{label}: {' · '.join(parts)}")
    for event in events:
        if event["type"] == "soundscape_chosen":
            played.append(
                f"{_when(event)}  {soundscape_name(playlist, event.get('soundscape_id'))} "
                f"(chosen by the {event.get('by', 'clinician')})"
            )
        elif event["type"] == "calm_down":
            played.append(f"{_when(event)}  Calm down")
        elif event["type"] == "calm_down_undone":
            played.append(f"{_when(event)}  Calm down undone")
    return played


def missed_checks(playlist: Playlist, events: list[dict]) -> tuple[MissedCheck, ...]:
    """The checks that fell due during the session and were never recorded nor skipped.

    The baseline falls due at the start, a timed check at its time on the dose clock (if the
    session lasted that long); the discharge check is not missed, it is due now (the summary
    asks for it).
    """
    started = next((e for e in events if e["type"] == "session_started"), None)
    if started is None:
        return ()
    dose = next((e for e in events if e["type"] == "dose_given"), None)
    ended = next((e for e in events if e["type"] == "session_ended"), None)
    last = ended or events[-1]
    done = {
        str(e.get("check"))
        for e in events
        if e["type"] in ("vitals_recorded", "vitals_skipped") and e.get("check")
    }
    dose_session_s = float(dose["dose_session_s"]) if dose else None
    end_dose_s = last.get("dose_s")
    missed: list[MissedCheck] = []
    for spec in check_specs(playlist.clinical):
        if spec.key in done or spec.at == "discharge":
            continue
        if spec.at == "pre-dose":
            at_s = dose_session_s if dose_session_s is not None else float(started["session_s"])
            missed.append(MissedCheck(spec.label, due_text(None), at_s))
        elif (
            dose_session_s is not None
            and isinstance(end_dose_s, (int, float))
            and end_dose_s >= float(spec.at)
        ):
            at_s = dose_session_s + float(spec.at)
            missed.append(MissedCheck(spec.label, due_text(float(spec.at)), at_s))
    return tuple(sorted(missed, key=lambda check: check.due_session_s))


def _vitals_rows(
    playlist: Playlist, events: list[dict], missed: tuple[MissedCheck, ...]
) -> tuple[VitalsRow, ...]:
    """Readings and skipped checks as the journal has them, and the missed checks, in time order."""
    labels = {spec.key: spec.label for spec in check_specs(playlist.clinical)}
    rows: list[tuple[float, VitalsRow]] = []
    for event in events:
        check = event.get("check")
        name = labels.get(str(check), str(check)) if check else "unscheduled"
        if event["type"] == "vitals_recorded":
            flags = "; ".join(event.get("flags") or [])
            row = VitalsRow(_when(event), name, readings_text(event), flags)
        elif event["type"] == "vitals_skipped":
            row = VitalsRow(_when(event), name, "skipped", str(event.get("reason", "")))
        else:
            continue
        rows.append((float(event.get("session_s", 0.0)), row))
    for check in missed:
        rows.append(
            (check.due_session_s, VitalsRow(check.due, check.label, "not done", "missed", True))
        )
    rows.sort(key=lambda pair: pair[0])  # stable: a reading stays before a miss at its time
    return tuple(row for _, row in rows)


def build_summary(playlist: Playlist, events: list[dict]) -> SessionSummary:
    started = next((e for e in events if e["type"] == "session_started"), {})
    dose = next((e for e in events if e["type"] == "dose_given"), None)
    ended = next((e for e in events if e["type"] == "session_ended"), None)

    starts: list[dict] = []
    extensions: dict[int, float] = {}
    for event in events:
        if event["type"] in ("dose_given", "phase_started"):
            starts.append(event)
        elif event["type"] == "phase_extended":
            index = int(event.get("index", -1))
            extensions[index] = extensions.get(index, 0.0) + float(event.get("added_s", 0))
    phases: list[PhaseRow] = []
    for position, event in enumerate(starts):
        index = int(event.get("index", 0))
        begin = float(event.get("session_s", 0.0))
        following = starts[position + 1] if position + 1 < len(starts) else ended
        end = float(following["session_s"]) if following else None
        cause = event.get("cause", "dose" if event["type"] == "dose_given" else "time")
        how = {
            "dose": "at the dose",
            "time": "on time",
            "clinician": "advanced by you",
            "max_hold": "after its hold",
        }.get(cause, cause)
        if extensions.get(index):
            how += f", extended by {format_duration(extensions[index])}"
        phases.append(
            PhaseRow(
                name=playlist.phases[index].display_name if index < len(playlist.phases) else "?",
                started=_when(event),
                length=format_duration(round(end - begin)) if end is not None else "running",
                how=how,
            )
        )

    missed = missed_checks(playlist, events)
    vitals = _vitals_rows(playlist, events, missed)

    played = _what_played(playlist, events, starts)
    # A side effect undone at once (a tap on a button that had just moved) stays in the
    # record, marked: the journal keeps both events, and the reviewer sees the correction.
    withdrawn = {e.get("side_effect_seq") for e in events if e["type"] == "side_effect_withdrawn"}
    side_effects = tuple(
        f"{_when(event)}  {event.get('kind')}"
        + (f" — {event['note']}" if event.get("note") else "")
        + ("  (undone: logged by mistake)" if event.get("seq") in withdrawn else "")
        for event in events
        if event["type"] == "side_effect"
    )
    reason = ""
    if ended is not None:
        reason = ended.get("reason") or ""
        if ended.get("early"):
            reason = f"ended early: {reason}"
    return SessionSummary(
        alias=str(started.get("alias", "")),
        title=playlist.title,
        started=time_of_day(started) if started else "",
        dose=time_of_day(dose) if dose else "not given",
        ended=_when(ended) if ended else "",
        end_reason=reason,
        phases=tuple(phases),
        vitals=vitals,
        missed_checks=missed,
        played=tuple(played),
        side_effects=side_effects,
        written_late=written_late(playlist, events),
    )


def written_late(playlist: Playlist, events: list[dict]) -> tuple[str, ...]:
    """``14:03 (+12:04)  Vitals: 128/84 … — written 14:09, 6m late`` for each event the
    journal wrote late (``written_late_wall``: the disk was full when it happened)."""
    rows = []
    for event in events:
        if "written_late_wall" not in event:
            continue
        line = describe(playlist, event)
        what = line.text if line is not None else event["type"].replace("_", " ")
        late_s = float(event.get("written_late_s") or 0.0)
        rows.append(
            f"{_when(event)}  {what} — written {clock_of(event['written_late_wall'])}, "
            f"{format_duration(round(late_s))} late"
        )
    return tuple(rows)
