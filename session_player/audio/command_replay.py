"""Replays a command script into an ``AudioSchedule``: a stand-in for the session timeline.

Simple rules, on the session clock (which runs on during a pause):

- ``dose``: settling ends, the first phase starts (otherwise at ``--dose-at``);
- phases follow each other at their planned ends; a phase with ``end: hold`` waits for
  ``advance`` (or ``max_hold``);
- ``extend`` adds ``extend_step`` to the current phase, within ``max_extend`` in all;
- ``advance`` ends the current phase now (the next one crossfades in);
- ``calm_down`` brings music down by ``calm_down.music_db`` and switches to the grounding
  soundscape over ``calm_down.fade``; ``undo_calm_down`` restores both;
- ``fade_to_silence`` / ``fade_back``: the master fades out / back over 4 s;
- ``pause`` fades the master out over 2 s, then the audio timeline (tau) stands still until
  ``resume``, which fades back in: the music resumes where it paused;
- ``volume``: master volume (never above ``levels.max_volume_db``), ramped over 0.5 s;
- ``soundscape``: the patient's choice, crossfaded over 6 s;
- ``end``: everything fades out over 10 s; later commands are ignored.

Commands that do not apply (extend past max_extend, advance in settling…) are skipped with
a note. Everything is computed on the session clock and mapped to tau at the end. The fades
are the session timeline's (``session/record.py``); once the render can drive the real
timeline with these commands, this module can go.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from session_player.audio.command_script import Command
from session_player.playlist.model import Playlist
from session_player.session.schedule import (
    SETTLING,
    AudioSchedule,
    BusEvent,
    PhaseSpan,
    SoundscapeChoice,
)

# The same fades as the session timeline (session/record.py, session/audio_time.py).
PAUSE_FADE_S = 2.0
FADE_TO_SILENCE_S = 4.0
VOLUME_RAMP_S = 0.5
SOUNDSCAPE_CROSSFADE_S = 6.0
END_COMMAND_FADE_S = 10.0


@dataclass(frozen=True)
class Pause:
    """The audio stands still at ``tau_s`` from ``wall_start_s`` to ``wall_end_s``."""

    tau_s: float
    wall_start_s: float
    wall_end_s: float  # math.inf: never resumed


@dataclass(frozen=True)
class ScriptedSession:
    schedule: AudioSchedule
    dose_wall_s: float
    pauses: tuple[Pause, ...] = ()
    end_wall_s: float | None = None  # when the last sound has faded (None: open-ended)
    notes: tuple[str, ...] = ()

    def tau_at(self, wall_s: float) -> float:
        """The audio timeline position at a session-clock time."""
        frozen = 0.0
        for pause in self.pauses:
            if wall_s <= pause.wall_start_s:
                break
            frozen += min(wall_s, pause.wall_end_s) - pause.wall_start_s
        return wall_s - frozen

    def wall_at(self, tau_s: float) -> float:
        """The session-clock time at which the audio reaches ``tau_s`` (after any pause)."""
        wall = tau_s
        for pause in self.pauses:
            if pause.tau_s < tau_s:
                wall += pause.wall_end_s - pause.wall_start_s
        return wall


@dataclass
class _Phase:
    index: int
    start_w: float
    end_w: float | None
    crossfade_s: float
    extended_s: float = 0.0


@dataclass
class _State:
    playlist: Playlist
    dose_w: float
    phases: list[_Phase] = field(default_factory=list)
    master: list[tuple[float, float | None, float]] = field(default_factory=list)
    buses: list[tuple[float, str, float | None, float]] = field(default_factory=list)
    choices: list[tuple[float, str, float]] = field(default_factory=list)
    pauses: list[list[float]] = field(default_factory=list)  # [wall start of fade, resume]
    notes: list[str] = field(default_factory=list)
    volume_db: float = 0.0
    silenced: bool = False
    paused: bool = False
    ended_w: float | None = None
    calm_previous: str | None = None
    calmed: bool = False

    @property
    def current(self) -> _Phase:
        return self.phases[-1]

    def master_target(self) -> float | None:
        return None if (self.silenced or self.paused) else self.volume_db


def _start_phase(state: _State, index: int, at_w: float) -> None:
    playlist = state.playlist
    phase = playlist.phases[index]
    crossfade = (
        phase.crossfade if phase.crossfade is not None else playlist.transitions.phase_crossfade
    )
    if phase.end == "hold":
        end = None if phase.max_hold is None else at_w + phase.duration + phase.max_hold
    else:
        end = at_w + phase.duration
    state.phases.append(_Phase(index, at_w, end, crossfade))


def _advance_to(state: _State, wall_s: float) -> None:
    """Automatic transitions up to ``wall_s``."""
    while True:
        current = state.current
        if current.end_w is None or current.end_w > wall_s:
            return
        following = current.index + 1
        if following >= len(state.playlist.phases):
            return
        _start_phase(state, following, current.end_w)


def replay_commands(
    playlist: Playlist, commands: list[Command], dose_at_s: float, seed: int = 0
) -> ScriptedSession:
    doses = [c for c in commands if c.action == "dose" and c.at_s is not None]
    dose_w = doses[0].at_s if doses else dose_at_s
    assert dose_w is not None
    state = _State(playlist=playlist, dose_w=dose_w)
    levels = playlist.levels
    state.volume_db = min(levels.default_volume_db, levels.max_volume_db)
    state.phases.append(_Phase(SETTLING, 0.0, dose_w, 0.0))
    _start_phase(state, 0, dose_w)

    def when(command: Command) -> float:
        if command.at_s is not None:
            return command.at_s
        return dose_w + (command.after_dose_s or 0.0)

    for command in sorted(commands, key=when):
        at_w = when(command)
        label = f"line {command.line}: {command.action}" if command.line else command.action
        if state.ended_w is not None:
            state.notes.append(f"{label} ignored: the session has ended")
            continue
        if command.action == "dose":
            if command is not (doses[0] if doses else None):
                state.notes.append(f"{label} ignored: the dose was already given")
            continue
        if at_w < dose_w:
            settling = state.phases[0]
        else:
            _advance_to(state, at_w)
            settling = None
        _apply(state, command, at_w, label, in_settling=settling is not None)

    # After the last command, the phases follow their plan until one holds or the arc ends.
    _advance_to(state, math.inf)
    return _finish(state, seed)


def _apply(state: _State, command: Command, at_w: float, label: str, in_settling: bool) -> None:
    playlist = state.playlist
    action = command.action
    if action in ("extend", "advance") and in_settling:
        state.notes.append(f"{label} ignored: before the dose there is no phase to {action}")
        return
    if action == "extend":
        current = state.current
        phase = playlist.phases[current.index]
        if current.extended_s + phase.extend_step > phase.max_extend + 1e-9:
            state.notes.append(
                f"{label} refused: {phase.id} may be extended by {phase.max_extend:g} s in all"
            )
            return
        current.extended_s += phase.extend_step
        if current.end_w is not None:
            current.end_w += phase.extend_step
    elif action == "advance":
        state.current.end_w = at_w
        _advance_to(state, at_w)
    elif action == "calm_down":
        if state.calmed:
            state.notes.append(f"{label} ignored: already calmed down")
            return
        calm = playlist.calm_down
        state.calmed = True
        state.buses.append((at_w, "music", calm.music_db, calm.fade))
        state.calm_previous = state.choices[-1][1] if state.choices else None
        if calm.soundscape is not None:
            state.choices.append((at_w, calm.soundscape, calm.fade))
    elif action == "undo_calm_down":
        if not state.calmed:
            state.notes.append(f"{label} ignored: not calmed down")
            return
        calm = playlist.calm_down
        state.calmed = False
        state.buses.append((at_w, "music", 0.0, calm.fade))
        if calm.soundscape is not None:
            content = playlist.phases[state.current.index] if not in_settling else None
            back = state.calm_previous
            if back is None and content is not None and content.soundscape is not None:
                back = content.soundscape
            if back is None:
                back = playlist.patient.default
            if back is not None:
                state.choices.append((at_w, back, calm.fade))
    elif action in ("fade_to_silence", "fade_back"):
        state.silenced = action == "fade_to_silence"
        state.master.append((at_w, state.master_target(), FADE_TO_SILENCE_S))
    elif action == "pause":
        if state.paused:
            state.notes.append(f"{label} ignored: already paused")
            return
        state.paused = True
        state.master.append((at_w, None, PAUSE_FADE_S))
        state.pauses.append([at_w, math.inf])
    elif action == "resume":
        if not state.paused:
            state.notes.append(f"{label} ignored: not paused")
            return
        state.paused = False
        state.pauses[-1][1] = at_w
        state.master.append((at_w, state.master_target(), PAUSE_FADE_S))
    elif action == "volume":
        assert command.db is not None
        wanted = command.db
        state.volume_db = min(wanted, playlist.levels.max_volume_db)
        if wanted > playlist.levels.max_volume_db:
            state.notes.append(f"{label}: {wanted:g} dB capped at max_volume_db")
        if state.master_target() is not None:
            state.master.append((at_w, state.volume_db, VOLUME_RAMP_S))
    elif action == "soundscape":
        assert command.soundscape_id is not None
        if command.soundscape_id not in playlist.soundscapes:
            state.notes.append(f"{label} ignored: no soundscape {command.soundscape_id!r}")
            return
        state.choices.append((at_w, command.soundscape_id, SOUNDSCAPE_CROSSFADE_S))
    elif action == "end":
        state.ended_w = at_w + END_COMMAND_FADE_S
        state.master.append((at_w, None, END_COMMAND_FADE_S))
        state.current.end_w = (
            state.ended_w
            if state.current.end_w is None
            else min(state.current.end_w, state.ended_w)
        )


def _finish(state: _State, seed: int) -> ScriptedSession:
    pauses = []
    for fade_start, resume in state.pauses:
        frozen_from = fade_start + PAUSE_FADE_S
        if resume > frozen_from:
            pauses.append((frozen_from, resume))
    provisional = ScriptedSession(
        AudioSchedule(phases=()),
        state.dose_w,
        tuple(Pause(0.0, start, end) for start, end in pauses),
    )
    tau = provisional.tau_at
    final_pauses = tuple(Pause(tau(start), start, end) for start, end in pauses)

    spans = []
    for phase in state.phases:
        if phase.index == SETTLING and phase.end_w is not None and phase.end_w <= 0:
            continue
        if state.ended_w is not None and phase.start_w >= state.ended_w:
            continue
        end = None if phase.end_w is None else tau(phase.end_w)
        spans.append(PhaseSpan(phase.index, tau(phase.start_w), end, phase.crossfade_s))
    master = [BusEvent(tau(w), "master", db, ramp) for w, db, ramp in state.master]
    buses = [BusEvent(tau(w), bus, db, ramp) for w, bus, db, ramp in state.buses]
    choices = [SoundscapeChoice(tau(w), sid, fade) for w, sid, fade in state.choices]
    schedule = AudioSchedule(
        phases=tuple(spans),
        soundscape_choices=tuple(choices),
        bus_events=tuple(master + buses),
        seed=seed,
        ended_at_s=None if state.ended_w is None else tau(state.ended_w),
    )
    end_wall = None
    if state.ended_w is not None:
        end_wall = state.ended_w
    elif state.phases[-1].end_w is not None:
        end_wall = state.phases[-1].end_w + state.playlist.transitions.phase_crossfade
    return ScriptedSession(
        schedule=schedule,
        dose_wall_s=state.dose_w,
        pauses=final_pauses,
        end_wall_s=end_wall,
        notes=tuple(state.notes),
    )


def fixed_session(playlist: Playlist, schedule: AudioSchedule) -> ScriptedSession:
    """A schedule with no pauses, as a ScriptedSession (the session clock is tau)."""
    from session_player.audio.fixed_arc import schedule_end_s

    dose = next((span.start_s for span in schedule.phases if span.index != SETTLING), 0.0)
    return ScriptedSession(schedule, dose, (), schedule_end_s(playlist, schedule))
