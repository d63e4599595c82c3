"""What the mixer needs to know about the session: the contract between session and audio.

The session timeline (which knows the dose clock, commands and the journal) reduces itself
to an ``AudioSchedule``; the mixer turns a schedule into sound. Both sides are pure data, so
the same schedule renders the same audio live, offline, and after a crash.

Times here are on the **audio timeline** ``tau_s``: seconds of session audio since the
session started (settling begins at 0). It runs with the dose clock, except that it stands
still while the audio is paused (so the music resumes where it paused). The session maps
dose-clock times to ``tau_s``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SETTLING = -1  # PhaseSpan.index of the settling phase (before the dose)

Bus = Literal["master", "music", "soundscape", "voice", "bells"]


@dataclass(frozen=True)
class PhaseSpan:
    """One phase as it actually runs: where it starts and (once known) ends on ``tau_s``."""

    index: int  # SETTLING, or the index into playlist.phases
    start_s: float
    end_s: float | None  # None while the end is not yet decided (settling, holds)
    crossfade_s: float  # length of the crossfade into this phase


@dataclass(frozen=True)
class BusEvent:
    """A bus gain change from ``at_s``, ramped over ``ramp_s`` (gain_db None = silence)."""

    at_s: float
    bus: Bus
    gain_db: float | None
    ramp_s: float


@dataclass(frozen=True)
class SoundscapeChoice:
    """From ``at_s`` on, the phase soundscape slot plays this soundscape (crossfaded)."""

    at_s: float
    soundscape_id: str
    crossfade_s: float = 6.0


@dataclass(frozen=True)
class AudioSchedule:
    phases: tuple[PhaseSpan, ...]
    soundscape_choices: tuple[SoundscapeChoice, ...] = ()
    bus_events: tuple[BusEvent, ...] = ()
    seed: int = 0  # shuffles and one-shot timings derive from it: same seed, same audio
    ended_at_s: float | None = None  # the session ended: everything has faded out by then
    extra: dict = field(default_factory=dict, compare=False, hash=False)
