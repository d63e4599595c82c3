"""Per-file loudness, exact length and peak, measured once and cached on disk by content.

What the mixer needs from every file before it plays it:

- the integrated loudness (ITU-R BS.1770-4 / EBU R128, gated), so that every item can be
  normalised to the session's target;
- the exact length in frames at 48 kHz, so that gapless chains and loops are sample-exact;
- the sample peak.

One ffmpeg pass gives all three: ffmpeg decodes through the same conversion chain as the
``Decoder`` and its ``ebur128`` filter (a pass-through meter) measures the loudness, while
we count the frames and take the peak of the float32 stream on the pipe. The loudness is
that of the converted stereo stream, i.e. of what is actually played (a mono file measures
the same as BS.1770 measures it as mono, because the upmix is equal-power).

Verified (tests/audio/test_analysis.py) against the BS.1770 reference points: a 997 Hz sine
at 0 dBFS in one channel of a stereo file reads -3.01 LUFS; a 1 kHz sine with -20 dBFS
peaks in both channels reads -20 LUFS (the K-weighting adds +0.69 dB at 1 kHz, the
-0.691 constant removes it).

Results are cached in one small JSON file per content hash (sha256 of the file's bytes), so
a renamed or moved file is a cache hit and a re-saved file with other content is measured
again. Files are written atomically (temporary file + rename), so a crash never leaves a
half-written entry.

Files shorter than one 400 ms gating block (a water drop) have no gated loudness; they are
measured looped to a few seconds instead. A silent file has no loudness (``None``), and
normalisation then leaves it alone rather than giving it infinite gain.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from session_player.audio.content_cache import read_entry, write_entry
from session_player.audio.decoder import (
    BYTES_PER_FRAME,
    OUTPUT_RATE_HZ,
    conversion_filter,
)
from session_player.media.ffmpeg import child_environment, ffmpeg_exe, run_ffmpeg

ANALYSIS_VERSION = 1  # bump when the measurement changes: old cache entries are ignored
MAX_BOOST_DB = 12.0  # never raise a quiet file by more than this
SILENT_LUFS = -70.0  # the absolute gate of BS.1770: at or below it there is no loudness
_GATING_BLOCK_S = 0.4
_SHORT_FILE_LOOP_S = 3.0
_READ_BYTES = 1 << 20
ANALYSIS_TIMEOUT_S = 900.0  # a whole-file decode; generous for hour-long recordings

Progress = Callable[[float, str], None]  # (fraction 0..1 of all the work, current file)

_INTEGRATED = re.compile(r"Integrated loudness:\s*I:\s*(-?\d+(?:\.\d+)?|-?inf|nan)\s*LUFS")
_DURATION = re.compile(r"Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)")


class AnalysisError(Exception):
    """The file could not be measured (missing, unreadable, not audio, damaged)."""


@dataclass(frozen=True)
class FileAnalysis:
    sha256: str
    frames: int  # exact length at 48 kHz, as the Decoder streams it
    integrated_lufs: float | None  # None: silent, no measurable loudness
    peak: float  # linear sample peak of the converted stream
    version: int = ANALYSIS_VERSION

    @property
    def duration_s(self) -> float:
        return self.frames / OUTPUT_RATE_HZ

    @property
    def peak_dbfs(self) -> float:
        return 20 * math.log10(self.peak) if self.peak > 0 else -math.inf

    def normalisation_gain_db(
        self, target_lufs: float, max_boost_db: float = MAX_BOOST_DB
    ) -> float:
        """The gain that brings this file to ``target_lufs``; 0 for a silent file."""
        if self.integrated_lufs is None:
            return 0.0
        return min(target_lufs - self.integrated_lufs, max_boost_db)


# --- hashing ---------------------------------------------------------------------------

_hash_memo: dict[tuple[str, int, int], str] = {}
_hash_lock = threading.Lock()


def file_sha256(path: str | Path) -> str:
    """sha256 of the file's bytes; memoised per (path, size, mtime) within the process."""
    file = Path(path)
    try:
        stat = file.stat()
    except FileNotFoundError:
        raise AnalysisError(f"{file}: file not found") from None
    except OSError as exc:
        raise AnalysisError(f"{file}: cannot read the file ({exc.strerror})") from None
    key = (str(file.resolve()), stat.st_size, stat.st_mtime_ns)
    with _hash_lock:
        known = _hash_memo.get(key)
    if known is not None:
        return known
    digest = hashlib.sha256()
    try:
        with open(file, "rb") as handle:
            for chunk in iter(lambda: handle.read(_READ_BYTES), b""):
                digest.update(chunk)
    except OSError as exc:
        raise AnalysisError(f"{file}: cannot read the file ({exc.strerror})") from None
    value = digest.hexdigest()
    with _hash_lock:
        _hash_memo[key] = value
    return value


