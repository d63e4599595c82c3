"""Time sources for the session: one monotonic clock and one wall clock, both injectable.

The session never reads the time any other way, so a test drives a three-hour arc in
milliseconds by advancing a ``FakeClock``.

- The **monotonic clock** (``time.monotonic`` in production) measures durations within one
  run of the app. It never jumps, but it does not survive a restart: its zero is arbitrary.
- The **wall clock** (``time.time``) stamps journal events for people and measures the one
  gap the monotonic clock cannot see: the time the app was away after a crash.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Protocol


class Clock(Protocol):
    """Monotonic seconds with an arbitrary zero (``time.monotonic`` in production)."""

    def __call__(self) -> float: ...


WallClock = Callable[[], float]
"""Seconds since the Unix epoch (``time.time`` in production)."""

SYSTEM_CLOCK: Clock = time.monotonic
SYSTEM_WALL_CLOCK: WallClock = time.time


class FakeClock:
    """A monotonic clock for tests, with a wall clock that moves with it.

    ``clock()`` gives monotonic seconds; ``clock.wall()`` gives epoch seconds. ``advance``
    moves both, as real time does; ``jump_wall`` moves only the wall clock (an NTP step).
    A crash and restart is simulated with a new ``FakeClock`` whose ``wall_start_s`` is later
    and whose monotonic zero is different.
    """

    def __init__(self, start_s: float = 1000.0, wall_start_s: float = 1_767_225_600.0) -> None:
        # Defaults: an arbitrary monotonic origin, and 2026-01-01T00:00:00Z for the wall.
        self._now_s = float(start_s)
        self._wall_offset_s = float(wall_start_s) - float(start_s)

    def __call__(self) -> float:
        return self._now_s

    def wall(self) -> float:
        return self._now_s + self._wall_offset_s

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"a monotonic clock cannot go back (advance by {seconds})")
        self._now_s += seconds

    def set(self, now_s: float) -> None:
        """Set the monotonic time; the wall clock moves by the same amount."""
        if now_s < self._now_s:
            raise ValueError(f"a monotonic clock cannot go back ({now_s} < {self._now_s})")
        self._now_s = float(now_s)

    def jump_wall(self, seconds: float) -> None:
        """Step the wall clock alone (forward or back), as an NTP correction would."""
        self._wall_offset_s += seconds


class ScaledClock:
    """A monotonic clock that runs ``speed`` times faster than the clock under it (rehearsals).

    Its zero is the base clock's reading when it was made, so a session started on it begins
    near the base clock's time, and every second of the base clock is ``speed`` seconds here.
    A rehearsal runs the real session timeline on it: the arc, the vitals checks and the
    journal see a whole session in minutes, with no sleeps and no special cases. Only the
    monotonic clock is scaled; journal wall stamps stay the real time of day.
    """

    def __init__(self, base: Clock, speed: float) -> None:
        if not speed > 0 or speed != speed or speed == float("inf"):
            raise ValueError(f"a clock speed must be a positive number (not {speed})")
        self.base = base
        self.speed = float(speed)
        self._origin_s = float(base())

    def __call__(self) -> float:
        return self._origin_s + (self.base() - self._origin_s) * self.speed


def wall_iso(wall_s: float) -> str:
    """ISO 8601 in local time with its UTC offset, to the microsecond (``…T10:42:07.123456+02:00``).

    Local time because clinicians read the journal; the offset makes it unambiguous, and the
    microseconds make ``wall_from_iso(wall_iso(x))`` exact to 1 µs.
    """
    return (
        datetime.fromtimestamp(wall_s, tz=timezone.utc).astimezone().isoformat("T", "microseconds")
    )


def wall_from_iso(text: str) -> float:
    """Epoch seconds from ``wall_iso`` output (or any ISO 8601 text with an offset)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:  # not written by us; assume local time like wall_iso
        moment = moment.astimezone()
    return moment.timestamp()
