"""Measure many files' loudness in parallel, with progress and cancel, cached by content.

Decoding with ffmpeg is the whole cost, and every file is its own ffmpeg process, so a
small thread pool (one thread per core, each waiting on its ffmpeg) keeps every core busy
without Python doing the work. Files are started largest first, so that a long recording
does not begin last and leave the other cores idle at the end.

Progress is one fraction of all the work (by file size, files already in the cache count
as done at once) and reported from any thread, never going back. Cancel (``is_cancelled``
returning True, polled every 50 ms) kills the running ffmpeg processes and returns what was
measured so far; everything measured is already in the cache, so the next scan goes on from
there.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from session_player.audio.analysis import AnalysisError, file_sha256
from session_player.audio.loudness import (
    LoudnessCache,
    LoudnessFacts,
    ScanCancelled,
    Stopper,
    measure_loudness,
)

Progress = Callable[[float, str], None]  # (fraction 0..1 of all the work, current file)
_POLL_S = 0.05
_REPORT_STEP = 0.005  # report progress in steps of half a percent, not on every chunk


def default_workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


@dataclass
class ScanResult:
    facts: dict[str, LoudnessFacts] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # path -> why it was not measured
    cancelled: bool = False
    cache_hits: int = 0
    measured: int = 0


class _Progress:
    """Per-file fractions weighted by size; reports the total, monotonic, rate-limited."""

    def __init__(self, sizes: dict[str, int], report: Progress | None) -> None:
        self._sizes = sizes
        self._total = float(sum(sizes.values())) or 1.0
        self._done: dict[str, float] = {}
        self._report = report
        self._reported = -1.0
        self._lock = threading.Lock()

    def file(self, path: str, fraction: float) -> None:
        if self._report is None:
            return
        with self._lock:
            self._done[path] = max(self._done.get(path, 0.0), min(fraction, 1.0))
            total = sum(self._sizes[p] * f for p, f in self._done.items()) / self._total
            if total < self._reported + _REPORT_STEP and fraction < 1.0:
                return
            total = max(total, self._reported)
            self._reported = total
            self._report(min(total, 1.0), path)


def scan_loudness(
    paths: Iterable[str],
    cache: LoudnessCache | None = None,
    *,
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    workers: int | None = None,
) -> ScanResult:
    """Loudness facts of every file; failures keep their reason, nothing is dropped."""
    cache = cache if cache is not None else LoudnessCache()
    unique = list(dict.fromkeys(str(p) for p in paths))
    sizes: dict[str, int] = {}
    for path in unique:
        try:
            sizes[path] = max(os.path.getsize(path), 1)
        except OSError:
            sizes[path] = 1
    meter = _Progress(sizes, progress)
    stopper = Stopper()
    result = ScanResult()
    lock = threading.Lock()

    def one(path: str) -> None:
        try:
            sha = file_sha256(path)
            found = cache.lookup(sha)
            if found is not None:
                with lock:
                    result.facts[path] = found
                    result.cache_hits += 1
                meter.file(path, 1.0)
                return
            facts = measure_loudness(path, lambda f: meter.file(path, f), stopper)
            cache.store(facts)
            with lock:
                result.facts[path] = facts
                result.measured += 1
        except ScanCancelled:
            return
        except AnalysisError as exc:
            if stopper.stopped:
                return  # killed by the cancel, not broken
            with lock:
                result.failures[path] = str(exc)
        except Exception as exc:  # never lost in a worker thread: the row says why
            with lock:
                result.failures[path] = f"{path}: cannot be measured ({exc})"
        meter.file(path, 1.0)

    cancelled = is_cancelled if is_cancelled is not None else (lambda: False)
    order = sorted(unique, key=lambda p: -sizes[p])
    pool = ThreadPoolExecutor(
        max_workers=workers or default_workers(), thread_name_prefix="loudness"
    )
    try:
        pending: set[Future] = {pool.submit(one, path) for path in order}
        while pending:
            if cancelled():
                stopper.stop()
                with lock:
                    result.cancelled = True
                break
            _done, pending = wait(pending, timeout=_POLL_S, return_when=FIRST_COMPLETED)
    except BaseException:
        stopper.stop()  # Ctrl+C or an error here: no ffmpeg goes on decoding for nobody
        raise
    finally:
        # On cancel the killed processes end within milliseconds; queued files never start.
        pool.shutdown(wait=True, cancel_futures=True)
    with lock:
        # Keep the caller's order, whatever order the files finished in.
        result.facts = {p: result.facts[p] for p in unique if p in result.facts}
        result.failures = {p: result.failures[p] for p in unique if p in result.failures}
    return result
