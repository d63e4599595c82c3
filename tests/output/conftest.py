"""Run output code against SDL's real drivers, each run in a fresh subprocess.

SDL reads ``SDL_AUDIODRIVER`` and the disk driver's ``SDL_DISKAUDIOFILE`` when it starts,
so every scenario gets its own interpreter with its own environment. The ``disk`` driver
writes exactly what the device would play (raw float32 stereo, no header) to the file, at
about real-time pace: one buffer per ``SDL_DISKAUDIODELAY`` ms (by default the buffer's own
duration rounded down, e.g. 21 ms for 1024 frames at 48 kHz). With the disk driver, a
device name other than SDL's listed one is taken as a file path: that lets a test make a
device absent (a path in a missing folder) or lose it mid-session (a FIFO whose reader
goes away). Scripts print one JSON object as their last line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]

PRELUDE = """
import json, os, sys, time, threading
import numpy as np
sys.path.insert(0, {repo!r})

def counter_render(start=0, period=4096):
    # Frame i plays ((i % period) + 1) / 8192 left and its negative right: exact in float32,
    # never zero, so any gap, repeat or reordering is visible in the disk file.
    pos = [start]
    def render(frames):
        i = np.arange(pos[0], pos[0] + frames)
        pos[0] += frames
        x = ((i % period) + 1).astype(np.float32) / 8192.0
        return np.stack([x, -x], axis=1)
    render.pos = pos
    return render

def sine_render(freq_hz=220.0, amplitude=0.5, phase=0.0, rate=48000):
    pos = [0]
    def render(frames):
        t = (pos[0] + np.arange(frames)) / rate
        pos[0] += frames
        x = (amplitude * np.sin(2 * np.pi * freq_hz * t + phase)).astype(np.float32)
        return np.stack([x, x], axis=1)
    render.pos = pos
    return render

ALERTS = []
T0 = time.monotonic()
def on_alert(kind, message):
    ALERTS.append([round(time.monotonic() - T0, 3), kind, message])

def done(**values):
    values.setdefault("alerts", ALERTS)
    print(json.dumps(values))
"""


class SdlRunner:
    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.device_file = tmp_path / "device.raw"

    def __call__(
        self,
        body: str,
        *,
        driver: str = "disk",
        delay_ms: int | None = None,
        timeout_s: float = 25.0,
        env: dict[str, str] | None = None,
    ) -> dict:
        """Run ``body`` (after the PRELUDE) in a fresh interpreter; return its JSON result."""
        args, kwargs = self._command(body, driver, delay_ms, env)
        result = subprocess.run(
            args,
            **kwargs,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
        assert lines, result.stdout + result.stderr
        return json.loads(lines[-1])

    def popen(self, body: str, *, driver: str = "disk") -> subprocess.Popen:
        args, kwargs = self._command(body, driver, None, None)
        return subprocess.Popen(args, stdout=subprocess.PIPE, text=True, **kwargs)

    def _command(self, body, driver, delay_ms, env):
        environment = {
            key: value for key, value in os.environ.items() if not key.startswith("SDL_")
        }
        environment.update(
            SDL_AUDIODRIVER=driver,
            SDL_DISKAUDIOFILE=str(self.device_file),
            PYTHONPATH=str(REPO),
        )
        if delay_ms is not None:
            environment["SDL_DISKAUDIODELAY"] = str(delay_ms)
        environment.update(env or {})
        script = self.tmp_path / "scenario.py"
        script.write_text(PRELUDE.format(repo=str(REPO)) + textwrap.dedent(body))
        return [sys.executable, str(script)], {"env": environment, "cwd": self.tmp_path}

    def device_audio(self) -> np.ndarray:
        return self.read_raw(self.device_file)

    @staticmethod
    def read_raw(path: Path) -> np.ndarray:
        """What the disk driver wrote: float32 stereo frames (empty if nothing was written)."""
        if not path.exists():
            return np.zeros((0, 2), np.float32)
        data = np.fromfile(path, dtype="<f4")
        return data[: data.size // 2 * 2].reshape(-1, 2)

    @staticmethod
    def counter_signal(frames: int, start: int = 0, period: int = 4096) -> np.ndarray:
        i = np.arange(start, start + frames)
        x = ((i % period) + 1).astype(np.float32) / 8192.0
        return np.stack([x, -x], axis=1)

    @staticmethod
    def counter_index(samples: np.ndarray) -> np.ndarray:
        """Stream frame index (modulo the period) encoded in each frame of a counter signal."""
        return np.rint(samples[:, 0].astype(np.float64) * 8192.0).astype(np.int64) - 1

    @staticmethod
    def sine(frames: int, freq_hz: float = 220.0, amplitude: float = 0.5, phase: float = 0.0):
        t = np.arange(frames) / 48000
        return (amplitude * np.sin(2 * np.pi * freq_hz * t + phase)).astype(np.float32)


@pytest.fixture
def sdl(tmp_path: Path) -> SdlRunner:
    return SdlRunner(tmp_path)
