"""Voice cues and bells at phase-relative times, and the ducking they cause.

A cue's time is relative to its phase as it actually runs: ``2m`` after the span's start,
``end-1m`` before its end. An end-relative cue whose span has no end yet (settling, a held
phase) is placed before the planned end when the session gives one
(``schedule.extra["planned_end_s"]``), else not scheduled until the session knows the end; a start-relative cue that would
fall after an early end (the clinician advanced) is dropped. A cue that has started plays
to its end even across a phase change: words are never cut off by a crossfade.

``transitions.bell`` rings at the start of every phase (not of settling, which has its own
bells). Ducking: the music bus dips by ``transitions.duck_db`` under every voice cue,
starting ``duck_ramp`` before the words and coming back over ``duck_ramp`` after them;
close cues merge into one dip so the music does not bob up between sentences. Beds dip by
half as much: rain at full level can still mask a quiet voice.
"""

from __future__ import annotations

from session_player.audio.clips import (
    BELL_OFFSET_DB,
    FAILURE_TAIL_S,
    SHORT_FADE_S,
    SOUNDSCAPE_DUCK_FRACTION,
    VOICE_OFFSET_DB,
    Clip,
    PlanContext,
    Segment,
    title_of,
)
from session_player.audio.envelopes import Fade, Lane, db_to_gain
from session_player.playlist.durations import PhaseTime
from session_player.session.schedule import SETTLING


def _cue_frame(ctx: PlanContext, position: int, at: PhaseTime) -> int | None:
    start, end, _ = ctx.content_window(position)
    if at.from_end:
        planned = end if end is not None else _planned_end(ctx, position)
        if planned is None:
            return None
        frame = planned - ctx.frames(at.offset_s)
        return frame if frame >= start else None
    frame = start + ctx.frames(at.offset_s)
    if end is not None and frame >= end:
        return None
    return frame


def _planned_end(ctx: PlanContext, position: int) -> int | None:
    """The planned end of a phase that holds, when the session says it (extra)."""
    planned = (ctx.schedule.extra or {}).get("planned_end_s", {})
    index = ctx.spans[position].index
    value = planned.get(index) if isinstance(planned, dict) else None
    return None if value is None else ctx.frames(float(value))


def _one_file_clip(
    ctx: PlanContext,
    key: tuple,
    bus: str,
    layer: str,
    at: int,
    path: str,
    gain_db: float,
    title: str,
    text: str = "",
) -> Clip | None:
    length = ctx.frames_of(path)
    broken = ctx.broken_from(path)
    if not length or (broken is not None and broken <= at) or not ctx.starts_in_time(at):
        return None
    short = ctx.frames(SHORT_FADE_S)
    end = at + length
    fades = [Fade(at, short, True, "smooth"), Fade(end - short, short, False, "smooth")]
    if broken is not None and broken < end:
        tail = ctx.frames(FAILURE_TAIL_S)
        fades.append(Fade(broken, tail, False, "smooth"))
        end = broken + tail
    return Clip(
        key=key,
        bus=bus,
        layer=layer,
        start_frame=at,
        end_frame=ctx.cap(end),
        segments=(Segment(0, path, 0, length, title),),
        gain_db=gain_db + ctx.normalisation_db(path),
        fades=tuple(fades),
        title=title,
        text=text,
    )


def plan_voice(ctx: PlanContext) -> list[Clip]:
    clips = []
    for position, span in enumerate(ctx.spans):
        content = ctx.content(span)
        if content is None:
            continue
        span_start = ctx.span_start(span)
        for cue_index, cue in enumerate(content.voice):
            at = _cue_frame(ctx, position, cue.at)
            if at is None:
                continue
            if cue.cue is not None:
                voice = ctx.playlist.voices.get(cue.cue)
                if voice is None:
                    continue
                path, gain_db, title, text = voice.file, voice.gain_db, cue.cue, voice.text
            else:
                assert cue.file is not None
                path, gain_db, title, text = cue.file, 0.0, title_of(cue.file), ""
            clip = _one_file_clip(
                ctx,
                ("voice", span.index, span_start, cue_index, path),
                "voice",
                "voice",
                at,
                path,
                gain_db + cue.gain_db + VOICE_OFFSET_DB,
                title,
                text,
            )
            if clip is not None:
                clips.append(clip)
    return clips


def plan_bells(ctx: PlanContext) -> list[Clip]:
    clips = []
    transition_bell = ctx.playlist.transitions.bell
    for position, span in enumerate(ctx.spans):
        content = ctx.content(span)
        if content is None:
            continue
        span_start = ctx.span_start(span)
        wanted: list[tuple[object, int, str]] = []
        if transition_bell is not None and span.index != SETTLING:
            wanted.append(("transition", span_start, transition_bell))
        for cue_index, cue in enumerate(content.bells):
            at = _cue_frame(ctx, position, cue.at)
            if at is not None:
                wanted.append((cue_index, at, cue.bell))
        for which, at, bell_id in wanted:
            bell = ctx.playlist.bells.get(bell_id)
            if bell is None:
                continue
            clip = _one_file_clip(
                ctx,
                ("bell", span.index, span_start, which, bell.file),
                "bells",
                "bell",
                at,
                bell.file,
                bell.gain_db + BELL_OFFSET_DB,
                bell_id,
            )
            if clip is not None:
                clips.append(clip)
    return clips


def duck_lanes(ctx: PlanContext, voice_clips: list[Clip]) -> tuple[Lane, Lane]:
    """(music duck lane, soundscape duck lane) from the voice clips."""
    transitions = ctx.playlist.transitions
    ramp = ctx.min_frames(transitions.duck_ramp)
    windows: list[list[int]] = []
    for clip in sorted(voice_clips, key=lambda c: c.start_frame):
        end = clip.end_frame if clip.end_frame is not None else clip.start_frame
        if windows and clip.start_frame - ramp <= windows[-1][1] + ramp:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([clip.start_frame, end])
    music_gain = db_to_gain(transitions.duck_db)
    bed_gain = db_to_gain(transitions.duck_db * SOUNDSCAPE_DUCK_FRACTION)
    music_events, bed_events = [], []
    for start, end in windows:
        music_events += [(start - ramp, music_gain, ramp), (end, 1.0, ramp)]
        bed_events += [(start - ramp, bed_gain, ramp), (end, 1.0, ramp)]
    return Lane(1.0, music_events), Lane(1.0, bed_events)
