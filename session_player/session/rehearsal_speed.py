"""How fast a rehearsal runs, and how that is written: the words the start screen, the
console's marker and ``session-player --rehearsal`` share.

Nothing here imports the session engine: the start screen shows the rehearsal's speed at
launch, before the engine's modules load (``tests/ui/test_startup.py``).
"""

from __future__ import annotations

import math

DEFAULT_SPEED = 30.0
MIN_SPEED = 1.0
MAX_SPEED = 240.0  # beyond this a display tick (¼ s) skips more than a minute of the arc


def check_speed(speed: float) -> float:
    """The speed as a float, or ValueError saying what is allowed."""
    speed = float(speed)
    if not math.isfinite(speed) or not MIN_SPEED <= speed <= MAX_SPEED:
        raise ValueError(
            f"a rehearsal speed is between {MIN_SPEED:g}× and {MAX_SPEED:g}× (not {speed:g})"
        )
    return speed


def parse_speed(text: str) -> float:
    """``30``, ``30x``, ``x30``, ``30×`` → 30.0; ValueError with a sentence otherwise."""
    cleaned = text.strip().lower().replace("×", "x").strip("x").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"not a rehearsal speed: {text!r} (write it as 30 or 30x)") from None
    return check_speed(value)


def speed_text(speed: float) -> str:
    """``30.0`` → ``×30``; ``2.5`` → ``×2.5``."""
    return f"×{speed:g}"


def marker_text(speed: float) -> str:
    """The words on the console's and the patient view's marker."""
    return f"Rehearsal {speed_text(speed)}"
