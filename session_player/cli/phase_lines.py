"""What ``play`` and ``play --rehearsal`` print as the arc moves: one line per phase change."""

from __future__ import annotations

from collections.abc import Callable

from session_player.playlist.durations import format_clock


class PhaseAnnouncer:
    """A state subscriber that says each change of status or phase once, with the dose
    clock (``running: Peak (+31:00 since dose)``), and remembers what the loops ask."""

    def __init__(self, say: Callable[[str], None], prefix: str = "") -> None:
        self._say = say
        self._prefix = prefix  # "Rehearsal 30×: " in a rehearsal
        self._last: tuple | None = None
        self.dose_given = False
        self.status: str | None = None

    def __call__(self, state) -> None:
        self.dose_given = state.dose_given
        self.status = state.status
        key = (state.status, state.phase_id)
        if key == self._last:
            return
        self._last = key
        when = (
            f"+{format_clock(state.time_since_dose_s)} since dose"
            if state.time_since_dose_s is not None
            else "before the dose"
        )
        self._say(f"{self._prefix}{state.status}: {state.phase_name or '-'} ({when})")
