"""``SessionTimeline``: the session at run time, driven by commands and by the clock.

States: ``ready`` → ``start()`` → ``settling`` (loops until the dose) → ``mark_dose_given()``
(dose time zero; phase 0 starts) → phases in order → ``end_session()`` → ``ended``. The last
phase is the observation phase: it never ends by itself.

Holds: an ``end: hold`` phase holds by itself at its planned end (until Advance, or its
``max_hold``). An ``end: advance`` phase with a ``max_hold`` may be held by the clinician
(``hold_phase``): it then behaves like an ``end: hold`` phase with that ``max_hold`` until
``release_hold`` (back to ending on time; at once if the planned end has passed).

How it works, in one paragraph: every change is an **event**. A command checks that it is
allowed now (or raises ``CommandRefused`` with a reason for the clinician), writes its event
to the journal (fsynced) and only then applies it to the ``SessionRecord``; recovery applies
the same events from the journal, so the state after a crash is the state before it.
``tick()`` — called by the driver (GUI timer, CLI loop) a few times a second, and at the
start of every command — journals the automatic transitions whose time has come, each at
the exact time it took effect, even after a long freeze.

Clocks: the session clock ``session_s`` (since ``start``) is measured with the injected
monotonic clock within one run, and bridged across a crash with the wall clock
(see ``recovery.py``). The dose clock ``since_dose_s`` never pauses; the audio timeline
``tau_s`` stands still while the audio is paused (see ``audio_time.py``).

The class is assembled from parts, one concern each: ``core.TimelineCore`` (clock, journal,
transitions, subscribers), ``audio_commands``, ``clinical_commands``, and here the arc
commands (start, dose, advance, extend, hold, release, end) and ``resume``.
"""

from __future__ import annotations

import secrets

from session_player.playlist.durations import format_clock, format_duration
from session_player.session.arc import holds, is_last, may_be_held, planned_end_tau_s
from session_player.session.audio_commands import AudioCommands
from session_player.session.clinical_commands import ClinicalCommands
from session_player.session.clock import wall_iso
from session_player.session.commands import CommandRefused, CommandResult
from session_player.session.core import is_number
from session_player.session.snapshot import EPSILON_S, end_refusal
from session_player.session.store import file_sha256


