"""The regular expressions of the JSON Schema, built from the validator's own tables.

Editors check a duration with a pattern (ECMA 262, no flags), the validator with
``parse_duration_s``; both read the same units (``durations.UNITS``), the same joins and the
same longest duration (``MAX_DURATION_S``, a week). A pattern cannot add numbers up, so it
bounds each part on its own: ``1000h`` and ``20000m`` are refused in the editor as by the
validator, but ``100h 5000m`` (each part under a week, the sum over it) is only refused by
``validate``. That is the one class of duration the two read differently, and the property
test (tests/playlist/test_schema_agrees_with_validate.py) leaves it out for that reason.
"""

from __future__ import annotations

from session_player.playlist.durations import MAX_DURATION_S, UNITS

# Whitespace as JSON Schema patterns (ECMA 262) read it, with \s; the validator strips
# Python's whitespace, the same characters bar a few control codes nobody types.
_SPACE = r"\s"


def integers_up_to(top: int) -> str:
    """A pattern (no anchors) for the whole numbers 0 .. top written without leading zeros."""
    digits = str(top)
    options = ["0"]
    for length in range(1, len(digits)):
        options.append("[1-9]" + (f"[0-9]{{{length - 1}}}" if length > 1 else ""))
    # Numbers as long as ``top``: walk its digits; at each one, any smaller digit followed
    # by anything, then the digit itself and on to the next.
    for index, digit in enumerate(digits):
        low = 1 if index == 0 else 0
        high = int(digit) - 1
        if high < low:
            continue
        rest = len(digits) - index - 1
        small = f"[{low}-{high}]" if high > low else str(low)
        options.append(digits[:index] + small + (f"[0-9]{{{rest}}}" if rest else ""))
    options.append(digits)
    return "(?:" + "|".join(dict.fromkeys(options)) + ")"


def number_at_most(limit: int) -> str:
    """A decimal number (``12``, ``1.5``, ``007``) no larger than ``limit``."""
    below = integers_up_to(limit - 1)
    return rf"0*(?:{below}(?:\.[0-9]+)?|{limit}(?:\.0+)?)"


def _any_case(word: str) -> str:
    # ECMA 262 patterns in a JSON Schema have no case-insensitive flag: spell both cases out.
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


def _part() -> str:
    """One number and its unit, the number at most a week in that unit."""
    by_limit: dict[int, list[str]] = {}
    # Longest word first, so that "minutes" is not read as "m" followed by "inutes".
    for word in sorted(UNITS, key=len, reverse=True):
        by_limit.setdefault(round(MAX_DURATION_S / UNITS[word]), []).append(word)
    options = []
    for limit, words in by_limit.items():
        units = "|".join(_any_case(word) for word in words)
        options.append(rf"{number_at_most(limit)}{_SPACE}*(?:{units})")
    # A unit ends where a letter cannot follow: "12mx" and "12 minutesish" are not durations.
    return "(?:" + "|".join(options) + ")(?![a-zA-Z])"


_JOIN = rf"(?:{_SPACE}*,{_SPACE}*|{_SPACE}+{_any_case('and')}{_SPACE}+|{_SPACE}*)"
# What a duration may be, without anchors: parts with units, or a bare number of seconds.
DURATION_BODY = rf"(?:{_part()}(?:{_JOIN}{_part()})*|{number_at_most(MAX_DURATION_S)})"
# Somewhere a digit other than 0: the duration is longer than zero.
_NOT_ZERO = r"(?=[^1-9]*[1-9])"

DURATION = rf"^{_SPACE}*{DURATION_BODY}{_SPACE}*$"
POSITIVE_DURATION = rf"^{_NOT_ZERO}{_SPACE}*{DURATION_BODY}{_SPACE}*$"
# A cue's time in a phase: start, end, end-<duration> or a duration from the start.
PHASE_TIME = (
    rf"^{_SPACE}*(?:{_any_case('start')}|{_any_case('end')}"
    rf"(?:{_SPACE}*-{_SPACE}*{DURATION_BODY})?|{DURATION_BODY}){_SPACE}*$"
)
# In settling, which has no planned end: start or a duration from the start.
TIME_FROM_START = rf"^{_SPACE}*(?:{_any_case('start')}|{DURATION_BODY}){_SPACE}*$"
# A vital-sign check: pre-dose, discharge or a time after the dose.
VITAL_TIME = (
    rf"^{_SPACE}*(?:{_any_case('pre-dose')}|{_any_case('discharge')}|{DURATION_BODY}){_SPACE}*$"
)

# Ids: lower-case letters, digits, - and _, at most 64; spaces around them are dropped.
IDENTIFIER = rf"^{_SPACE}*[a-z0-9][a-z0-9_-]{{0,63}}{_SPACE}*$"
# Text that must say something: at least one character that is not a space.
NOT_BLANK = r"\S"

DURATION_MESSAGE = (
    "Write a duration such as 90s, 12m, 12 minutes or 1h 30m (a bare number is seconds); "
    "units: h, m, s, ms (or hours, minutes, seconds); at most a week."
)
POSITIVE_DURATION_MESSAGE = (
    "Write a duration longer than zero, such as 10m, 45 minutes or 1h 30m; at most a week."
)
PHASE_TIME_MESSAGE = (
    "Write when, within the phase: start, a time from the start (2m), end, or a time "
    "before the end (end-1m)."
)
TIME_FROM_START_MESSAGE = (
    "Settling has no planned end (it lasts until the dose): write start or a time from the "
    "start, such as 30s or 2m."
)
VITAL_TIME_MESSAGE = (
    "Write pre-dose (the baseline), discharge, or a time after the dose such as 40m or 1h 30m."
)
IDENTIFIER_MESSAGE = (
    "An id is lower case: letters, digits, - and _ (for example soft-rain or peak), "
    "starting with a letter or digit, at most 64 characters."
)
NOT_BLANK_MESSAGE = "This cannot be empty."
