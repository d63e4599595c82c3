"""``SessionState``: one immutable snapshot of the session for the console and patient view.

Fields marked *continuous* (the running clocks: time since dose, into the phase, to the
next phase…) change every instant. Subscribers are notified only when a **discrete** field
changes (phase, holding, paused, volume, due checks, alerts…), never because a clock moved:
a GUI shows the running clocks by reading ``timeline.state()`` (or ``since_dose_s()``) on
its own display timer. ``SessionState.discrete()`` is what the change comparison uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from session_player.session.vitals import DueCheck


def _continuous(default: object = None) -> object:
    return field(default=default, metadata={"continuous": True})


@dataclass(frozen=True)
class AlertInfo:
    id: int
    kind: str  # device_lost, file_broken, unexpected_silence, journal_failed…
    message: str
    raised_wall: str  # ISO 8601


@dataclass(frozen=True)
class ArcRun:
    """A phase as it has run so far, on the dose clock (what the console's arc draws)."""

    index: int
    start_dose_s: float  # when it started, since the dose
    extension_s: float  # added by Extend


@dataclass(frozen=True)
class SessionState:
    status: str  # ready | settling | running | ended
    live: bool = False  # settling or running: the clinician's commands apply
    # The phase: SETTLING (-1) and id "settling" before the dose; None before start.
    phase_index: int | None = None
    phase_id: str | None = None
    phase_name: str | None = None
    phase_count: int = 0
    is_last_phase: bool = False  # the last phase is the observation phase
    phase_length_s: float | None = None  # planned length with extensions (None: settling)
    # Past its planned end and waiting for Advance: an end: hold phase, or one the clinician
    # held (hold_phase). Before the planned end a held phase is not holding yet.
    holding: bool = False
    dose_given: bool = False
    dose_wall: str | None = None
    # Audio
    paused: bool = False
    calm: bool = False
    silenced: bool = False
    volume_db: float = 0.0
    volume_cap_db: float = 0.0
    max_volume_db: float = 0.0
    # The most anyone may ask for now: the clinician's cap, never above the playlist's
    # ceiling. Louder/Quieter (console, patient view, ``play``) read these, never recompute.
    volume_limit_db: float = 0.0
    can_louder: bool = False  # live and below the limit
    can_quieter: bool = False  # live and above the lowest volume
    music_gain_db: float = 0.0  # the music bus: 0, or calm_down.music_db while calm
    soundscape_id: str | None = None  # what the soundscape slot plays
    patient_soundscapes: tuple[str, ...] = ()  # what the patient may choose now (empty: none)
    # What the clinician may do now (and why not)
    extension_used_s: float = 0.0
    extension_remaining_s: float = 0.0
    can_extend: bool = False
    can_advance: bool = False
    can_hold: bool = False  # hold_phase: an end: advance phase with max_hold, not held yet
    can_release_hold: bool = False  # release_hold: the clinician holds this phase
    can_end: bool = False  # end without having to give a reason
    next_extend_s: float = 0.0  # what Extend adds now (0: it cannot)
    can_choose_soundscape: bool = False  # live, and the playlist has soundscapes
    cannot_end_reason: str | None = None
    ended_reason: str | None = None
    # Clinical
    due_vitals: tuple[DueCheck, ...] = ()
    open_alerts: tuple[AlertInfo, ...] = ()
    patient_call_pending: bool = False
    # The arc as it ran (after the dose), for views that draw it
    arc_runs: tuple[ArcRun, ...] = ()
    ended_dose_s: float | None = None  # when the session ended, since the dose
    checks_done: tuple[str, ...] = ()  # keys of the vital-sign checks done or skipped
    # Continuous: excluded from change detection (see the module docstring).
    session_s: float | None = _continuous()  # since start
    tau_s: float | None = _continuous()  # the audio timeline
    time_since_dose_s: float | None = _continuous()  # None before the dose
    time_into_phase_s: float | None = _continuous()  # audio time into the phase
    time_to_next_phase_s: float | None = _continuous()  # None while holding, in the last phase
    hold_left_s: float | None = _continuous()  # while holding with max_hold: until it advances
    observation_left_s: float | None = _continuous()  # until the minimum observation

    def discrete(self) -> tuple:
        """The fields that make a change worth notifying."""
        return tuple(getattr(self, name) for name in DISCRETE_FIELDS)


CONTINUOUS_FIELDS = tuple(f.name for f in fields(SessionState) if f.metadata.get("continuous"))
DISCRETE_FIELDS = tuple(f.name for f in fields(SessionState) if f.name not in CONTINUOUS_FIELDS)
