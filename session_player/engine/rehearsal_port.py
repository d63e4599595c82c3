"""A rehearsal's ``SessionPort``: the real timeline on a scaled clock, and no sound at all.

Both engine ports (the live one and the fake one of the tests) start rehearsals here, so a
rehearsal is the same thing in the app, in the tests and in the screenshots. The console's
now-playing strip still names what the playlist would play at each moment (a team trains
on it), but every layer's level is None (silent), and the output line says there is no
sound. Qt-free, like the ports.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from session_player.engine.null_session import NullSessionPort
from session_player.engine.ports import LayerNowPlaying, OutputStatus, SessionRequest
from session_player.session.clock import Clock, ScaledClock, WallClock
from session_player.session.rehearsal import RehearsalStore
from session_player.session.rehearsal_speed import check_speed, marker_text
from session_player.session.timeline import SessionTimeline

NO_SOUND_DEVICE = "No sound"


class RehearsalSessionPort(NullSessionPort):
    """A session that keeps time without sound; ``speed`` says how fast its clock runs."""

    def __init__(self, timeline: SessionTimeline, speed: float, durations) -> None:
        super().__init__(timeline, None, NO_SOUND_DEVICE, durations)
        self.speed = speed

    def output_status(self) -> OutputStatus:
        # Short: the header's rehearsal mark beside it already says why there is none.
        return OutputStatus(NO_SOUND_DEVICE, True, marker_text(self.speed))

    def now_playing(self) -> Sequence[LayerNowPlaying]:
        return tuple(
            LayerNowPlaying(item.layer, item.title, item.position_s, item.duration_s, None)
            for item in super().now_playing()
        )


def start_rehearsal(
    base_dir: str | Path,
    request: SessionRequest,
    speed: float,
    *,
    clock: Clock,
    wall_clock: WallClock,
    seed: int | None = None,
    app_version: str | None = None,
) -> RehearsalSessionPort:
    """Start a rehearsal of ``request``'s playlist, journaled under ``<base_dir>/rehearsals``."""
    speed = check_speed(speed)
    result = request.load_result
    timeline = SessionTimeline(
        result.playlist,
        RehearsalStore(base_dir),
        ScaledClock(clock, speed),
        wall_clock,
        playlist_path=request.playlist_path,
        seed=seed,
        app_version=app_version,
    )
    notes = "; ".join(part for part in (request.dose_note, request.notes) if part)
    timeline.start(request.alias, notes, rehearsal_speed=speed)
    durations = {path: info.duration_s for path, info in result.audio.items()}
    return RehearsalSessionPort(timeline, speed, durations)
