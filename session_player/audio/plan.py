"""What plays when: a pure function from (playlist, schedule, analysis) to clips and lanes.

The mixer never decides anything on its own clock: it asks the plan. Because planning is a
pure, deterministic function (random choices are seeded from the schedule's seed), a render
that starts at tau T (``--from T``, or a resume after a crash) finds every source at the
same position, with the same gains, as a render that ran from the start.

The plan covers the schedule up to ``horizon_frame``: open-ended content (settling, a held
phase, a looping list) is generated only that far, prefix-stably, and the mixer re-plans
further ahead as it goes. ``failures`` (path → frame from which the file is broken) makes a
broken file stop with a short fade and lets its layer move on, from that frame only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from session_player.audio.analysis import FileAnalysis
from session_player.audio.clips import END_FADE_S, MIN_CROSSFADE_S, Clip, PlanContext
from session_player.audio.envelopes import Lane, db_to_gain
from session_player.audio.plan_cues import duck_lanes, plan_bells, plan_voice
from session_player.audio.plan_music import plan_music
from session_player.audio.plan_soundscape import phase_gain_lane, plan_soundscapes
from session_player.playlist.model import Playlist
from session_player.session.schedule import AudioSchedule

BUSES = ("music", "soundscape", "voice", "bells")


@dataclass(frozen=True)
class Plan:
    clips: tuple[Clip, ...]  # sorted by start frame
    master: tuple[Lane, ...]  # multiplied together: the master volume and the end fade
    buses: dict[str, tuple[Lane, ...]]  # bus → lanes multiplied together
    horizon_frame: int
    sample_rate_hz: int
    missing: frozenset[str]  # files the plan wanted but that were never measured

    def clips_between(self, start: int, frames: int) -> list[Clip]:
        return [clip for clip in self.clips if clip.is_active(start, frames)]


def build_plan(
    playlist: Playlist,
    schedule: AudioSchedule,
    analysis: Mapping[str, FileAnalysis],
    *,
    horizon_frame: int,
    sample_rate_hz: int = 48000,
    failures: Mapping[str, int] | None = None,
) -> Plan:
    ctx = PlanContext(
        playlist=playlist,
        schedule=schedule,
        analysis=analysis,
        sample_rate_hz=sample_rate_hz,
        horizon_frame=horizon_frame,
        failures=dict(failures or {}),
    )
    clips: list[Clip] = []
    for position in range(len(ctx.spans)):
        clips += plan_music(ctx, position)
    clips += plan_soundscapes(ctx)
    voice = plan_voice(ctx)
    clips += voice
    clips += plan_bells(ctx)
    clips.sort(key=lambda clip: (clip.start_frame, clip.key))

    music_duck, bed_duck = duck_lanes(ctx, voice)
    buses = {bus: (_schedule_lane(ctx, bus),) for bus in BUSES}
    buses["music"] += (music_duck,)
    buses["soundscape"] += (phase_gain_lane(ctx), bed_duck)
    return Plan(
        clips=tuple(clips),
        master=(_master_lane(ctx), _end_lane(ctx)),
        buses=buses,
        horizon_frame=horizon_frame,
        sample_rate_hz=sample_rate_hz,
        missing=frozenset(ctx.missing),
    )


def _schedule_lane(ctx: PlanContext, bus: str, initial: float = 1.0, cap_db: float = 12.0) -> Lane:
    events = []
    for event in ctx.schedule.bus_events:
        if event.bus != bus:
            continue
        gain_db = None if event.gain_db is None else min(event.gain_db, cap_db)
        events.append(
            (ctx.frames(event.at_s), db_to_gain(gain_db), ctx.min_frames(event.ramp_s, 0.02))
        )
    return Lane(initial, events)


def _master_lane(ctx: PlanContext) -> Lane:
    levels = ctx.playlist.levels
    # Nobody turns the patient's headphones above max_volume_db, not even a schedule.
    initial = db_to_gain(min(levels.default_volume_db, levels.max_volume_db))
    return _schedule_lane(ctx, "master", initial, levels.max_volume_db)


def _end_lane(ctx: PlanContext) -> Lane:
    if ctx.ended_frame is None:
        return Lane(1.0)
    fade = ctx.min_frames(END_FADE_S, MIN_CROSSFADE_S)
    start = max(ctx.ended_frame - fade, 0)
    return Lane(1.0, [(start, 0.0, ctx.ended_frame - start)])
