"""From a ``SessionRecord`` to the ``AudioSchedule`` the mixer plays (a pure function).

Phase spans: settling from tau 0, then every phase that has started. A past phase ends
where the next one starts (the crossfade into the next phase begins there). The current
phase ends at its automatic end when one is known (its planned end for ``end: advance``,
the ``max_hold`` deadline for a hold phase that has one and for an ``end: advance`` phase
the clinician holds), else ``end_s`` is None: a hold phase without ``max_hold``, and the
last phase, which lasts until the session is ended.
After the end, the last span ends when the end fade-out is complete.

The phase that follows an automatic end is in the schedule before it starts: a span from
that end (its own end as if it ran as planned). The live mixer renders a fraction of a
second ahead of what is heard; without that span it would learn of the next phase only
after the timeline's tick had journaled it, by when the transition's first moments (its
bell, the start of its crossfade) were already rendered without it. The tick journals the
start at exactly that tau, so the span stays the same and nothing is re-planned. If the
clinician holds or extends first, the span moves with the end, or goes.

``extra["planned_end_s"]`` maps each started phase's index to its planned end on tau
(duration plus extensions), so the mixer can place ``end-1m`` cues of a phase that holds.
"""

from __future__ import annotations

from session_player.session.arc import (
    PhaseRun,
    automatic_end_tau_s,
    phase_crossfade_s,
    planned_end_tau_s,
)
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
    planned_end_s = {run.index: planned_end_tau_s(playlist, run) for run in record.runs}
    upcoming = _upcoming_run(record) if ended_at_s is None else None
    if upcoming is not None:
        automatic = automatic_end_tau_s(playlist, upcoming)
        spans.append(
            PhaseSpan(
                upcoming.index,
                upcoming.start_tau_s,
                None if automatic is None else automatic[0],
                phase_crossfade_s(playlist, upcoming.index),
            )
        )
        planned_end_s[upcoming.index] = planned_end_tau_s(playlist, upcoming)
    return AudioSchedule(
        phases=tuple(spans),
        soundscape_choices=tuple(record.soundscape_choices),
        bus_events=tuple(record.bus_events),
        seed=record.seed,
        ended_at_s=ended_at_s,
        extra={"planned_end_s": planned_end_s},
    )


def _upcoming_run(record: SessionRecord) -> PhaseRun | None:
    """The phase that will start by itself at the current phase's automatic end, as it will
    be journaled then (see the module's docstring); None if a person must start it."""
    if record.status != "running" or not record.runs:
        return None
    run = record.runs[-1]
    automatic = automatic_end_tau_s(record.playlist, run)
    if automatic is None:
        return None
    end_tau_s, cause = automatic
    return PhaseRun(run.index + 1, end_tau_s, record.audio.session_at(end_tau_s), cause)
