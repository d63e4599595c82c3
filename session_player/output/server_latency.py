"""The output latency a sound server reports for our own stream (PulseAudio, pipewire-pulse).

SDL2 tells us when its callback takes audio, not when that audio is heard: the sink used to
assume one device buffer (85 ms at 4096 frames). On a sound server the truth is what the
server says of our stream: ``pactl list sink-inputs`` shows, for each stream, "Buffer
Latency" (audio queued in the server for it) and "Sink Latency" (the sink's own, including a
sound card's hardware buffer). Their sum is how long a frame written now waits before it is
played; SDL writes a callback's buffer as soon as the callback returns, so it is also how
long after the callback the buffer's first frame is heard.

:class:`ServerLatencyProbe` asks that a few times a minute from its own thread (never the
audio thread: ``pactl`` takes ~10 ms), finds our stream by ``application.process.id``, and
keeps the median of the last readings (a single reading moves with the null sink's render
blocks by ±5 ms). ``latency_s`` is None until a reading succeeded, and whenever it cannot be
read (no ``pactl``, another driver, no stream of ours): the sink then keeps its one-buffer
assumption. No Qt, no pygame.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import threading
from collections.abc import Callable, Sequence

from session_player.media.ffmpeg import child_environment

log = logging.getLogger(__name__)

# Soon after a stream opens (its queue settles within a second), then a few times a minute:
# a stream's latency changes only when the server re-configures it.
FIRST_READINGS_AFTER_S = (0.5, 1.0, 2.0, 4.0)
READ_INTERVAL_S = 15.0
READINGS_KEPT = 5
PACTL_TIMEOUT_S = 3.0
# A reading outside this range is not a latency of ours (a stream being torn down, a bug).
PLAUSIBLE_LATENCY_S = (0.001, 2.0)

RunFn = Callable[[Sequence[str]], str | None]


def run_pactl(args: Sequence[str]) -> str | None:
    """stdout of ``pactl *args``, or None when pactl is missing or fails."""
    pactl = shutil.which("pactl")
    if pactl is None:
        return None
    try:
        done = subprocess.run(
            [pactl, *args],
            capture_output=True,
            text=True,
            timeout=PACTL_TIMEOUT_S,
            env=child_environment(),
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.debug("pactl %s failed: %s", " ".join(args), exc)
        return None
    return done.stdout if done.returncode == 0 else None


def stream_latencies_s(run: RunFn, pid: int) -> list[tuple[int, float]]:
    """[(sink-input index, buffer + sink latency in s)] of the streams of process ``pid``."""
    text = run(["-f", "json", "list", "sink-inputs"])
    if text is not None:
        try:
            return _from_json(json.loads(text), pid)
        except (ValueError, TypeError, KeyError):
            pass  # an older pactl prints text even with -f json, or has no -f at all
    text = run(["list", "sink-inputs"])
    return _from_text(text, pid) if text is not None else []


def _from_json(streams: list[dict], pid: int) -> list[tuple[int, float]]:
    found = []
    for stream in streams:
        if str(stream.get("properties", {}).get("application.process.id")) != str(pid):
            continue
        latency_us = float(stream["buffer_latency_usec"]) + float(stream["sink_latency_usec"])
        found.append((int(stream["index"]), latency_us / 1e6))
    return found


_BLOCK = re.compile(r"^Sink Input #(\d+)$", re.MULTILINE)


def _from_text(text: str, pid: int) -> list[tuple[int, float]]:
    found = []
    starts = list(_BLOCK.finditer(text))
    for match, following in zip(starts, [*starts[1:], None], strict=True):
        block = text[match.end() : following.start() if following else len(text)]
        owner = re.search(r'application\.process\.id = "(\d+)"', block)
        buffer_us = re.search(r"Buffer Latency: (\d+) usec", block)
        sink_us = re.search(r"Sink Latency: (\d+) usec", block)
        if owner and buffer_us and sink_us and int(owner.group(1)) == pid:
            latency_us = int(buffer_us.group(1)) + int(sink_us.group(1))
            found.append((int(match.group(1)), latency_us / 1e6))
    return found


class ServerLatencyProbe:
    """Measures our newest stream's output latency in the background (see module doc)."""

    def __init__(
        self,
        *,
        run: RunFn = run_pactl,
        pid: int | None = None,
        first_readings_after_s: Sequence[float] = FIRST_READINGS_AFTER_S,
        read_interval_s: float = READ_INTERVAL_S,
    ):
        self._run = run
        self._pid = os.getpid() if pid is None else pid
        self._first_after_s = tuple(first_readings_after_s)
        self._interval_s = read_interval_s
        self._lock = threading.Lock()
        self._readings: collections.deque[float] = collections.deque(maxlen=READINGS_KEPT)
        self._stream_index: int | None = None
        self._restart = threading.Event()
        self._quit = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def latency_s(self) -> float | None:
        with self._lock:
            return statistics.median(self._readings) if self._readings else None

    def read_once(self) -> float | None:
        """One reading of our newest stream (a reopened device is a new, higher index)."""
        streams = stream_latencies_s(self._run, self._pid)
        if not streams:
            return None
        index, latency = max(streams)
        low, high = PLAUSIBLE_LATENCY_S
        if not low <= latency <= high:
            return None
        with self._lock:
            if index != self._stream_index:  # another stream: the old readings are not its
                self._readings.clear()
                self._stream_index = index
            self._readings.append(latency)
        return latency

    def stream_opened(self) -> None:
        """A device (re)opened: measure again soon, starting the thread if needed."""
        if self._thread is None:
            self._quit.clear()  # a stopped probe measures again for the next run
            self._thread = threading.Thread(target=self._loop, name="audio-latency", daemon=True)
            self._thread.start()
        self._restart.set()

    def stop(self, wait: bool = True) -> None:
        self._quit.set()
        self._restart.set()
        thread, self._thread = self._thread, None
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join(PACTL_TIMEOUT_S + 1.0)

    def _loop(self) -> None:
        while not self._quit.is_set():
            self._restart.clear()
            waits = [*self._first_after_s]
            waits = [b - a for a, b in zip([0.0, *waits], waits, strict=False)]
            while not self._quit.is_set() and not self._restart.is_set():
                wait_s = waits.pop(0) if waits else self._interval_s
                if self._restart.wait(wait_s):
                    break
                try:
                    self.read_once()
                except Exception:  # never let a parsing surprise end the measurements
                    log.exception("reading the output latency failed")
