"""Keep the sound card's clock in step with the dose clock, inaudibly.

A sound card plays at its own crystal's idea of 48 kHz, which differs from the system's
monotonic clock by tens of parts per million: tens of milliseconds an hour, a few hundred
over a long session. Cues and phase changes are scheduled on the dose clock, so that error
must be corrected. We cannot skip or repeat samples (that clicks) and we must not change the
schedule, so we resample the mix by a tiny ratio until the error is gone.

The ratio has two parts, limited separately (the engine's drift loop sets them):

- the device's own rate offset, learnt by the loop. Compensating it changes no pitch the
  patient hears: a device running 0.3 % fast plays everything 0.3 % sharp, and consuming the
  mix 0.3 % slower only undoes that. A real sound card is within about ±100 ppm of nominal;
  SDL's file-writing ``disk`` driver is off by thousands of ppm and moves with the machine's
  load. Up to ±MAX_DEVICE_OFFSET_PPM is accepted.
- the correction that draws the sound ahead or holds it back to close an error. That one
  *is* heard as a pitch change, so it stays within ±MAX_CORRECTION_PPM (8.6 cents, below what
  listeners notice on sustained ambient sound).

When no correction is needed the ratio is exactly 1 and the read position stays on whole
samples, so the audio passes through bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

MAX_CORRECTION_PPM = 5000.0  # the audible part: pitch away from the device's own rate
MAX_DEVICE_OFFSET_PPM = 20000.0  # the device's rate, as learnt (a third of a semitone)
MAX_RATIO_PPM = MAX_DEVICE_OFFSET_PPM + MAX_CORRECTION_PPM  # the resampler's own bound


class DriftCorrector:
    """Pulls frames from ``source(frames)`` and hands them on at an adjustable ratio."""

    def __init__(
        self, source: Callable[[int], np.ndarray], channels: int = 2, sample_rate: int = 48000
    ) -> None:
        self._source = source
        self._sample_rate = sample_rate
        self._buffer = np.zeros((0, channels), dtype=np.float32)
        self._position = 0.0  # fractional read position in the buffer
        self.ratio = 1.0  # source frames consumed per output frame
        self.source_frames = 0  # frames taken from the source so far

    def set_ratio(self, ratio: float) -> None:
        """Source frames per output frame, clamped to ±MAX_RATIO_PPM around 1."""
        limit = MAX_RATIO_PPM * 1e-6
        self.ratio = 1.0 + float(np.clip(ratio - 1.0, -limit, limit))

    def pull(self, frames: int) -> np.ndarray:
        if self.ratio == 1.0 and self._position == 0.0:
            return self._take_exact(frames)
        steps = self._position + self.ratio * np.arange(frames, dtype=np.float64)
        needed = int(np.floor(steps[-1])) + 2
        self._fill(needed)
        whole = steps.astype(np.intp)  # steps are >= 0: truncation is floor
        fraction = (steps - whole).astype(np.float32)[:, None]
        # Linear interpolation as a + (b - a) * f, in place. np.take is several times
        # faster than fancy indexing of rows, and this runs for every block of the session.
        before = np.take(self._buffer, whole, axis=0)
        out = np.take(self._buffer, whole + 1, axis=0)
        out -= before
        out *= fraction
        out += before
        advanced = self._position + self.ratio * frames
        consumed = int(np.floor(advanced))
        self._buffer = self._buffer[consumed:]
        self._position = advanced - consumed
        if self.ratio == 1.0 and self._position < 1e-9:
            self._position = 0.0
        return out.astype(np.float32, copy=False)

    def _take_exact(self, frames: int) -> np.ndarray:
        self._fill(frames)
        out = self._buffer[:frames]
        self._buffer = self._buffer[frames:]
        return out

    def _fill(self, frames: int) -> None:
        missing = frames - len(self._buffer)
        if missing > 0:
            fresh = np.asarray(self._source(missing), dtype=np.float32)
            self.source_frames += len(fresh)
            self._buffer = np.concatenate([self._buffer, fresh]) if len(self._buffer) else fresh

    @property
    def buffered_source_s(self) -> float:
        """Source audio taken but not yet handed on (counts towards the output latency)."""
        return (len(self._buffer) - self._position) / self._sample_rate
