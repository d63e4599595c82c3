"""A session for the offline render: the real ``SessionTimeline`` driven by a command script.

The render must preview exactly what a live session would do, so it does not re-implement
the session's rules: it runs a real ``SessionTimeline`` on a ``FakeClock``, with a throwaway
journal in a temporary folder, and takes its ``AudioSchedule`` and its audio timeline.

- The session starts at 0 on the session clock. The dose is marked at ``dose_at_s``, unless
  the script has a ``dose`` command (the first one with ``at:`` gives the time);
- each command is applied at its time, after the clock is set there and ``tick()`` has
  journaled every automatic transition due by then. A command the timeline refuses
  (extending past ``max_extend``, advancing the last phase…) becomes a note with the
  script's line, as the console would show it; it is not an error;
- then the clock moves to the end of the render: ``to_s`` when given, otherwise far enough
  for the arc to have played out (every automatic transition journaled). A session that
  nobody ends stops a minute after the planned end of the phase it stays in (a hold without
  ``max_hold``, or the last phase), with a note.

Script actions are the names the session's command table gives its rows
(``session/command_table.py``: ``SCRIPT_ACTIONS``); a toggle's two halves are two actions
(calm_down / undo_calm_down, pause / resume, hold / release, fade_to_silence / fade_back),
taken as written. ``end`` without a reason ends with "render preview".
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from session_player.engine.command_script import Command
from session_player.playlist.durations import format_clock
from session_player.playlist.model import Playlist
from session_player.session.clock import FakeClock
from session_player.session.command_table import run_script_action
from session_player.session.commands import CommandRefused
from session_player.session.schedule import SETTLING, AudioSchedule
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline

OPEN_END_MARGIN_S = 60.0  # a session nobody ends: render this long past its planned end
ENDED_MARGIN_S = 1.0  # after the end fade, a moment of silence
END_REASON = "render preview"


def _apply(timeline: SessionTimeline, command: Command) -> object:
    """A script's step, through the session's command table (the console's own rows)."""
    if command.action == "volume":
        return run_script_action(timeline, "volume", command.db)
    if command.action == "soundscape":
        return run_script_action(timeline, "soundscape", command.soundscape_id or "", "clinician")
    if command.action == "end":
        return run_script_action(timeline, "end", command.reason.strip() or END_REASON)
    return run_script_action(timeline, command.action)


@dataclass(frozen=True)
class ScriptedSession:
    """What the render needs of the session: its schedule, its audio timeline, its end."""

    schedule: AudioSchedule
    dose_s: float | None  # session clock of the dose (None: not given before the end)
    freezes: tuple[tuple[float, float], ...]  # session-clock stretches where tau stands still
    end_s: float  # where the render stops: to_s, or when the session has played out
    notes: tuple[str, ...] = ()
    timeline: SessionTimeline | None = field(default=None, repr=False, compare=False)

    def tau_at(self, session_s: float) -> float:
        """The audio timeline position at a session-clock time."""
        assert self.timeline is not None
        return self.timeline.tau_at_session(session_s)

    def session_at(self, tau_s: float) -> float:
        """The earliest session-clock time at which the audio reaches ``tau_s`` (inf: never)."""
        assert self.timeline is not None
        return self.timeline.session_at_tau(tau_s)


def run_script(
    playlist: Playlist,
    commands: Sequence[Command] = (),
    dose_at_s: float = 120.0,
    to_s: float | None = None,
    seed: int = 0,
) -> ScriptedSession:
    """Run the session with these commands on a fake clock; see the module docstring."""
    notes: list[str] = []
    entries = _timed_entries(commands, dose_at_s, notes)
    if to_s is not None:
        # What comes at or after the end of the render cannot change what it holds.
        late = sum(command is not None for at_s, _, _, command in entries if at_s >= to_s)
        if late:
            plural = "s" if late > 1 else ""
            notes.append(f"{late} command{plural} at or after --to ({format_clock(to_s)}) ignored")
        entries = [entry for entry in entries if entry[0] < to_s]

    clock = FakeClock(start_s=0.0)
    with tempfile.TemporaryDirectory(prefix="session-player-render-") as folder:
        # Not durable: the journal goes with the folder (its fsyncs were a third of the
        # studio's timeline model on a busy disk).
        store = SessionStore(folder, durable=False)
        timeline = SessionTimeline(playlist, store, clock, clock.wall, seed=seed)
        try:
            timeline.start("render preview")
            for at_s, _, _, command in entries:
                clock.set(max(clock(), at_s))
                timeline.tick()
                try:
                    if command is None:
                        timeline.mark_dose_given()
                    else:
                        _apply(timeline, command)
                except CommandRefused as refused:
                    label = "the dose (--dose-at)" if command is None else _label(command)
                    notes.append(f"{label} at {format_clock(at_s)} refused: {refused}")
            if to_s is not None:
                end_s = to_s
            else:
                _play_out(timeline, clock)
                end_s = _natural_end_s(timeline, clock(), notes)
            clock.set(max(clock(), end_s))
            timeline.tick()
        finally:
            timeline.close()
    return ScriptedSession(
        schedule=timeline.schedule(),
        dose_s=timeline.record.dose_session_s,
        freezes=timeline.audio_freezes(),
        end_s=end_s,
        notes=tuple(notes),
        timeline=timeline,
    )


def _label(command: Command) -> str:
    return f"line {command.line}: {command.action}" if command.line else command.action


def _timed_entries(
    commands: Sequence[Command], dose_at_s: float, notes: list[str]
) -> list[tuple[float, int, int, Command | None]]:
    """(session time, tie rank, script position, command) in order; ``None`` is the dose.

    The dose comes first among commands at the same time (``after_dose: 0`` follows it).
    """
    doses = [c for c in commands if c.action == "dose" and c.at_s is not None]
    dose_s = doses[0].at_s if doses else dose_at_s
    assert dose_s is not None
    entries: list[tuple[float, int, int, Command | None]] = []
    if not doses:
        entries.append((dose_s, 0, -1, None))
    for position, command in enumerate(commands):
        if command.action == "dose" and command.at_s is None:
            notes.append(f"{_label(command)} ignored: give the dose a time with at:")
            continue
        at_s = command.at_s if command.at_s is not None else dose_s + (command.after_dose_s or 0)
        entries.append((at_s, 0 if command.action == "dose" else 1, position, command))
    entries.sort(key=lambda entry: entry[:3])
    return entries


def _play_out(timeline: SessionTimeline, clock: FakeClock) -> None:
    """Move the clock through every automatic transition still to come."""
    for _ in range(len(timeline.playlist.phases) + 1):
        schedule = timeline.schedule()
        current = schedule.phases[-1]
        if schedule.ended_at_s is not None or current.end_s is None:
            return
        at_s = timeline.session_at_tau(current.end_s)
        if math.isinf(at_s):  # paused for good: the arc stands still
            return
        clock.set(max(clock(), at_s))
        timeline.tick()


def _natural_end_s(timeline: SessionTimeline, now_s: float, notes: list[str]) -> float:
    """Where a render without --to stops: after the end fade, or past the planned end."""
    schedule = timeline.schedule()
    if schedule.ended_at_s is not None:
        faded_s = timeline.session_at_tau(schedule.ended_at_s)
        if math.isinf(faded_s):  # ended while paused: silent from the end on
            ended_s = timeline.record.ended_session_s
            faded_s = ended_s if ended_s is not None else now_s
        return faded_s + ENDED_MARGIN_S
    current = schedule.phases[-1]
    planned = schedule.extra.get("planned_end_s", {}).get(current.index)
    if current.index == SETTLING or planned is None:
        planned = current.start_s
    end_s = timeline.session_at_tau(planned)
    if math.isinf(end_s):
        notes.append("the audio stays paused (no resume command): give --to to choose the end")
        return now_s + OPEN_END_MARGIN_S
    phase = timeline.playlist.phases[current.index] if current.index != SETTLING else None
    if phase is None:
        why = "the session stays in settling"
    elif current.index == len(timeline.playlist.phases) - 1:
        why = f"the last phase, {phase.display_name}, plays until the session is ended"
    else:
        why = f"{phase.display_name} holds until the clinician advances"
    notes.append(
        f"{why} (no end command): rendered to {format_clock(OPEN_END_MARGIN_S)} past its "
        "planned end; give --to to choose"
    )
    return max(end_s, now_s) + OPEN_END_MARGIN_S
