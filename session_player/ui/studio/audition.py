"""Listening in the studio: the session from a point, through the chosen output, and Stop.

The sound is ``engine.audition_source.AuditionSource`` (the offline render's session and the
live mixer, with the live engine's entry fade) played by the same ``output.sink.AudioSink``
as a live session, so what the therapist hears is what the patient will. Stop fades out
over ``STOP_FADE_MS`` (no click reaches the therapist's ears); the sink's stop waits for
that fade, so it runs on a thread of its own and the window never waits for it. A new
audition waits for the previous one to have let the device go.

The play-head shown on the timeline is the frame the device clock says is heard now.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QTimer, Signal

from session_player.audio.analysis import FileAnalysis
from session_player.engine.audition_source import AuditionSource
from session_player.engine.scripted_session import ScriptedSession
from session_player.output.sink import AudioSink
from session_player.playlist.model import Playlist

STOP_FADE_MS = 150.0  # short: stopping must feel immediate, and still never click
PLAYHEAD_MS = 100
SAMPLE_RATE_HZ = 48000


class Audition(QObject):
    started = Signal(float)  # dose-clock time it plays from
    stopped = Signal()
    position = Signal(float)  # dose-clock time heard now
    alert = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        sink_factory: Callable[..., AudioSink] = AudioSink,
    ) -> None:
        super().__init__(parent)
        self._sink_factory = sink_factory
        self._sink: AudioSink | None = None
        self._source: AuditionSource | None = None
        self._from_dose_s = 0.0
        self._stopping: threading.Thread | None = None
        self.device_name: str | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(PLAYHEAD_MS)
        self._timer.timeout.connect(self._report_position)

    @property
    def playing(self) -> bool:
        return self._sink is not None

    @property
    def sink(self) -> AudioSink | None:
        return self._sink

    @property
    def source(self) -> AuditionSource | None:
        return self._source

    def play(
        self,
        playlist: Playlist,
        session: ScriptedSession,
        analysis: Mapping[str, FileAnalysis],
        dose_at_s: float,
        from_dose_s: float,
    ) -> None:
        """Listen from ``from_dose_s`` (dose clock); a running audition stops first."""
        self.stop()
        self.wait_stopped()
        session_s = max(0.0, dose_at_s + from_dose_s)
        self._from_dose_s = session_s - dose_at_s
        source = AuditionSource(
            playlist, session, analysis, session_s, on_alert=self._alert_from_audio
        )
        sink = self._sink_factory(
            source.render,
            self.device_name,
            sample_rate=SAMPLE_RATE_HZ,
            on_alert=self._alert_from_audio,
        )
        self._source, self._sink = source, sink
        sink.start()
        self._timer.start()
        self.started.emit(self._from_dose_s)

    def stop(self) -> None:
        """Fade out and let the device go, without making the window wait."""
        sink, source = self._sink, self._source
        self._sink = self._source = None
        self._timer.stop()
        if sink is None:
            return

        def finish() -> None:
            try:
                sink.close(fade_ms=STOP_FADE_MS)
            finally:
                if source is not None:
                    source.close()

        self._stopping = threading.Thread(target=finish, name="audition-stop", daemon=True)
        self._stopping.start()
        self.stopped.emit()

    def wait_stopped(self, timeout_s: float = 3.0) -> bool:
        """Block until the last stop has released the device (tests, a new audition)."""
        thread = self._stopping
        if thread is None:
            return True
        thread.join(timeout_s)
        return not thread.is_alive()

    def heard_dose_s(self) -> float | None:
        """The dose-clock time of the sample heard now (None before the device plays)."""
        sink = self._sink
        if sink is None:
            return None
        heard = sink.device_clock().frame_heard_at(time.monotonic())
        if heard is None:
            return None
        return self._from_dose_s + max(0.0, heard) / SAMPLE_RATE_HZ

    def _report_position(self) -> None:
        heard = self.heard_dose_s()
        if heard is not None:
            self.position.emit(heard)

    def _alert_from_audio(self, _kind: str, message: str) -> None:
        # From the sink's or the mixer's thread: the signal is queued to the GUI thread.
        self.alert.emit(message)
