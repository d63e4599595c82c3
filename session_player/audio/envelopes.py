"""Gain curves over time: fades of one clip, and gain lanes of a bus.

Both are evaluated for a whole block at once (numpy, no per-sample Python), and both say
"constant over this block" with a plain float, which is by far the common case: the mixer
then multiplies by a scalar instead of a vector.

Shapes:

- ``equal_power``: sin/cos quarter waves. A crossfade made of an equal-power fade-out and
  fade-in keeps the summed power of two uncorrelated signals constant (cos² + sin² = 1), so
  a crossfade between two pieces neither dips nor swells. Used for music and beds.
- ``smooth``: raised cosine (sin²), with zero slope at both ends. Used for the short
  de-click fades of bells, voice, one-shots and stops: a short fade with a kink at its start
  is itself a faint click.

Lanes ramp in linear amplitude with the raised-cosine shape, starting from wherever the
lane was when the event arrived (even in the middle of a previous ramp), so a gain change
never jumps, and "silence" (gain 0) is a ramp like any other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

Shape = Literal["equal_power", "smooth"]
Gain = float | np.ndarray  # a float when constant over the block


def shape_values(u: np.ndarray, rising: bool, shape: Shape) -> np.ndarray:
    """Fade gain at positions ``u`` in [0, 1] along the fade."""
    if shape == "equal_power":
        return np.sin(u * (math.pi / 2)) if rising else np.cos(u * (math.pi / 2))
    rise = 0.5 - 0.5 * np.cos(u * math.pi)
    return rise if rising else 1.0 - rise


@dataclass(frozen=True)
class Fade:
    """A fade in (0→1) or out (1→0) over [start_frame, start_frame + length_frames)."""

    start_frame: int
    length_frames: int
    rising: bool
    shape: Shape = "equal_power"

    @property
    def end_frame(self) -> int:
        return self.start_frame + self.length_frames

    def value_at(self, frame: int) -> float:
        value = self.block(frame, 1)
        return value if isinstance(value, float) else float(value[0])

    def block(self, start: int, frames: int) -> Gain:
        end = start + frames
        if end <= self.start_frame:
            return 0.0 if self.rising else 1.0
        if start >= self.end_frame:
            return 1.0 if self.rising else 0.0
        length = max(self.length_frames, 1)
        u = (np.arange(start, end, dtype=np.float64) - self.start_frame) / length
        np.clip(u, 0.0, 1.0, out=u)
        return shape_values(u, self.rising, self.shape)


def fades_block(fades: tuple[Fade, ...], start: int, frames: int) -> Gain:
    """The product of several fades over a block."""
    gain: Gain = 1.0
    for fade in fades:
        value = fade.block(start, frames)
        if isinstance(value, float):
            if value == 1.0:
                continue
            if value == 0.0:
                return 0.0
        gain = gain * value
    return gain


def smoothstep(u: np.ndarray) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(np.clip(u, 0.0, 1.0) * math.pi)


class Lane:
    """A bus gain over time, from events (at_frame, target_gain, ramp_frames).

    Before the first event the lane holds ``initial``. Each event ramps from the lane's
    value at its start to its target; a later event interrupts an unfinished ramp. Of
    events at the same frame, each starts from the previous one's target.
    """

    def __init__(self, initial: float, events: list[tuple[int, float, int]] = ()) -> None:
        ordered = sorted(events, key=lambda e: e[0])  # stable: same-time events keep order
        self.initial = float(initial)
        starts, ramps, from_gain, to_gain = [], [], [], []
        value = self.initial
        for index, (at, target, ramp) in enumerate(ordered):
            if index and int(at) == starts[-1]:
                # Events at the same instant apply in order, the earlier ones at once: "set
                # silence, then fade in" (how a session starts) fades in from silence.
                value = to_gain[-1]
            elif index:
                value = _ramp_value(starts[-1], ramps[-1], from_gain[-1], to_gain[-1], at)
            starts.append(int(at))
            ramps.append(max(int(ramp), 1))
            from_gain.append(value)
            to_gain.append(float(target))
        self.starts = np.asarray(starts, dtype=np.int64)
        self.ramps = np.asarray(ramps, dtype=np.int64)
        self.from_gain = np.asarray(from_gain, dtype=np.float64)
        self.to_gain = np.asarray(to_gain, dtype=np.float64)
        self.is_constant = not starts or (
            len(set(to_gain)) == 1 and to_gain[0] == self.initial and from_gain[0] == self.initial
        )

    def value_at(self, frame: int) -> float:
        index = int(np.searchsorted(self.starts, frame, side="right")) - 1
        if index < 0:
            return self.initial
        return _ramp_value(
            int(self.starts[index]),
            int(self.ramps[index]),
            float(self.from_gain[index]),
            float(self.to_gain[index]),
            frame,
        )

    def block(self, start: int, frames: int) -> Gain:
        if self.is_constant:
            return self.initial
        first = int(np.searchsorted(self.starts, start, side="right")) - 1
        last = int(np.searchsorted(self.starts, start + frames - 1, side="right")) - 1
        if first == last:
            if first < 0:
                return self.initial
            if start >= self.starts[first] + self.ramps[first]:
                return float(self.to_gain[first])
        t = np.arange(start, start + frames, dtype=np.int64)
        index = np.searchsorted(self.starts, t, side="right") - 1
        safe = np.maximum(index, 0)
        u = (t - self.starts[safe]) / self.ramps[safe]
        values = self.from_gain[safe] + (self.to_gain[safe] - self.from_gain[safe]) * smoothstep(u)
        if first < 0:
            values[index < 0] = self.initial
        return values


def _ramp_value(start: int, ramp: int, v0: float, v1: float, frame: int) -> float:
    if frame >= start + ramp:
        return v1
    if frame <= start:
        return v0
    u = (frame - start) / ramp
    return v0 + (v1 - v0) * (0.5 - 0.5 * math.cos(u * math.pi))


def db_to_gain(gain_db: float | None) -> float:
    """Decibels to a linear factor; None (silence) is 0."""
    if gain_db is None:
        return 0.0
    return 10.0 ** (gain_db / 20.0)