# --- measuring -------------------------------------------------------------------------


def _parse_integrated(stderr_text: str) -> float | None:
    found = _INTEGRATED.findall(stderr_text)
    if not found:
        return None
    try:
        value = float(found[-1])  # the last summary wins (there is only one per run)
    except ValueError:
        return None
    if not math.isfinite(value) or value <= SILENT_LUFS:
        return None
    return value


def _run_with_watchdog(
    command: list[str], on_chunk: Callable[[bytes, Callable[[], str]], None] | None
) -> tuple[int, str]:
    """Run ffmpeg, feed its stdout to ``on_chunk``; return (returncode, stderr text)."""
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
        watchdog = threading.Timer(ANALYSIS_TIMEOUT_S, process.kill)
        watchdog.daemon = True
        watchdog.start()

        def stderr_so_far() -> str:
            # pread leaves the shared file offset alone: ffmpeg is still appending to it.
            return os.pread(stderr.fileno(), 20000, 0).decode("utf-8", "replace")

        try:
            assert process.stdout is not None
            while True:
                chunk = process.stdout.read(_READ_BYTES)
                if not chunk:
                    break
                if on_chunk is not None:
                    on_chunk(chunk, stderr_so_far)
            returncode = process.wait()
        finally:
            watchdog.cancel()
            if process.poll() is None:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        stderr.seek(0)
        return returncode, stderr.read().decode("utf-8", "replace")


def measure_file(path: str | Path, progress: Callable[[float], None] | None = None) -> FileAnalysis:
    """Measure one file (no cache): loudness, exact frames at 48 kHz, peak."""
    file = Path(path)
    sha = file_sha256(file)
    chain = conversion_filter(OUTPUT_RATE_HZ) + ",ebur128=framelog=verbose"
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-v", "info"]
    command += ["-i", str(file), "-map", "0:a:0", "-vn", "-sn", "-dn", "-af", chain]
    command += ["-f", "f32le", "-c:a", "pcm_f32le", "pipe:1"]

    state = {"bytes": 0, "peak": 0.0, "expected_frames": 0, "tail": b""}

    def on_chunk(chunk: bytes, stderr_so_far: Callable[[], str]) -> None:
        data = state["tail"] + chunk if state["tail"] else chunk
        usable = len(data) - len(data) % 4
        state["tail"] = data[usable:]
        if usable:
            samples = np.frombuffer(data[:usable], dtype=np.float32)
            state["peak"] = max(state["peak"], float(np.max(np.abs(samples))))
        state["bytes"] += len(chunk)
        if progress is None:
            return
        if not state["expected_frames"]:
            found = _DURATION.search(stderr_so_far())
            if found:
                hours, minutes, seconds = found.groups()
                total_s = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
                state["expected_frames"] = max(1, round(total_s * OUTPUT_RATE_HZ))
        if state["expected_frames"]:
            done = state["bytes"] / BYTES_PER_FRAME / state["expected_frames"]
            progress(min(done, 0.99))

    returncode, stderr_text = _run_with_watchdog(command, on_chunk)
    if returncode != 0:
        last = [line for line in stderr_text.splitlines() if line.strip()]
        reason = last[-1].strip() if last else "ffmpeg failed"
        if "No such file" in stderr_text:
            reason = "file not found"
        raise AnalysisError(f"{file}: cannot be decoded ({reason})")
    frames = state["bytes"] // BYTES_PER_FRAME
    if frames == 0:
        raise AnalysisError(f"{file}: no audio in the file")
    peak = float(state["peak"])
    lufs = _parse_integrated(stderr_text) if peak > 0 else None
    if peak > 0 and (lufs is None or frames < _GATING_BLOCK_S * OUTPUT_RATE_HZ):
        # Too short for one gating block (or gated out as a whole): measure it looped.
        lufs = _measure_looped(file, frames)
    if progress is not None:
        progress(1.0)
    return FileAnalysis(sha256=sha, frames=int(frames), integrated_lufs=lufs, peak=peak)


