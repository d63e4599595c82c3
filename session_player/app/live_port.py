"""The real engine behind the GUI: ``EnginePort`` and ``SessionPort`` over the live session.

The UI talks to the engine only through the protocols in ``session_player.engine.ports``; this
module implements them with the real parts: SDL devices, the headphone test, the loudness
analysis cache, and ``LiveSession`` (timeline + mixer + engine + live player). It is
Qt-free; the pygame-importing output modules are imported when first needed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

# The engine's modules (the mixer and numpy, the session package and the playlist model) are
# imported when first used, not with this module: the composition root builds this port
# before the window, and the window should not wait for what only a session needs (the
# port's own data types included).
if TYPE_CHECKING:
    from session_player.app.services import LiveSession, LoadedPlaylist
    from session_player.audio.analysis import AnalysisCache
    from session_player.engine.ports import LayerNowPlaying, OutputStatus, SessionRequest
    from session_player.session.store import SessionStore

log = logging.getLogger(__name__)

SYSTEM_DEFAULT = "System default output"
HEADPHONE_TEST_STOP_S = 2.0  # a cancelled test closes its device within a few blocks

# The mixer's layers as the console groups them.
_CONSOLE_LAYER = {
    "music": "music",
    "soundscape": "soundscape",
    "one_shot": "soundscape",
    "voice": "voice",
    "bell": "bells",
}


class _Cancelled(Exception):
    pass


def display_title(item) -> str:
    """A mixer item's title as the console and the summary spell it.

    The mixer names an untitled file after its stem ("Slow tide") and a bell after its id
    ("soft-chime"); the summary says "Slow Tide" (``pretty_title``). One spelling for both.
    """
    from session_player.playlist.item_titles import pretty_title

    title = item.title or ""
    if " " not in title and ("-" in title or "_" in title):
        return pretty_title(title)  # an id: soft-chime → Soft Chime
    if item.path and title.lower() == pretty_title(item.path).lower():
        return pretty_title(item.path)  # named after the file: keep the summary's spelling
    return title


def _device_name(device: str) -> str | None:
    """The UI shows a name for the system default; SDL wants None for it."""
    return None if not device or device == SYSTEM_DEFAULT else device


class LiveSessionPort:
    """One running session, as the console sees it."""

    def __init__(self, live: LiveSession, device: str) -> None:
        self._live = live
        self._device = device

    @property
    def timeline(self):
        return self._live.timeline

    @property
    def journal_path(self) -> str:
        return str(self._live.timeline.journal_path)

    def tick(self) -> None:
        # The live player's own thread ticks the timeline (TICK_HZ a second), in step with
        # the sound card's clock; the console's display timer has nothing to add.
        return None

    def now_playing(self) -> Sequence[LayerNowPlaying]:
        from session_player.engine.ports import LAYERS, LayerNowPlaying

        by_layer: dict[str, list] = {layer: [] for layer in LAYERS}
        for layer, items in self._live.mixer.now_playing().items():
            by_layer.setdefault(_CONSOLE_LAYER.get(layer, layer), []).extend(items)
        result = []
        for layer in LAYERS:
            items = by_layer.get(layer) or []
            if not items:
                result.append(LayerNowPlaying(layer, ""))
                continue
            # The longest-running item names the layer (a bed rather than a bird).
            main = max(items, key=lambda item: item.length_s)
            if layer == "soundscape":
                # The soundscape by its name, as the patient chose it; where a looping bed
                # is in its loop means nothing to the clinician.
                result.append(LayerNowPlaying(layer, self._soundscape_name() or main.title))
                continue
            title = main.text if layer == "voice" and main.text else display_title(main)
            result.append(LayerNowPlaying(layer, title, main.position_s, main.length_s, 0.0))
        return result

    def _soundscape_name(self) -> str:
        playlist = self._live.timeline.playlist
        soundscape_id = self._live.timeline.state().soundscape_id
        soundscape = playlist.soundscapes.get(soundscape_id) if soundscape_id else None
        return soundscape.name if soundscape is not None else ""

    def output_status(self) -> OutputStatus:
        from session_player.engine.ports import OutputStatus
        from session_player.output.sink import SinkState

        state = self._live.player.sink.state
        messages = {
            SinkState.DEVICE_ABSENT: "not connected; retrying",
            SinkState.DEVICE_LOST: "lost; retrying",
            SinkState.CLOSED: "closed",
        }
        present = state in (SinkState.PLAYING, SinkState.IDLE)
        return OutputStatus(self._device, present, messages.get(state, ""))

    def notify_patient_call(self) -> None:
        # No second output is configured: the call shows on the console only, and never
        # sounds in the patient's headphones.
        return None

    def close(self) -> None:
        self._live.close()


class LiveEnginePort:
    """App-wide services for the GUI, on the real devices and files."""

    def __init__(self, sessions_dir: str | None = None, cache: AnalysisCache | None = None):
        self._sessions_dir = sessions_dir
        self._store_made: SessionStore | None = None
        self._cache_made = cache
        self._headphone_test = None
        self._sessions: list[LiveSessionPort] = []

    @property
    def _store(self) -> SessionStore:
        if self._store_made is None:
            from session_player.session.store import SessionStore

            self._store_made = SessionStore(self._sessions_dir)
        return self._store_made

    @property
    def _cache(self) -> AnalysisCache:
        if self._cache_made is None:
            from session_player.audio.analysis import AnalysisCache

            self._cache_made = AnalysisCache()
        return self._cache_made

    def output_devices(self) -> list[str]:
        from session_player.output.devices import list_output_devices

        return [SYSTEM_DEFAULT, *list_output_devices()]

    def output_status(self, device: str) -> OutputStatus:
        from session_player.engine.ports import OutputStatus

        if _device_name(device) is None:
            return OutputStatus(device or SYSTEM_DEFAULT, True)
        from session_player.output.devices import list_output_devices

        present = device in list_output_devices()
        return OutputStatus(device, present, "" if present else "not connected")

    def play_headphone_test(self, device: str) -> None:
        from session_player.output.headphone_test import start_headphone_test

        self._stop_headphone_test()
        self._headphone_test = start_headphone_test(_device_name(device))

    def headphone_test_playing(self) -> bool:
        return self._headphone_test is not None and not self._headphone_test.done

    def _stop_headphone_test(self) -> None:
        """End a test still playing (it fades out in 20 ms) and wait for its device to close.

        The clinician often confirms, and starts the session, while "right" is still
        sounding: the test must not play on over the settling music, and a device that
        only one client may open at a time must be free for the session.
        """
        test, self._headphone_test = self._headphone_test, None
        if test is not None and not test.done:
            test.cancel()
            test.wait(HEADPHONE_TEST_STOP_S)

    def check_files(self, files, progress, cancelled) -> list[str]:
        from session_player.engine.file_check import check_files

        return check_files(files, progress, cancelled)

    def measure_loudness(self, files, progress, cancelled) -> dict[str, float]:
        from session_player.audio.analysis import analyse_files

        def on_progress(fraction: float, path: str = "") -> None:
            if cancelled():
                raise _Cancelled
            progress(fraction, f"Measuring {Path(path).name}" if path else "Measuring")

        try:
            result = analyse_files(list(files), self._cache, on_progress)
        except _Cancelled:
            return {}
        if result.failures:
            path, reason = next(iter(result.failures.items()))
            raise RuntimeError(f"{Path(path).name}: {reason}")
        return {
            path: analysis.integrated_lufs
            for path, analysis in result.files.items()
            if analysis.integrated_lufs is not None
        }

    def _loaded(self, path: str, result) -> LoadedPlaylist:
        from session_player.app.services import LoadedPlaylist
        from session_player.audio.analysis import analyse_playlist

        loaded = LoadedPlaylist(path, result)
        # Measured during the pre-flight: the cache answers at once.
        loaded.analysis = analyse_playlist(result.playlist, self._cache)
        return loaded

    def start_session(self, request: SessionRequest) -> LiveSessionPort:
        from session_player.app.services import build_live_session

        self._stop_headphone_test()
        loaded = self._loaded(request.playlist_path, request.load_result)
        notes = "; ".join(part for part in (request.dose_note, request.notes) if part)
        live = build_live_session(
            loaded,
            device_name=_device_name(request.device),
            alias=request.alias,
            notes=notes,
            sessions_dir=str(self._store.base_dir),
            course=request.course,
        )
        # The pre-flight decisions that matter (a check the clinician continued without) go
        # into the journal from the main window; a note per passed check was only noise.
        live.start()
        port = LiveSessionPort(live, request.device or SYSTEM_DEFAULT)
        self._sessions.append(port)
        return port

    def start_rehearsal(self, request: SessionRequest, speed: float):
        """A rehearsal: the real timeline on a clock ``speed`` times faster, and no sound
        (music cannot play at 30×); journaled apart from patients' sessions."""
        from session_player import __version__
        from session_player.engine.rehearsal_port import start_rehearsal
        from session_player.session.clock import SYSTEM_CLOCK, SYSTEM_WALL_CLOCK

        self._stop_headphone_test()
        port = start_rehearsal(
            self._store.base_dir,
            request,
            speed,
            clock=SYSTEM_CLOCK,
            wall_clock=SYSTEM_WALL_CLOCK,
            app_version=__version__,
        )
        self._sessions.append(port)
        return port

    def unfinished_sessions(self):
        return self._store.unfinished()

    @property
    def records_dir(self):
        """The data folder of the journals (the patient's course is read from there)."""
        return self._store.base_dir

    def resume_point(self, unfinished):
        """Where resuming ``unfinished`` now would pick it up (see ``preview_resume``)."""
        from session_player.playlist.loader import load_playlist
        from session_player.record.course_playlist import reapply_from_journal
        from session_player.session.clock import SYSTEM_CLOCK, SYSTEM_WALL_CLOCK
        from session_player.session.recovery import preview_resume

        result = load_playlist(unfinished.playlist_path, check_audio=False)
        if result.playlist is None:
            return None
        return preview_resume(
            reapply_from_journal(result.playlist, unfinished.journal_path),
            unfinished.journal_path,
            SYSTEM_CLOCK,
            SYSTEM_WALL_CLOCK,
        )

    def resume_session(self, unfinished, device: str, *, check_audio: bool = True):
        """``check_audio`` False: the audio files are not decoded first (seconds on a slow
        laptop). For the supervisor's automatic resume: they were checked when the session
        started, and a file broken since is reported by the mixer (a file_broken alert)."""
        from session_player.app.services import build_live_session
        from session_player.playlist.loader import load_playlist
        from session_player.record.course_playlist import reapply_course
        from session_player.session.commands import ResumeError
        from session_player.session.recovery import resume_timeline
        from session_player.session.rehearsal import refuse_to_resume_a_rehearsal

        # A rehearsal named directly (the supervisor's restart) never comes back with sound.
        refuse_to_resume_a_rehearsal(unfinished.journal_path)
        if not unfinished.playlist_path:
            raise ResumeError("The journal does not say which playlist the session used.")
        result = load_playlist(unfinished.playlist_path, check_audio=check_audio)
        if result.playlist is None:
            raise ResumeError(
                f"The playlist {unfinished.playlist_path} cannot be used any more; "
                "fix it (session-player validate) and start Session Player again."
            )
        # The course the session started with (preferences, last volume), as journaled.
        result = reapply_course(result, unfinished.journal_path)
        loaded = self._loaded(unfinished.playlist_path, result)
        self._stop_headphone_test()
        timeline = resume_timeline(
            loaded.playlist, unfinished.journal_path, playlist_path=loaded.path
        )
        live = build_live_session(loaded, device_name=_device_name(device), timeline=timeline)
        live.start()
        port = LiveSessionPort(live, device or SYSTEM_DEFAULT)
        self._sessions.append(port)
        return port, timeline.resume_report

    def shutdown(self) -> None:
        """Stop any audio still playing (the window was closed mid-session)."""
        self._stop_headphone_test()
        for port in self._sessions:
            try:
                port.close()
            except Exception:  # closing is best effort: the journal is already durable
                log.exception("closing a session failed")
