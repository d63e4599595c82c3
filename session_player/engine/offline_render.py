"""Offline render: what the patient would hear, written to a WAV file faster than real time.

The same ``Mixer`` as the live path renders block by block and the blocks stream into the
file, so memory stays flat for a three-hour session. Times:

- ``dose_at_s``: when, on the session clock, the dose is marked (settling lasts that long);
- ``from_s`` / ``to_s``: the stretch to render, on the session clock (time since the
  session started, settling included). Without pauses this is the audio timeline tau;
  during a pause the session clock runs on while tau stands still, and the file holds the
  silence the patient hears.

What plays when is decided by the real session timeline, run on a fake clock with the
command script, if any (``scripted_session``): the preview is what a live session would
do. Missing or broken files are reported through ``on_alert`` and in the report, never as
an exception or silent gap.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from session_player.audio.analysis import (
    AnalysisCache,
    AnalysisResult,
    FileAnalysis,
    Progress,
    analyse_playlist,
)
from session_player.audio.mixer import Mixer
from session_player.audio.sources import SourceOpener
from session_player.audio.wav_writer import SampleFormat, WavWriter
from session_player.engine.command_script import Command
from session_player.engine.scripted_session import run_script
from session_player.playlist.model import Playlist

SAMPLE_RATE_HZ = 48000
RENDER_BLOCK_FRAMES = 8192
# Offline, the mix runs ~100x faster than real time: open files this much audio-time ahead
# so that ffmpeg's start-up (20-110 ms of wall time) is hidden.
RENDER_PREFETCH_S = 20.0


@dataclass
class RenderReport:
    out_path: Path
    from_s: float
    to_s: float
    dose_at_s: float | None  # None: the dose was not given before the end of the render
    frames: int
    wall_s: float
    clamp_count: int
    alerts: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def speed(self) -> float:
        """Multiples of real time."""
        return (self.frames / SAMPLE_RATE_HZ) / self.wall_s if self.wall_s > 0 else math.inf


def render_to_wav(
    playlist: Playlist,
    out_path: str | Path,
    from_s: float = 0.0,
    to_s: float | None = None,
    dose_at_s: float = 120.0,
    commands: list[Command] | None = None,
    *,
    analysis: Mapping[str, FileAnalysis] | AnalysisResult | None = None,
    cache: AnalysisCache | None = None,
    sample_format: SampleFormat = "pcm24",
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
    analysis_progress: Progress | None = None,
    on_alert: Callable[[str, str], None] | None = None,
    block_frames: int = RENDER_BLOCK_FRAMES,
) -> RenderReport:
    """Render [from_s, to_s) of the session (session clock) into ``out_path``."""
    alerts: list[tuple[str, str]] = []

    def alert(kind: str, message: str) -> None:
        alerts.append((kind, message))
        if on_alert is not None:
            on_alert(kind, message)

    if to_s is not None and to_s <= from_s:
        raise ValueError(f"nothing to render: --to ({to_s:g} s) is not after --from ({from_s:g} s)")
    session = run_script(playlist, commands or (), dose_at_s, to_s, seed)
    to_s = session.end_s
    if to_s <= from_s:
        raise ValueError(
            f"nothing to render: the session is over at {to_s:g} s, before --from ({from_s:g} s)"
        )
    if analysis is None:
        # Files that cannot be measured are reported by the mixer, with the reason, when
        # the session would play them.
        analysis = analyse_playlist(playlist, cache, analysis_progress)

    opener = SourceOpener(SAMPLE_RATE_HZ)
    mixer = Mixer(
        playlist, analysis, SAMPLE_RATE_HZ, alert, opener=opener, prefetch_s=RENDER_PREFETCH_S
    )
    first = int(round(from_s * SAMPLE_RATE_HZ))
    last = int(round(to_s * SAMPLE_RATE_HZ))
    frozen = [
        (int(round(start_s * SAMPLE_RATE_HZ)), _frames_or_inf(end_s))
        for start_s, end_s in session.freezes
    ]
    started = time.perf_counter()
    try:
        mixer.set_schedule(session.schedule)
        mixer.seek(session.tau_at(from_s))
        with WavWriter(out_path, SAMPLE_RATE_HZ, 2, sample_format, dither_seed=seed) as wav:
            frame = first
            while frame < last:
                count, silent = _next_stretch(frame, min(block_frames, last - frame), frozen)
                if silent:
                    wav.write(np.zeros((count, 2), dtype=np.float32))
                else:
                    wav.write(mixer.render(count))
                frame += count
                if progress is not None:
                    progress((frame - first) / (last - first))
    finally:
        mixer.close()
    wall_s = time.perf_counter() - started
    return RenderReport(
        out_path=Path(out_path),
        from_s=from_s,
        to_s=to_s,
        dose_at_s=session.dose_s,
        frames=last - first,
        wall_s=wall_s,
        clamp_count=mixer.clamp_count,
        alerts=alerts,
        notes=list(session.notes),
    )


def _frames_or_inf(seconds: float) -> float:
    return math.inf if math.isinf(seconds) else int(round(seconds * SAMPLE_RATE_HZ))


def _next_stretch(frame: int, wanted: int, frozen: list[tuple[int, float]]) -> tuple[int, bool]:
    """(frames, silent): up to ``wanted`` frames that are all paused or all playing."""
    for start, end in frozen:
        if start <= frame < end:
            return int(min(wanted, end - frame)), True
        if frame < start:
            return min(wanted, start - frame), False
    return wanted, False
