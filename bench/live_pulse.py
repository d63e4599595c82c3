"""The live timing run on a real PulseAudio server, played beside the disk driver's run.

bench/live.py starts this run next to the disk driver's, in the same invocation: the same
session, in real time, on SDL's ``pulseaudio`` driver, to a null sink ("Headphones") of a
PulseAudio server started here with its own runtime folder (it never touches a desktop's
server), recorded from the sink's monitor with ``parec``. Each cue's onset in the recording
is put on the dose clock in two steps:

1. recording frame -> monotonic clock: the reader notes, for every chunk ``parec`` hands
   over, when it arrived and how many frames the recording then held. A chunk arrives a
   little after its last frame played (never before), so the earliest arrivals give the
   mapping; fitted over the run, it also measures the sink's clock against the monotonic
   clock (a null sink is clocked by the system timer);
2. monotonic clock -> session clock: the player logs both at every tick.

The onset detector's own offset, measured on the offline render, is subtracted as for the
disk driver. A sink's monitor gets each block when the sink renders it, a block before
the sink plays it: a null sink wakes when its timer reaches the end of what it rendered,
renders one block (its configured latency) ahead and posts it to the monitor at once, then
plays it out over the block (a sound card's sink likewise plays a block its hardware buffer
later). The bench reads the sink's configured latency from the server once a second
(``pactl list sinks``) and adds it, so the onset is when the sink plays the cue, the moment
PulseAudio's latency report (and so the player's output latency) refers to. The monitor's
own figures, without it, are reported beside.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

RATE = 48000
SINK = "headphones"
DEVICE = "Headphones"


def unavailable_reason() -> str | None:
    missing = [name for name in ("pulseaudio", "pactl", "parec") if shutil.which(name) is None]
    if missing:
        return f"{', '.join(missing)} not installed (apt-get install pulseaudio pulseaudio-utils)"
    return None


class PulseRun:
    """A PulseAudio server, a recording of its Headphones sink and the player's child."""

    def __init__(self, folder: Path):
        self.folder = folder
        runtime = folder / "pulse-run"
        if len(str(runtime)) > 80:  # the server's socket path must fit in sun_path
            runtime = Path(tempfile.mkdtemp(prefix="bench-pulse-"))
        runtime.mkdir(mode=0o700, exist_ok=True)
        home = folder / "pulse-home"
        home.mkdir(exist_ok=True)
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PULSE_", "SDL_", "PIPEWIRE_"))
        }
        self.env.update(XDG_RUNTIME_DIR=str(runtime), HOME=str(home), SDL_AUDIODRIVER="pulseaudio")
        self.runtime = runtime
        self.recording = folder / "monitor.raw"
        self.arrivals: list[tuple[float, int]] = []  # (monotonic s, frames recorded by then)
        self._parec: subprocess.Popen | None = None
        self._reader: threading.Thread | None = None
        # (monotonic s, the Headphones sink's configured latency in s), once a second.
        self.sink_latencies: list[tuple[float, float]] = []
        self._polling = threading.Event()
        self._poller: threading.Thread | None = None
        self.child: subprocess.Popen | None = None

    def start_server(self) -> None:
        subprocess.run(
            [
                "pulseaudio",
                "-n",
                "--daemonize=yes",
                "--exit-idle-time=-1",
                "-L",
                "module-native-protocol-unix",
                "-L",
                f"module-null-sink sink_name={SINK} sink_properties=device.description={DEVICE}",
            ],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=30,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            sinks = subprocess.run(
                ["pactl", "list", "short", "sinks"], env=self.env, capture_output=True, text=True
            )
            if SINK in sinks.stdout:
                return
            time.sleep(0.05)
        raise RuntimeError("PulseAudio did not come up")

    def start_recording(self) -> None:
        self._parec = subprocess.Popen(
            [
                "parec",
                "-d",
                f"{SINK}.monitor",
                "--format=float32le",
                f"--rate={RATE}",
                "--channels=2",
                "--raw",
                "--latency-msec=20",
            ],
            env=self.env,
            stdout=subprocess.PIPE,
        )
        self._reader = threading.Thread(target=self._read, name="monitor-reader", daemon=True)
        self._reader.start()
        self._poller = threading.Thread(target=self._poll, name="sink-latency", daemon=True)
        self._poller.start()

    def _poll(self) -> None:
        while not self._polling.wait(1.0):
            listed = subprocess.run(
                ["pactl", "-f", "json", "list", "sinks"],
                env=self.env,
                capture_output=True,
                text=True,
            )
            try:
                sinks = json.loads(listed.stdout)
            except ValueError:
                continue
            for sink in sinks:
                if sink.get("name") == SINK:
                    latency_s = float(sink["latency"]["configured"]) / 1e6
                    self.sink_latencies.append((time.monotonic(), latency_s))

    def _read(self) -> None:
        assert self._parec is not None and self._parec.stdout is not None
        total_bytes = 0
        with self.recording.open("wb") as out:
            while True:
                chunk = self._parec.stdout.read1(1 << 16)
                if not chunk:
                    return
                arrived = time.monotonic()
                out.write(chunk)
                total_bytes += len(chunk)
                self.arrivals.append((arrived, total_bytes // 8))

    def start_child(self, command: list[str]) -> None:
        self.child = subprocess.Popen(
            command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def wait_child(self) -> None:
        assert self.child is not None
        _, stderr = self.child.communicate()
        if self.child.returncode != 0:
            raise RuntimeError(f"the PulseAudio run failed: {stderr.decode()[-2000:]}")

    def stop(self) -> None:
        self._polling.set()
        if self._poller is not None:
            self._poller.join(10)
        if self._parec is not None:
            self._parec.terminate()
            self._parec.wait(10)
        if self._reader is not None:
            self._reader.join(10)
        (self.folder / "arrivals.json").write_text(json.dumps(self.arrivals))
        (self.folder / "sink-latencies.json").write_text(json.dumps(self.sink_latencies))
        subprocess.run(["pulseaudio", "--kill"], env=self.env, capture_output=True, timeout=10)


def recording_clock(arrivals: list[tuple[float, int]]) -> tuple[float, float, float]:
    """(monotonic s of recording frame 0, the sink's clock against the monotonic clock in
    ppm, the median delivery delay in ms), from the chunks' arrival times."""
    data = np.array(arrivals, dtype=np.float64)
    arrived, frames = data[:, 0], data[:, 1]
    start = arrived - frames / RATE  # each chunk's own estimate of frame 0, plus its delay
    # The least delayed chunk of each of 20 stretches of the run, then a straight line. Not
    # the first stretch: a null sink that slept (up to 2 s) first renders the time it slept
    # at once, so those chunks arrive "early" for their length.
    pieces = [piece for piece in np.array_split(np.arange(len(start)), 20) if len(piece)]
    lows = [piece[np.argmin(start[piece])] for piece in pieces[1:]]
    slope, intercept = np.polyfit(frames[lows] / RATE, start[lows], 1)
    delays = start - (intercept + slope * frames / RATE)
    return float(intercept), float(slope * 1e6), float(np.median(delays) * 1000)


def analyse(
    run: PulseRun,
    sessions: Path,
    *,
    onsets_s,
    bell_onsets_s,
    cue_every_s: float,
    phase_s: float,
    session_s: float,
    detector_bias_s: float,
    bell_bias_s: float,
) -> dict:
    ticks = np.array(
        [json.loads(line) for line in (sessions / "heard.jsonl").open()], dtype=np.float64
    )
    mono_s, clock_s = ticks[:, 0], ticks[:, 1]
    summary = json.loads((sessions / "summary.json").read_text())
    (journal,) = sessions.glob("sessions/*/journal.jsonl")
    events = [json.loads(line) for line in journal.open()]
    starts = {0: next(e["session_s"] for e in events if e["type"] == "dose_given")}
    starts.update({e["index"]: e["tau_s"] for e in events if e["type"] == "phase_started"})
    expected = sorted(
        starts[index] + k * cue_every_s + 15
        for index in starts
        for k in range(int(phase_s // cue_every_s))
        if starts[index] + k * cue_every_s + 15 < session_s - 3
    )
    frame0_s, sink_ppm, delay_ms = recording_clock(run.arrivals)
    recorded = np.memmap(run.recording, dtype="<f4", mode="r")
    mono = np.asarray(recorded[: recorded.size // 2 * 2].reshape(-1, 2)[:, 0], dtype=np.float64)

    def to_session_s(recording_s: np.ndarray) -> np.ndarray:
        wall = frame0_s + recording_s * (1 + sink_ppm * 1e-6)
        return np.interp(wall, mono_s, clock_s)

    polled = np.array(run.sink_latencies or [(0.0, 0.0)], dtype=np.float64)

    def played_s(recording_s: np.ndarray) -> np.ndarray:
        # Rendered into the monitor at ``wall``; played one block (the sink's latency) later.
        wall = frame0_s + recording_s * (1 + sink_ppm * 1e-6)
        return to_session_s(recording_s) + np.interp(wall, polled[:, 0], polled[:, 1])

    cue_onsets = np.array(onsets_s(mono, 1000, 5.0))
    onset_s = played_s(cue_onsets) - detector_bias_s
    monitor_onset_s = to_session_s(cue_onsets) - detector_bias_s
    errors, monitor_errors_ms = [], []
    for onset, in_monitor in zip(onset_s, monitor_onset_s, strict=True):
        nearest = min(expected, key=lambda e: abs(e - onset))
        if abs(nearest - onset) < 1.0:
            errors.append((float(nearest), float((onset - nearest) * 1000)))
            monitor_errors_ms.append(float((in_monitor - nearest) * 1000))
    errors_ms = np.array([e for _, e in errors])
    if not len(errors_ms):
        raise RuntimeError(
            f"no cue found on the dose clock (onsets at {list(onset_s)[:5]}, expected at "
            f"{expected[:5]}; recording frame 0 at {frame0_s:.3f}, ticks from {mono_s[0]:.3f})"
        )
    bell_s = played_s(np.array(bell_onsets_s(mono))) - bell_bias_s
    changes = [at for index, at in starts.items() if index > 0]
    change_bell_ms = [
        (min(bell_s, key=lambda at, c=change: abs(at - c)) - change) * 1000 for change in changes
    ]
    dose_at_s = starts[0]
    dose_bell_ms = [(at - dose_at_s) * 1000 for at in bell_s if abs(at - dose_at_s) < 1.0]
    sixths = [float(np.mean(part)) for part in np.array_split(errors_ms, 6) if len(part)]
    return {
        "cues_expected": len(expected),
        "cues_found": len(errors_ms),
        "p50_ms": float(np.percentile(np.abs(errors_ms), 50)),
        "p99_ms": float(np.percentile(np.abs(errors_ms), 99)),
        "max_ms": float(np.abs(errors_ms).max()),
        "mean_ms": float(statistics.mean(errors_ms)),
        "mean_by_sixth_ms": sixths,
        "largest": sorted(errors, key=lambda item: -abs(item[1]))[:5],
        "bells_found": len(bell_s),
        "bells_expected": 1 + len(changes),
        "change_bell_ms": change_bell_ms,
        "dose_bell_ms": dose_bell_ms,
        "alerts": [kind for kind, _ in summary["alerts"]],
        "alert_messages": [message for _, message in summary["alerts"]][:5],
        "snaps": summary["snaps"],
        "resyncs": summary["resyncs"],
        "sink_clock_ppm": sink_ppm,
        "delivery_delay_ms": delay_ms,
        "drift_ratio_ppm": float((np.median(ticks[len(ticks) // 2 :, 2]) - 1) * 1e6),
        "recorded_s": len(mono) / RATE,
        "device_buffer_ms": summary["device_buffer_frames"] / RATE * 1000,
        "monitor_p99_ms": float(np.percentile(np.abs(monitor_errors_ms), 99)),
        "monitor_mean_ms": float(statistics.mean(monitor_errors_ms)),
        "sink_latency_ms": [float(np.percentile(polled[:, 1], q) * 1000) for q in (1, 50, 99)],
        "used_latency_ms": [
            float(np.percentile(ticks[len(ticks) // 10 :, 3], q) * 1000) for q in (1, 50, 99)
        ],
    }


def report(pulse: dict) -> str:
    if "skipped" in pulse:
        return f"The PulseAudio run did not take place: {pulse['skipped']}."
    met = (
        pulse["p99_ms"] <= 25
        and max(map(abs, pulse["mean_by_sixth_ms"][1:] or [0.0])) < 10
        and not pulse["alerts"]
    )
    sixths = " · ".join(f"{value:+.1f}" for value in pulse["mean_by_sixth_ms"])
    largest = ", ".join(
        f"{error:+.0f} ms at {int(at // 60)}:{int(at % 60):02d}" for at, error in pulse["largest"]
    )
    alerts = ", ".join(pulse["alerts"]) or "none"
    sink_latency = " · ".join(f"{value:.1f}" for value in pulse["sink_latency_ms"])
    used_latency = " · ".join(f"{value:.1f}" for value in pulse["used_latency_ms"])
    return f"""**On PulseAudio, in the same run.** The same session, at the same time, in real time on SDL's `pulseaudio` driver to a null sink ("Headphones") of a PulseAudio server the bench starts, recorded from the sink's monitor with `parec` ({pulse["recorded_s"]:.0f} s recorded). Recording frames are put on the monotonic clock by when `parec`'s chunks arrived (the earliest arrivals, fitted over the run: the sink's clock ran {pulse["sink_clock_ppm"]:+.1f} ppm from the monotonic clock; chunks arrived a median {pulse["delivery_delay_ms"]:.1f} ms after that line), then on the session clock by the player's tick log; the detector's offset is subtracted as above. The monitor gets a block when the sink renders it, one block before the sink plays it (a null sink renders its configured latency ahead of its timer and plays the block out over that time; a sound card's sink, its hardware buffer): that latency, read from the server once a second ({sink_latency} ms, 1st percentile · median · 99th), is added, so the onsets below are when the sink plays each cue.

| | value |
|---|---:|
| cues scheduled / found | {pulse["cues_expected"]} / {pulse["cues_found"]} |
| onset error, median (abs) · p99 (abs) · max (abs) | {pulse["p50_ms"]:.1f} · {pulse["p99_ms"]:.1f} · {pulse["max_ms"]:.1f} ms |
| mean error (signed): whole run; each sixth of the session | {pulse["mean_ms"]:+.1f}; {sixths} ms |
| the largest errors, and where in the session (min:s) | {largest} |
| bells found / rung; the automatic phase changes' bells: onset error | {pulse["bells_found"]} / {pulse["bells_expected"]}; {", ".join(f"{value:+.1f}" for value in pulse["change_bell_ms"]) or "none"} ms |
| the bell of the dose (a command): delay | {", ".join(f"{value:.0f}" for value in pulse["dose_bell_ms"]) or "not found"} ms |
| drift correction the loop settled on (median over the second half) | {pulse["drift_ratio_ppm"]:+.0f} ppm |
| snaps / resyncs / alerts | {pulse["snaps"]} / {pulse["resyncs"]} / {alerts} |
| the output latency the engine placed sound with (the sink's reading of PulseAudio's stream latency; 1st percentile · median · 99th, after the first tenth) | {used_latency} ms |
| in the monitor itself (before the sink's latency): onset error p99 (abs) · mean (signed) | {pulse["monitor_p99_ms"]:.1f} · {pulse["monitor_mean_ms"]:+.1f} ms |

Goal on PulseAudio: p99 ≤ 25 ms, no drift (no sixth after the first off by 10 ms or more on average), no alerts: {"met" if met else "not met"}. SDL2 reports no output latency, so the sink asks PulseAudio for its own stream's ("Buffer Latency" + "Sink Latency" in `pactl list sink-inputs`, a few times a minute, the median of the last five; session_player/output/server_latency.py) and the engine places sound with it instead of the one-buffer assumption ({pulse["device_buffer_ms"]:.0f} ms) it falls back to when the latency cannot be read; the signed mean is what is left between that report and when the sink plays, and the spread around it is the timing's own jitter."""
