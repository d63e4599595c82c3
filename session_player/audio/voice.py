"""One playing clip: reads its chain of segments as one continuous stream.

A voice follows its clip's segments (a music item, a gapless chain, a looping bed) and
keeps one open source for the segment it is in, plus the next one opened ahead of time
(``PREFETCH_S``), so that the switch at a join or loop point happens on the exact frame
with the data already decoded.

When a file breaks (``DecodeError``: missing, damaged, truncated, ffmpeg stalled), the
voice cannot fade out audio it no longer has. It plays the last ``FAILURE_TAIL_S`` it did
have, time-reversed and faded out: the reversal meets the last sample exactly (no
discontinuity), and the fade takes it to silence within 50 ms. The mixer reports the
failure and re-plans so that the layer moves on.
"""

from __future__ import annotations

import numpy as np

from session_player.audio.clips import FAILURE_TAIL_S, Clip
from session_player.audio.decoder import CHANNELS, DecodeError
from session_player.audio.envelopes import shape_values
from session_player.audio.sources import Source, SourceOpener

PREFETCH_S = 2.0  # ffmpeg needs 20-110 ms to start: open the next file this early
EARLY_END_TOLERANCE_S = 0.25  # a file this much shorter than measured is broken


class Voice:
    def __init__(self, clip: Clip, opener: SourceOpener, prefetch_s: float = PREFETCH_S) -> None:
        self.clip = clip
        self.opener = opener
        rate = opener.sample_rate_hz
        self._prefetch_frames = int(prefetch_s * rate)
        self._tolerance_frames = int(EARLY_END_TOLERANCE_S * rate)
        self._tail_frames = max(1, int(FAILURE_TAIL_S * rate))
        self._source: Source | None = None
        self._where: tuple[int, int] | None = None  # (loop cycle, segment index) of _source
        self._inner = 0  # frames read from the current segment
        self._next: tuple[tuple[int, int], int, Source] | None = None  # (where, inner, source)
        self._history = np.zeros((self._tail_frames, CHANNELS), dtype=np.float32)
        self._tail: np.ndarray | None = None
        self.failure: tuple[str, int, str] | None = None  # (path, clip offset, message)
        self.failure_reported = False
        self.current_path: str | None = None
        self.current_title: str = clip.title
        self.current_position_frames = 0
        self.current_length_frames = 0
        self.last_gain = 0.0  # gain applied to the last mixed frame (for glides)
        self.glide: tuple[int, int, float] | None = None  # (start frame, frames, from gain)
        # How far the mixer moved this clip from where the plan put it (a cue placed on the
        # live output's clock, see Mixer.set_cue_offset_s); ``clip`` is already moved.
        self.shift_frames = 0

    # --- positioning ---------------------------------------------------------------------

    def _locate(self, offset: int) -> tuple[tuple[int, int], int, int] | None:
        """((cycle, index), inner offset, frames left in the segment) at a clip offset."""
        clip = self.clip
        if offset < 0:
            return None
        if not clip.loop_frames and offset >= clip.content_frames:
            return None
        found = clip.segment_at(offset)
        if found is None:
            return None
        index, segment, inner = found
        cycle = offset // clip.loop_frames if clip.loop_frames else 0
        return (cycle, index), inner, segment.length_frames - inner

    def _following(self, where: tuple[int, int]) -> tuple[int, int] | None:
        cycle, index = where
        if index + 1 < len(self.clip.segments):
            return cycle, index + 1
        if self.clip.loop_frames:
            return cycle + 1, 0
        return None

    def _segment_offset(self, where: tuple[int, int]) -> int:
        """Clip offset where the segment (in that loop cycle) starts."""
        cycle_start = where[0] * (self.clip.loop_frames or 0)
        return cycle_start + self.clip.segments[where[1]].offset_frames

    def _open(self, where: tuple[int, int], inner: int) -> Source:
        segment = self.clip.segments[where[1]]
        return self.opener.open(
            segment.path, segment.file_start_frame + inner, segment.length_frames - inner
        )

    def prefetch(self, offset: int) -> None:
        """Open the source for clip offset ``offset`` (≥ 0) ahead of time."""
        if self.failure is not None or self._source is not None or self._next is not None:
            return
        located = self._locate(max(offset, 0))
        if located is None:
            return
        where, inner, _ = located
        try:
            self._next = (where, inner, self._open(where, inner))
        except DecodeError as exc:
            self._fail(where, self._segment_offset(where) + inner, str(exc))

    def update_clip(self, clip: Clip) -> None:
        """The same clip re-planned (a later end, more segments, other fades)."""
        self.clip = clip

    # --- reading --------------------------------------------------------------------------

    def read(self, out: np.ndarray, offset: int) -> None:
        """Fill ``out`` with the clip's source samples for clip offsets [offset, offset+n)."""
        frames = len(out)
        filled = 0
        if offset < 0:
            filled = min(-offset, frames)
            out[:filled] = 0.0
        while filled < frames:
            position = offset + filled
            if self.failure is not None and position >= self.failure[1]:
                self._remember(out[:filled])
                self._read_tail(out[filled:])
                return
            located = self._locate(position)
            if located is None:
                out[filled:] = 0.0
                self._close_sources()
                break
            where, inner, left = located
            take = min(frames - filled, left)
            if self.failure is not None:
                take = min(take, self.failure[1] - position)
            try:
                source = self._source_for(where, inner)
                got = source.read_into(out[filled : filled + take])
            except DecodeError as exc:
                self._fail(where, position, str(exc))
                continue  # the tail starts here
            if got < take:
                if left - got > self._tolerance_frames:
                    self._fail(where, position + got, "the file ended early (is it truncated?)")
                    filled += got
                    continue
                out[filled + got : filled + take] = 0.0  # a few frames short: pad
            self._inner += take
            filled += take
            self._note_position(where, inner + take)
            if take == left:
                self._finish_segment(where)
        self._remember(out)
        self._prefetch_next(offset + frames)

    def _source_for(self, where: tuple[int, int], inner: int) -> Source:
        if self._source is not None and self._where == where and self._inner == inner:
            return self._source
        self._close_current()
        if self._next is not None and self._next[0] == where and self._next[1] == inner:
            source = self._next[2]
            self._next = None
        else:
            if self._next is not None:
                self._next[2].close()
                self._next = None
            source = self._open(where, inner)
        self._source, self._where, self._inner = source, where, inner
        return source

    def _finish_segment(self, where: tuple[int, int]) -> None:
        self._close_current()
        following = self._following(where)
        if following is not None and self._next is None and self.failure is None:
            self._open_next(following)

    def _prefetch_next(self, offset: int) -> None:
        if self._where is None or self._next is not None or self.failure is not None:
            return
        located = self._locate(offset)
        if located is None:
            return
        _, _, left = located
        if left <= self._prefetch_frames:
            following = self._following(self._where)
            if following is not None:
                self._open_next(following)

    def _open_next(self, where: tuple[int, int]) -> None:
        try:
            self._next = (where, 0, self._open(where, 0))
        except DecodeError as exc:
            # The current segment plays on; the tail starts where the broken one would have.
            self._fail(where, self._segment_offset(where), str(exc), close_current=False)

    def _note_position(self, where: tuple[int, int], inner: int) -> None:
        segment = self.clip.segments[where[1]]
        self.current_path = segment.path
        self.current_title = segment.title or self.clip.title
        self.current_position_frames = segment.file_start_frame + inner
        self.current_length_frames = segment.file_start_frame + segment.length_frames

    # --- failure -------------------------------------------------------------------------

    def _fail(
        self, where: tuple[int, int], offset: int, message: str, close_current: bool = True
    ) -> None:
        if self.failure is None:
            self.failure = (self.clip.segments[where[1]].path, offset, message)
        if close_current:
            self._close_sources()
        elif self._next is not None:
            self._next[2].close()
            self._next = None

    def _read_tail(self, out: np.ndarray) -> None:
        if self._tail is None:
            # The last 50 ms we played, reversed (it meets the last sample exactly), faded.
            self._close_sources()
            u = np.linspace(0.0, 1.0, self._tail_frames, dtype=np.float64)
            fade = shape_values(u, False, "smooth").astype(np.float32)[:, None]
            self._tail = self._history[::-1] * fade
        out[:] = 0.0
        take = min(len(out), len(self._tail))
        out[:take] = self._tail[:take]
        self._tail = self._tail[take:]

    def _remember(self, written: np.ndarray) -> None:
        if len(written) >= self._tail_frames:
            self._history[:] = written[-self._tail_frames :]
        elif len(written):
            self._history = np.concatenate([self._history[len(written) :], written])

    # --- closing -------------------------------------------------------------------------

    def _close_current(self) -> None:
        if self._source is not None:
            self._source.close()
        self._source, self._where, self._inner = None, None, 0

    def _close_sources(self) -> None:
        self._close_current()
        if self._next is not None:
            self._next[2].close()
            self._next = None

    def close(self) -> None:
        self._close_sources()
