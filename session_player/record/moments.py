"""A journal event's instant as a ``Moment``, and the tolerant value readers the record uses
(a hand-edited or damaged event may hold a string where a number belongs: it reads as None)."""

from __future__ import annotations

from session_player.record.model import Moment


def number_or_none(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def moment(event: dict) -> Moment:
    """When ``event`` happened, on the wall, session and dose clocks."""
    return Moment(
        wall=text_or_none(event.get("wall")),
        session_s=number_or_none(event.get("session_s")),
        dose_s=number_or_none(event.get("dose_s")),
    )
