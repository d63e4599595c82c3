"""The live output: pulls audio from a ``render(frames)`` callable and plays it on one SDL device.

Three threads, none of which the caller waits on:

- **producer**: calls ``render(render_frames)`` ahead of time into a :class:`Feed` ring of
  about 250 ms, so the audio callback never renders, only copies. It renders in blocks
  several times the device's (85 ms by default): the mixer's cost per call is mostly fixed
  Python overhead, so four times fewer calls cost about four times less CPU, and the ring
  still holds at least one whole block more than a callback takes;
- **SDL's audio thread**: runs the device callback (copy out of the ring; an underrun
  decays to silence and fades back in, never a click);
- **supervisor** (every 100 ms): notices a lost device (SDL has marked it disconnected, the
  mark behind SDL_AUDIODEVICEREMOVED, or its callbacks stopped for ``stall_timeout_s``),
  raises alerts, retries the *same* device every ``retry_interval_s`` (and at once when SDL
  reports a device added), and while no device plays it consumes the ring at real-time
  pace, so the mix stays in step with the session clock and the audio comes back at the
  right position, faded in.

The sink never moves to another device (the laptop's speakers) on its own: only with
``allow_fallback=True``, and then it announces it and keeps trying to return to the chosen
device.

Alerts are ``on_alert(kind, message)`` with ``kind`` one of the ``ALERT_*`` names below.
They are called from the supervisor thread (or from the caller's thread at the end of
``start()``), never while the sink holds its lock: keep the handler short and thread-safe
(a GUI marshals it to its own thread). ``alerts`` keeps the recent ones.

The device clock (counted from ``start()``): ``frames_played`` is how many stream frames
the device's time line has consumed (played, skipped after an underrun, or discarded at
real-time pace while no device plays), so stream frame *k* is due at device time
*k / sample_rate*; ``last_callback_mono_s`` is the ``clock()`` reading at the last callback
(or real-time step); ``latency_s`` is about how long after a callback its first frame is
heard: on a sound server (SDL's ``pulseaudio`` or ``pipewire`` driver) what the server reports
for our stream (see server_latency.py), otherwise one device buffer (SDL2 reports no output
latency of its own).
:meth:`AudioSink.device_clock` reads them together, which is what drift correction needs:
``DeviceClock.frame_heard_at(clock())`` is the stream frame the patient hears now.
``clock`` must tick in real seconds (it paces the stream while no device plays).
"""

from __future__ import annotations

import collections
import contextlib
import logging
import math
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import numpy as np

from session_player.output import _sdl
from session_player.output.feed import Feed
from session_player.output.replug_name import name_to_open
from session_player.output.server_latency import ServerLatencyProbe
from session_player.output.thread_name import set_native_thread_name

log = logging.getLogger(__name__)

ALERT_DEVICE_ABSENT = "device_absent"
ALERT_DEVICE_LOST = "device_lost"
ALERT_DEVICE_RESTORED = "device_restored"
ALERT_DEVICE_FALLBACK = "device_fallback"
ALERT_UNDERRUN = "underrun"
ALERT_RENDER_ERROR = "render_error"

# Often enough to announce a lost device at once (a tenth of a second) and to keep a ring of
# 250 ms flowing at real-time pace without a device; each wake-up costs CPU for the whole session.
SUPERVISOR_PERIOD_S = 0.1
# A device that was just opened may take seconds before it asks for audio: SDL's pulseaudio
# driver writes one buffer, then waits until the server requests more, and PulseAudio's
# null sink (like a sink waking from suspend, or a Bluetooth headset) sleeps up to 2 s
# first. Until it has called back twice (the first call may come before that wait) the
# watchdog allows this long; after that, ``stall_timeout_s``.
START_TIMEOUT_S = 5.0
STARTED_AFTER_CALLBACKS = 2
# When SDL lists the chosen device but cannot open it (or another driver took over), its
# picture of the sound server is stale (the server restarted): start SDL's audio again,
# after this many failed opens in a row and at most once in this many seconds.
RESTART_AUDIO_AFTER_FAILURES = 2
RESTART_AUDIO_INTERVAL_S = 4.0
# SDL's drivers behind which a sound server can say how late our stream is heard.
SERVER_DRIVERS = frozenset({"pulseaudio", "pipewire"})
# Frames per render() call (about 85 ms at 48 kHz), whatever the device's buffer.
RENDER_FRAMES = 4096
UNDERRUN_ALERT_INTERVAL_S = 2.0

