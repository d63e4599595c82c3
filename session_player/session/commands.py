"""What a command returns, and how it says no.

Every command of ``SessionTimeline`` either returns a result (with a short message for the
console's log) or raises ``CommandRefused`` with a reason written for the clinician, for
example "Phase 'Peak' cannot be extended further: 15m is the most this playlist allows."
"""

from __future__ import annotations

from dataclasses import dataclass

from session_player.session.vitals import VitalFlag

SIDE_EFFECT_KINDS = (
    "nausea/vomiting",
    "dizziness",
    "blurred vision",
    "anxiety",
    "confusion",
    "raised heart rate",
    "raised blood pressure",
    "other",
)
ALERT_KINDS = ("device_lost", "file_broken", "unexpected_silence", "journal_failed")
"""Kinds the audio and output layers use; others are accepted too (shown as given)."""

BY = ("patient", "clinician")


class CommandRefused(Exception):
    """A command that cannot be carried out now; ``reason`` says why, for a person."""

    def __init__(self, command: str, reason: str) -> None:
        super().__init__(reason)
        self.command = command
        self.reason = reason


@dataclass(frozen=True)
class CommandResult:
    command: str
    message: str  # for the console's log: "Extended Peak by 5m (10m of 15m used)"
    seq: int | None  # the journal event it wrote (None: nothing to write)
    value: object = None  # the volume set, the alert id…: see each command


@dataclass(frozen=True)
class VitalsResult:
    message: str
    seq: int
    check: str | None  # the check it counts for (None: an unscheduled reading)
    flags: tuple[VitalFlag, ...]  # advisory: readings past the thresholds


@dataclass(frozen=True)
class ResumeReport:
    """What recovery found, for the console to show once."""

    journal_path: str
    events: int
    last_seq: int
    away_s: float  # from the last sign of life (heartbeat or event) to the resume
    since_last_event_s: float
    torn_tail: bool
    torn_bytes: int
    problems: tuple[str, ...]  # skipped lines and other warnings
    playlist_changed: bool  # the playlist file's content differs from the one started
    missed_events: int  # automatic transitions journaled late, at their correct times


class ResumeError(Exception):
    """The journal cannot be resumed with this playlist; the message says why."""
