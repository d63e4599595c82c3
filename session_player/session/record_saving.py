"""What the clinician is told while the session's record cannot be saved (a full disk).

The journal keeps the events in memory and writes them once the disk has room
(``session.journal.HeldEvents``); meanwhile nobody must believe the record is safe. The
console shows ``banner_lines`` for as long as it lasts, and ``play`` prints what
``SavingReporter`` says: when it starts, again every ``REMIND_EVERY_S`` while it lasts, and
when the record is saved again. Qt-free, so both use the same words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from session_player.session.journal import JournalSaving

REMIND_EVERY_S = 60.0  # a line every minute in ``play``: visible in a scrolling terminal
ADVICE = "Note vital signs and events on paper. Free space on the data folder's disk."


def clock_of(iso: str | None) -> str:
    """``14:02`` from the journal's ISO 8601 wall time (local time, as written)."""
    if not iso:
        return "?"
    try:
        return datetime.fromisoformat(iso).strftime("%H:%M")
    except ValueError:
        return "?"


def _events(count: int) -> str:
    return f"{count} event{'s' if count != 1 else ''}"


def headline(saving: JournalSaving) -> str:
    """``The record is NOT being saved since 14:02 (disk full): 3 events waiting.``"""
    why = f" ({_reason(saving.error)})" if saving.error else ""
    return (
        f"The record is NOT being saved since {clock_of(saving.since_wall)}{why}: "
        f"{_events(saving.waiting)} waiting."
    )


def banner_lines(saving: JournalSaving) -> tuple[str, str] | None:
    """The console banner's two lines while the record is not saved; None while it is."""
    if saving.saving:
        return None
    return headline(saving), ADVICE + " Nothing is lost while the app stays open."


def not_written_yet(saving: JournalSaving) -> str:
    """For the summary: what the record lacks while the disk is still full."""
    return (
        f"{_events(saving.waiting)} since {clock_of(saving.since_wall)} "
        f"{'are' if saving.waiting != 1 else 'is'} not in the record yet: the disk is still "
        "full; they are written once space is freed, while the app stays open."
    )


def saved_again(saving: JournalSaving, waited: int) -> str:
    return (
        f"The record is saved again: {_events(waited)} written late, each marked in the "
        "journal with the time it was written."
    )


def _reason(error: str) -> str:
    # "could not write to the journal /x/journal.jsonl: [Errno 28] No space left on device"
    if "No space left" in error or "Disk quota exceeded" in error:
        return "disk full"
    text = error.rsplit("]", 1)[-1].strip() if "]" in error else error
    return text.rsplit(": ", 1)[-1].strip() or error


class SavingReporter:
    """Turns the journal's state, looked at often, into the few lines ``play`` prints."""

    def __init__(self, say: Callable[[str], None], clock: Callable[[], float]) -> None:
        self._say = say
        self._clock = clock
        self._failing = False
        self._last_said = 0.0
        self._late_before = 0

    def observe(self, saving: JournalSaving) -> None:
        now = self._clock()
        if not saving.saving:
            if not self._failing:
                self._failing = True
                self._late_before = saving.written_late
                self._say(f"RECORD {headline(saving)} {ADVICE}")
                self._last_said = now
            elif now - self._last_said >= REMIND_EVERY_S:
                self._say(f"RECORD still {headline(saving)[len('The record is ') :]}")
                self._last_said = now
            return
        if self._failing:
            self._failing = False
            self._say(f"RECORD {saved_again(saving, saving.written_late - self._late_before)}")
