"""The music layer of one phase: items in order or shuffled, looped, joined as configured.

- ``crossfade``: the next item starts before the previous one ends; equal-power fades of
  the configured length (at most half of either item, so three items never overlap).
- ``gapless``: items are chained in ONE clip (one stream, sample-exact lengths from the
  analysis): no gap, no overlap, no fade.
- ``gap``: the next item starts ``gap`` after the previous one ended.
- ``silence`` items: the previous item plays to its end, then nothing for that long; the
  next item enters from silence with ``transitions.fade_in``.

The first item fades in with the phase crossfade (with ``fade_in`` at the start of the
session, and never faster than ``fade_in`` when the previous phase had no music); items still sounding when the phase ends fade out with the crossfade
into the next phase. A shuffled list is shuffled again on every loop round, seeded from
(schedule seed, phase, round), never starting a round with the item that ended the last.
Generation is a pure function and prefix-stable: planning further ahead never changes what
was planned before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from session_player.audio.clips import (
    DECLICK_S,
    FAILURE_TAIL_S,
    Clip,
    PlanContext,
    Segment,
    title_of,
)
from session_player.audio.envelopes import Fade
from session_player.playlist.model import MusicItem, MusicLayer

_MAX_EMPTY_ROUNDS = 2  # a looped list whose files are all missing must not loop forever


@dataclass
class _Building:
    start: int
    segments: list[Segment]
    fades: list[Fade]
    gain_db: float
    title: str
    crossfaded_out: bool = False
    truncated: bool = False
    end: int = 0  # natural end: where its audio stops

    def append(self, path: str, length: int, title: str) -> None:
        self.segments.append(Segment(self.end - self.start, path, 0, length, title))
        self.end += length


@dataclass
class _Cursor:
    position: int  # where the previous item's audio ends
    previous: str = "start"  # start | file | silence
    building: _Building | None = None
    built: list[_Building] = field(default_factory=list)


def _orders(ctx: PlanContext, music: MusicLayer, span_index: int) -> Iterator[MusicItem]:
    count = len(music.items)
    last = -1
    round_number = 0
    while True:
        if music.order == "shuffle" and count > 1:
            rng = np.random.default_rng([ctx.seed_entropy, 0x5EED, span_index + 2, round_number])
            order = [int(i) for i in rng.permutation(count)]
            if order[0] == last:
                order[0], order[1] = order[1], order[0]
        else:
            order = list(range(count))
        for index in order:
            yield music.items[index]
        last = order[-1]
        round_number += 1
        if not music.loop:
            return


def plan_music(ctx: PlanContext, position: int) -> list[Clip]:
    span = ctx.spans[position]
    content = ctx.content(span)
    if content is None or content.music is None:
        return []
    music = content.music
    transitions = ctx.playlist.transitions
    start, phase_end, window_end = ctx.content_window(position)
    previous = ctx.previous_adjacent(position)
    previous_content = ctx.content(previous) if previous is not None else None
    if previous is None:
        first_fade = ctx.min_frames(transitions.fade_in)  # the session starts: from silence
    elif previous_content is None or previous_content.music is None:
        # Music enters at a phase change from none: with the change, but never faster than
        # a fade-in from silence.
        first_fade = ctx.min_frames(max(span.crossfade_s, transitions.fade_in))
    else:
        first_fade = ctx.min_frames(span.crossfade_s)
    fade_in = ctx.min_frames(transitions.fade_in)
    crossfade = ctx.min_frames(
        music.crossfade if music.crossfade is not None else transitions.crossfade
    )
    gap = ctx.frames(music.gap)
    # No item starts once the phase has ended (its content is fading out by then).
    limit = phase_end if phase_end is not None else ctx.horizon_frame
    if ctx.ended_frame is not None:
        limit = min(limit, ctx.ended_frame)

    cursor = _Cursor(position=start)
    rounds_without_sound = 0
    sounded_this_round = False
    items_in_round = 0
    for item in _orders(ctx, music, span.index):
        items_in_round += 1
        if item.silence is not None:
            cursor.position += ctx.frames(item.silence)
            cursor.previous = "silence"
            cursor.building = None
        else:
            if _place_file(ctx, music, item, cursor, first_fade, fade_in, crossfade, gap, limit):
                sounded_this_round = True
        if items_in_round == len(music.items):
            rounds_without_sound = 0 if sounded_this_round else rounds_without_sound + 1
            sounded_this_round = False
            items_in_round = 0
            if rounds_without_sound >= _MAX_EMPTY_ROUNDS:
                break
        if cursor.position >= limit:
            break

    clips = []
    for ordinal, building in enumerate(cursor.built):
        clip = _finish(ctx, span.index, start, ordinal, building, phase_end, window_end)
        if clip is not None:
            clips.append(clip)
    return clips


def _place_file(
    ctx: PlanContext,
    music: MusicLayer,
    item: MusicItem,
    cursor: _Cursor,
    first_fade: int,
    fade_in: int,
    crossfade: int,
    gap: int,
    limit: int,
) -> bool:
    """Place one file after the cursor; False when it cannot sound (missing or broken)."""
    path = item.file
    assert path is not None
    length = ctx.frames_of(path)
    broken = ctx.broken_from(path)
    if length is None or length <= 0:
        return False
    previous = cursor.building
    if cursor.previous == "file" and music.join == "gapless" and previous is not None:
        at = cursor.position
    elif cursor.previous == "file" and music.join == "crossfade" and previous is not None:
        overlap = min(crossfade, length // 2, (previous.end - previous.start) // 2)
        at = cursor.position - max(overlap, 1)
    elif cursor.previous == "file" and music.join == "gap":
        at = cursor.position + gap
    else:
        at = cursor.position
    if at >= limit:
        cursor.position = at
        return False
    if broken is not None and broken <= at:
        return False  # broken before it would start: the next item takes its place
    if cursor.previous == "file" and music.join == "gapless" and previous is not None:
        # One stream, one gain: a gapless chain (a continuous mix) plays at the gain of its
        # first item, so its internal balance is kept and no level steps at the joins.
        previous.append(path, length, title_of(path, item.title))
        building = previous
    else:
        if cursor.previous == "start":
            fade = Fade(at, first_fade, True)
        elif cursor.previous == "file" and music.join == "crossfade" and previous is not None:
            fade = Fade(at, previous.end - at, True)
            previous.fades.append(Fade(at, previous.end - at, False))
            previous.crossfaded_out = True
        elif cursor.previous == "file" and music.join == "gap" and gap == 0:
            fade = Fade(at, ctx.frames(DECLICK_S), True, "smooth")
        else:
            fade = Fade(at, fade_in, True)  # after a silence or a gap: from silence
        building = _Building(
            start=at,
            segments=[],
            fades=[fade],
            gain_db=item.gain_db + music.gain_db + ctx.normalisation_db(path),
            title=title_of(path, item.title),
            end=at,
        )
        building.append(path, length, building.title)
        cursor.built.append(building)
    cursor.building = building
    cursor.previous = "file"
    cursor.position = building.end
    if broken is not None and broken < building.end:
        # It breaks while playing: stop there with a short fade; the next item follows.
        _truncate(ctx, building, broken)
        cursor.position = broken
        cursor.previous = "silence"
        cursor.building = None
    return True


def _truncate(ctx: PlanContext, building: _Building, at: int) -> None:
    tail = ctx.frames(FAILURE_TAIL_S)
    kept = []
    for segment in building.segments:
        absolute = building.start + segment.offset_frames
        if absolute >= at:
            break
        length = min(segment.length_frames, at + tail - absolute)
        kept.append(Segment(segment.offset_frames, segment.path, 0, length, segment.title))
    building.segments = kept
    building.end = at + tail
    building.fades.append(Fade(at, tail, False, "smooth"))
    building.truncated = True


def _finish(
    ctx: PlanContext,
    span_index: int,
    span_start: int,
    ordinal: int,
    building: _Building,
    phase_end: int | None,
    window_end: int | None,
) -> Clip | None:
    fades = list(building.fades)
    end = building.end
    if not building.crossfaded_out and not building.truncated:
        declick = ctx.frames(DECLICK_S)
        fades.append(Fade(end - declick, declick, False, "smooth"))
    if phase_end is not None and window_end is not None:
        if building.start >= window_end:
            return None
        if end > phase_end:
            fades.append(Fade(phase_end, window_end - phase_end, False))
            end = min(end, window_end)
    if not ctx.starts_in_time(building.start):
        return None
    end = ctx.cap(end)
    first = building.segments[0].path
    return Clip(
        key=("music", span_index, span_start, building.start, first),
        bus="music",
        layer="music",
        start_frame=building.start,
        end_frame=end,
        segments=tuple(building.segments),
        gain_db=building.gain_db,
        fades=tuple(fades),
        title=building.title,
    )
