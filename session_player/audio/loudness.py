"""One file's loudness facts for the studio's report, measured in one ffmpeg pass, cached.

What a therapist wants to know about a file before a patient hears it:

- integrated loudness (LUFS, ITU-R BS.1770-4 with the EBU R128 gates);
- loudness range (LU, EBU Tech 3342);
- true peak (dBTP, ffmpeg's ``ebur128`` meter oversamples 4x at 48 kHz);
- exact length, and the format (codec, rate, channels: ``media.probe.header_info`` of the
  same pass).

The pass is the pre-flight's own (``audio.analysis.measure_file``): the file goes through
the ``Decoder``'s conversion chain to 48 kHz float stereo and ``ebur128`` meters what the
session plays, while we count the frames and take the sample peak on the pipe. So the
measurement also yields the pre-flight's ``FileAnalysis``, which is stored in the analysis
cache beside it: a file scanned in the studio starts a session without being measured again.

Because it is what is played, a mono file's true peak reads 3.01 dB under the file's own:
the session plays it at -3 dB in each ear (the equal-power upmix). Its loudness is the same
either way (BS.1770 sums the channels' power).

Files shorter than one 400 ms gating block get their integrated loudness from the looped
measurement of ``measure_file``, the value normalisation uses. A silent file has no loudness
and no true peak (``None``).

Results are cached by content (sha256 of the bytes) as ``<sha256>.loudness.json`` in the
analysis cache folder, written whole or not at all (temporary file, fsync, rename).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from session_player.audio.analysis import (
    ANALYSIS_TIMEOUT_S,
    SILENT_LUFS,
    AnalysisCache,
    AnalysisError,
    FileAnalysis,
    default_cache_dir,
    file_sha256,
    measure_file,
)
from session_player.audio.content_cache import read_entry, write_entry
from session_player.audio.decoder import BYTES_PER_FRAME, OUTPUT_RATE_HZ, conversion_filter
from session_player.media.ffmpeg import child_environment, ffmpeg_exe
from session_player.media.probe import ProbeError, header_info

LOUDNESS_VERSION = 1  # bump when the measurement changes: old cache entries are ignored
_GATING_BLOCK_FRAMES = int(0.4 * OUTPUT_RATE_HZ)
_READ_BYTES = 1 << 20
_NUMBER = r"(-?\d+(?:\.\d+)?|-?inf|nan)"
_INTEGRATED = re.compile(r"Integrated loudness:\s*I:\s*" + _NUMBER + r"\s*LUFS")
_RANGE = re.compile(r"Loudness range:\s*LRA:\s*" + _NUMBER + r"\s*LU\b")
_TRUE_PEAK = re.compile(r"True peak:\s*Peak:\s*" + _NUMBER + r"\s*dBFS")
_DURATION = re.compile(r"Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)")


class ScanCancelled(Exception):
    """The scan was cancelled while this file was being measured."""


@dataclass(frozen=True)
class LoudnessFacts:
    sha256: str
    frames: int  # exact length at 48 kHz
    integrated_lufs: float | None  # None: silent
    loudness_range_lu: float
    true_peak_dbtp: float | None  # of the stream as played (48 kHz stereo); None: silent
    sample_peak: float  # linear
    codec: str
    sample_rate_hz: int  # the file's own rate
    channels: int  # the file's own channel count
    version: int = LOUDNESS_VERSION

    @property
    def duration_s(self) -> float:
        return self.frames / OUTPUT_RATE_HZ

    @property
    def format_text(self) -> str:
        layout = {1: "mono", 2: "stereo"}.get(self.channels, f"{self.channels} ch")
        return f"{self.codec} {self.sample_rate_hz / 1000:g} kHz {layout}"

    def as_analysis(self) -> FileAnalysis:
        """The pre-flight's measurement, from the same pass."""
        return FileAnalysis(
            sha256=self.sha256,
            frames=self.frames,
            integrated_lufs=self.integrated_lufs,
            peak=self.sample_peak,
        )


class Stopper:
    """Cancels a scan: kills every ffmpeg it started and stops new ones from starting."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopped = False
        self._processes: set[subprocess.Popen] = set()

    @property
    def stopped(self) -> bool:
        return self._stopped

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            running = list(self._processes)
        for process in running:
            with contextlib.suppress(OSError):
                process.kill()

    def started(self, process: subprocess.Popen) -> None:
        with self._lock:
            self._processes.add(process)
            stopped = self._stopped
        if stopped:
            process.kill()

    def ended(self, process: subprocess.Popen) -> None:
        with self._lock:
            self._processes.discard(process)


def _summary_value(pattern: re.Pattern[str], text: str) -> float | None:
    found = pattern.findall(text)
    if not found:
        return None
    try:
        value = float(found[-1])
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _expected_frames(stderr_so_far: str) -> int:
    """The length ffmpeg's header announces, in frames at 48 kHz (0 while not known)."""
    found = _DURATION.search(stderr_so_far)
    if not found:
        return 0
    hours, minutes, seconds = found.groups()
    return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * OUTPUT_RATE_HZ)


