"""From a ``SessionRecord`` and the present moment to a ``SessionState`` (a pure function).

Also the one rule about ending early, shared by ``state().can_end`` and ``end_session``.
"""

from __future__ import annotations

from session_player.playlist.durations import format_clock, format_duration
from session_player.session.arc import (
    SETTLING_ID,
    automatic_end_tau_s,
    holds,
    is_last,
    may_be_held,
    patient_may_choose_in,
    planned_end_tau_s,
    planned_length_s,
)
from session_player.session.record import MIN_VOLUME_DB, SessionRecord
from session_player.session.schedule import SETTLING
from session_player.session.state import AlertInfo, ArcRun, SessionState
from session_player.session.vitals import due_checks

EPSILON_S = 1e-9
VOLUME_EPSILON_DB = 1e-6  # at the limit, as far as Louder/Quieter are concerned


def end_refusal(record: SessionRecord, now_s: float, *, say_time_left: bool = False) -> str | None:
    """Why the session may not end now without a reason, or None if it may.

    ``say_time_left`` adds the running time left; not in ``SessionState``, where it would
    turn a discrete field into one that changes every second.
    """
    if record.status == "ready":
        return "The session has not started."
    if record.status == "ended":
        return "The session has already ended."
    dose_s = record.dose_s(now_s)
    if dose_s is None:
        return (
            "The dose has not been marked as given. To end the session anyway, "
            "give a reason (for example: dose not given)."
        )
    minimum_s = record.playlist.clinical.minimum_observation
    if minimum_s is not None and dose_s < minimum_s:
        left = f"; {format_clock(minimum_s - dose_s)} remain" if say_time_left else ""
        return (
            f"The minimum observation after the dose is {format_duration(minimum_s)}{left}. "
            "To end earlier, give a reason."
        )
    return None


def holding_now(record: SessionRecord, tau_s: float) -> bool:
    run = record.current_run
    if record.status != "running" or run is None or not holds(record.playlist, run):
        return False
    return tau_s >= planned_end_tau_s(record.playlist, run) - EPSILON_S


def build_state(record: SessionRecord, now_s: float) -> SessionState:
    playlist = record.playlist
    levels = playlist.levels
    limit_db = record.volume_limit_db
    common = dict(
        phase_count=len(playlist.phases),
        volume_db=record.volume_db,
        volume_cap_db=record.volume_cap_db,
        max_volume_db=levels.max_volume_db,
        volume_limit_db=limit_db,
    )
    if record.status == "ready":
        return SessionState(status="ready", cannot_end_reason=end_refusal(record, now_s), **common)

    # After the end the audio has stopped: its clocks stop where the end fade began. The
    # dose clock goes on (the observation of the patient does).
    ended_tau_s = record.ended_tau_s
    tau_s = ended_tau_s if ended_tau_s is not None else record.audio.tau_at(now_s)
    dose_s = record.dose_s(now_s)
    index = record.current_index
    run = record.current_run
    live = record.status in ("settling", "running")
    minimum_s = playlist.clinical.minimum_observation

    phase_length_s = None
    time_into_phase_s = tau_s
    time_to_next_s = None
    hold_left_s = None
    holding = False
    can_hold = can_release_hold = False
    used_s = remaining_s = 0.0
    if index == SETTLING or run is None:
        phase_id, phase_name = SETTLING_ID, "Settling"
    else:
        phase = playlist.phases[index]
        phase_id, phase_name = phase.id, phase.display_name
        phase_length_s = planned_length_s(phase, run)
        time_into_phase_s = tau_s - run.start_tau_s
        holding = holding_now(record, tau_s)
        if record.status == "running" and not is_last(playlist, index):
            if holding:
                automatic = automatic_end_tau_s(playlist, run)
                if automatic is not None:
                    hold_left_s = max(0.0, automatic[0] - tau_s)
            else:
                time_to_next_s = max(0.0, planned_end_tau_s(playlist, run) - tau_s)
        used_s = run.extension_s
        remaining_s = max(0.0, phase.max_extend - used_s)
        if record.status == "running" and not is_last(playlist, index):
            can_hold = may_be_held(phase) and not run.held
            can_release_hold = run.held

    may_choose = (
        live
        and not record.calm_soundscape_on
        and patient_may_choose_in(playlist, index)
        and bool(playlist.patient.soundscapes)
    )
    refusal = end_refusal(record, now_s)
    can_extend = record.status == "running" and remaining_s > EPSILON_S
    next_extend_s = 0.0
    if can_extend and index is not None and index != SETTLING:
        next_extend_s = min(playlist.phases[index].extend_step, remaining_s)
    dose_session_s = record.dose_session_s
    arc_runs = ()
    if dose_session_s is not None:
        arc_runs = tuple(
            ArcRun(run.index, run.start_session_s - dose_session_s, run.extension_s)
            for run in record.runs
        )
    ended_dose_s = None
    if dose_session_s is not None and record.ended_session_s is not None:
        ended_dose_s = record.ended_session_s - dose_session_s
    alerts = tuple(
        AlertInfo(alert.id, alert.kind, alert.message, alert.raised_wall)
        for alert in sorted(record.alerts.values(), key=lambda a: a.id)
        if not alert.acknowledged
    )
    return SessionState(
        status=record.status,
        live=live,
        can_louder=live and record.volume_db < limit_db - VOLUME_EPSILON_DB,
        can_quieter=live and record.volume_db > MIN_VOLUME_DB + VOLUME_EPSILON_DB,
        next_extend_s=next_extend_s,
        can_choose_soundscape=live and bool(playlist.soundscapes),
        arc_runs=arc_runs,
        ended_dose_s=ended_dose_s,
        checks_done=tuple(sorted(record.vitals_done)),
        phase_index=index,
        phase_id=phase_id,
        phase_name=phase_name,
        is_last_phase=index is not None and index != SETTLING and is_last(playlist, index),
        phase_length_s=phase_length_s,
        holding=holding,
        dose_given=record.dose_session_s is not None,
        dose_wall=record.dose_wall,
        paused=record.paused,
        calm=record.calm,
        silenced=record.silenced,
        music_gain_db=record.music_db,
        soundscape_id=record.soundscape_id,
        patient_soundscapes=tuple(playlist.patient.soundscapes) if may_choose else (),
        extension_used_s=used_s,
        extension_remaining_s=remaining_s,
        can_extend=can_extend,
        can_advance=record.status == "running" and not is_last(playlist, index),
        can_hold=can_hold,
        can_release_hold=can_release_hold,
        can_end=refusal is None,
        cannot_end_reason=refusal,
        ended_reason=record.end_reason,
        due_vitals=due_checks(
            record.check_specs,
            record.vitals_done,
            parts_done=record.parts_done,
            status=record.status,
            dose_s=dose_s,
            minimum_observation_s=minimum_s,
            in_last_phase=index is not None and index != SETTLING and is_last(playlist, index),
        ),
        open_alerts=alerts,
        patient_call_pending=record.patient_call_pending,
        session_s=now_s,
        tau_s=tau_s,
        time_since_dose_s=dose_s,
        time_into_phase_s=time_into_phase_s,
        time_to_next_phase_s=time_to_next_s,
        hold_left_s=hold_left_s,
        observation_left_s=(
            max(0.0, minimum_s - dose_s) if minimum_s is not None and dose_s is not None else None
        ),
        **common,
    )
