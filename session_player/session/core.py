"""``TimelineCore``: the machinery under ``SessionTimeline``'s commands.

- **time**: the session clock from the injected monotonic clock (bridged across a crash by
  ``recovery.py``), the dose clock and the audio timeline ``tau_s``;
- **journaling**: ``_record_event`` writes an event durably, *then* applies it to the
  ``SessionRecord``, so the state never holds what the journal lacks. If the disk fails,
  the command still works (the patient's calm down must not wait for a disk): the event
  waits in a backlog, written in order as soon as the disk is back, and an alert says so;
- **automatic transitions**: ``tick`` journals each one at the time it took effect;
- **observing**: ``state``, ``schedule`` and ``subscribe``.

Every journal event carries ``mono_s`` (this run's monotonic clock), ``wall`` (ISO 8601),
``run`` (0, then +1 at each resume), ``session_s`` and ``dose_s`` (None before the dose).

Thread safety: one re-entrant lock around every public method, so the audio thread may call
``raise_alert`` while the GUI calls commands. Subscribers are called on the thread that made
the change, under that lock: a Qt adapter should forward to a queued signal.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from session_player.playlist.model import Playlist
from session_player.session.arc import SETTLING_ID, automatic_end_tau_s, holds, planned_end_tau_s
from session_player.session.audio_plan import build_schedule
from session_player.session.clock import SYSTEM_CLOCK, SYSTEM_WALL_CLOCK, Clock, WallClock, wall_iso
from session_player.session.commands import CommandRefused, CommandResult, ResumeReport
from session_player.session.journal import HeldEvents, Journal, JournalSaving, encode_event
from session_player.session.record import SessionRecord
from session_player.session.schedule import SETTLING, AudioSchedule
from session_player.session.snapshot import build_state
from session_player.session.state import SessionState
from session_player.session.store import SessionStore

log = logging.getLogger("session_player.session.timeline")

HEARTBEAT_INTERVAL_S = 5.0
LATE_THRESHOLD_S = 0.5  # an automatic event journaled later than this says how late
Subscriber = Callable[[SessionState], None]
EventSubscriber = Callable[[list[dict]], None]


class TimelineCore:
    """The machinery under the commands: clock, journal, transitions, subscribers."""

    def __init__(
        self,
        playlist: Playlist,
        store: SessionStore | None = None,
        clock: Clock = SYSTEM_CLOCK,
        wall_clock: WallClock = SYSTEM_WALL_CLOCK,
        *,
        playlist_path: str | os.PathLike | None = None,
        seed: int | None = None,
        app_version: str | None = None,
    ) -> None:
        self.playlist = playlist
        self._store = store if store is not None else SessionStore()
        self._clock = clock
        self._wall_clock = wall_clock
        self._playlist_path = None if playlist_path is None else str(Path(playlist_path).resolve())
        self._seed = seed
        self._app_version = app_version
        self._record = SessionRecord(playlist)
        self._journal: Journal | None = None
        self._mono_zero: float | None = None  # the monotonic time of session_s == 0
        self._run = 0
        # Events applied but not yet written (the disk refused them), for the journal opened.
        self._held: HeldEvents | None = None
        self._journal_alerted = False
        self._last_heartbeat_mono = -math.inf
        self._lock = threading.RLock()
        self._subscribers: list[Subscriber] = []
        # Every event of the session in order (a resumed one's replayed events too), and who
        # wants the new ones: views learn what happened here, not by re-reading the journal.
        self._events: list[dict] = []
        # Each with how many events it has had: one that subscribes late starts from there.
        self._event_subscribers: list[list] = []  # [callback, events delivered]
        self._last_key: tuple | None = None
        self._notifying = False
        self._notify_again = False
        self.resume_report: ResumeReport | None = None  # set by recovery.resume_timeline

    # --- time ------------------------------------------------------------------------------

    def now_s(self) -> float:
        """The session clock: seconds since ``start`` (0 before it)."""
        with self._lock:
            return self._now_s()

    def since_dose_s(self) -> float | None:
        """The dose clock: seconds since the dose, None before it. It never pauses."""
        with self._lock:
            return self._record.dose_s(self._now_s())

    def tau_now(self) -> float:
        """The audio timeline now: where the mixer should be."""
        with self._lock:
            return self._record.audio.tau_at(self._now_s())

    def tau_at(self, dose_s: float) -> float:
        """The audio time at a dose-clock time."""
        with self._lock:
            return self._record.audio.tau_at(self._dose_origin() + dose_s)

    def dose_s_at_tau(self, tau_s: float) -> float:
        """The earliest dose-clock time at which the audio reaches ``tau_s``.

        ``inf`` if the audio, paused now, has not reached it yet.
        """
        with self._lock:
            return self._record.audio.session_at(tau_s) - self._dose_origin()

    def tau_at_session(self, session_s: float) -> float:
        with self._lock:
            return self._record.audio.tau_at(session_s)

    def session_at_tau(self, tau_s: float) -> float:
        with self._lock:
            return self._record.audio.session_at(tau_s)

    def audio_freezes(self) -> tuple[tuple[float, float], ...]:
        """The stretches of the session clock during which the audio timeline stands still.

        One ``(start_s, end_s)`` per pause, from the end of its fade-out to the resume
        (``inf`` while still paused); empty when the resume came within the fade.
        """
        with self._lock:
            return tuple(
                (pause.freeze_start_s, pause.freeze_end_s) for pause in self._record.audio.pauses
            )

    def _dose_origin(self) -> float:
        if self._record.dose_session_s is None:
            raise ValueError("the dose has not been given: there is no dose clock yet")
        return self._record.dose_session_s

    def _now_s(self) -> float:
        if self._mono_zero is None:
            return 0.0
        # Never before the last event: the journal's session_s only goes forward.
        return max(self._clock() - self._mono_zero, self._last_event_s())

    def _last_event_s(self) -> float:
        last = self._record.last_event
        return float(last["session_s"]) if last is not None else 0.0

    # --- observing -------------------------------------------------------------------------

    def state(self) -> SessionState:
        """The state now. Pure: call ``tick()`` first to journal transitions that are due."""
        with self._lock:
            return build_state(self._record, self._now_s())

    def schedule(self) -> AudioSchedule:
        """What the mixer plays, on the audio timeline (see ``audio_plan.py``)."""
        with self._lock:
            return build_schedule(self._record)

    def subscribe(self, callback: Subscriber, *, initial: bool = True) -> Callable[[], None]:
        """Call ``callback(state)`` on every discrete change; returns an unsubscribe function.

        With ``initial`` the callback first gets the current state. Continuous fields (the
        running clocks) do not trigger calls: read ``state()`` on a display timer for them.
        """
        with self._lock:
            self._subscribers.append(callback)
            if initial:
                self._deliver(callback, build_state(self._record, self._now_s()))

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def subscribe_events(
        self, callback: EventSubscriber, *, initial: bool = True
    ) -> Callable[[], None]:
        """Call ``callback(events)`` with each batch of new events, in order, after the state
        subscribers have heard of the change; with ``initial``, first with every event so
        far. On the thread that made the change, like ``subscribe``. Returns an unsubscribe
        function."""
        with self._lock:
            entry = [callback, len(self._events)]
            self._event_subscribers.append(entry)
            if initial and self._events:
                self._deliver_events(callback, list(self._events))

        def unsubscribe() -> None:
            with self._lock:
                self._event_subscribers = [e for e in self._event_subscribers if e is not entry]

        return unsubscribe

    def events(self) -> tuple[dict, ...]:
        """Every event of the session so far, as journaled (or waiting for a full disk)."""
        with self._lock:
            return tuple(self._events)

    @staticmethod
    def _deliver_events(callback: EventSubscriber, events: list[dict]) -> None:
        try:
            callback(events)
        except Exception:  # a broken view must not stop the session
            log.exception("a session event subscriber failed")

    @staticmethod
    def _deliver(callback: Subscriber, state: SessionState) -> None:
        try:
            callback(state)
        except Exception:  # a broken view must not stop the session
            log.exception("a session state subscriber failed")

    def _notify(self) -> None:
        # A subscriber may call a command, which notifies again: finish this round, then loop.
        if self._notifying:
            self._notify_again = True
            return
        self._notifying = True
        try:
            while True:
                self._notify_again = False
                state = build_state(self._record, self._now_s())
                key = state.discrete()
                if key != self._last_key:
                    self._last_key = key
                    for callback in list(self._subscribers):
                        self._deliver(callback, state)
                for entry in list(self._event_subscribers):
                    callback, delivered = entry
                    if delivered < len(self._events):
                        entry[1] = len(self._events)
                        self._deliver_events(callback, self._events[delivered:])
                if not self._notify_again:
                    break
        finally:
            self._notifying = False

    @property
    def journal_path(self) -> Path | None:
        return None if self._journal is None else self._journal.path

    @property
    def last_seq(self) -> int:
        """The seq of the last event (written, or waiting in the backlog if the disk fails)."""
        with self._lock:
            return self._record.last_seq

    @property
    def journal_saving(self) -> JournalSaving:
        """Whether the record is being saved, or since when not and how many events wait
        (the console's banner, ``play``); the disk is tried again at every ``tick``."""
        with self._lock:
            return JournalSaving() if self._journal is None else self._held_events().saving

    @property
    def record(self) -> SessionRecord:
        """The event-sourced record (read it, do not change it)."""
        return self._record

    def close(self) -> None:
        """Close the journal without ending the session (it stays resumable)."""
        with self._lock:
            if self._journal is not None:
                self._flush_backlog()
                waiting = self._held_events().saving.waiting
                if waiting:
                    # Never silent: these events are in no file (the disk is still full).
                    log.error("%d journal events could not be written before closing", waiting)
                self._journal.close()

    # --- restoring from a journal (``recovery.py``) --------------------------------------

    def replay(self, events: Sequence[dict]) -> list[str]:
        """Rebuild the state from a journal's events, on a timeline that has not started.

        An event that parses but makes no sense is skipped like a corrupt line; returns one
        line per event skipped, for the resume report."""
        with self._lock:
            if self._journal is not None or self._record.status != "ready":
                raise RuntimeError("replay() is for a timeline that has not started")
            skipped: list[str] = []
            record = self._record
            for event in events:
                try:
                    record.apply(event)
                except (KeyError, TypeError, ValueError) as exc:
                    skipped.append(f"event {event['seq']} ({event['type']}) ignored: {exc!r}")
                    record.last_seq = event["seq"]
                    record.last_event = event
            self._events.extend(events)
            return skipped

    def continue_journal(
        self, journal: Journal, *, session_now_s: float, run: int, resumed: dict
    ) -> list[dict]:
        """Go on with a replayed session: write to ``journal`` (its own, opened for appending)
        as run ``run``, with the session clock at ``session_now_s`` now. Journals the
        transitions missed while away, then ``session_resumed`` with ``resumed`` and how many
        were missed (``missed_events``); returns the missed ones."""
        with self._lock:
            self._journal = journal
            self._run = run
            self._mono_zero = self._clock() - session_now_s
            missed = self._tick_locked()
            self._record_event("session_resumed", {**resumed, "missed_events": len(missed)})
            return missed

    # --- journaling ------------------------------------------------------------------------

    def _record_event(self, event_type: str, payload: dict, at_s: float | None = None) -> dict:
        """Journal an event (durably) and apply it. ``at_s``: when it took effect (default now)."""
        now_s = self._now_s()
        at_s = now_s if at_s is None else max(at_s, self._last_event_s())
        assert self._journal is not None and self._mono_zero is not None
        if event_type == "dose_given":
            dose_s: float | None = at_s - payload["dose_session_s"]
        else:
            dose_s = self._record.dose_s(at_s)
        wall_s = self._wall_clock() - (now_s - at_s)
        event = {
            "seq": self._held_events().next_seq,
            "type": event_type,
            "mono_s": self._mono_zero + at_s,
            "wall": wall_iso(wall_s),
            "run": self._run,
            "session_s": at_s,
            "dose_s": dose_s,
            **payload,
        }
        if now_s - at_s > LATE_THRESHOLD_S:
            event["late_s"] = now_s - at_s
        encode_event(event)  # a value that is not JSON is a bug: fail here, not in the backlog
        # Write first, then apply: nothing is ever in the state that the journal lacks —
        # unless the disk fails, in which case the clinic still needs the command to work.
        self._flush_backlog(event)
        self._record.apply(event)
        self._events.append(event)
        error = self._held_events().error
        if error is not None and not self._journal_alerted:
            self._journal_alerted = True
            self._record_event(
                "alert_raised",
                {
                    "alert_id": self._record.next_alert_id(),
                    "kind": "journal_failed",
                    "message": f"The session journal cannot be written: {error}",
                },
            )
        return event

    def _held_events(self) -> HeldEvents:
        assert self._journal is not None
        # A journal opened anew (a start, a resume) gets its own queue.
        if self._held is None or self._held.journal is not self._journal:
            self._held = HeldEvents(self._journal, self._wall_clock)
        return self._held

    def _flush_backlog(self, event: dict | None = None) -> None:
        """Write what waits (and ``event`` after it), in order, if the disk takes it."""
        held = self._held_events()
        failing_before = held.error is not None
        if event is not None:
            held.add(event, self._now_s())
        else:
            held.flush(self._now_s())
        if held.error is not None:
            if not failing_before:
                log.error("%s", held.error)
            return
        if failing_before:
            log.warning("the session journal is written again")
        self._journal_alerted = False

    def _heartbeat(self) -> None:
        if self._journal is None:
            return
        mono = self._clock()
        if mono - self._last_heartbeat_mono < HEARTBEAT_INTERVAL_S:
            return
        self._last_heartbeat_mono = mono
        wall_s = self._wall_clock()
        self._journal.write_heartbeat(
            {"seq": self._record.last_seq, "session_s": self._now_s(), "wall": wall_iso(wall_s)}
        )

    def _refuse(self, command: str, reason: str) -> CommandRefused:
        """The exception to raise; a refusal during a session is journaled too."""
        if self._journal is not None and self._record.status != "ready":
            self._record_event("command_refused", {"command": command, "reason": reason})
            self._notify()
        return CommandRefused(command, reason)

    def _begin(self, command: str, *, live_only: bool = True) -> None:
        """Common checks of a command, after catching up with the clock."""
        status = self._record.status
        if status == "ready":
            raise CommandRefused(command, "The session has not started yet.")
        self._tick_locked()
        if live_only and self._record.status == "ended":
            raise self._refuse(command, "The session has ended.")

    def _done(self, command: str, message: str, event: dict | None, value: object = None):
        self._notify()
        return CommandResult(command, message, None if event is None else event["seq"], value)

    # --- automatic transitions -------------------------------------------------------------

    def tick(self) -> list[dict]:
        """Journal the automatic transitions that are due; returns the events written."""
        with self._lock:
            if self._record.status == "ready":
                return []
            events = self._tick_locked()
            self._heartbeat()
            if self._held_events().error is not None:
                self._flush_backlog()  # the disk may be back
            self._notify()
            return events

    def _tick_locked(self) -> list[dict]:
        """Every transition due by now, in order, each at the time it took effect."""
        written: list[dict] = []
        record = self._record
        playlist = self.playlist
        now_s = self._now_s()
        while record.status == "running":
            run = record.runs[-1]
            due: list[tuple[float, int, str]] = []
            planned_end = planned_end_tau_s(playlist, run)
            if holds(playlist, run) and not run.holding_logged:
                due.append((record.audio.session_at(planned_end), 0, "hold"))
            automatic = automatic_end_tau_s(playlist, run)
            if automatic is not None:
                due.append((record.audio.session_at(automatic[0]), 1, "advance"))
            due = [entry for entry in due if entry[0] <= now_s]
            if not due:
                break
            at_s, _, kind = min(due)
            phase = playlist.phases[run.index]
            if kind == "hold":
                payload = {
                    "index": run.index,
                    "phase_id": phase.id,
                    "planned_end_tau_s": planned_end,
                }
                written.append(self._record_event("phase_holding", payload, at_s=at_s))
            else:
                assert automatic is not None
                payload = {
                    "index": run.index + 1,
                    "phase_id": playlist.phases[run.index + 1].id,
                    "cause": automatic[1],
                    "tau_s": automatic[0],
                    "from_index": run.index,
                }
                written.append(self._record_event("phase_started", payload, at_s=at_s))
        return written

    # --- helpers ---------------------------------------------------------------------------

    def _current_phase_id(self) -> str | None:
        index = self._record.current_index
        if index is None:
            return None
        return SETTLING_ID if index == SETTLING else self.playlist.phases[index].id

    def _phase_name(self) -> str:
        index = self._record.current_index
        if index is None or index == SETTLING:
            return "settling"
        return self.playlist.phases[index].display_name


def is_number(value: object) -> bool:
    """A finite int or float (not a bool): what a dB or a reading must be."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
