"""Look-ahead peak limiter and hard ceiling: no output sample ever exceeds the ceiling.

Vectorised per block (no per-sample Python). The signal is cut into sub-blocks of
``SUB_BLOCK_FRAMES`` (1.3 ms); the limiter delays it by ``latency_frames`` (look-ahead plus
one sub-block, 6.7 ms) so that it can see peaks coming:

1. the peak of each sub-block gives the gain that sub-block needs (threshold / peak, in dB);
2. the gain at each sub-block boundary is the lowest of: what the sub-blocks on either side
   need, and, for the next ``LOOKAHEAD_SUB_BLOCKS`` sub-blocks, a linear-in-dB ramp down
   towards what they need (the attack, spread over the look-ahead);
3. release: the gain may rise by at most ``release_db_per_s`` (exponential recovery in
   amplitude), computed for all boundaries at once as a running minimum;
4. the gain is interpolated linearly between boundaries, frame by frame.

Since both boundary gains of a sub-block are at most what its own peak needs, and a linear
interpolation stays between them, every limited sample is at most the threshold, which sits
``margin_db`` under the ceiling. The hard clamp at the ceiling after it is a safety net that
should never engage; ``clamp_count`` counts the samples it touched (for tests).
"""

from __future__ import annotations

import numpy as np

SUB_BLOCK_FRAMES = 64
LOOKAHEAD_SUB_BLOCKS = 4  # 256 frames = 5.3 ms at 48 kHz
RELEASE_DB_PER_S = 30.0  # 6 dB of gain reduction recovers in 0.2 s
MARGIN_DB = 0.3
_TINY = 1e-12


class PeakLimiter:
    def __init__(
        self,
        ceiling_dbfs: float,
        sample_rate_hz: int = 48000,
        *,
        release_db_per_s: float = RELEASE_DB_PER_S,
        margin_db: float = MARGIN_DB,
        channels: int = 2,
    ) -> None:
        self.ceiling = float(10.0 ** (ceiling_dbfs / 20.0))
        self.threshold_db = ceiling_dbfs - margin_db
        self.release_step_db = release_db_per_s * SUB_BLOCK_FRAMES / sample_rate_hz
        self.channels = channels
        self.latency_frames = (LOOKAHEAD_SUB_BLOCKS + 1) * SUB_BLOCK_FRAMES
        # Attack weights: a boundary d sub-blocks before a peak takes (1 - d/(A+1)) of its
        # reduction, so the gain ramps down over the look-ahead instead of stepping.
        self._attack = 1.0 - np.arange(1, LOOKAHEAD_SUB_BLOCKS + 1) / (LOOKAHEAD_SUB_BLOCKS + 1)
        self._ramp = (np.arange(SUB_BLOCK_FRAMES, dtype=np.float32) / SUB_BLOCK_FRAMES)[None, :]
        self.clamp_count = 0
        self.reset()

    def reset(self) -> None:
        self._delay = np.zeros((self.latency_frames, self.channels), dtype=np.float32)
        self._gain_db = 0.0  # gain at the next output boundary
        self.gain_reduction_db = 0.0

    def process(self, block: np.ndarray) -> np.ndarray:
        """Limit ``block`` (frames multiple of SUB_BLOCK_FRAMES); returns as many frames,
        delayed by ``latency_frames``."""
        frames = len(block)
        if frames % SUB_BLOCK_FRAMES:
            raise ValueError("the limiter works on whole sub-blocks")
        if frames == 0:
            return block
        y = np.concatenate([self._delay, block.astype(np.float32, copy=False)])
        count = frames // SUB_BLOCK_FRAMES
        peaks = np.abs(y).reshape(-1, SUB_BLOCK_FRAMES * self.channels).max(axis=1)
        need_db = np.minimum(0.0, self.threshold_db - 20.0 * np.log10(np.maximum(peaks, _TINY)))
        out = y[:frames]
        self._delay = y[frames:].copy()
        if self._gain_db == 0.0 and not need_db.any():
            self.gain_reduction_db = 0.0
            return self._clamp(out)
        # Boundaries 1..count: sub-block j-1 ends and j starts there.
        candidate = np.minimum(need_db[0:count], need_db[1 : count + 1])
        for d, weight in enumerate(self._attack, start=1):
            candidate = np.minimum(candidate, need_db[1 + d : count + 1 + d] * weight)
        anchored = np.concatenate([[self._gain_db], candidate])
        steps = self.release_step_db * np.arange(count + 1)
        gains_db = np.minimum(np.minimum.accumulate(anchored - steps) + steps, 0.0)
        gains = (10.0 ** (gains_db / 20.0)).astype(np.float32)
        per_frame = gains[:-1, None] + (gains[1:] - gains[:-1])[:, None] * self._ramp
        out = out * per_frame.reshape(-1, 1)
        self._gain_db = float(gains_db[-1])
        self.gain_reduction_db = -float(gains_db.min())
        return self._clamp(out)

    def _clamp(self, out: np.ndarray) -> np.ndarray:
        over = np.abs(out) > self.ceiling
        if over.any():
            self.clamp_count += int(over.sum())
            out = np.clip(out, -self.ceiling, self.ceiling)
        return out
