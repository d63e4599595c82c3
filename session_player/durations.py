"""Durations written as people write them: ``90s``, ``12m``, ``1h30m``, ``1m30.5s``, ``2h``.

A bare number means seconds. Cue times inside a phase (``start``, ``end``, ``end-1m``) are
read by ``session_player.phase_time``.
"""

from __future__ import annotations

import re

# Patterns rather than compiled: ``re`` compiles them on first use and keeps them. This module
# comes with the start screen, which never parses a duration.
_PART = r"(\d+(?:\.\d+)?)\s*(ms|h|m|s)"
_WHOLE = r"^\s*(?:\d+(?:\.\d+)?\s*(?:ms|h|m|s)\s*)+$"

MAX_DURATION_S = 7 * 24 * 3600  # a week: anything longer is a typo, not a session


class DurationError(ValueError):
    """A duration that cannot be read; the message says what is expected."""


def parse_duration_s(value: object) -> float:
    """Seconds from ``90``, ``90s``, ``12m``, ``1h30m``, ``1m30.5s``, ``250ms``."""
    if isinstance(value, bool):
        raise DurationError(f"expected a duration such as 90s, 12m or 1h30m, got {value!r}")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().lower()
        if not text:
            raise DurationError("expected a duration such as 90s, 12m or 1h30m, got an empty text")
        try:
            seconds = float(text)
        except ValueError:
            if not re.match(_WHOLE, text):
                raise DurationError(
                    f"expected a duration such as 90s, 12m or 1h30m, got {value!r}"
                ) from None
            factors = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
            seconds = sum(float(n) * factors[unit] for n, unit in re.findall(_PART, text))
    else:
        raise DurationError(
            f"expected a duration such as 90s, 12m or 1h30m, got {type(value).__name__}"
        )
    if seconds != seconds or seconds < 0:
        raise DurationError(f"a duration cannot be negative, got {value!r}")
    if seconds > MAX_DURATION_S:
        raise DurationError(f"{value!r} is longer than a week; is it a typo?")
    return seconds


def format_duration(seconds: float) -> str:
    """``1h30m``, ``12m``, ``90s`` → the shortest form people write."""
    if seconds < 0:
        return "-" + format_duration(-seconds)
    total_ms = round(seconds * 1000)
    hours, rest_ms = divmod(total_ms, 3_600_000)
    minutes, rest_ms = divmod(rest_ms, 60_000)
    secs = rest_ms / 1000
    parts = []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if secs or not parts:
        parts.append(f"{secs:g}s")
    return "".join(parts)


def format_clock(seconds: float) -> str:
    """``27:14`` or ``1:02:03``; negative times get a minus sign (before the dose)."""
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"
