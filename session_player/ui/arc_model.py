"""Where things sit on the console's arc: phase bands, cue and check marks, the now-line.

The arc is drawn on the **dose clock** (seconds since the dose), the clock clinicians think
in: vital checks are due at dose times, and the minimum observation counts from the dose.
Phases that have run sit where they actually ran; the current phase ends where the timeline
says it will (a pause pushes it later); later phases follow with their planned lengths.
Before the dose the arc is the plan from time zero, with settling as a band before it.

Qt-free: a pure function of the playlist and the session's published state (its
``arc_runs``, ``ended_dose_s`` and ``checks_done``), never of the session's own record.
"""

from __future__ import annotations

from dataclasses import dataclass

from session_player.playlist.model import Playlist
from session_player.session.vitals import check_specs

# Settling is open-ended: a fixed sliver before time zero, wide enough for its name on a
# laptop screen.
SETTLING_BAND_FRACTION = 0.09


@dataclass(frozen=True)
class Band:
    index: int  # -1 for settling
    label: str
    start_s: float
    end_s: float
    when: str  # past | current | future
    holding: bool = False


@dataclass(frozen=True)
class Mark:
    at_s: float
    kind: str  # voice | bell | vitals | minimum
    label: str
    done: bool = False
    due: bool = False


@dataclass(frozen=True)
class ArcLayout:
    bands: tuple[Band, ...]
    marks: tuple[Mark, ...]
    now_s: float  # on the dose clock (0 before the dose)
    axis_start_s: float
    axis_end_s: float
    before_dose: bool


def _phase_starts(playlist: Playlist, state) -> list[tuple[int, float, float, str]]:
    """(index, start, end, when) for every phase, on the dose clock.

    The last phase (observation) lasts until the clinician ends the session, and not before
    the minimum observation: its band reaches at least that far.
    """
    minimum_s = playlist.clinical.minimum_observation or 0.0
    last = len(playlist.phases) - 1
    result: list[tuple[int, float, float, str]] = []
    now_s = state.time_since_dose_s
    runs = list(state.arc_runs)
    if not runs or now_s is None:
        cursor = 0.0
        for index, phase in enumerate(playlist.phases):
            end = cursor + phase.duration
            if index == last:
                end = max(end, minimum_s)
            result.append((index, cursor, end, "future"))
            cursor += phase.duration
        return result
    for position, run in enumerate(runs):
        start = run.start_dose_s
        if position + 1 < len(runs):
            end = runs[position + 1].start_dose_s
            result.append((run.index, start, end, "past"))
    current = runs[-1]
    start = current.start_dose_s
    phase = playlist.phases[current.index]
    if state.status == "ended":
        ended_s = state.ended_dose_s or 0.0
        result.append((current.index, start, ended_s, "past"))
        return result
    if state.time_to_next_phase_s is not None:
        end = now_s + state.time_to_next_phase_s
    elif state.holding:
        end = now_s + (state.hold_left_s or 0.0)
    else:  # the last phase: it lasts until the clinician ends the session
        end = max(start + phase.duration + current.extension_s, now_s, minimum_s)
    result.append((current.index, start, end, "current"))
    cursor = end
    for index in range(current.index + 1, len(playlist.phases)):
        duration = playlist.phases[index].duration
        end = cursor + duration
        if index == last:
            end = max(end, minimum_s)
        result.append((index, cursor, end, "future"))
        cursor += duration
    return result


def arc_layout(playlist: Playlist, state) -> ArcLayout:
    phases = _phase_starts(playlist, state)
    now_s = state.time_since_dose_s if state.time_since_dose_s is not None else 0.0
    minimum_s = playlist.clinical.minimum_observation
    last_end = phases[-1][2] if phases else 0.0
    axis_end = max(last_end, minimum_s or 0.0, now_s) * 1.03 + 60.0
    settling_width = axis_end * SETTLING_BAND_FRACTION
    axis_start = -settling_width

    bands: list[Band] = [
        Band(
            -1,
            "Settling",
            axis_start,
            0.0,
            "current" if state.status == "settling" else "past",
        )
    ]
    for index, start, end, when in phases:
        # Dashed while it holds, and while the clinician holds it ahead of its planned end.
        holding = when == "current" and (state.holding or state.can_release_hold)
        bands.append(Band(index, playlist.phases[index].display_name, start, end, when, holding))

    marks: list[Mark] = []
    extensions = {run.index: run.extension_s for run in state.arc_runs}
    for index, start, end, _when in phases:
        phase = playlist.phases[index]
        # Cues sit where they play in the phase as planned ("end-1m" counts from the planned
        # end); a cue after the end of a phase that was advanced early never played.
        length = phase.duration + extensions.get(index, 0.0)
        cues = [(c.at, "voice", c.cue or "voice") for c in phase.voice]
        cues += [(b.at, "bell", b.bell) for b in phase.bells]
        for at, kind, label in cues:
            at_s = start + at.resolve_s(length)
            if at_s <= end + 1e-6:
                marks.append(Mark(at_s, kind, label))
    due_keys = {check.key for check in state.due_vitals}
    done_keys = set(state.checks_done)
    for spec in check_specs(playlist.clinical):
        if spec.at == "pre-dose":
            at = 0.0
        elif spec.at == "discharge":
            at = minimum_s if minimum_s is not None else last_end
        else:
            at = float(spec.at)
        marks.append(
            Mark(at, "vitals", spec.label, done=spec.key in done_keys, due=spec.key in due_keys)
        )
    if minimum_s is not None:
        marks.append(Mark(minimum_s, "minimum", "minimum observation"))
    marks.sort(key=lambda mark: mark.at_s)
    return ArcLayout(
        bands=tuple(bands),
        marks=tuple(marks),
        now_s=now_s if state.dose_given else 0.0,
        axis_start_s=axis_start,
        axis_end_s=axis_end,
        before_dose=not state.dose_given,
    )