def _measure_looped(file: Path, frames: int) -> float | None:
    loops = max(1, math.ceil(_SHORT_FILE_LOOP_S * OUTPUT_RATE_HZ / max(frames, 1)))
    chain = conversion_filter(OUTPUT_RATE_HZ) + ",ebur128=framelog=verbose"
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-v", "info"]
    command += ["-stream_loop", str(loops - 1), "-i", str(file), "-map", "0:a:0"]
    command += ["-af", chain, "-f", "null", "-"]
    returncode, stderr_text = _run_with_watchdog(command, None)
    return _parse_integrated(stderr_text) if returncode == 0 else None


def integrated_loudness(samples: np.ndarray, sample_rate_hz: int = OUTPUT_RATE_HZ) -> float | None:
    """BS.1770 integrated loudness of an in-memory (frames, channels) array, via ffmpeg."""
    data = np.ascontiguousarray(samples, dtype=np.float32)
    channels = 1 if data.ndim == 1 else data.shape[1]
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-v", "info"]
    command += ["-f", "f32le", "-ar", str(sample_rate_hz), "-ac", str(channels), "-i", "pipe:0"]
    command += ["-af", "ebur128=framelog=verbose", "-f", "null", "-"]
    result = run_ffmpeg(command, input_bytes=data.tobytes())
    if result.returncode != 0:
        raise AnalysisError(result.stderr.decode("utf-8", "replace").strip()[-300:])
    return _parse_integrated(result.stderr.decode("utf-8", "replace"))


# --- the cache -------------------------------------------------------------------------


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("session-player")) / "analysis"


class AnalysisCache:
    """Measurements on disk, one ``<sha256>.json`` per content, written atomically."""

    def __init__(self, cache_dir: str | Path | None = None) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.hits = 0
        self.misses = 0

    def _entry_path(self, sha: str) -> Path:
        return self.cache_dir / f"{sha}.json"

    def lookup(self, sha: str) -> FileAnalysis | None:
        return read_entry(self._entry_path(sha), FileAnalysis, ANALYSIS_VERSION, sha)

    def store(self, analysis: FileAnalysis) -> None:
        write_entry(self._entry_path(analysis.sha256), analysis)  # failing costs only time

    def analyse(
        self, path: str | Path, progress: Callable[[float], None] | None = None
    ) -> FileAnalysis:
        sha = file_sha256(path)
        found = self.lookup(sha)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        measured = measure_file(path, progress)
        if measured.sha256 != sha:  # the file changed while we read it: measure what is there
            measured = measure_file(path, progress)
        self.store(measured)
        return measured


@dataclass
class AnalysisResult:
    """Analyses of a set of files, and the reasons the others could not be measured."""

    files: dict[str, FileAnalysis] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


def analyse_files(
    paths: Iterable[str],
    cache: AnalysisCache | None = None,
    progress: Progress | None = None,
) -> AnalysisResult:
    """Analyse every file (cached ones instantly); ``progress`` gets the overall fraction."""
    cache = cache if cache is not None else AnalysisCache()
    unique = list(dict.fromkeys(str(p) for p in paths))
    sizes = {}
    for path in unique:
        try:
            sizes[path] = max(os.path.getsize(path), 1)
        except OSError:
            sizes[path] = 1
    total = float(sum(sizes.values())) or 1.0
    done = 0.0
    result = AnalysisResult()
    for path in unique:

        def file_progress(fraction: float, path: str = path, done: float = done) -> None:
            if progress is not None:
                progress((done + fraction * sizes[path]) / total, path)

        try:
            result.files[path] = cache.analyse(path, file_progress)
        except AnalysisError as exc:
            result.failures[path] = str(exc)
        done += sizes[path]
        if progress is not None:
            progress(done / total, path)
    return result


def playlist_audio_files(playlist) -> list[str]:
    """Every audio file a playlist may play, in a stable order, without duplicates."""
    files: list[str] = []
    contents = [playlist.settling, *playlist.phases]
    for content in contents:
        if content.music is not None:
            files += [item.file for item in content.music.items if item.file is not None]
        files += [cue.file for cue in content.voice if cue.file is not None]
    for soundscape in playlist.soundscapes.values():
        for layer in soundscape.layers:
            if layer.bed is not None:
                files.append(layer.bed)
            files += layer.one_shots or []
    files += [bell.file for bell in playlist.bells.values()]
    files += [voice.file for voice in playlist.voices.values()]
    return list(dict.fromkeys(files))


def analyse_playlist(
    playlist, cache: AnalysisCache | None = None, progress: Progress | None = None
) -> AnalysisResult:
    return analyse_files(playlist_audio_files(playlist), cache, progress)


AnalysisMap = Mapping[str, FileAnalysis]
