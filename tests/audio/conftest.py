"""Shared helpers for the audio tests: generated test audio, playlists, renders.

Test audio is generated into temporary folders with numpy and ffmpeg (sines whose periods
fit the file exactly, so that joins and loops can be checked against a continuous sine).
Helpers are handed out through the ``au`` fixture (the tests import no helper module).
"""

from __future__ import annotations

import math
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from session_player.audio.analysis import AnalysisCache, FileAnalysis, analyse_files
from session_player.audio.mixer import Mixer
from session_player.media.ffmpeg import ffmpeg_exe
from session_player.playlist.model import Playlist

SR = 48000


def write_audio(path: Path, samples: np.ndarray, rate: int = SR, *codec: str) -> Path:
    """Encode float samples (frames, channels) with ffmpeg; the codec follows the suffix."""
    data = np.ascontiguousarray(samples, dtype=np.float32)
    if data.ndim == 1:
        data = data[:, None]
    command = [ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-f", "f32le"]
    command += ["-ar", str(rate), "-ac", str(data.shape[1]), "-i", "pipe:0", *codec, str(path)]
    subprocess.run(command, input=data.tobytes(), check=True)
    return path


def sine(freq_hz: float, seconds: float, amplitude: float, rate: int = SR) -> np.ndarray:
    n = int(round(seconds * rate))
    return amplitude * np.sin(2 * np.pi * freq_hz * np.arange(n) / rate)


def stereo(mono: np.ndarray) -> np.ndarray:
    return np.stack([mono, mono], axis=1)


def playlist(data: dict) -> Playlist:
    base = {"title": "test", "route": "IV"}
    return Playlist.model_validate({**base, **data})


def jump_ratio(x: np.ndarray, freq_hz: float, window: int = 480) -> float:
    """Worst ratio, over windows, of the largest sample step to what a sine of the window's
    own peak level at ``freq_hz`` could step. A click or cut gives ratios of 10 or more;
    clean material (and fades of it) stays near 1."""
    steps = np.abs(np.diff(x, axis=0)).max(axis=1)
    level = np.abs(x[1:]).max(axis=1)
    count = len(steps) // window
    steps = steps[: count * window].reshape(count, window).max(axis=1)
    level = level[: count * window].reshape(count, window).max(axis=1)
    bound = 2 * math.sin(math.pi * freq_hz / SR) * level
    audible = level > 1e-4  # below -80 dBFS a step is no click
    if not audible.any():
        return 0.0
    return float((steps[audible] / bound[audible]).max())


def render(mixer: Mixer, seconds: float, block: int = 4096) -> np.ndarray:
    frames = int(round(seconds * SR))
    out = []
    while frames > 0:
        take = min(block, frames)
        out.append(mixer.render(take))
        frames -= take
    return np.concatenate(out) if out else np.zeros((0, 2), np.float32)


def fake_analysis(frames: int, lufs: float | None = -23.0, peak: float = 0.5) -> FileAnalysis:
    return FileAnalysis(sha256="0" * 64, frames=frames, integrated_lufs=lufs, peak=peak)


@pytest.fixture(scope="session")
def au(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Helpers, and a session-wide folder of generated test audio."""
    folder = tmp_path_factory.mktemp("audio")
    cache = AnalysisCache(tmp_path_factory.mktemp("analysis-cache"))
    made: dict[str, Path] = {}

    def file(name: str, samples: np.ndarray, rate: int = SR, *codec: str) -> str:
        if name not in made:
            made[name] = write_audio(folder / name, samples, rate, *codec)
        return str(made[name])

    def analyse(*paths: str) -> dict[str, FileAnalysis]:
        result = analyse_files(paths, cache)
        assert not result.failures, result.failures
        return result.files

    return SimpleNamespace(
        SR=SR,
        folder=folder,
        file=file,
        analyse=analyse,
        cache=cache,
        sine=sine,
        stereo=stereo,
        write=write_audio,
        playlist=playlist,
        jump_ratio=jump_ratio,
        render=render,
        fake_analysis=fake_analysis,
    )
