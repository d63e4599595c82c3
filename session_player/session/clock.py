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
