"""Where a voice's samples come from: a streaming decoder, or memory for short sounds.

A one-shot (a bird, a water drop) plays dozens of times in a session. Starting ffmpeg for
each costs ~60 ms of CPU and a process, so short files (at most ``SHORT_FILE_S``) are kept
in memory after their first play, in a small LRU cache bounded in bytes: the first play
streams from ffmpeg and records what it reads, later plays read the array. Long files
always stream; memory stays flat however long the session runs.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol

import numpy as np

from session_player.audio.decoder import CHANNELS, DEFAULT_TIMEOUT_S, PIPE_BYTES, Decoder

SHORT_FILE_S = 6.0
SAMPLE_CACHE_BYTES = 24 * 1024 * 1024


class Source(Protocol):
    def read_into(self, out: np.ndarray) -> int: ...
    def close(self) -> None: ...


class ArraySource:
    """Samples from memory, from ``start_frame``."""

    def __init__(self, samples: np.ndarray, start_frame: int = 0) -> None:
        self._samples = samples
        self._position = max(0, start_frame)

    def read_into(self, out: np.ndarray) -> int:
        take = max(0, min(len(out), len(self._samples) - self._position))
        out[:take] = self._samples[self._position : self._position + take]
        self._position += take
        return take

    def close(self) -> None:
        self._samples = np.empty((0, CHANNELS), dtype=np.float32)


class SampleCache:
    """Decoded short files, least recently used first out, at most ``max_bytes``."""

    def __init__(self, max_bytes: int = SAMPLE_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._bytes = 0

    def get(self, path: str) -> np.ndarray | None:
        found = self._entries.get(path)
        if found is not None:
            self._entries.move_to_end(path)
        return found

    def put(self, path: str, samples: np.ndarray) -> None:
        if samples.nbytes > self.max_bytes or path in self._entries:
            return
        self._entries[path] = samples
        self._bytes += samples.nbytes
        while self._bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= dropped.nbytes

    def discard(self, path: str) -> None:
        dropped = self._entries.pop(path, None)
        if dropped is not None:
            self._bytes -= dropped.nbytes


class RecordingSource:
    """Streams a short file from a decoder and keeps it in the cache once read whole."""

    def __init__(self, decoder: Decoder, cache: SampleCache, expected_frames: int) -> None:
        self._decoder = decoder
        self._cache = cache
        self._buffer = np.empty((expected_frames, CHANNELS), dtype=np.float32)
        self._filled = 0

    def read_into(self, out: np.ndarray) -> int:
        got = self._decoder.read_into(out)
        room = len(self._buffer) - self._filled
        keep = min(got, room)
        self._buffer[self._filled : self._filled + keep] = out[:keep]
        self._filled += keep
        if keep and self._filled == len(self._buffer):
            self._cache.put(self._decoder.path, self._buffer)  # read whole: keep it
        return got

    def close(self) -> None:
        self._decoder.close()


class SourceOpener:
    """Opens the right kind of source for (path, start frame).

    ``pipe_bytes`` is how far each decoder may run ahead (kernel memory, not ours).
    """

    def __init__(
        self,
        sample_rate_hz: int = 48000,
        cache: SampleCache | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        pipe_bytes: int = PIPE_BYTES,
    ) -> None:
        self.sample_rate_hz = sample_rate_hz
        self.cache = cache if cache is not None else SampleCache()
        self.timeout_s = timeout_s
        self.pipe_bytes = pipe_bytes
        self.decoders_started = 0

    def open(self, path: str, start_frame: int, length_frames: int) -> Source:
        cached = self.cache.get(path)
        if cached is not None:
            return ArraySource(cached, start_frame)
        decoder = Decoder(
            path,
            start_frame,
            sample_rate_hz=self.sample_rate_hz,
            pipe_bytes=self.pipe_bytes,
            timeout_s=self.timeout_s,
        )
        self.decoders_started += 1
        if start_frame == 0 and 0 < length_frames <= SHORT_FILE_S * self.sample_rate_hz:
            return RecordingSource(decoder, self.cache, length_frames)
        return decoder
