"""Live playback for the CLI and the GUI: a render callable, an AudioSink, and a steady tick.

:class:`LivePlayer` owns one loop thread. About ``tick_hz`` times a second it runs, in order,
whatever was posted with :meth:`LivePlayer.call_soon` (commands from another thread, sink
alerts) and then ``on_tick(tick)`` with the device clock read at that instant. Everything
the caller hands in therefore runs on that one thread, in order: the engine can take its
commands and advance its state there without locks of its own. (``render`` itself runs on
the sink's producer thread; that is the mixer's contract.)

The CLI calls :meth:`LivePlayer.run`, which blocks until ``until()`` is true or Ctrl-C, then
fades out. The GUI calls :meth:`start` and :meth:`close`, and may instead drive its own
QTimer from ``device_clock()``.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from session_player.output.sink import AudioSink, DeviceClock, RenderFn, SinkState
from session_player.output.thread_name import set_native_thread_name

log = logging.getLogger(__name__)

# Ten ticks a second: the timeline's automatic transitions are journaled within 0.1 s, the
# drift loop (time constant ~20 s) gets plenty of measurements, and the console's now-line
# moves smoothly. Cue and phase *sounds* do not wait for a tick: the mixer renders them from
# the schedule, sample-exact. Every wake-up costs CPU for hours, so no more often than that.
TICK_HZ = 10.0
# The device's buffer: 85 ms at 48 kHz. Each buffer is one call from SDL's audio thread into
# Python (about 0.2 ms of CPU each, most of it SDL's and the interpreter's fixed cost): a
# quarter of the calls of 1024-frame buffers, for 64 ms more latency, which nobody notices on
# ambient sound (a command reaches the ear within ~0.35 s: this buffer plus the 256 ms ring).
DEVICE_BUFFER_FRAMES = 4096


@dataclass(frozen=True)
class Tick:
    now_s: float  # the clock() reading for this tick
    index: int  # 0, 1, 2, ... since start()
    device: DeviceClock
    state: SinkState


class LivePlayer:
    def __init__(
        self,
        render: RenderFn,
        *,
        device_name: str | None = None,
        on_tick: Callable[[Tick], None] | None = None,
        on_alert: Callable[[str, str], None] | None = None,
        tick_hz: float = TICK_HZ,
        clock: Callable[[], float] = time.monotonic,
        allow_fallback: bool = False,
        sample_rate: int = 48000,
        block_frames: int = DEVICE_BUFFER_FRAMES,
        sink: AudioSink | None = None,
    ):
        self._on_tick = on_tick
        self._on_alert = on_alert
        self._period_s = 1.0 / tick_hz
        self._clock = clock
        self._posted: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.sink = sink or AudioSink(
            render,
            device_name,
            sample_rate=sample_rate,
            block_frames=block_frames,
            on_alert=self._alert_from_sink,
            clock=clock,
            allow_fallback=allow_fallback,
        )

    def _alert_from_sink(self, kind: str, message: str) -> None:
        if self._on_alert is not None:
            handler = self._on_alert
            self.call_soon(lambda: handler(kind, message))

    def call_soon(self, function: Callable[[], None]) -> None:
        """Run ``function`` on the loop thread before the next tick. Thread-safe."""
        self._posted.put(function)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._stop.clear()
            self.sink.start()
            self._thread = threading.Thread(target=self._loop, name="live-ticks", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        set_native_thread_name("sp-ticks")
        start = self._clock()
        index = 0
        while not self._stop.is_set():
            self._run_posted()
            now = self._clock()
            if self._on_tick is not None:
                tick = Tick(now, index, self.sink.device_clock(), self.sink.state)
                try:
                    self._on_tick(tick)
                except Exception:
                    log.exception("on_tick failed")
            index += 1
            # Ticks are scheduled on a fixed grid, so they do not drift with the work done.
            delay = start + index * self._period_s - self._clock()
            if delay < -self._period_s:  # fell far behind (a slow handler): skip, don't burst
                start = self._clock() - index * self._period_s
                delay = 0.0
            self._stop.wait(max(0.0, delay))
        self._run_posted()

    def _run_posted(self) -> None:
        while True:
            try:
                function = self._posted.get_nowait()
            except queue.Empty:
                return
            try:
                function()
            except Exception:
                log.exception("posted call failed")

    def stop(self, fade_ms: float = 500.0) -> None:
        """Fade the output out, stop the sink and the loop (posted calls still run)."""
        self.sink.stop(fade_ms)
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)

    def close(self, fade_ms: float = 500.0) -> None:
        self.stop(fade_ms)
        self.sink.close(0)

    def run(
        self,
        until: Callable[[], bool] | None = None,
        *,
        timeout_s: float | None = None,
        fade_ms: float = 500.0,
    ) -> None:
        """Start, block until ``until()`` is true, ``timeout_s`` passes or Ctrl-C, then stop
        with a fade. ``until`` is checked on the caller's thread about every 50 ms."""
        self.start()
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        try:
            while self.running:
                if until is not None and until():
                    break
                if deadline is not None and time.monotonic() >= deadline:
                    break
                time.sleep(0.05)
        except KeyboardInterrupt:
            log.info("interrupted: fading out")
        finally:
            self.stop(fade_ms)

    def __enter__(self) -> LivePlayer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