RenderFn = Callable[[int], np.ndarray]
AlertFn = Callable[[str, str], None]


class SinkState(str, Enum):
    IDLE = "idle"  # created or stopped: no device, no threads
    PLAYING = "playing"  # a device is open and consuming
    DEVICE_ABSENT = "device_absent"  # the device could not be opened at start; retrying
    DEVICE_LOST = "device_lost"  # the device went away mid-session; retrying
    CLOSED = "closed"


@dataclass(frozen=True)
class DeviceClock:
    """The device's sample clock, read at one instant."""

    sample_rate: int
    frames_played: int
    frames_delivered: int
    last_callback_mono_s: float | None
    last_callback_frames: int
    latency_s: float
    buffered_frames: int
    device_playing: bool
    frames_unprimed: int = 0  # device frames of silence written before stream frame 0

    def frame_heard_at(self, mono_s: float) -> float | None:
        """Estimated stream frame reaching the listener at ``mono_s`` (None before any)."""
        if self.last_callback_mono_s is None:
            return None
        first = self.frames_played - self.last_callback_frames
        return first + (mono_s - self.last_callback_mono_s - self.latency_s) * self.sample_rate


@dataclass(frozen=True)
class SinkAlert:
    at_s: float
    kind: str
    message: str


class _Run:
    """What belongs to one start()..stop(): its ring and its stop flag (a render call that
    outlives stop() writes into this run's ring, never into the next one's)."""

    def __init__(self, feed: Feed):
        self.feed = feed
        self.stopping = threading.Event()  # stop() began: no more device changes
        self.quit = threading.Event()  # the threads end


