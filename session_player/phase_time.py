"""Cue times inside a phase, as therapists write them: ``start``, ``2m``, ``end``, ``end-1m``.

Apart from ``session_player.durations`` because the start screen needs only the formatting
there, and a dataclass costs most of a millisecond to define at launch.
"""

from __future__ import annotations

from dataclasses import dataclass

from session_player.durations import DurationError, format_duration, parse_duration_s


@dataclass(frozen=True)
class PhaseTime:
    """A time inside a phase: ``offset_s`` from its start, or from its end when ``from_end``."""

    offset_s: float
    from_end: bool = False

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
