"""The output device the studio's auditions play on, kept open from one audition to the next.

Qt-free, so that the studio (ui/) reaches sound only through the engine. It owns one
``output.sink.AudioSink``, the live session's own sink, and plays one
``engine.audition_source.AuditionSource`` after another on it
(``AudioSink.new_stream``). Opening a device for every audition and closing the last one
first cost most of the wait from a click to the first sound (``bench/studio.py``):

- **the device stays open** between auditions, given silence, and is let go after
  ``IDLE_CLOSE_S`` without an audition (or when the studio closes, or another device is
  chosen); so a listen after a stop waits neither for a device to open nor for the last one
  to close;
- ``open(device)`` may be called *beside* building the source (the studio does it on the
  audition's thread while the mixer is positioned), so even the first audition does not
  add the open to the mixer's start;
- a stop fades what plays out over its ``fade_ms`` (no click) and leaves the device playing
  silence; a new audition's stream starts from its first frame, with its own entry fade.

Every method may block for a fade or an open: call them off the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from session_player.engine.audition_source import SAMPLE_RATE_HZ, AuditionSource
from session_player.output.devices import list_output_devices
from session_player.output.sink import AudioSink

# The sink's ring: far longer than a live session's 250 ms. The device is given the stream
# once four of its buffers are rendered (the ring's size does not delay the start), a stop
# fades what plays next (nor the stop), and a mixer that stands still for a second while an
# ffmpeg starts on a loaded machine (measured: up to 1 s per new file) is not heard as a gap.
RING_MS = 2000.0
# An idle open device costs a little CPU (its callbacks) and, on a sound server, keeps the
# sink awake; a therapist listening again within a minute should not wait for an open.
IDLE_CLOSE_S = 60.0


def list_audition_devices() -> list[str]:
    """The output devices an audition may play on (SDL's names)."""
    return list(list_output_devices())


def _silence(frames: int) -> np.ndarray:
    return np.zeros((frames, 2), dtype=np.float32)


class AuditionOutput:
    """One open output device for auditions, one stream after another."""

    def __init__(
        self,
        *,
        sink_factory: Callable[..., AudioSink] = AudioSink,
        on_alert: Callable[[str, str], None] | None = None,
        idle_close_s: float = IDLE_CLOSE_S,
    ) -> None:
        self._sink_factory = sink_factory
        self._on_alert = on_alert
        self.idle_close_s = idle_close_s
        self._lock = threading.RLock()  # one caller at a time: open, play, silence, close
        self._sink: AudioSink | None = None
        self._device: str | None = None
        self._audible = False  # the stream now playing is a source, not silence
        self._playing: AuditionSource | None = None  # that source
        self._idle_timer: threading.Timer | None = None
        self.devices_opened = 0  # diagnostics: how often a device was opened

    @property
    def sink(self) -> AudioSink | None:
        return self._sink

    def open(self, device_name: str | None) -> AudioSink:
        """The started sink on ``device_name`` (None: the system default), opened if needed."""
        with self._lock:
            self._cancel_idle_close()
            sink = self._sink
            if sink is not None and self._device == device_name:
                return sink
            if sink is not None:
                self._sink = None
                sink.close(fade_ms=100.0 if self._audible else 0.0)
            sink = self._sink_factory(
                _silence,
                device_name,
                sample_rate=SAMPLE_RATE_HZ,
                buffer_ms=RING_MS,
                on_alert=self._alert,
            )
            sink.start()
            self._sink, self._device, self._audible, self._playing = sink, device_name, False, None
            self.devices_opened += 1
            return sink

    def play(self, source: AuditionSource, device_name: str | None, fade_ms: float) -> AudioSink:
        """Play ``source`` from its first frame; what played before fades out over
        ``fade_ms`` first. Returns the sink (its device clock counts from this stream)."""
        with self._lock:
            sink = self.open(device_name)
            sink.new_stream(source.render, fade_ms=fade_ms if self._audible else 0.0)
            self._audible, self._playing = True, source
            return sink

    def silence(self, fade_ms: float, source: AuditionSource | None = None) -> None:
        """Fade what plays out over ``fade_ms`` and give the device silence; it is let go
        after ``idle_close_s`` unless another audition comes first. With ``source``, only if
        that is what plays (a late stop of an audition another one has replaced already)."""
        with self._lock:
            sink = self._sink
            if sink is None or (source is not None and source is not self._playing):
                return
            if self._audible:
                sink.new_stream(_silence, fade_ms=fade_ms)
                self._audible, self._playing = False, None
            self._cancel_idle_close()
            timer = threading.Timer(self.idle_close_s, self._close_if_idle)
            timer.daemon = True
            timer.name = "audition-idle-close"
            self._idle_timer = timer
            timer.start()

    def close(self, fade_ms: float = 100.0) -> None:
        """Fade out and let the device go (the studio closes)."""
        with self._lock:
            self._cancel_idle_close()
            sink, self._sink = self._sink, None
            audible, self._audible, self._playing = self._audible, False, None
            if sink is not None:
                sink.close(fade_ms=fade_ms if audible else 0.0)

    def _close_if_idle(self) -> None:
        with self._lock:
            if self._idle_timer is not threading.current_thread() or self._audible:
                return  # an audition began since (or a later silence set a new timer)
            self._idle_timer = None
            sink, self._sink = self._sink, None
            if sink is not None:
                sink.close(fade_ms=0.0)  # silent: nothing to fade

    def _cancel_idle_close(self) -> None:
        timer, self._idle_timer = self._idle_timer, None
        if timer is not None:
            timer.cancel()

    def _alert(self, kind: str, message: str) -> None:
        if self._on_alert is not None:
            self._on_alert(kind, message)
