"""The buffer between the render thread and the sound card, and the rules that keep it click-free.

A producer thread writes rendered blocks ahead of time into a fixed ring (no allocation, no
rendering in the audio callback); the SDL callback only copies out of it. Everything that
could make a discontinuity is handled here, sample by sample, so it can be tested without
any sound device:

- **Underrun** (the ring runs dry): the rest of the buffer is silence, reached by a short
  raised-cosine decay from the last sample played, never a step. When audio returns it
  fades in over the same length. The decay and the fade-in overlap so that their gains sum
  to at most 1: the output never exceeds what was already below the ceiling.
- **The stream stays in step with time.** Frames that the device asked for but did not get
  are owed (``debt``) and skipped when they arrive, and while no device is attached the
  sink discards frames at real-time pace (``discard``). So stream frame *k* always plays at
  device time *k / rate*: a cue rendered at 12:00 is heard at 12:00 after an underrun or an
  unplugged headset, instead of slipping later by every gap.
- **Stop** fades out over a requested length, then outputs silence.

Counters (under the lock, read with :meth:`snapshot`): ``frames_played`` counts stream frames
consumed by the device clock (played, skipped or discarded); ``frames_delivered`` counts
the ones actually handed to a device.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np


def fade_in_curve(frames: int) -> np.ndarray:
    """Gains rising from just above 0 to just below 1 (raised cosine), ``frames`` long."""
    k = np.arange(1, frames + 1, dtype=np.float64)
    return (np.sin(0.5 * np.pi * k / (frames + 1)) ** 2).astype(np.float32)


def decay_curve(frames: int) -> np.ndarray:
    """Gains falling from exactly 1 towards 0 (raised cosine): continues the last sample."""
    k = np.arange(frames, dtype=np.float64)
    return (np.cos(0.5 * np.pi * k / frames) ** 2).astype(np.float32)


def fade_out_curve(frames: int) -> np.ndarray:
    """Gains falling from just below 1 to exactly 0 (raised cosine)."""
    k = np.arange(1, frames + 1, dtype=np.float64)
    gains = (np.cos(0.5 * np.pi * k / frames) ** 2).astype(np.float32)
    gains[-1] = 0.0  # cos(pi/2) is 6e-17 in floating point, not 0
    return gains


@dataclass(frozen=True)
class FeedSnapshot:
    frames_played: int
    frames_delivered: int
    last_fill_frames: int
    last_fill_s: float | None
    buffered_frames: int
    underruns: int
    primed: bool
    frames_unprimed: int = 0  # silence handed to the device before the stream began


class Feed:
    def __init__(
        self,
        capacity_frames: int,
        channels: int = 2,
        fade_frames: int = 480,
        prime_frames: int | None = None,
    ):
        if capacity_frames <= 0 or fade_frames <= 0:
            raise ValueError("capacity and fade lengths must be positive")
        self.capacity = int(capacity_frames)
        self.channels = int(channels)
        self.fade_frames = int(fade_frames)
        self.prime_frames = int(prime_frames if prime_frames is not None else capacity_frames // 2)
        self._buf = np.zeros((self.capacity, self.channels), dtype=np.float32)
        self._fade_in = fade_in_curve(self.fade_frames)
        self._decay = decay_curve(self.fade_frames)
        self._lock = threading.Lock()
        # The producer is woken only when this much space is free (it renders that much at a
        # time): waking it after every device buffer to find too little room wastes CPU.
        self.wake_free_frames = 1
        self.space_available = threading.Event()
        self.fade_out_done = threading.Event()
        self._generation: int | None = None
        self._stream = 0  # which stream the ring holds (new_stream); older writes are dropped
        self._reset_locked()

    # -- state -------------------------------------------------------------------------
    def _reset_locked(self) -> None:
        self._read = 0
        self._write = 0
        self._debt = 0
        self._primed = False
        self._frames_played = 0
        self._frames_delivered = 0
        self._frames_unprimed = 0
        self._last_fill_frames = 0
        self._last_fill_s: float | None = None
        self._underruns = 0
        self._in_gap = False
        self._fade_in_pos = self.fade_frames
        self._tail = np.zeros(self.channels, dtype=np.float32)
        self._tail_pos = self.fade_frames
        self._last_out = np.zeros(self.channels, dtype=np.float32)
        self._fade_out: np.ndarray | None = None
        self._fade_out_pos = 0
        self._silenced = False
        self.fade_out_done.clear()
        self.space_available.set()

    def reset(self) -> None:
        """Forget all buffered audio and counters (a fresh stream)."""
        with self._lock:
            self._reset_locked()

    @property
    def stream(self) -> int:
        """The current stream's number, for ``write(block, stream)``."""
        return self._stream

    def new_stream(self) -> int:
        """Forget the buffered audio and counters: the next frame written is a new stream's
        frame 0, played once the ring is primed again (silence until then). The device stays
        attached. A block rendered for the old stream and written later is dropped. Call it
        after a fade-out (``request_fade_out``): what was playing stops where it is."""
        with self._lock:
            self._stream += 1
            self._reset_locked()
            return self._stream

    def attach(self, generation: int) -> None:
        """Let the device callback of ``generation`` consume; any other generation gets silence.

        The first audio after attaching fades in (a device that returns mid-stream)."""
        with self._lock:
            self._generation = generation
            if self._frames_played:
                self._start_fade_in_locked()

    def detach(self) -> None:
        """No device consumes any more (its late callbacks get silence)."""
        with self._lock:
            self._generation = None
            self._start_fade_in_locked()

    def _start_fade_in_locked(self) -> None:
        self._in_gap = True
        self._fade_in_pos = 0
        self._tail_pos = self.fade_frames  # a vanished device has no tail to finish
        self._tail[:] = 0.0
        self._last_out[:] = 0.0

    def snapshot(self) -> FeedSnapshot:
        with self._lock:
            return FeedSnapshot(
                self._frames_played,
                self._frames_delivered,
                self._last_fill_frames,
                self._last_fill_s,
                self._write - self._read,
                self._underruns,
                self._primed,
                self._frames_unprimed,
            )

    def take_underruns(self) -> int:
        with self._lock:
            count, self._underruns = self._underruns, 0
            return count

    # -- producer side -----------------------------------------------------------------
    def free_frames(self) -> int:
        with self._lock:
            return self.capacity - (self._write - self._read)

    def write(self, block: np.ndarray, stream: int | None = None) -> int:
        """Append up to the free space; returns how many frames were taken. With ``stream``,
        a block of an older stream (see ``new_stream``) is dropped (0)."""
        with self._lock:
            if stream is not None and stream != self._stream:
                return 0
            count = min(len(block), self.capacity - (self._write - self._read))
            if count <= 0:
                self.space_available.clear()
                return 0
            self._copy_in_locked(block[:count])
            self._write += count
            if not self._primed and self._write - self._read >= self.prime_frames:
                self._primed = True
            return count

    def _copy_in_locked(self, block: np.ndarray) -> None:
        start = self._write % self.capacity
        first = min(len(block), self.capacity - start)
        self._buf[start : start + first] = block[:first]
        if first < len(block):
            self._buf[: len(block) - first] = block[first:]

    def _copy_out_locked(self, out: np.ndarray) -> None:
        start = self._read % self.capacity
        first = min(len(out), self.capacity - start)
        out[:first] = self._buf[start : start + first]
        if first < len(out):
            out[first:] = self._buf[: len(out) - first]

    # -- consumer side -----------------------------------------------------------------
    def _consume_locked(self, frames: int) -> int:
        """Pay the debt first, then take up to ``frames``; returns frames available to take."""
        available = self._write - self._read
        paid = min(self._debt, available)
        self._read += paid
        self._debt -= paid
        return min(available - paid, frames)

    def discard(self, frames: int, now_s: float) -> None:
        """Advance the stream by ``frames`` with no device (it keeps time while lost)."""
        if frames <= 0:
            return
        with self._lock:
            self._primed = True
            take = self._consume_locked(frames)
            self._read += take
            self._debt += frames - take
            self._frames_played += frames
            self._last_fill_frames = frames
            self._last_fill_s = now_s
            self.space_available.set()

    def fill(self, out: np.ndarray, now_s: float, generation: int | None = None) -> None:
        """The device callback: fill ``out`` (frames x channels, float32) completely."""
        frames = len(out)
        with self._lock:
            if generation is not None and generation != self._generation:
                out[:] = 0.0
                return
            if self._silenced or not self._primed:
                out[:] = 0.0
                if not self._primed:
                    # Not part of the stream (frame 0 has not been played yet), but a
                    # recording device (SDL's disk driver) writes it: count it for them.
                    self._frames_unprimed += frames
                return
            take = self._consume_locked(frames)
            if take:
                self._copy_out_locked(out[:take])
                self._read += take
            missing = frames - take
            self._debt += missing
            self._frames_played += frames
            self._frames_delivered += frames
            self._last_fill_frames = frames
            self._last_fill_s = now_s
            self._shape_locked(out, take)
            self._apply_fade_out_locked(out)
            if self.capacity - (self._write - self._read) >= self.wake_free_frames:
                self.space_available.set()

    def _shape_locked(self, out: np.ndarray, take: int) -> None:
        if take:
            fade = self.fade_frames
            if self._fade_in_pos < fade:
                count = min(fade - self._fade_in_pos, take)
                gains = self._fade_in[self._fade_in_pos : self._fade_in_pos + count]
                out[:count] *= gains[:, None]
                self._fade_in_pos += count
            self._add_tail_locked(out, 0, take)  # a decay still running overlaps the fade-in
            self._in_gap = False
        if take < len(out):
            out[take:] = 0.0
            if not self._in_gap:
                # A new underrun: decay from the last sample actually output, never a step.
                self._tail = np.array(out[take - 1] if take else self._last_out, np.float32)
                self._tail_pos = 0
                self._fade_in_pos = 0
                self._in_gap = True
                self._underruns += 1
            self._add_tail_locked(out, take, len(out))
        self._last_out = out[-1].copy()

    def _add_tail_locked(self, out: np.ndarray, begin: int, end: int) -> None:
        count = min(self.fade_frames - self._tail_pos, end - begin)
        if count <= 0:
            return
        gains = self._decay[self._tail_pos : self._tail_pos + count]
        out[begin : begin + count] += gains[:, None] * self._tail
        self._tail_pos += count

    # -- stopping ----------------------------------------------------------------------
    def request_fade_out(self, frames: int) -> None:
        """Fade whatever plays next down to silence over ``frames``, then stay silent."""
        with self._lock:
            if self._silenced or self._fade_out is not None:
                return  # already silent or fading: restarting the fade would jump back up
            if frames <= 0 or not self._primed or self._generation is None:
                self._silenced = True
                self.fade_out_done.set()
                return
            self._fade_out = fade_out_curve(frames)
            self._fade_out_pos = 0

    def _apply_fade_out_locked(self, out: np.ndarray) -> None:
        if self._fade_out is None:
            return
        remaining = len(self._fade_out) - self._fade_out_pos
        count = min(remaining, len(out))
        out[:count] *= self._fade_out[self._fade_out_pos : self._fade_out_pos + count][:, None]
        out[count:] = 0.0
        self._fade_out_pos += count
        if self._fade_out_pos >= len(self._fade_out):
            self._fade_out = None
            self._silenced = True
            self._last_out[:] = 0.0
            self.fade_out_done.set()
