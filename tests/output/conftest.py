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

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
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


# --- a real sound server ---------------------------------------------------------------------
# PulseAudio started by the test with its own runtime folder and home (it never touches a
# desktop's server), two null sinks as the devices ("Headphones" and "Room-speakers"), and
# recordings from their monitors with ``parec``: what a sink played, as float32 stereo.

PULSE_BINARIES = ("pulseaudio", "pactl", "parec")
SINKS = {"headphones": "Headphones", "speakers": "Room-speakers"}


def null_sink_module(sink: str) -> str:
    return f"module-null-sink sink_name={sink} sink_properties=device.description={SINKS[sink]}"


def pulse_command() -> list[str]:
    command = ["pulseaudio", "-n", "--daemonize=yes", "--exit-idle-time=-1"]
    command += ["-L", "module-native-protocol-unix"]
    for sink in SINKS:
        command += ["-L", null_sink_module(sink)]
    return command


def require_pulse_binaries() -> None:
    missing = [name for name in PULSE_BINARIES if shutil.which(name) is None]
    if not missing:
        return
    reason = (
        f"PulseAudio live tests need {', '.join(missing)} "
        "(Debian: apt-get install pulseaudio pulseaudio-utils; .ci/run installs them)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(reason + ": missing in CI")
    pytest.skip(reason)


class PulseServer:
    """One PulseAudio daemon for one test; ``env`` reaches it (and SDL's pulseaudio driver)."""

    def __init__(self, tmp_path: Path):
        runtime = tmp_path / "pulse-run"
        if len(str(runtime)) > 80:  # its socket path must stay under the 108 bytes of sun_path
            runtime = Path(tempfile.mkdtemp(prefix="sp-pulse-"))
        runtime.mkdir(mode=0o700, exist_ok=True)
        home = tmp_path / "pulse-home"
        home.mkdir(exist_ok=True)
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PULSE_", "SDL_", "PIPEWIRE_"))
        }
        self.env.update(XDG_RUNTIME_DIR=str(runtime), HOME=str(home))
        self.env["SP_TEST_PULSE_COMMAND"] = json.dumps(pulse_command())
        self.runtime = runtime

    def start(self) -> None:
        subprocess.run(pulse_command(), env=self.env, check=True, timeout=20, capture_output=True)
        self.wait_until_up()

    def wait_until_up(self, timeout_s: float = 10.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.pactl("list", "short", "sinks").count("module-null-sink") == len(SINKS):
                return
            time.sleep(0.05)
        raise AssertionError("PulseAudio did not come up with its null sinks")

    def pactl(self, *args: str) -> str:
        result = subprocess.run(
            ["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10
        )
        return result.stdout if result.returncode == 0 else ""

    def stop(self) -> None:
        pid = None
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.runtime / "pulse" / "pid").read_text().split()[0])
        subprocess.run(["pulseaudio", "--kill"], env=self.env, capture_output=True, timeout=10)
        if pid is None:
            return
        deadline = time.monotonic() + 3.0
        with contextlib.suppress(OSError):
            while time.monotonic() < deadline:
                os.kill(pid, 0)  # raises once it has gone
                time.sleep(0.05)
            os.kill(pid, signal.SIGKILL)  # the server this test started, nothing else


@pytest.fixture
def pulse(tmp_path: Path):
    require_pulse_binaries()
    server = PulseServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# Helpers for scenario scripts that run against that server (after PRELUDE).
PULSE_PRELUDE = """
import subprocess

def pactl(*args):
    return subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=10).stdout

def unplug(sink="headphones"):
    for line in pactl("list", "short", "modules").splitlines():
        if f"sink_name={sink} " in line + " ":
            pactl("unload-module", line.split()[0])

def plug(sink="headphones", description="Headphones"):
    pactl("load-module", "module-null-sink", f"sink_name={sink}",
          f"sink_properties=device.description={description}")

def kill_server():
    subprocess.run(["pulseaudio", "--kill"], capture_output=True, timeout=10)
    while subprocess.run(["pactl", "info"], capture_output=True).returncode == 0:
        time.sleep(0.05)

def start_server():
    subprocess.run(json.loads(os.environ["SP_TEST_PULSE_COMMAND"]), capture_output=True,
                   timeout=20, check=True)

class Waker:
    # Silence played into a sink from the moment it appears, with a short latency: a null
    # sink with nothing to play sleeps up to 2 s, and its monitor's recording then begins
    # at some point after that sleep; kept awake, the recording starts with the sink.
    def __init__(self, sink="headphones"):
        command = (f"pacat -d {sink} --raw --format=s16le --rate=48000 --channels=2 "
                   "--latency-msec=20 </dev/zero")
        self.proc = subprocess.Popen(
            ["sh", "-c", f"until {command} 2>/dev/null; do sleep 0.01; done"],
            start_new_session=True)

    def stop(self):
        os.killpg(self.proc.pid, 15)
        self.proc.wait(5)


class Recorder:
    # parec from a sink's monitor: what the sink played, from when the recording began
    # (a low latency keeps the null sink awake, so the recording starts at once).
    # With ``wait=True`` it starts before the sink exists and retries until it appears, so
    # that it is recording before anything can play to the new sink.
    def __init__(self, sink="headphones", wait=False):
        self.started_s = time.monotonic()
        command = (f"parec -d {sink}.monitor --format=float32le --rate=48000 --channels=2 "
                   "--raw --latency-msec=20")
        if wait:
            command = f"until {command} 2>/dev/null; do sleep 0.01; done"
        self.proc = subprocess.Popen(["sh", "-c", "exec " + command if not wait else command],
                                     stdout=subprocess.PIPE, start_new_session=True)
        self.chunks = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(65536)
            if not chunk:
                return
            self.chunks.append(chunk)

    def stop(self):
        self.stopped_s = time.monotonic()
        os.killpg(self.proc.pid, 15)  # the shell and its parec
        self.proc.wait(5)
        self.reader.join(5)
        data = np.frombuffer(b"".join(self.chunks), dtype="<f4")
        self.frames = data[: data.size // 2 * 2].reshape(-1, 2)
        return self.frames

    def wall_s(self, index):
        # When frame ``index`` played, counted back from the end of the recording (its start
        # may come late while the sink wakes up; its end is a buffer of 20 ms ago).
        return self.stopped_s - (len(self.frames) - index) / 48000

    def onset(self, threshold=1e-3):
        loud = np.flatnonzero(np.abs(self.frames[:, 0]) > threshold)
        return int(loud[0]) if loud.size else None
"""