class AudioSink:
    def __init__(
        self,
        render: RenderFn,
        device_name: str | None = None,
        *,
        sample_rate: int = 48000,
        block_frames: int = 1024,
        render_frames: int = RENDER_FRAMES,
        buffer_ms: float = 250.0,
        on_alert: AlertFn | None = None,
        clock: Callable[[], float] = time.monotonic,
        allow_fallback: bool = False,
        retry_interval_s: float = 2.0,
        stall_timeout_s: float = 1.0,
        start_timeout_s: float = START_TIMEOUT_S,
        underrun_fade_ms: float = 10.0,
        latency_probe: ServerLatencyProbe | None = None,
    ):
        if block_frames <= 0 or sample_rate <= 0:
            raise ValueError("sample_rate and block_frames must be positive")
        self._render = render
        self.device_name = device_name or None
        self.sample_rate = int(sample_rate)
        self.block_frames = int(block_frames)
        blocks = max(2, math.ceil(buffer_ms / 1000.0 * sample_rate / block_frames))
        self.capacity_frames = blocks * self.block_frames
        # A render block may not exceed half the ring: the producer must be able to top the
        # ring up while the device still has at least half of it to play.
        self.render_frames = max(1, min(int(render_frames), self.capacity_frames // 2))
        self._fade_frames = max(1, round(underrun_fade_ms / 1000.0 * sample_rate))
        self._on_alert = on_alert
        self._clock = clock
        self.allow_fallback = allow_fallback
        self.retry_interval_s = retry_interval_s
        self.stall_timeout_s = stall_timeout_s
        self.start_timeout_s = max(start_timeout_s, stall_timeout_s)

        self._lock = threading.RLock()
        self._state = SinkState.IDLE
        self._run: _Run | None = None
        self._feed = self._new_feed()
        self._handle: _sdl.DeviceHandle | None = None
        self._on_fallback = False
        self._generation = 0
        self._last_callback_s = 0.0
        self._next_retry_s = 0.0
        self._anchor_s = 0.0
        self._anchor_frames = 0
        self._threads: list[threading.Thread] = []
        self._alerts: collections.deque[SinkAlert] = collections.deque(maxlen=200)
        self._outbox: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
        self._callback_errors = 0
        self._last_underrun_alert_s = -math.inf
        self._pending_underruns = 0
        self._render_errors = 0
        self._last_render_alert_s = -math.inf
        self._last_render_error = ""
        self._last_open_error = ""
        self._callbacks_since_open = 0
        self._names_when_open: frozenset[str] = frozenset()
        self._listed_at_last_open: list[str] = []
        self._driver_when_open: str | None = None
        self._failed_opens = 0
        self._last_audio_restart_s = -math.inf
        self._audio_restart_wanted = False
        self._restore_pending = False  # reopened after a loss; not yet heard to play
        # Made when a device opens on a sound server's driver (unless one is passed in).
        self._latency_probe = latency_probe
        self._latency_probe_given = latency_probe is not None
        self._latency_asked_generation = -1  # the device opening whose stream is measured

    def _new_feed(self) -> Feed:
        return Feed(
            self.capacity_frames,
            channels=2,
            fade_frames=self._fade_frames,
            prime_frames=min(self.capacity_frames, 4 * self.block_frames),
        )

    # -- public read-only view ---------------------------------------------------------
    @property
    def state(self) -> SinkState:
        if (
            self._restore_pending
            and self._state is SinkState.PLAYING
            and self._callbacks_since_open == 0
        ):
            return SinkState.DEVICE_LOST  # reopened, but it has not asked for audio yet
        return self._state

    @property
    def device_in_use(self) -> str | None:
        """The device actually playing (differs from ``device_name`` only on fallback)."""
        handle = self._handle
        return handle.name if handle else None

    @property
    def on_fallback(self) -> bool:
        return self._on_fallback

    @property
    def frames_played(self) -> int:
        return self._feed.snapshot().frames_played

    @property
    def frames_delivered(self) -> int:
        return self._feed.snapshot().frames_delivered

    @property
    def last_callback_mono_s(self) -> float | None:
        return self._feed.snapshot().last_fill_s

    @property
    def latency_s(self) -> float:
        handle = self._handle
        if handle is None:
            return self.block_frames / self.sample_rate
        probe = self._latency_probe
        measured = probe.latency_s if probe is not None else None
        if measured is not None:
            return measured
        # Unknown (disk or dummy driver, no pactl): heard one buffer after it was taken.
        return handle.chunk_frames / handle.frequency

    @property
    def latency_measured(self) -> bool:
        """Whether ``latency_s`` is the sound server's figure rather than the assumption."""
        probe = self._latency_probe
        return self._handle is not None and probe is not None and probe.latency_s is not None

    @property
    def alerts(self) -> list[SinkAlert]:
        return list(self._alerts)

    def device_clock(self) -> DeviceClock:
        snap = self._feed.snapshot()
        return DeviceClock(
            sample_rate=self.sample_rate,
            frames_played=snap.frames_played,
            frames_delivered=snap.frames_delivered,
            last_callback_mono_s=snap.last_fill_s,
            last_callback_frames=snap.last_fill_frames,
            latency_s=self.latency_s,
            buffered_frames=snap.buffered_frames,
            device_playing=self.state is SinkState.PLAYING,
            frames_unprimed=snap.frames_unprimed,
        )

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> None:
        """Open the device and start playing. Returns at once, device or not: when the
        device is absent an alert is raised here and the sink keeps retrying."""
        with self._lock:
            if self._state is SinkState.CLOSED:
                raise RuntimeError("the sink is closed")
            if self._state is not SinkState.IDLE:
                return
            run = _Run(self._new_feed())
            self._run = run
            self._feed = run.feed
            self._on_fallback = False
            now = self._clock()
            self._anchor_s, self._anchor_frames = now, 0
            self._state = SinkState.DEVICE_ABSENT
            self._restore_pending = False
            self._threads = [
                threading.Thread(target=self._produce, args=(run,), name="audio-producer"),
                threading.Thread(target=self._supervise, args=(run,), name="audio-supervisor"),
            ]
            self._threads[0].daemon = True
            self._threads[0].start()
            self._open_preferred(now, at_start=True)
            self._threads[1].daemon = True
            self._threads[1].start()
        self._deliver_alerts()

    def stop(self, fade_ms: float = 100.0) -> None:
        """Fade out over ``fade_ms``, then release the device. Bounded: never hangs."""
        with self._lock:
            run = self._run
            if run is None or self._state in (SinkState.IDLE, SinkState.CLOSED):
                return
            run.stopping.set()
            playing = self._state is SinkState.PLAYING
            frames = max(0, round(fade_ms / 1000.0 * self.sample_rate))
            run.feed.request_fade_out(frames if playing else 0)
            chunk_s = self.latency_s
        if playing:
            run.feed.fade_out_done.wait(frames / self.sample_rate + self.stall_timeout_s + 0.2)
            # Let the silence after the fade reach the device before it is closed.
            time.sleep(2 * chunk_s)
        with self._lock:
            run.quit.set()
            run.feed.space_available.set()
            handle, self._handle = self._handle, None
            run.feed.detach()
            self._run = None
            self._state = SinkState.IDLE
            self._on_fallback = False
            threads, self._threads = self._threads, []
        if handle is not None:
            self._close_in_background(handle, wait_s=1.0)
        self._drop_latency_probe()
        current = threading.current_thread()
        for thread in threads:
            if thread is not current:
                thread.join(timeout=1.0)
        self._deliver_alerts()

    def new_stream(self, render: RenderFn, fade_ms: float = 100.0) -> None:
        """Play ``render`` from its first frame on the device already open, instead of
        closing it and opening it again (the studio's auditions, one after another).

        What plays now fades out over ``fade_ms`` first (this waits for the fade; 0 for a
        stream known to be silent), then the ring is emptied and the device clock counts
        from 0 again, as after ``start()``. The device is given silence until the new
        stream's first block is rendered (the ring's prime, as at a start)."""
        with self._lock:
            run = self._run
            if run is None or self._state in (SinkState.IDLE, SinkState.CLOSED):
                raise RuntimeError("the sink is not started")
            playing = self._state is SinkState.PLAYING
            frames = max(0, round(fade_ms / 1000.0 * self.sample_rate))
            run.feed.request_fade_out(frames if playing else 0)
        if playing and frames:
            run.feed.fade_out_done.wait(frames / self.sample_rate + self.stall_timeout_s + 0.2)
        with self._lock:
            if run is not self._run:
                return  # stopped meanwhile
            self._render = render
            run.feed.new_stream()
            self._anchor_s, self._anchor_frames = self._clock(), 0
            run.feed.space_available.set()

    def close(self, fade_ms: float = 100.0) -> None:
        """Stop (with a fade) and make the sink unusable. Safe to call twice."""
        if self._state is SinkState.CLOSED:
            return
        self.stop(fade_ms)
        with self._lock:
            self._state = SinkState.CLOSED

    def __enter__(self) -> AudioSink:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the device --------------------------------------------------------------------
    def _make_callback(self, feed: Feed, generation: int) -> Callable[[object, memoryview], None]:
        clock = self._clock

        def callback(_device: object, buffer: memoryview) -> None:
            # Runs on SDL's audio thread: copy only; never raise into SDL.
            try:
                now = clock()
                if generation == self._generation:
                    self._last_callback_s = now  # the stall watchdog's heartbeat
                    self._callbacks_since_open += 1
                out = np.frombuffer(buffer, dtype=np.float32).reshape(-1, 2)
                feed.fill(out, now, generation)
            except BaseException:  # noqa: BLE001 - silence is the only safe answer here
                with contextlib.suppress(Exception):
                    buffer[:] = bytes(len(buffer))
                self._callback_errors += 1
                if self._callback_errors in (1, 10, 100, 1000):  # don't flood the log
                    log.exception("audio callback failed; buffer silenced")

        return callback

    def _open(self, name: str | None, now: float) -> _sdl.DeviceHandle | None:
        run = self._run
        if run is None:
            return None
        self._generation += 1
        generation = self._generation
        callback = self._make_callback(run.feed, generation)
        listed = self._listed_at_last_open = self._listed_names()
        if name is not None:
            # A device unplugged and plugged in again may be listed under SDL's " (2)" name.
            name = name_to_open(name, listed, self._names_when_open or listed)
        try:
            handle = _sdl.open_output_device(name, self.sample_rate, self.block_frames, callback)
        except _sdl.DeviceOpenError as exc:
            log.debug("opening %s failed: %s", _describe(name), exc)
            self._last_open_error = str(exc)
            if not self._names_when_open:
                self._names_when_open = frozenset(listed)
            return None
        self._names_when_open = frozenset(listed)
        self._failed_opens = 0
        self._driver_when_open = _current_driver()
        old = self._handle
        self._handle = handle
        self._last_callback_s = now
        self._callbacks_since_open = 0
        run.feed.attach(generation)
        handle.resume()
        if old is not None:
            self._close_in_background(old)
        return handle

    def _measure_latency_of_new_stream(self) -> None:
        # Called once the device plays (its first callbacks came): before that a sound
        # server's figures describe a sink still waking up (a null sink reports a second or
        # more until it first asks for audio). The last stream's readings stay until the new
        # one is read: on the same sink they are nearer the truth than the assumption.
        on_server = self._latency_probe_given or self._driver_when_open in SERVER_DRIVERS
        if not on_server:  # SDL's audio restarted on another driver: no server to ask
            self._drop_latency_probe(wait=False)  # we hold the sink's lock here
            return
        if self._latency_probe is None:
            self._latency_probe = ServerLatencyProbe()
        self._latency_probe.stream_opened()

    def _drop_latency_probe(self, wait: bool = True) -> None:
        probe = self._latency_probe
        if probe is not None:
            probe.stop(wait)
        if not self._latency_probe_given:
            self._latency_probe = None

    @staticmethod
    def _listed_names() -> list[str]:
        # Listing also makes SDL drop the entries of removed devices (see replug_name).
        try:
            return _sdl.output_device_names()
        except _sdl.DeviceOpenError:
            return []

    def _open_preferred(self, now: float, at_start: bool = False) -> None:
        """Try the chosen device; on failure alert (at start only: a lost device has already
        been announced, retries stay quiet), then maybe fall back."""
        if self._open(self.device_name, now) is not None:
            self._state = SinkState.PLAYING
            self._on_fallback = False
            # "Back" is said once the device plays (see _supervise_once), not when it opens:
            # a sink that opens but never asks for audio has not given the patient sound.
            self._restore_pending = not at_start
            return
        self._failed_opens += 1
        if self._sdl_picture_is_stale(now):
            self._last_audio_restart_s = now
            self._audio_restart_wanted = True
        if at_start:
            reason = self._last_open_error
            self._emit(
                ALERT_DEVICE_ABSENT,
                f"Output device {_describe(self.device_name)} is not available"
                f"{f' ({reason})' if reason else ''}; {self._retry_note()}",
            )
        self._next_retry_s = now + self.retry_interval_s
        may_fall_back = self.allow_fallback and self.device_name is not None
        if may_fall_back and not self._on_fallback and self._open(None, now) is not None:
            self._state = SinkState.PLAYING
            self._on_fallback = True
            self._emit(
                ALERT_DEVICE_FALLBACK,
                f"Playing on the system default output instead of "
                f"{_describe(self.device_name)} (fallback allowed); will return to it "
                "when it is back.",
            )

    def _sdl_picture_is_stale(self, now: float) -> bool:
        if self.device_name is None or self._failed_opens < RESTART_AUDIO_AFTER_FAILURES:
            return False
        if now - self._last_audio_restart_s < RESTART_AUDIO_INTERVAL_S:
            return False
        listed = self._listed_at_last_open
        chosen = name_to_open(self.device_name, listed, self._names_when_open or listed)
        driver = _current_driver()
        moved = self._driver_when_open is not None and driver != self._driver_when_open
        return chosen in listed or moved

    def _restart_audio(self) -> None:
        # Off the supervisor's thread: quitting SDL's audio joins its threads.
        if _sdl.restart_audio():
            log.info("SDL audio restarted to reach the output device again")
            self._next_retry_s = self._clock()  # try the device at once

    def _retry_note(self) -> str:
        note = f"retrying every {self.retry_interval_s:g} s"
        if self.allow_fallback:
            return note + "; falling back to the system default output meanwhile."
        return note + "; audio will not move to another device."

    def _lose_device(self, reason: str, now: float) -> None:
        run = self._run
        assert run is not None
        snap = run.feed.snapshot()
        run.feed.detach()
        if snap.last_fill_s is not None:
            self._anchor_s = snap.last_fill_s + snap.last_fill_frames / self.sample_rate
            self._anchor_frames = snap.frames_played
        else:
            self._anchor_s, self._anchor_frames = now, snap.frames_played
        handle, self._handle = self._handle, None
        name = handle.name if handle else self.device_name
        self._on_fallback = False
        self._state = SinkState.DEVICE_LOST
        if handle is not None:
            self._close_in_background(handle)
        if self._restore_pending:  # a reopened device that never played: still the same loss
            log.info("output device %s %s; still retrying", _describe(name), reason)
            self._next_retry_s = now + self.retry_interval_s
            return
        self._emit(
            ALERT_DEVICE_LOST,
            f"Output device {_describe(name)} {reason}; the session goes on; " + self._retry_note(),
        )
        # A glitch may clear at once (and a fallback, when allowed, should not wait): retry now.
        self._next_retry_s = now

    def _close_in_background(self, handle: _sdl.DeviceHandle, wait_s: float = 0.0) -> None:
        # Closing joins SDL's audio thread, which a stuck driver may never release: do it
        # off the caller's thread (the GIL is released during the call) and wait a bounded time.
        thread = threading.Thread(target=handle.close, name="audio-close", daemon=True)
        thread.start()
        if wait_s:
            thread.join(wait_s)

    # -- threads -----------------------------------------------------------------------
    def _produce(self, run: _Run) -> None:
        set_native_thread_name("sp-mixer")
        feed, block = run.feed, self.render_frames
        feed.wake_free_frames = block
        block_s = block / self.sample_rate  # the wait's timeout is only a safety net
        while not run.quit.is_set():
            if feed.free_frames() < block:
                feed.space_available.clear()
                if feed.free_frames() < block:
                    feed.space_available.wait(block_s)
                continue
            with self._lock:  # the two together: new_stream changes both at once
                render, stream = self._render, feed.stream
            try:
                data = _conform(render(block), block)
            except Exception as exc:  # the mixer failed: let the ring drain, alert, retry
                self._render_errors += 1
                if self._render_errors == 1:  # one traceback per alert interval
                    log.exception("render(%d) failed", block)
                self._last_render_error = f"{type(exc).__name__}: {exc}"
                run.quit.wait(block_s)
                continue
            if not run.quit.is_set():
                feed.write(data, stream)

    def _supervise(self, run: _Run) -> None:
        set_native_thread_name("sp-watchdog")
        while not run.quit.wait(SUPERVISOR_PERIOD_S):
            try:
                self._supervise_once(run)
            except Exception:  # never let the watchdog die
                log.exception("audio supervisor step failed")
            self._deliver_alerts()

    def _supervise_once(self, run: _Run) -> None:
        now = self._clock()
        # SDL_AUDIODEVICEREMOVED is posted right after SDL marks an open device disconnected,
        # so polling that mark (is_running) sees every removal, and never a stale event
        # whose device id SDL has since given to the reopened device. The events are still
        # drained, and a device being added triggers an immediate retry.
        events = _sdl.take_audio_device_events()
        added = any(kind == _sdl.SDL_AUDIODEVICEADDED for kind, _ in events)
        self._report_underruns(run, now)
        self._report_render_errors(now)
        with self._lock:
            if run is not self._run or run.stopping.is_set():
                return
            state = self._state
            if state is SinkState.PLAYING:
                handle = self._handle
                assert handle is not None
                started = self._callbacks_since_open >= STARTED_AFTER_CALLBACKS
                if started and self._latency_asked_generation != self._generation:
                    self._latency_asked_generation = self._generation
                    self._measure_latency_of_new_stream()
                if not handle.is_running():
                    self._lose_device("was disconnected", now)
                elif not started:
                    if now - self._last_callback_s > self.start_timeout_s:
                        self._lose_device(
                            f"did not start playing (no audio callback for "
                            f"{now - self._last_callback_s:.1f} s after it was opened)",
                            now,
                        )
                    elif self._restore_pending and self._callbacks_since_open == 0:
                        # Back, not yet asking for audio: the stream keeps time meanwhile,
                        # so the device starts at the session's present, not seconds behind.
                        self._keep_time_without_device(run, now)
                elif self._restore_pending:
                    self._restore_pending = False
                    self._emit(
                        ALERT_DEVICE_RESTORED,
                        f"Output device {_describe(self.device_name)} is back; audio resumed.",
                    )
                elif now - self._last_callback_s > self.stall_timeout_s:
                    self._lose_device(
                        f"stopped responding (no audio callback for "
                        f"{now - self._last_callback_s:.1f} s)",
                        now,
                    )
                elif self._on_fallback and (added or now >= self._next_retry_s):
                    self._return_from_fallback(now)
            if self._state in (SinkState.DEVICE_ABSENT, SinkState.DEVICE_LOST):
                self._keep_time_without_device(run, now)
                if (added or now >= self._next_retry_s) and not _sdl.restarting():
                    self._open_preferred(now)
            restart, self._audio_restart_wanted = self._audio_restart_wanted, False
        if restart:
            threading.Thread(target=self._restart_audio, name="audio-restart", daemon=True).start()

    def _return_from_fallback(self, now: float) -> None:
        if self._open(self.device_name, now) is not None:
            self._on_fallback = False
            self._emit(
                ALERT_DEVICE_RESTORED,
                f"Output device {_describe(self.device_name)} is back; audio moved back to it.",
            )
        else:
            self._next_retry_s = now + self.retry_interval_s

    def _keep_time_without_device(self, run: _Run, now: float) -> None:
        due = self._anchor_frames + int((now - self._anchor_s) * self.sample_rate)
        run.feed.discard(due - run.feed.snapshot().frames_played, now)

    def _report_underruns(self, run: _Run, now: float) -> None:
        self._pending_underruns += run.feed.take_underruns()
        if self._pending_underruns and now - self._last_underrun_alert_s >= (
            UNDERRUN_ALERT_INTERVAL_S
        ):
            count, self._pending_underruns = self._pending_underruns, 0
            self._last_underrun_alert_s = now
            self._emit(
                ALERT_UNDERRUN,
                f"Audio could not be prepared in time ({count} gap{'s' if count > 1 else ''}); "
                "faded through silence and resumed in step with the session clock.",
            )

    def _report_render_errors(self, now: float) -> None:
        if self._render_errors and now - self._last_render_alert_s >= UNDERRUN_ALERT_INTERVAL_S:
            count, self._render_errors = self._render_errors, 0
            self._last_render_alert_s = now
            self._emit(
                ALERT_RENDER_ERROR,
                f"The mixer failed {count} time{'s' if count > 1 else ''} "
                f"({self._last_render_error}); output faded to silence.",
            )

    def _emit(self, kind: str, message: str) -> None:
        """Record an alert; handlers run later, from :meth:`_deliver_alerts`, outside the lock
        (a handler that waits on another thread which is calling into the sink cannot
        deadlock it)."""
        self._alerts.append(SinkAlert(self._clock(), kind, message))
        log.warning("%s: %s", kind, message)
        self._outbox.put((kind, message))

    def _deliver_alerts(self) -> None:
        while True:
            try:
                kind, message = self._outbox.get_nowait()
            except queue.Empty:
                return
            if self._on_alert is None:
                continue
            try:
                self._on_alert(kind, message)
            except Exception:
                log.exception("on_alert handler failed for %s", kind)


def _current_driver() -> str | None:
    try:
        return _sdl.current_driver()
    except _sdl.DeviceOpenError:
        return None


def _describe(name: str | None) -> str:
    return repr(name) if name else "(system default output)"


def _conform(chunk: object, frames: int) -> np.ndarray:
    """Exactly (frames, 2) float32, whatever shape render() returned (mono, short, long)."""
    data = np.asarray(chunk, dtype=np.float32)
    if data.shape == (frames, 2):
        return data
    if data.ndim == 1:
        data = np.repeat(data[:, None], 2, axis=1)
    elif data.ndim == 2 and data.shape[1] == 1:
        data = np.repeat(data, 2, axis=1)
    elif data.ndim != 2 or data.shape[1] < 2:
        raise ValueError(f"render() returned shape {data.shape}, expected ({frames}, 2)")
    data = data[:frames, :2]
    if len(data) < frames:
        data = np.concatenate([data, np.zeros((frames - len(data), 2), np.float32)])
    return data
