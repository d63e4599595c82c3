"""Listening in the studio: the session from a point, through the chosen output, and Stop.

The sound is ``engine.audition_source.AuditionSource`` (the offline render's session and the
live mixer, with the live engine's entry fade) played by the same ``output.sink.AudioSink``
as a live session, so what the therapist hears is what the patient will. The sink belongs to
``engine.audition.AuditionOutput``, which keeps the device open from one audition to the
next (the studio reaches sound only through the engine).

Nothing here makes the window wait:

- positioning the mixer at a point opens a decoder per sounding file and lets each ffmpeg
  seek there (0.4-1.3 s at points deep into a 2-hour session, `bench/studio.py`), so a
  source is built on a thread of its own, and the device is opened beside it (if it is
  not open already from the last audition);
- a source for where the cursor stands (or where the mouse rests on the time ruler) is
  *prepared* in the background beforehand (``prepare``), so Space, or a click where the
  mouse came to rest, starts from a mixer that is already positioned;
- Stop fades out over ``STOP_FADE_MS`` (no click reaches the therapist's ears), on its own
  thread, and leaves the device open, given silence. A new audition waits for that fade
  (on its thread, not the window's) while its mixer is positioned, then plays on the same
  device from its first frame.

The play-head shown on the timeline is the frame the device clock says is heard now.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QTimer, Signal

from session_player.audio.analysis import FileAnalysis
from session_player.engine.audition import AuditionOutput
from session_player.engine.audition_source import AuditionSource
from session_player.engine.scripted_session import ScriptedSession
from session_player.playlist.model import Playlist

log = logging.getLogger(__name__)

STOP_FADE_MS = 150.0  # short: stopping must feel immediate, and still never click
PLAYHEAD_MS = 100
SAMPLE_RATE_HZ = 48000


class Audition(QObject):
    started = Signal(float)  # dose-clock time it plays from
    stopped = Signal()
    position = Signal(float)  # dose-clock time heard now
    alert = Signal(str)
    _ready = Signal(int, object, object)  # (generation, source, sink) from the start thread

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        sink_factory: Callable[..., object] | None = None,
    ) -> None:
        super().__init__(parent)
        options = {} if sink_factory is None else {"sink_factory": sink_factory}
        self._output = AuditionOutput(on_alert=self._alert_from_audio, **options)
        self._sink = None
        self._source: AuditionSource | None = None
        self._from_dose_s = 0.0
        self._generation = 0  # a start that was stopped before it was ready is dropped
        self._starting = False
        self._stopping: threading.Thread | None = None
        self._start_thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._prepared: tuple[tuple, AuditionSource] | None = None
        self._preparing: threading.Thread | None = None
        self._wanted: tuple | None = None  # the point the latest prepare asked for
        self.device_name: str | None = None
        self.prepared_starts = 0  # starts from a mixer positioned beforehand (diagnostics)
        self._timer = QTimer(self)
        self._timer.setInterval(PLAYHEAD_MS)
        self._timer.timeout.connect(self._report_position)
        self._ready.connect(self._on_ready)

    @property
    def playing(self) -> bool:
        """Listening, or about to (the device is being started)."""
        return self._sink is not None or self._starting

    @property
    def sink(self):
        """The playing ``AudioSink`` (its device clock counts from this audition), or None."""
        return self._sink

    @property
    def output(self) -> AuditionOutput:
        return self._output

    @property
    def source(self) -> AuditionSource | None:
        return self._source

    @staticmethod
    def _key(session: ScriptedSession, analysis, session_s: float) -> tuple:
        return (id(session), id(analysis), int(round(session_s * SAMPLE_RATE_HZ)))

    def prepare(
        self,
        playlist: Playlist,
        session: ScriptedSession,
        analysis: Mapping[str, FileAnalysis],
        dose_at_s: float,
        at_dose_s: float,
    ) -> None:
        """Position a mixer at ``at_dose_s`` in the background, for a start at once there."""
        session_s = max(0.0, dose_at_s + at_dose_s)
        key = self._key(session, analysis, session_s)
        with self._lock:
            self._wanted = key
            if self._prepared is not None and self._prepared[0] == key:
                return
        previous = self._preparing

        def build() -> None:
            if previous is not None:
                previous.join()  # one at a time: each holds decoders (ffmpeg processes)
            with self._lock:
                if self._wanted != key:
                    return  # the cursor moved on before this one began
            source = AuditionSource(
                playlist, session, analysis, session_s, on_alert=self._alert_from_audio
            )
            with self._lock:
                old, self._prepared = self._prepared, (key, source)
            if old is not None:
                old[1].close()

        self._preparing = threading.Thread(target=build, name="audition-prepare", daemon=True)
        self._preparing.start()

    def wait_prepared(self, timeout_s: float = 30.0) -> None:
        """Block until the latest prepare is done (benchmarks, tests)."""
        if self._preparing is not None:
            self._preparing.join(timeout_s)

    def _take_prepared(self, key: tuple) -> AuditionSource | None:
        with self._lock:
            if self._prepared is not None and self._prepared[0] == key:
                source, self._prepared = self._prepared[1], None
                return source
        return None

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
        session_s = max(0.0, dose_at_s + from_dose_s)
        self._from_dose_s = session_s - dose_at_s
        self._generation += 1
        generation = self._generation
        self._starting = True
        key = self._key(session, analysis, session_s)
        stopping, preparing = self._stopping, self._preparing
        device = self.device_name

        with self._lock:
            wait_for_prepare = self._wanted == key

        opening = None
        if self._output.sink is None:
            # The first audition (or the first after the device was let go): the device
            # opens while the mixer is positioned, not after it.
            opening = threading.Thread(
                target=self._open_device, args=(device,), name="audition-open", daemon=True
            )
            opening.start()

        def start() -> None:
            if preparing is not None and wait_for_prepare:
                preparing.join()  # it is building exactly this point
            source = self._take_prepared(key)
            if source is not None:
                self.prepared_starts += 1
            else:
                source = AuditionSource(
                    playlist, session, analysis, session_s, on_alert=self._alert_from_audio
                )
            if stopping is not None:
                stopping.join(3.0)  # the previous audition's fade-out first
            if opening is not None:
                opening.join()
            if generation != self._generation:
                source.close()
                return
            sink = self._output.play(source, device, fade_ms=STOP_FADE_MS)
            self._ready.emit(generation, source, sink)

        self._start_thread = threading.Thread(target=start, name="audition-start", daemon=True)
        self._start_thread.start()

    def _open_device(self, device: str | None) -> None:
        try:
            self._output.open(device)
        except Exception:  # the start thread opens it again and reports what fails
            log.exception("opening the audition's output device failed")

    def _on_ready(self, generation: int, source: AuditionSource, sink) -> None:
        if generation != self._generation or not self._starting:
            # Stopped while it was starting: let it go at once, quietly.
            self._release(sink, source)
            return
        self._starting = False
        self._source, self._sink = source, sink
        self._timer.start()
        self.started.emit(self._from_dose_s)

    def stop(self) -> None:
        """Fade out and let the device go, without making the window wait."""
        was_starting = self._starting
        self._starting = False
        self._generation += 1
        sink, source = self._sink, self._source
        self._sink = self._source = None
        self._timer.stop()
        if sink is not None:
            self._release(sink, source)
        if sink is not None or was_starting:
            self.stopped.emit()

    def _release(self, sink, source: AuditionSource | None) -> None:
        previous = self._stopping

        def finish() -> None:
            if previous is not None:
                previous.join(3.0)
            try:
                # Only if it still plays this source: a later audition may have replaced it.
                self._output.silence(STOP_FADE_MS, source)
            finally:
                if source is not None:
                    source.close()

        self._stopping = threading.Thread(target=finish, name="audition-stop", daemon=True)
        self._stopping.start()

    def wait_stopped(self, timeout_s: float = 3.0) -> bool:
        """Block until the last stop has faded out (tests, closing the window)."""
        thread = self._stopping
        if thread is None:
            return True
        thread.join(timeout_s)
        return not thread.is_alive()

    def close(self) -> None:
        """Stop, close the prepared source and let the device go (the window closes)."""
        self.stop()
        if self._start_thread is not None:
            self._start_thread.join(5.0)  # a start under way: it sees the stop, or plays
        self.wait_stopped()
        if self._preparing is not None:
            self._preparing.join(5.0)
        with self._lock:
            prepared, self._prepared = self._prepared, None
        if prepared is not None:
            prepared[1].close()
        self._output.close(fade_ms=STOP_FADE_MS)

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
