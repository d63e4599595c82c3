"""Building a live session from a playlist file: shared by ``play``, the GUI and the tests.

This is the non-Qt half of the composition root. It creates, in order: the validated
playlist, the loudness analysis of its files, the timeline (with its journal), the mixer,
the engine that ties them to the dose clock, and the live player that feeds the sound card.
Nothing here is global; each call builds its own objects and hands them back.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from session_player import __version__
from session_player.audio.analysis import AnalysisCache, AnalysisResult, analyse_playlist
from session_player.audio.mixer import Mixer
from session_player.engine.live_engine import SessionEngine
from session_player.playlist.loader import LoadResult, load_playlist
from session_player.playlist.model import Playlist
from session_player.session.clock import SYSTEM_CLOCK, SYSTEM_WALL_CLOCK
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline

EXIT_PROBLEMS = 1
EXIT_USAGE = 2
END_FADE_S = 4.0


@dataclass
class LoadedPlaylist:
    path: str
    result: LoadResult
    analysis: AnalysisResult | None = None
    exit_code: int | None = None  # set when the playlist cannot be used

    @property
    def playlist(self) -> Playlist:
        assert self.result.playlist is not None
        return self.result.playlist


def load_for_session(
    path: str,
    *,
    progress: Callable[[float, str], None] | None = None,
    cache: AnalysisCache | None = None,
    report=lambda line: print(line, file=sys.stderr),
) -> LoadedPlaylist:
    """Validate the playlist and measure its files' loudness; report problems, never raise."""
    result = load_playlist(path)
    loaded = LoadedPlaylist(path, result)
    for problem in result.problems:
        report(problem.format())
    if result.unreadable:
        loaded.exit_code = EXIT_USAGE
        return loaded
    if result.playlist is None:
        loaded.exit_code = EXIT_PROBLEMS
        return loaded
    loaded.analysis = analyse_playlist(result.playlist, cache, progress)
    for file, reason in loaded.analysis.failures.items():
        # Validation decoded every file a moment ago; one that fails now is reported and
        # the session goes on without it (the mixer moves the layer on).
        report(f"{file}: warning: cannot measure loudness: {reason}")
    return loaded


@dataclass
class LiveSession:
    timeline: SessionTimeline
    mixer: Mixer
    engine: SessionEngine
    player: object  # session_player.output.live.LivePlayer (imports pygame)
    end_fade_s: float = END_FADE_S
    _closed: bool = field(default=False, repr=False)

    def start(self) -> None:
        self.player.start()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.player.close(fade_ms=500.0)
        self.mixer.close()
        self.timeline.close()


def build_timeline(
    loaded: LoadedPlaylist,
    *,
    alias: str,
    notes: str = "",
    sessions_dir: str | None = None,
    clock=SYSTEM_CLOCK,
    wall_clock=SYSTEM_WALL_CLOCK,
    course: dict | None = None,
) -> SessionTimeline:
    timeline = SessionTimeline(
        loaded.playlist,
        SessionStore(sessions_dir),
        clock,
        wall_clock,
        playlist_path=loaded.path,
        seed=int(wall_clock() * 1000) % (2**31),
        app_version=__version__,
    )
    timeline.start(alias, notes, course=course)
    return timeline


def build_live_session(
    loaded: LoadedPlaylist,
    *,
    device_name: str | None = None,
    alias: str = "session",
    notes: str = "",
    sessions_dir: str | None = None,
    allow_fallback: bool = False,
    on_alert: Callable[[str, str], None] | None = None,
    timeline: SessionTimeline | None = None,
    clock=SYSTEM_CLOCK,
    course: dict | None = None,
) -> LiveSession:
    """A started timeline (or the resumed one given), a mixer and a live player, not yet playing."""
    from session_player.output.live import LivePlayer

    if timeline is None:
        timeline = build_timeline(
            loaded, alias=alias, notes=notes, sessions_dir=sessions_dir, clock=clock, course=course
        )
    engine_ref: dict[str, SessionEngine] = {}

    def mixer_alert(kind: str, message: str) -> None:
        engine = engine_ref.get("engine")
        if engine is not None:
            engine.alert(kind, message)

    analysis = loaded.analysis.files if loaded.analysis is not None else {}
    mixer = Mixer(loaded.playlist, analysis, on_alert=mixer_alert)
    engine = SessionEngine(timeline, mixer, on_alert=on_alert)
    engine_ref["engine"] = engine

    def on_tick(tick) -> None:
        engine.tick(tick.now_s, tick.device)

    player = LivePlayer(
        engine.render,
        device_name=device_name,
        on_tick=on_tick,
        on_alert=engine.alert,
        clock=clock,
        allow_fallback=allow_fallback,
    )
    return LiveSession(timeline, mixer, engine, player)


def wait_until(predicate: Callable[[], bool], timeout_s: float, step_s: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step_s)
    return predicate()
