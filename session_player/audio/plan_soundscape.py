"""The soundscape slot: which soundscape sounds when, its looping beds and scattered one-shots.

Which soundscape (at any time t):

1. a phase that names a soundscape (``soundscape: drone``) plays it from its start;
2. a choice made after that phase started (the patient's, or the grounding soundscape of
   "calm down") overrides it; in a phase that names none, the latest choice applies;
3. otherwise ``patient.default``.

So a soundscape that a phase imposes is scoped to that phase: when the next phase names
none, the patient's own choice comes back (the demo playlists rely on this).

A change crossfades (phase crossfade at a phase change, the choice's own crossfade
otherwise); a soundscape that carries on across a phase change is NOT restarted: its bed
keeps streaming. Entering from silence fades in over at least ``transitions.fade_in``.

Beds loop seamlessly: the same file chained in one stream (the file itself is made
loop-ready). One-shots are scattered with random gaps in [min_gap, max_gap], random gain
(± 3 dB) and pan, never the same file twice in a row, all seeded from the schedule's seed
and the segment's start, so the same session sounds the same every time it is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from session_player.audio.clips import (
    FAILURE_TAIL_S,
    ONE_SHOT_PAN_SPREAD,
    ONE_SHOT_SPREAD_DB,
    SHORT_FADE_S,
    Clip,
    PlanContext,
    Segment,
    title_of,
)
from session_player.audio.envelopes import Fade, Lane, db_to_gain
from session_player.playlist.model import SoundscapeLayer


@dataclass(frozen=True)
class SlotSegment:
    """One soundscape sounding from ``start`` until ``end`` (then fading out)."""

    soundscape_id: str | None
    start: int
    end: int | None
    fade_in: int
    fade_out: int  # after ``end``


def active_soundscape(ctx: PlanContext, frame: int) -> str | None:
    """The soundscape id the slot plays at ``frame`` (see the module docstring)."""
    position = _span_position_at(ctx, frame)
    if position is None:
        return None
    span = ctx.spans[position]
    content = ctx.content(span)
    choice = None
    for candidate in ctx.schedule.soundscape_choices:
        if ctx.frames(candidate.at_s) <= frame and (
            choice is None or candidate.at_s >= choice.at_s
        ):
            choice = candidate
    span_start = ctx.span_start(span)
    imposed = content.soundscape if content is not None else None
    if imposed is not None and (choice is None or ctx.frames(choice.at_s) < span_start):
        return imposed
    if choice is not None:
        return choice.soundscape_id
    return ctx.playlist.patient.default


def _span_position_at(ctx: PlanContext, frame: int) -> int | None:
    found = None
    for position in range(len(ctx.spans)):
        start, end, _ = ctx.content_window(position)
        if start <= frame and (end is None or frame < end):
            found = position
    return found


def slot_segments(ctx: PlanContext) -> list[SlotSegment]:
    if not ctx.spans:
        return []
    changes: list[tuple[int, int]] = []  # (frame, crossfade frames)
    for position, span in enumerate(ctx.spans):
        changes.append((ctx.span_start(span), ctx.min_frames(span.crossfade_s)))
        _, end, _ = ctx.content_window(position)
        if end is not None and ctx.next_span(position) is None:
            changes.append((end, ctx.fade_out_frames(position)))
    for choice in ctx.schedule.soundscape_choices:
        changes.append((max(ctx.frames(choice.at_s), 0), ctx.min_frames(choice.crossfade_s)))
    changes.sort(key=lambda change: change[0])
    fade_in_floor = ctx.min_frames(ctx.playlist.transitions.fade_in)

    segments: list[SlotSegment] = []
    current: str | None = None
    current_start = 0
    current_fade_in = 0
    for frame, crossfade in changes:
        chosen = active_soundscape(ctx, frame)
        if chosen is not None and chosen not in ctx.playlist.soundscapes:
            chosen = None  # an unknown id (validation prevents it): stay silent, never crash
        if chosen == current:
            continue
        if current is not None:
            segments.append(SlotSegment(current, current_start, frame, current_fade_in, crossfade))
        if current is not None:
            current_fade_in = crossfade
        elif frame <= ctx.span_start(ctx.spans[0]):
            current_fade_in = fade_in_floor  # the session starts: from silence
        else:
            current_fade_in = max(crossfade, fade_in_floor)
        current, current_start = chosen, frame
    if current is not None:
        segments.append(SlotSegment(current, current_start, None, current_fade_in, 0))
    return segments


def plan_soundscapes(ctx: PlanContext) -> list[Clip]:
    clips: list[Clip] = []
    for segment in slot_segments(ctx):
        if not ctx.starts_in_time(segment.start):
            continue
        soundscape = ctx.playlist.soundscapes[segment.soundscape_id]
        for layer_index, layer in enumerate(soundscape.layers):
            base_db = layer.gain_db + soundscape.gain_db
            if layer.bed is not None:
                clip = _bed(ctx, segment, layer_index, layer.bed, base_db, soundscape.name)
                if clip is not None:
                    clips.append(clip)
            else:
                clips += _one_shots(ctx, segment, layer_index, layer, base_db)
    return clips


def _window(segment: SlotSegment) -> tuple[int | None, list[Fade]]:
    fades = [Fade(segment.start, segment.fade_in, True)]
    if segment.end is None:
        return None, fades
    fades.append(Fade(segment.end, segment.fade_out, False))
    return segment.end + segment.fade_out, fades


def _bed(
    ctx: PlanContext, segment: SlotSegment, layer_index: int, path: str, base_db: float, name: str
) -> Clip | None:
    length = ctx.frames_of(path)
    broken = ctx.broken_from(path)
    if length is None or length <= 0 or (broken is not None and broken <= segment.start):
        return None
    end, fades = _window(segment)
    if broken is not None and (end is None or broken < end):
        tail = ctx.frames(FAILURE_TAIL_S)
        fades.append(Fade(broken, tail, False, "smooth"))
        end = broken + tail
    return Clip(
        key=("bed", segment.soundscape_id, segment.start, layer_index, path),
        bus="soundscape",
        layer="soundscape",
        start_frame=segment.start,
        end_frame=ctx.cap(end),
        segments=(Segment(0, path, 0, length, name),),
        loop_frames=length,
        gain_db=base_db + ctx.normalisation_db(path),
        fades=tuple(fades),
        title=name,
    )


def _one_shots(
    ctx: PlanContext, segment: SlotSegment, layer_index: int, layer: SoundscapeLayer, base_db: float
) -> list[Clip]:
    files = list(layer.one_shots or [])
    if not files:
        return []
    end, window_fades = _window(segment)
    limit = segment.end if segment.end is not None else ctx.horizon_frame
    if ctx.ended_frame is not None:
        limit = min(limit, ctx.ended_frame)
    rng = np.random.default_rng([ctx.seed_entropy, 0x0E5407, segment.start, layer_index])
    min_gap, max_gap = ctx.frames(layer.min_gap), ctx.frames(layer.max_gap)
    short = ctx.frames(SHORT_FADE_S)
    clips: list[Clip] = []
    # The first one comes sooner than a full gap: a soundscape should not wait a minute.
    at = segment.start + int(rng.integers(min_gap // 2, max(max_gap // 2, min_gap // 2) + 1))
    previous = -1
    ordinal = 0
    while at < limit:
        # Draw the same numbers for every shot, played or not, so that one missing file
        # does not change when and how all the others play.
        choices = [i for i in range(len(files)) if i != previous] or [0]
        index = choices[int(rng.integers(len(choices)))]
        variation_db = float(rng.uniform(-ONE_SHOT_SPREAD_DB, ONE_SHOT_SPREAD_DB))
        pan = float(rng.uniform(-ONE_SHOT_PAN_SPREAD, ONE_SHOT_PAN_SPREAD))
        next_at = at + int(rng.integers(min_gap, max(max_gap, min_gap) + 1))
        path = files[index]
        previous = index
        length = ctx.frames_of(path)
        broken = ctx.broken_from(path)
        if length and (broken is None or broken > at):
            clip_end = at + length
            fades = [
                Fade(at, short, True, "smooth"),
                Fade(clip_end - short, short, False, "smooth"),
            ]
            if end is not None and clip_end > segment.end:
                fades += window_fades[1:]
                clip_end = min(clip_end, end)
            if broken is not None and broken < clip_end:
                tail = ctx.frames(FAILURE_TAIL_S)
                fades.append(Fade(broken, tail, False, "smooth"))
                clip_end = broken + tail
            clips.append(
                Clip(
                    key=("one_shot", segment.soundscape_id, segment.start, layer_index, ordinal),
                    bus="soundscape",
                    layer="one_shot",
                    start_frame=at,
                    end_frame=ctx.cap(clip_end),
                    segments=(Segment(0, path, 0, length, title_of(path)),),
                    gain_db=base_db + ctx.normalisation_db(path) + variation_db,
                    pan=pan,
                    fades=tuple(fades),
                    title=title_of(path),
                )
            )
        ordinal += 1
        at = next_at
        if max_gap <= 0 and min_gap <= 0:
            break  # a zero gap would place infinitely many
    return clips


def phase_gain_lane(ctx: PlanContext) -> Lane:
    """soundscape_gain_db of each phase, ramped over the phase crossfade."""
    events = []
    initial = 1.0
    for position, span in enumerate(ctx.spans):
        content = ctx.content(span)
        gain = db_to_gain(content.soundscape_gain_db if content is not None else 0.0)
        if position == 0:
            initial = gain
        else:
            events.append((ctx.span_start(span), gain, ctx.min_frames(span.crossfade_s)))
    return Lane(initial, events)