def _meter_pass(
    file: Path,
    progress: Callable[[float], None] | None,
    stopper: Stopper | None,
) -> tuple[int, float, str, int]:
    """Decode as played and meter it: (frames, sample peak, ffmpeg's stderr, its exit code).

    One process does everything: ffmpeg's header (format, length) is on the same stderr, so
    no probe runs beside it."""
    chain = conversion_filter(OUTPUT_RATE_HZ) + ",ebur128=peak=true:framelog=verbose"
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-v", "info"]
    command += ["-i", str(file), "-map", "0:a:0", "-vn", "-sn", "-dn", "-af", chain]
    command += ["-f", "f32le", "-c:a", "pcm_f32le", "pipe:1"]
    if stopper is not None and stopper.stopped:
        raise ScanCancelled()
    with tempfile.TemporaryFile() as stderr:
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
                env=child_environment(),
            )
        except OSError as exc:
            raise AnalysisError(f"cannot run ffmpeg ({exc})") from None
        if stopper is not None:
            stopper.started(process)
        watchdog = threading.Timer(ANALYSIS_TIMEOUT_S, process.kill)
        watchdog.daemon = True
        watchdog.start()
        received = 0
        peak = 0.0
        tail = b""
        expected_frames = 0
        try:
            assert process.stdout is not None
            while True:
                chunk = process.stdout.read(_READ_BYTES)
                if not chunk:
                    break
                data = tail + chunk if tail else chunk
                usable = len(data) - len(data) % 4
                tail = data[usable:]
                if usable:
                    samples = np.frombuffer(data[:usable], dtype=np.float32)
                    peak = max(peak, float(np.max(np.abs(samples))))
                received += len(chunk)
                if progress is not None and not expected_frames:
                    # pread leaves the offset alone: ffmpeg is still appending to the file.
                    head = os.pread(stderr.fileno(), 20000, 0).decode("utf-8", "replace")
                    expected_frames = _expected_frames(head)
                if progress is not None and expected_frames > 0:
                    progress(min(received / BYTES_PER_FRAME / expected_frames, 0.99))
            returncode = process.wait()
        finally:
            watchdog.cancel()
            if process.poll() is None:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
            if stopper is not None:
                stopper.ended(process)
        if stopper is not None and stopper.stopped:
            raise ScanCancelled()
        stderr.seek(0)
        text = stderr.read().decode("utf-8", "replace")
    return received // BYTES_PER_FRAME, peak, text, returncode


def measure_loudness(
    path: str | Path,
    progress: Callable[[float], None] | None = None,
    stopper: Stopper | None = None,
) -> LoudnessFacts:
    """Measure one file (no cache). Raises AnalysisError (with the reason) or ScanCancelled."""
    file = Path(path)
    sha = file_sha256(file)
    if not file.is_file():
        raise AnalysisError(f"{file}: not a file")
    frames, peak, text, returncode = _meter_pass(file, progress, stopper)
    try:
        info = header_info(str(file), text)
    except ProbeError as exc:
        raise AnalysisError(f"{file}: {exc}") from None
    if returncode != 0:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        reason = lines[-1] if lines else "ffmpeg failed"
        raise AnalysisError(f"{file}: the audio data does not decode ({reason})")
    if frames == 0:
        raise AnalysisError(f"{file}: no audio in the file")
    lufs = _summary_value(_INTEGRATED, text) if peak > 0 else None
    if lufs is not None and lufs <= SILENT_LUFS:
        lufs = None
    if peak > 0 and (lufs is None or frames < _GATING_BLOCK_FRAMES):
        # Too short for one gating block: the looped measurement normalisation uses.
        lufs = measure_file(file).integrated_lufs
    true_peak = _summary_value(_TRUE_PEAK, text) if peak > 0 else None
    loudness_range = _summary_value(_RANGE, text) or 0.0
    if progress is not None:
        progress(1.0)
    return LoudnessFacts(
        sha256=sha,
        frames=int(frames),
        integrated_lufs=lufs,
        loudness_range_lu=float(loudness_range),
        true_peak_dbtp=true_peak,
        sample_peak=float(peak),
        codec=info.codec,
        sample_rate_hz=info.sample_rate_hz,
        channels=info.channels,
    )


class LoudnessCache:
    """Loudness facts on disk, one ``<sha256>.loudness.json`` per content, beside the
    pre-flight's analysis entries (which every measurement also fills)."""

    def __init__(self, cache_dir: str | Path | None = None) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.analysis = AnalysisCache(self.cache_dir)

    def _entry_path(self, sha: str) -> Path:
        return self.cache_dir / f"{sha}.loudness.json"

    def lookup(self, sha: str) -> LoudnessFacts | None:
        return read_entry(self._entry_path(sha), LoudnessFacts, LOUDNESS_VERSION, sha)

    def store(self, facts: LoudnessFacts) -> None:
        if not write_entry(self._entry_path(facts.sha256), facts):
            return  # a read-only or full cache only costs time: the next scan measures again
        if self.analysis.lookup(facts.sha256) is None:
            self.analysis.store(facts.as_analysis())
