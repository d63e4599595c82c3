"""Rehearsals: a whole session on an accelerated clock, kept apart from patients' records.

A team trains on a session (and tests and screenshots watch onset, peak, return and
observation happen) by running the real ``SessionTimeline`` on a ``ScaledClock``. Nothing
is imitated: the arc, the checks and the journal behave as in a session, only faster.
What keeps a rehearsal from ever being taken for a patient's session:

- its journal lives in ``<base>/rehearsals/``, beside ``<base>/sessions/``, so the look for
  unfinished sessions (the resume offer, the supervisor's restart) never sees it;
- its ``session_started`` event carries ``"rehearsal": {"speed": 30.0}``, so a report or an
  export that reads the journal can tell it apart, wherever the file is copied to
  (and ``store.find_unfinished_sessions`` skips such a journal even in ``sessions/``);
- the console and the patient view show "Rehearsal ×30" for as long as it runs.

There is no sound in a rehearsal: music cannot be played at 30× sensibly, and a silent
session cannot be mistaken, by ear, for a real one.
"""

from __future__ import annotations

from pathlib import Path

from session_player.session.commands import ResumeError
from session_player.session.journal import read_journal
from session_player.session.rehearsal_speed import DEFAULT_SPEED, check_speed
from session_player.session.store import SessionStore

REHEARSALS_FOLDER = "rehearsals"
REHEARSAL_FIELD = "rehearsal"  # in the session_started event


class RehearsalStore(SessionStore):
    """The rehearsals folder: journals made exactly as a session's, in their own folder."""

    @property
    def sessions_dir(self) -> Path:
        return self.base_dir / REHEARSALS_FOLDER


def rehearsal_payload(speed: float) -> dict:
    """What the ``session_started`` event of a rehearsal carries."""
    return {REHEARSAL_FIELD: {"speed": check_speed(speed)}}


def rehearsal_speed_of(started_event: dict | None) -> float | None:
    """The rehearsal speed recorded in a ``session_started`` event; None for a session."""
    if not started_event:
        return None
    marker = started_event.get(REHEARSAL_FIELD)
    if not isinstance(marker, dict):
        return None
    speed = marker.get("speed")
    return float(speed) if isinstance(speed, (int, float)) else DEFAULT_SPEED


def refuse_to_resume_a_rehearsal(journal_path: str | Path) -> None:
    """ResumeError if the journal is a rehearsal's: a crash ends a rehearsal for good.

    The resume offer never lists one (it lives in ``rehearsals/``); this is the guard for
    anything that names a journal directly (the supervisor's restart), so that a rehearsal
    never comes back as a session with sound on the real clock.
    """
    try:
        events = read_journal(Path(journal_path)).events
    except OSError:
        return  # unreadable: resuming will say so in its own words
    if events and rehearsal_speed_of(events[0]) is not None:
        raise ResumeError("This was a rehearsal: rehearsals are never resumed. Start a new one.")
