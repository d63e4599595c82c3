"""The audio timeline ``tau_s`` and its mapping to and from the session clock.

Three clocks are in play:

- **session clock** ``session_s``: seconds since the session started (``session_started``);
  it never stops.
- **dose clock** ``dose_s = session_s - dose_session_s``: seconds since the dose. It never
  stops either: the drug does not pause when the music does.
- **audio timeline** ``tau_s`` (see ``schedule.py``): seconds of session audio. It runs with
  the session clock, except that it stands still while the audio is paused, from the moment
  the pause fade-out has completed until the resume. So the music resumes where it paused.

A resume before the fade-out has completed freezes nothing (the fade simply turns round).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

PAUSE_FADE_S = 2.0


@dataclass
class Pause:
    paused_at_s: float  # session clock
    resumed_at_s: float | None = None  # None while still paused

    @property
    def freeze_start_s(self) -> float:
        return self.paused_at_s + PAUSE_FADE_S

    @property
    def freeze_end_s(self) -> float:
        # An early resume (within the fade) freezes nothing: an empty interval.
        if self.resumed_at_s is None:
            return math.inf
        return max(self.resumed_at_s, self.freeze_start_s)


class AudioTimeline:
    """Pauses on the session clock, and the ``tau_s`` they produce."""

    def __init__(self) -> None:
        self.pauses: list[Pause] = []

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].resumed_at_s is None

    def pause(self, session_s: float) -> None:
        if self.paused:
            raise ValueError("the audio is already paused")
        self.pauses.append(Pause(session_s))

    def resume(self, session_s: float) -> None:
        if not self.paused:
            raise ValueError("the audio is not paused")
        self.pauses[-1].resumed_at_s = session_s

    def tau_at(self, session_s: float) -> float:
        """Audio time at a session time: the session time less the frozen time before it."""
        frozen_s = 0.0
        for pause in self.pauses:
            start, end = pause.freeze_start_s, pause.freeze_end_s
            if session_s <= start:
                break
            frozen_s += min(session_s, end) - start
        return session_s - frozen_s

    def session_at(self, tau_s: float) -> float:
        """The earliest session time at which the audio reaches ``tau_s`` (inf: not while paused).

        During a freeze many session times share one ``tau_s``; the earliest is the moment
        the audio actually got there, which is when a transition there took effect.
        """
        frozen_s = 0.0
        for pause in self.pauses:
            start, end = pause.freeze_start_s, pause.freeze_end_s
            candidate = tau_s + frozen_s
            if candidate <= start:
                return candidate
            if end == math.inf:
                return math.inf
            frozen_s += end - start
        return tau_s + frozen_s
