"""Durations written as people write them: ``90s``, ``12m``, ``12 minutes``, ``1h 30m``,
``1 hour 30 minutes``, ``1.5h``, ``250ms``.

A bare number means seconds. Exactly which spellings are read is in docs/playlist-format.md
(section 4) and in ``UNITS`` below; the JSON Schema's patterns are built from the same table
and ``MAX_DURATION_S`` (``playlist/schema_patterns.py``), so editors and the validator agree
(tests/playlist/test_schema_agrees_with_validate.py). Cue times inside a phase
(``start``, ``2m``, ``end``, ``end-1m``) are read by ``parse_phase_time`` at the end.

The start screen imports this module at launch for its formatting, so it defines no
dataclass (``dataclasses`` costs most of a millisecond to import and use; see
``bench/startup.py``): ``PhaseTime`` is a small immutable class written out.
"""

from __future__ import annotations

import re

# Every way of writing a unit that we read, in any capitals -> seconds in one of it.
# Clock forms (1:30) and numbers in words (half an hour) are not read: 1:30 could be
# minutes or hours, and a misread session length is worse than a clear error.
UNITS = {
    "ms": 0.001,
    "millisecond": 0.001,
    "milliseconds": 0.001,
    "h": 3600.0,
    "hr": 3600.0,
    "hrs": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "m": 60.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
}
# Longest first, so that "minutes" is not read as "m" followed by "inutes".
_UNIT_WORDS = sorted(UNITS, key=len, reverse=True)
# Digits 0-9 only (Python's \d also reads other scripts' digits, which editors' patterns do not).
_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
# A bare number of seconds written as text ("600"): the same digits, perhaps a minus sign so
# that "-5" is told it is negative; not 1e3, inf or 1_000, which float() would also read.
_BARE_NUMBER = rf"-?{_NUMBER}"
# Between two parts: spaces, a comma or "and" ("1 hour, 30 minutes", "1 hour and 30 minutes").
_JOIN = r"(?:\s*,\s*|\s+and\s+|\s*)"
# A unit ends where a letter cannot follow: "12mx" and "12 minutesish" are not durations.
_PART = rf"({_NUMBER})\s*({'|'.join(_UNIT_WORDS)})(?![a-z])"
_WHOLE = rf"^\s*{_PART}(?:{_JOIN}{_PART})*\s*$"


def _any_case(word: str) -> str:
    # JSON Schema patterns (ECMA 262) have no case-insensitive flag: spell both cases out.
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


def _schema_part() -> str:
    units = "|".join(_any_case(word) for word in _UNIT_WORDS)
    return rf"\d+(\.\d+)?\s*({units})(?![a-zA-Z])"


_SCHEMA_JOIN = r"(\s*,\s*|\s+[aA][nN][dD]\s+|\s*)"
# The spellings without the week's bound: the model marks its duration fields with it, and
# playlist/schema.py puts the editor's pattern (schema_patterns.DURATION) in its place.
DURATION_PATTERN = rf"^\s*{_schema_part()}({_SCHEMA_JOIN}{_schema_part()})*\s*$"

MAX_DURATION_S = 7 * 24 * 3600  # a week: anything longer is a typo, not a session

_EXPECTED = "expected a duration such as 90s, 12m, 12 minutes or 1h 30m"


class DurationError(ValueError):
    """A duration that cannot be read; the message says what is expected."""


def parse_duration_s(value: object) -> float:
    """Seconds from ``90``, ``90s``, ``12m``, ``12 min``, ``1 hour 30 minutes``, ``250ms``."""
    if isinstance(value, bool):
        raise DurationError(f"{_EXPECTED}, got {value!r}")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().lower()
        if not text:
            raise DurationError(f"{_EXPECTED}, got an empty text")
        if re.fullmatch(_BARE_NUMBER, text):
            if text.startswith("-"):  # also "-0", which float() reads as zero
                raise DurationError(f"a duration cannot be negative, got {value!r}")
            seconds = float(text)
        elif re.match(_WHOLE, text):
            seconds = sum(float(n) * UNITS[unit] for n, unit in re.findall(_PART, text))
        else:
            raise DurationError(f"{_EXPECTED}, got {value!r}")
    else:
        raise DurationError(f"{_EXPECTED}, got {type(value).__name__}")
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


class PhaseTime:
    """A time inside a phase: ``offset_s`` from its start, or from its end when ``from_end``.

    Immutable and compared by value, like a frozen dataclass (see the module docstring)."""

    __slots__ = ("offset_s", "from_end")

    offset_s: float
    from_end: bool

    def __init__(self, offset_s: float, from_end: bool = False) -> None:
        object.__setattr__(self, "offset_s", offset_s)
        object.__setattr__(self, "from_end", from_end)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"PhaseTime is immutable (cannot set {name})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PhaseTime):
            return NotImplemented
        return (self.offset_s, self.from_end) == (other.offset_s, other.from_end)

    def __hash__(self) -> int:
        return hash((self.offset_s, self.from_end))

    def __repr__(self) -> str:
        return f"PhaseTime(offset_s={self.offset_s!r}, from_end={self.from_end!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object, handler: object) -> object:
        # The playlist model parses it (BeforeValidator) and then checks it is one of these.
        from pydantic_core import core_schema

        return core_schema.is_instance_schema(cls)

    def resolve_s(self, phase_duration_s: float) -> float:
        return phase_duration_s - self.offset_s if self.from_end else self.offset_s

    def __str__(self) -> str:
        if self.from_end:
            return "end" if self.offset_s == 0 else f"end-{format_duration(self.offset_s)}"
        return "start" if self.offset_s == 0 else format_duration(self.offset_s)


def parse_phase_time(value: object) -> PhaseTime:
    """``start``, ``2m``, ``end``, ``end-1m`` (also ``end - 1m``)."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "start":
            return PhaseTime(0.0)
        if text == "end":
            return PhaseTime(0.0, from_end=True)
        if text.startswith("end"):
            rest = text[3:].strip()
            if not rest.startswith("-"):
                raise DurationError(f"expected end-<duration> such as end-1m, got {value!r}")
            return PhaseTime(parse_duration_s(rest[1:].strip()), from_end=True)
    return PhaseTime(parse_duration_s(value))