class SessionTimeline(AudioCommands, ClinicalCommands):
    """One session: its commands, its automatic transitions, its journal and its state."""

    # --- the arc ---------------------------------------------------------------------------

    def start(
        self,
        alias: str = "",
        notes: str = "",
        *,
        rehearsal_speed: float | None = None,
        course: dict | None = None,
    ) -> CommandResult:
        """Start the session (settling plays until the dose); creates the session's journal.

        ``rehearsal_speed``: this is a rehearsal on a clock that many times faster; the
        journal says so (see ``rehearsal.py``), so it is never taken for a patient's record.
        ``course``: what the patient's course changed in the playlist this timeline plays
        (``record/course_playlist.py``), journaled so that a resume plays the same.
        """
        with self._lock:
            if self._record.status != "ready":
                raise self._refuse("start", "The session has already started.")
            alias = alias.strip()
            wall_s = self._wall_clock()
            try:
                self._journal = self._store.create_journal(alias, wall_s)
            except OSError as exc:
                raise CommandRefused(
                    "start",
                    f"Cannot create the session journal in {self._store.sessions_dir}: {exc}",
                ) from exc
            self._mono_zero = self._clock()
            seed = self._seed if self._seed is not None else secrets.randbits(31)
            path = self._playlist_path
            payload = {
                "alias": alias,
                "notes": notes,
                "seed": seed,
                "playlist_path": path,
                "playlist_sha256": None if path is None else file_sha256(path),
                "playlist_title": self.playlist.title,
                "phase_ids": [phase.id for phase in self.playlist.phases],
                "app_version": self._app_version or _app_version(),
            }
            if course:
                payload["course"] = course
            if rehearsal_speed is not None:
                from session_player.session.rehearsal import rehearsal_payload

                payload.update(rehearsal_payload(rehearsal_speed))
            event = self._record_event("session_started", payload, at_s=0.0)
            named = f" {alias}" if alias else ""
            return self._done("start", f"Session{named} started: settling", event)

    def mark_dose_given(self, ago_s: float = 0.0) -> CommandResult:
        """Dose time zero is now (or ``ago_s`` seconds ago, if pressed late); phase 1 starts now."""
        with self._lock:
            self._begin("mark_dose_given")
            record = self._record
            if record.dose_session_s is not None:
                ago = self._now_s() - record.dose_session_s
                raise self._refuse(
                    "mark_dose_given",
                    f"The dose was already marked as given {format_clock(ago)} ago.",
                )
            now_s = self._now_s()
            if not (is_number(ago_s) and 0 <= ago_s <= now_s):
                raise self._refuse(
                    "mark_dose_given",
                    f"The dose can be marked at most {format_clock(now_s)} ago "
                    "(when the session started), and not in the future.",
                )
            dose_session_s = now_s - float(ago_s)
            first = self.playlist.phases[0]
            payload = {
                "dose_session_s": dose_session_s,
                "dose_wall": wall_iso(self._wall_clock() - float(ago_s)),
                "ago_s": float(ago_s),
                "tau_s": record.audio.tau_at(now_s),
                "index": 0,
                "phase_id": first.id,
            }
            event = self._record_event("dose_given", payload)
            message = f"Dose given; {first.display_name} started"
            if ago_s:
                message += f" (dose marked {format_duration(ago_s)} ago)"
            return self._done("mark_dose_given", message, event)

    def advance_phase(self) -> CommandResult:
        """Start the next phase now, with its crossfade."""
        with self._lock:
            self._begin("advance_phase")
            record = self._record
            if record.status == "settling":
                raise self._refuse(
                    "advance_phase", "Mark the dose as given to start the first phase."
                )
            run = record.runs[-1]
            phase = self.playlist.phases[run.index]
            if is_last(self.playlist, run.index):
                raise self._refuse(
                    "advance_phase",
                    f"{phase.display_name} is the last phase; use End session to finish.",
                )
            following = self.playlist.phases[run.index + 1]
            payload = {
                "index": run.index + 1,
                "phase_id": following.id,
                "cause": "clinician",
                "tau_s": record.audio.tau_at(self._now_s()),
                "from_index": run.index,
            }
            event = self._record_event("phase_started", payload)
            return self._done("advance_phase", f"{following.display_name} started", event)

    def extend_phase(self) -> CommandResult:
        """Add the phase's ``extend_step`` (at most up to ``max_extend`` in all)."""
        with self._lock:
            self._begin("extend_phase")
            record = self._record
            if record.status == "settling":
                raise self._refuse(
                    "extend_phase",
                    "Settling lasts until the dose is marked as given; there is nothing to extend.",
                )
            run = record.runs[-1]
            phase = self.playlist.phases[run.index]
            if phase.max_extend <= 0:
                raise self._refuse(
                    "extend_phase", f"The playlist does not allow extending {phase.display_name}."
                )
            remaining_s = phase.max_extend - run.extension_s
            if remaining_s <= EPSILON_S:
                raise self._refuse(
                    "extend_phase",
                    f"{phase.display_name} cannot be extended further: "
                    f"{format_duration(phase.max_extend)} is the most this playlist allows.",
                )
            # The last press may add less than a step, so the total is exactly max_extend.
            added_s = min(phase.extend_step, remaining_s)
            payload = {
                "index": run.index,
                "phase_id": phase.id,
                "added_s": added_s,
                "total_s": run.extension_s + added_s,
            }
            event = self._record_event("phase_extended", payload)
            message = (
                f"{phase.display_name} extended by {format_duration(added_s)} "
                f"({format_duration(run.extension_s)} of {format_duration(phase.max_extend)} used)"
            )
            return self._done("extend_phase", message, event, added_s)

    def hold_phase(self) -> CommandResult:
        """Hold an ``end: advance`` phase past its planned end, for at most its ``max_hold``.

        At its planned end the phase then waits like an ``end: hold`` phase: Advance moves
        on, ``release_hold`` lets it end on time again, and the ``max_hold`` deadline
        (counted from the planned end, extensions included) moves on by itself.
        """
        with self._lock:
            self._begin("hold_phase")
            record = self._record
            if record.status == "settling":
                raise self._refuse(
                    "hold_phase",
                    "Settling lasts until the dose is marked as given; there is no phase to hold.",
                )
            run = record.runs[-1]
            phase = self.playlist.phases[run.index]
            name = phase.display_name
            if is_last(self.playlist, run.index):
                raise self._refuse(
                    "hold_phase", f"{name} is the last phase; it plays until the session is ended."
                )
            if phase.end == "hold":
                raise self._refuse(
                    "hold_phase",
                    f"{name} already holds at its planned end (the playlist says so); "
                    "use Advance to move on.",
                )
            if run.held:
                raise self._refuse(
                    "hold_phase",
                    f"{name} is already held; use Release hold to let it end on time.",
                )
            if not may_be_held(phase):
                limit = "no max_hold" if phase.max_hold is None else "max_hold 0"
                raise self._refuse(
                    "hold_phase", f"The playlist does not let {name} hold (it has {limit})."
                )
            assert phase.max_hold is not None
            planned_end = planned_end_tau_s(self.playlist, run)
            payload = {
                "index": run.index,
                "phase_id": phase.id,
                "max_hold_s": phase.max_hold,
                "planned_end_tau_s": planned_end,
                "deadline_tau_s": planned_end + phase.max_hold,
            }
            event = self._record_event("phase_held", payload)
            message = (
                f"{name} held: it plays on past its planned end until you advance "
                f"(at most {format_duration(phase.max_hold)} more)"
            )
            return self._done("hold_phase", message, event)

    def release_hold(self) -> CommandResult:
        """Undo ``hold_phase``: the phase ends on time again; if that time has passed, now."""
        with self._lock:
            self._begin("release_hold")
            record = self._record
            run = record.current_run
            if record.status == "settling" or run is None or not run.held:
                name = self._phase_name()
                name = name[:1].upper() + name[1:]
                if run is not None and holds(self.playlist, run):
                    reason = (
                        f"{name} holds by itself (the playlist says so); use Advance to move on."
                    )
                else:
                    reason = f"{name} is not held."
                raise self._refuse("release_hold", reason)
            phase = self.playlist.phases[run.index]
            tau_s = record.audio.tau_at(self._now_s())
            planned_end = planned_end_tau_s(self.playlist, run)
            payload = {
                "index": run.index,
                "phase_id": phase.id,
                "tau_s": tau_s,
                "past_planned_end": tau_s >= planned_end,
            }
            event = self._record_event("hold_released", payload)
            if tau_s < planned_end:
                left = format_clock(planned_end - tau_s)
                message = f"Hold released: {phase.display_name} ends on time (in {left})"
                return self._done("release_hold", message, event)
            # Past the planned end: the next phase starts now, with its crossfade (a
            # transition like any other, journaled by the same code).
            self._tick_locked()
            following = self.playlist.phases[record.runs[-1].index]
            message = f"Hold released; {following.display_name} started"
            return self._done("release_hold", message, event)

    def end_session(self, reason: str | None = None) -> CommandResult:
        """Fade out and end. Before the minimum observation (or without a dose) needs a reason."""
        with self._lock:
            self._begin("end_session")
            reason = (reason or "").strip() or None
            now_s = self._now_s()
            refusal = end_refusal(self._record, now_s, say_time_left=True)
            if refusal is not None and reason is None:
                raise self._refuse("end_session", refusal)
            payload = {
                "reason": reason,
                "early": refusal is not None,
                "phase_id": self._current_phase_id(),
            }
            event = self._record_event("session_ended", payload)
            return self._done("end_session", "Session ended; the sound fades out", event)


def _app_version() -> str:
    from session_player import __version__

    return __version__
