"""The end-of-session summary as plain data, read from the journal (Qt-free, testable).

The journal is the record: the summary shows what it says, not what the app remembers, so a
resumed session's summary is complete too.
"""

from __future__ import annotations

from dataclasses import dataclass

from session_player.durations import format_clock, format_duration
from session_player.playlist.model import Playlist
from session_player.ui.event_text import (
    pretty_title,
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
    played: tuple[str, ...]
    side_effects: tuple[str, ...]


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

    vitals = tuple(
        VitalsRow(
            time=_when(event),
            check=str(event.get("check") or "unscheduled"),
            readings=readings_text(event),
            flags="; ".join(event.get("flags") or []),
        )
        for event in events
        if event["type"] == "vitals_recorded"
    ) + tuple(
        VitalsRow(_when(event), str(event.get("check")), "skipped", str(event.get("reason", "")))
        for event in events
        if event["type"] == "vitals_skipped"
    )

    played = _what_played(playlist, events, starts)
    side_effects = tuple(
        f"{_when(event)}  {event.get('kind')}"
        + (f" — {event['note']}" if event.get("note") else "")
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
        played=tuple(played),
        side_effects=side_effects,
    )
