"""What every sub-command returns, and the argument types they share."""

from __future__ import annotations

import argparse

EXIT_OK = 0
EXIT_PROBLEMS = 1  # the input has problems (a playlist's, a damaged journal's)
EXIT_USAGE = 2  # usage errors and unreadable files


def duration_arg(text: str) -> float:
    """``90s``, ``12m``, ``1h30m`` as argparse reads an option's value (seconds)."""
    from session_player.playlist.durations import DurationError, parse_duration_s

    try:
        return parse_duration_s(text)
    except DurationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
