"""The session as planned, with no clinician commands: an ``AudioSchedule`` built by hand.

Settling runs on ``[0, dose)``, then every phase for its planned duration, back to back.
A phase with ``end: hold`` is laid out at its planned duration too (nobody is there to hold
it). A fixture for the mixer's tests and the benchmarks, which need a schedule without a
session; the offline render does not use it: it runs the real session timeline
(``scripted_session``), so that what it previews is what a live session does.
"""

from __future__ import annotations

from session_player.playlist.model import Playlist
from session_player.session.schedule import SETTLING, AudioSchedule, PhaseSpan


def schedule_for_fixed_arc(
    playlist: Playlist, dose_at_tau_s: float, seed: int = 0, end_session: bool = False
) -> AudioSchedule:
    """Settling until ``dose_at_tau_s``, then each phase for its planned duration.

    With ``end_session`` the schedule also ends (everything faded out) at the end of the
    last phase's crossfade; otherwise the last phase's content simply fades out after it.
    """
    spans: list[PhaseSpan] = []
    if dose_at_tau_s > 0:
        spans.append(PhaseSpan(SETTLING, 0.0, float(dose_at_tau_s), crossfade_s=0.0))
    start_s = float(dose_at_tau_s)
    transitions = playlist.transitions
    for index, phase in enumerate(playlist.phases):
        crossfade_s = (
            phase.crossfade if phase.crossfade is not None else transitions.phase_crossfade
        )
        end_s = start_s + phase.duration
        spans.append(PhaseSpan(index, start_s, end_s, crossfade_s=crossfade_s))
        start_s = end_s
    ended = start_s + transitions.phase_crossfade if end_session else None
    return AudioSchedule(phases=tuple(spans), seed=seed, ended_at_s=ended)
