"""Streaming decode of any file ffmpeg reads, as float32 stereo blocks at the output rate.

One ffmpeg process per decoder writes raw ``f32le`` stereo at 48 kHz into a pipe, and
``read_into`` takes it from the pipe (no thread). So:

- a track is never decoded whole into memory: the pipe (``PIPE_BYTES``, 1 MiB, ~2.7 s of
  audio, in the kernel) is the only buffer, however long the file; when it is full, ffmpeg
  simply waits, so memory cannot grow with the length of a track or a session;
- ffmpeg decodes ahead, on the other core, while the mixer works on this one;
- a stalled ffmpeg (a file on a dead network share) cannot hang the mixer: reads wait with
  ``select`` for at most ``timeout_s``, then raise ``DecodeError``, as do files that are
  missing, damaged or truncated.

Why reads are big: every read of a full pipe wakes the waiting ffmpeg, and on the machines
we measured a wake-up costs tens of microseconds on each side, far more than copying the
bytes. So small requests are served from a read-ahead buffer (``READ_AHEAD_BYTES``, ~0.7 s)
that is refilled with one read of whatever the pipe holds: one wake-up per buffer instead of
one per mixer block. Requests larger than the buffer go straight into the caller's array.

Why no reader thread: a thread per voice hands the GIL back and forth with the mixer on every
block, which cost more than the mixing itself; a non-blocking pipe needs none of that.

The conversion chain (``conversion_filter``) is shared with the loudness analysis, so the
frame count measured there is exactly the count streamed here: gapless chains rely on it.
Mono sources come out on both channels (ffmpeg's equal-power upmix, -3 dB each side, which
loudness normalisation makes irrelevant); sources with more than two channels are downmixed
with ffmpeg's standard matrix.

``-ss`` before ``-i`` starts at an offset: sample-exact for wav, flac and Ogg Vorbis; within
a few milliseconds for mp3, AAC and Opus, whose seeking and priming are not sample-exact.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import select
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from session_player.media.ffmpeg import child_environment, ffmpeg_exe

OUTPUT_RATE_HZ = 48000
CHANNELS = 2
BYTES_PER_FRAME = 4 * CHANNELS  # float32 per channel
PIPE_BYTES = 1 << 20  # decode-ahead per voice: ~2.7 s of 48 kHz stereo float32
READ_AHEAD_BYTES = 1 << 18  # taken from the pipe at once: ~0.7 s, a multiple of a frame
DEFAULT_TIMEOUT_S = 10.0
_STDERR_KEEP_BYTES = 2000
SPAWN_ATTEMPTS = 3
SPAWN_RETRY_S = 0.02  # then 0.04: what a render block can spare (the ring holds 250 ms)
# ffmpeg is not there or cannot be run: trying again changes nothing.
_LASTING_SPAWN_ERRORS = frozenset({errno.ENOENT, errno.EACCES, errno.ENOEXEC, errno.EPERM})
_F_SETPIPE_SZ = 1031  # Linux fcntl: resize a pipe's buffer
_F_GETPIPE_SZ = 1032


class DecodeError(Exception):
    """A file could not be decoded (missing, damaged, truncated, ffmpeg stalled)."""


def conversion_filter(sample_rate_hz: int = OUTPUT_RATE_HZ) -> str:
    """The ffmpeg filter chain from any input to float32 stereo at ``sample_rate_hz``."""
    return f"aresample={sample_rate_hz},aformat=sample_fmts=flt:channel_layouts=stereo"


def decode_command(
    path: str | Path, start_frame: int = 0, sample_rate_hz: int = OUTPUT_RATE_HZ
) -> list[str]:
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-v", "error"]
    if start_frame > 0:
        # Input seeking (before -i) is fast and, for most formats, sample-exact.
        command += ["-ss", f"{start_frame / sample_rate_hz:.6f}"]
    command += ["-i", str(path), "-map", "0:a:0", "-vn", "-sn", "-dn"]
    command += ["-af", conversion_filter(sample_rate_hz)]
    command += ["-f", "f32le", "-c:a", "pcm_f32le", "pipe:1"]
    return command


class Decoder:
    """Stream one file from ``start_frame`` (at the output rate) as (frames, 2) float32.

    Use as a context manager or call ``close()``: the ffmpeg process is killed and reaped
    (no zombies).
    """

    def __init__(
        self,
        path: str | Path,
        start_frame: int = 0,
        *,
        sample_rate_hz: int = OUTPUT_RATE_HZ,
        pipe_bytes: int = PIPE_BYTES,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.path = str(path)
        self.start_frame = int(start_frame)
        self.timeout_s = timeout_s
        self.frames_read = 0
        self._eof = False
        self._closed = False
        self._ahead = bytearray(READ_AHEAD_BYTES)
        self._ahead_view = memoryview(self._ahead)
        self._ahead_start = 0  # unread bytes are _ahead[_ahead_start:_ahead_end]
        self._ahead_end = 0
        if not os.path.exists(self.path):
            raise DecodeError(f"{self.path}: file not found")
        # stderr goes to an unnamed temporary file: a pipe could fill up with messages from
        # a damaged file and block ffmpeg, and a file needs no thread to drain it.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self._process = self._spawn(decode_command(self.path, self.start_frame, sample_rate_hz))
        assert self._process.stdout is not None
        self._fd = self._process.stdout.fileno()
        with contextlib.suppress(OSError):
            fcntl.fcntl(self._fd, _F_SETPIPE_SZ, pipe_bytes)  # a bigger pipe: decode ahead
        os.set_blocking(self._fd, False)

    def _spawn(self, command: list[str]) -> subprocess.Popen:
        """Start ffmpeg; a failure to start that may pass (no free process slot or memory
        for a moment) is tried again shortly, since a bed given up on stays silent."""
        for attempt in range(1, SPAWN_ATTEMPTS + 1):
            try:
                return subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=self._stderr,
                    bufsize=0,
                    env=child_environment(),
                )
            except OSError as exc:
                if attempt == SPAWN_ATTEMPTS or exc.errno in _LASTING_SPAWN_ERRORS:
                    self._stderr.close()
                    raise DecodeError(f"{self.path}: cannot run ffmpeg ({exc})") from None
                time.sleep(SPAWN_RETRY_S * attempt)
        raise AssertionError("unreachable")

    @property
    def eof(self) -> bool:
        return self._eof

    @property
    def pipe_bytes(self) -> int:
        """The pipe's capacity: the most that can ever be buffered for this decoder."""
        try:
            return fcntl.fcntl(self._fd, _F_GETPIPE_SZ)
        except OSError:
            return 65536

    def read_into(self, out: np.ndarray) -> int:
        """Fill ``out`` (frames, 2) C-contiguous float32; fewer frames only at the end."""
        if self._closed:
            raise DecodeError(f"{self.path}: decoder is closed")
        if self._eof or not len(out):
            return 0
        if not out.flags.c_contiguous or out.dtype != np.float32:
            staging = np.empty((len(out), CHANNELS), dtype=np.float32)
            frames = self.read_into(staging)
            out[:frames] = staging[:frames]
            return frames
        view = memoryview(out).cast("B")
        wanted = len(view)
        got = self._take_ahead(view)
        while got < wanted and not self._eof:
            if wanted - got >= READ_AHEAD_BYTES:
                got += self._read_pipe(view[got:])  # big request: no staging copy
            else:
                self._ahead_start = 0
                self._ahead_end = self._read_pipe(self._ahead_view)
                got += self._take_ahead(view[got:])
        frames = got // BYTES_PER_FRAME  # a torn last frame (only at the end) is dropped
        self.frames_read += frames
        return frames

    def _take_ahead(self, view: memoryview) -> int:
        count = min(len(view), self._ahead_end - self._ahead_start)
        if count:
            view[:count] = self._ahead_view[self._ahead_start : self._ahead_start + count]
            self._ahead_start += count
        return count

    def _read_pipe(self, view: memoryview) -> int:
        """One read of whatever the pipe holds (at most ``len(view)`` bytes), waiting up to
        ``timeout_s`` when it is empty; 0 only at the end of the stream."""
        while True:
            try:
                count = os.readv(self._fd, [view])
            except BlockingIOError:
                ready, _, _ = select.select([self._fd], [], [], self.timeout_s)
                if not ready:
                    raise DecodeError(
                        f"{self.path}: no audio from ffmpeg for {self.timeout_s:g} s"
                    ) from None
                continue
            except OSError as exc:
                raise DecodeError(f"{self.path}: reading from ffmpeg failed ({exc})") from None
            if count == 0:
                self._finish()  # raises DecodeError when ffmpeg failed
            return count

    def _finish(self) -> None:
        self._eof = True
        try:
            returncode = self._process.wait(timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            raise DecodeError(f"{self.path}: ffmpeg did not finish") from None
        if returncode != 0:
            raise DecodeError(f"{self.path}: {self._error_text() or 'decoding failed'}")

    def _error_text(self) -> str:
        try:
            self._stderr.seek(0)
            text = self._stderr.read()[-_STDERR_KEEP_BYTES:].decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines[-1] if lines else ""

    def read(self, frames: int) -> np.ndarray:
        """The next ``frames`` frames (fewer at the end of the file) as a new array."""
        out = np.empty((frames, CHANNELS), dtype=np.float32)
        return out[: self.read_into(out)]

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        process = self._process
        if process.poll() is None:
            with contextlib.suppress(OSError):
                process.kill()
        with contextlib.suppress(OSError):
            process.wait()  # reap: no zombie
        if process.stdout is not None:
            with contextlib.suppress(OSError):
                process.stdout.close()
        with contextlib.suppress(OSError):
            self._stderr.close()

    def __enter__(self) -> Decoder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:  # a safety net; callers close explicitly
        with contextlib.suppress(Exception):
            self.close()
