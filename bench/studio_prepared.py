"""Benchmark: listening in the studio from a point, cold and prepared, side by side.

Run: ``.venv/bin/python bench/studio_prepared.py``. Writes the "Studio: prepared auditions
(bench/studio_prepared.py)" section of ``docs/benchmarks.md``.

On SDL's disk driver, at 9 points spread over the 2-hour intranasal playlist, the time from
``Audition.play`` (what a click on the time ruler or Space calls) to the first sound in the
device's file, two ways at each point:

- **cold**: nothing prepared, the mixer is positioned there after the call (every sounding
  file's ffmpeg started and seeked there);
- **prepared**: ``Audition.prepare`` at that point first, as the studio does where the cursor
  stands or the mouse rests on the ruler for 200 ms, then the call.

The disk driver writes the file at real-time pace, one 1024-frame buffer at a time; a
thread looks at it every millisecond, so the figures include up to one buffer (21 ms) of
the driver's own pace.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

WORK = Path(tempfile.mkdtemp(prefix="bench-studio-prepared-"))
DEVICE = WORK / "device.raw"
os.environ["SDL_AUDIODRIVER"] = "disk"
os.environ["SDL_DISKAUDIOFILE"] = str(DEVICE)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._report import write_section  # noqa: E402

PLAYLIST = ROOT / "playlists" / "intranasal-esketamine.yaml"
POINTS_S = [60.0 * minute for minute in range(2, 118, 14)]


def first_sound_s(app, started: float, skip_bytes: int) -> float:
    """Seconds from ``started`` to the first non-zero sample in the device's file after its
    first ``skip_bytes`` (what the device, kept open between auditions, wrote before)."""
    while True:
        if DEVICE.exists() and DEVICE.stat().st_size > skip_bytes:
            data = np.fromfile(DEVICE, dtype="<f4", offset=skip_bytes)
            if np.flatnonzero(np.abs(data) > 0).size:
                return time.perf_counter() - started
        app.processEvents()
        time.sleep(0.001)


def main() -> int:
    from PySide6.QtCore import QCoreApplication

    from session_player.audio.analysis import analyse_playlist
    from session_player.playlist.loader import load_playlist
    from session_player.ui.studio.audition import Audition
    from session_player.ui.studio.session_map import build_session_map

    app = QCoreApplication([])
    result = load_playlist(PLAYLIST)
    analysis = analyse_playlist(result.playlist).files
    session_map = build_session_map(result, analysis=analysis)
    audition = Audition()
    figures: dict[str, list[float]] = {"cold": [], "prepared": []}
    started_run = time.perf_counter()
    load_before = os.getloadavg()[0]
    for at_s in POINTS_S:
        for mode in ("cold", "prepared"):
            if mode == "prepared":
                audition.prepare(
                    result.playlist, session_map.session, analysis, session_map.dose_at_s, at_s
                )
                audition.wait_prepared()
            # The device stays open between auditions (engine/audition.py): only what it
            # writes after the call counts.
            skip_bytes = DEVICE.stat().st_size // 8 * 8 if DEVICE.exists() else 0
            started = time.perf_counter()
            audition.play(
                result.playlist, session_map.session, analysis, session_map.dose_at_s, at_s
            )
            figures[mode].append(first_sound_s(app, started, skip_bytes))
            while audition.sink is None:  # the window hears that it plays, then Stop
                app.processEvents()
                time.sleep(0.001)
            audition.stop()
            audition.wait_stopped()
    audition.close()
    run_s = time.perf_counter() - started_run
    rows = []
    for mode, values in figures.items():
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
        rows.append(
            f"| {mode} | {statistics.median(values) * 1000:.0f} ms | {p95 * 1000:.0f} ms | "
            f"{values[-1] * 1000:.0f} ms |"
        )
    body = f"""
Command: `.venv/bin/python bench/studio_prepared.py` (Python {platform.python_version()},
{platform.machine()}, {os.cpu_count()} cores; {run_s:.0f} s; load average {load_before:.2f}
at the start, {os.getloadavg()[0]:.2f} at the end).

`{PLAYLIST.name}` on SDL's disk driver, {len(POINTS_S)} points from
{POINTS_S[0] / 60:.0f} to {POINTS_S[-1] / 60:.0f} minutes after the dose; from
`Audition.play` to the first sound in the device's file.

| start | p50 | p95 | max |
|---|---:|---:|---:|
{chr(10).join(rows)}

A prepared start (the cursor or the mouse resting on the ruler for 200 ms first, as in the
studio) only starts a stream on the device, which stays open between auditions
(`engine/audition.py`): the mixer is already positioned. A cold start positions it after
the call (each sounding file's ffmpeg started and seeked there), on the audition's own
thread: the window never waits for either.
"""
    write_section(
        ROOT / "docs" / "benchmarks.md",
        "Studio: prepared auditions (bench/studio_prepared.py)",
        body,
    )
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
