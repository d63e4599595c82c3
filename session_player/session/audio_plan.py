"""From a ``SessionRecord`` to the ``AudioSchedule`` the mixer plays (a pure function).

Phase spans: settling from tau 0, then every phase that has started. A past phase ends
where the next one starts (the crossfade into the next phase begins there). The current
phase ends at its automatic end when one is known (its planned end for ``end: advance``,
the ``max_hold`` deadline for a hold phase that has one and for an ``end: advance`` phase
the clinician holds), else ``end_s`` is None: a hold phase without ``max_hold``, and the
last phase, which lasts until the session is ended.
After the end, the last span ends when the end fade-out is complete.

``extra["planned_end_s"]`` maps each started phase's index to its planned end on tau
(duration plus extensions), so the mixer can place ``end-1m`` cues of a phase that holds.
"""

from __future__ import annotations

from session_player.session.arc import automatic_end_tau_s, phase_crossfade_s, planned_end_tau_s
from session_player.session.record import END_FADE_S, SessionRecord
from session_player.session.schedule import SETTLING, AudioSchedule, PhaseSpan


def build_schedule(record: SessionRecord) -> AudioSchedule:
    playlist = record.playlist
    if record.status == "ready":
        return AudioSchedule(phases=(), seed=record.seed)
    ended_at_s = None if record.ended_tau_s is None else record.ended_tau_s + END_FADE_S

    starts = [run.start_tau_s for run in record.runs]
    settling_end = starts[0] if starts else ended_at_s
    spans = [PhaseSpan(SETTLING, 0.0, settling_end, phase_crossfade_s(playlist, SETTLING))]
    for position, run in enumerate(record.runs):
        if position + 1 < len(record.runs):
            end_s = starts[position + 1]
        elif ended_at_s is not None:
            end_s = ended_at_s
        else:
            automatic = automatic_end_tau_s(playlist, run)
            end_s = automatic[0] if automatic is not None else None
        spans.append(
            PhaseSpan(run.index, run.start_tau_s, end_s, phase_crossfade_s(playlist, run.index))
        )
    return AudioSchedule(
        phases=tuple(spans),
        soundscape_choices=tuple(record.soundscape_choices),
        bus_events=tuple(record.bus_events),
        seed=record.seed,
        ended_at_s=ended_at_s,
        extra={
            "planned_end_s": {run.index: planned_end_tau_s(playlist, run) for run in record.runs}
        },
    )
