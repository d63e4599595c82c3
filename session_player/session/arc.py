"""Pure arithmetic of the arc: when phases end, what holds, which soundscape plays.

No clock and no journal here: functions of the playlist and of what has happened so far
(``PhaseRun``), so they are easy to test and the live timeline and a replay share them.

Phase lengths are counted on the **audio timeline** ``tau_s``: a paused phase resumes where
it paused and still plays its whole length, so a pause delays the rest of the arc. Clinical
times (vital checks, the minimum observation) are on the dose clock, which never pauses.
"""

from __future__ import annotations

from dataclasses import dataclass

from session_player.playlist.model import Phase, Playlist
from session_player.session.schedule import SETTLING

SETTLING_ID = "settling"  # the id patient.phases uses for settling


@dataclass
class PhaseRun:
    """One phase as it ran: started at ``start_tau_s``, extended by ``extension_s``."""

    index: int
    start_tau_s: float
    start_session_s: float
    cause: str  # dose | time | clinician | max_hold | release
    extension_s: float = 0.0
    holding_logged: bool = False  # a phase_holding event was journaled for the current end
    # The clinician's hold of an ``end: advance`` phase (``phase_held``): the longest it may
    # hold past the planned end, from the event (None: not held by the clinician).
    held_max_s: float | None = None
    # ``hold_released`` after the planned end: the phase ends there, not back at the
    # planned end (which has passed).
    released_tau_s: float | None = None

    @property
    def held(self) -> bool:
        return self.held_max_s is not None


def phase_crossfade_s(playlist: Playlist, index: int) -> float:
    """The crossfade into a phase (settling fades in from silence)."""
    if index == SETTLING:
        return playlist.transitions.fade_in
    phase = playlist.phases[index]
    return phase.crossfade if phase.crossfade is not None else playlist.transitions.phase_crossfade


def planned_length_s(phase: Phase, run: PhaseRun) -> float:
    return phase.duration + run.extension_s


def planned_end_tau_s(playlist: Playlist, run: PhaseRun) -> float:
    return run.start_tau_s + planned_length_s(playlist.phases[run.index], run)


def is_last(playlist: Playlist, index: int) -> bool:
    return index == len(playlist.phases) - 1


def holds(playlist: Playlist, run: PhaseRun) -> bool:
    """Whether this phase waits for the clinician at its planned end.

    An ``end: hold`` phase does by itself; an ``end: advance`` phase when the clinician
    held it (``phase_held``). The last phase never ends by itself anyway: it does not hold.
    """
    if is_last(playlist, run.index):
        return False
    return playlist.phases[run.index].end == "hold" or run.held


def may_be_held(phase: Phase) -> bool:
    """Whether the clinician may hold this phase (``end: advance`` with a ``max_hold``)."""
    return phase.end == "advance" and phase.max_hold is not None and phase.max_hold > 0


def automatic_end_tau_s(playlist: Playlist, run: PhaseRun) -> tuple[float, str] | None:
    """When (on tau) and why the phase will end by itself, or None if only a person ends it.

    The last phase never ends by itself: the session ends when the clinician ends it. A
    phase that holds ends at the ``max_hold`` deadline, if it has one; a hold released after
    the planned end ends the phase where it was released.
    """
    if is_last(playlist, run.index):
        return None
    phase = playlist.phases[run.index]
    planned_end = planned_end_tau_s(playlist, run)
    if run.held:
        assert run.held_max_s is not None
        return planned_end + run.held_max_s, "max_hold"
    if phase.end == "advance":
        released = run.released_tau_s
        if released is not None and released > planned_end:
            return released, "release"
        return planned_end, "time"
    if phase.max_hold is not None:
        return planned_end + phase.max_hold, "max_hold"
    return None


def content_soundscape(playlist: Playlist, index: int) -> str | None:
    content = playlist.settling if index == SETTLING else playlist.phases[index]
    return content.soundscape


def effective_soundscape(
    playlist: Playlist,
    index: int,
    chosen_id: str | None,
    chosen_in_index: int | None,
    calm_soundscape_on: bool,
) -> str | None:
    """Which soundscape the phase slot plays, by precedence:

    1. the calm-down soundscape while calm down is on;
    2. a choice made during this phase (the patient's or the clinician's);
    3. the soundscape the playlist names for this phase (the therapist's design wins at a
       phase change over a choice made earlier);
    4. the latest choice from an earlier phase;
    5. ``patient.default``.
    """
    if calm_soundscape_on and playlist.calm_down.soundscape:
        return playlist.calm_down.soundscape
    if chosen_id is not None and chosen_in_index == index:
        return chosen_id
    return content_soundscape(playlist, index) or chosen_id or playlist.patient.default


def patient_may_choose_in(playlist: Playlist, index: int) -> bool:
    allowed = playlist.patient.phases
    if allowed == "all":
        return True
    phase_id = SETTLING_ID if index == SETTLING else playlist.phases[index].id
    return phase_id in allowed
