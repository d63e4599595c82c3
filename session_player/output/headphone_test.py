"""The left/right headphone test: "left" in the left ear only, then "right" in the right ear only.

It plays the bundled voice clips ``assets/audio/test/left.ogg`` and ``right.ogg`` through the
chosen device, or, when they are missing or do not decode, a soft tone panned hard left then
hard right. Whatever the clips contain (a mono file, a stereo file with the voice on one
side), the louder channel is placed on its side and the other ear gets exact digital
silence, so a wrongly made clip cannot make the test lie.

The clips are short, so they are decoded whole into memory (ffmpeg, float32, at the output
rate) and played through the same :class:`AudioSink` as a session, so the test exercises
exactly the path the session will use. :func:`run_headphone_test` blocks until the test has
been heard (or failed); :func:`start_headphone_test` runs it on a thread and calls
``on_done(result)``, for the GUI.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from session_player.media.ffmpeg import ffmpeg_exe, run_ffmpeg
from session_player.media.probe import ProbeError, probe
from session_player.output.feed import fade_in_curve, fade_out_curve
from session_player.output.sink import AudioSink, SinkAlert, SinkState

log = logging.getLogger(__name__)

SIDES = ("left", "right")
DEFAULT_CLIPS_DIR = Path(__file__).resolve().parents[2] / "assets" / "audio" / "test"
MAX_CLIP_S = 20.0
DECODE_TIMEOUT_S = 20.0
EDGE_FADE_S = 0.005
TONE_HZ = 440.0
TONE_S = 0.8
TONE_LEVEL_DB = -20.0
TONE_FADE_S = 0.04

SOURCE_VOICE = "voice"
SOURCE_TONE = "tone"


class ClipError(RuntimeError):
    pass


@dataclass(frozen=True)
class TestSegment:
    side: str
    start_frame: int
    end_frame: int


@dataclass(frozen=True)
class TestSignal:
    audio: np.ndarray  # (frames, 2) float32
    segments: tuple[TestSegment, ...]
    source: str  # SOURCE_VOICE or SOURCE_TONE
    sample_rate: int


@dataclass
class HeadphoneTestResult:
    completed: bool  # True when the whole test was handed to the device and heard out
    source: str
    device_name: str | None  # the device asked for
    message: str
    alerts: list[SinkAlert] = field(default_factory=list)
    on_fallback: bool = False  # played on the system default instead (only if allowed)


def decode_clip(path: str | Path, sample_rate: int = 48000) -> np.ndarray:
    """Decode a short audio file whole: (frames, channels) float32 at ``sample_rate``.

    Channels are kept as they are (no up- or down-mix, which would change the level of a
    one-sided or mono voice); :func:`place_on_side` picks the one to play."""
    try:
        channels = probe(path).channels
    except ProbeError as exc:
        raise ClipError(f"cannot decode {path}: {exc}") from None
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-v", "error", "-i", str(path)]
    command += ["-map", "0:a:0", "-t", str(MAX_CLIP_S), "-ar", str(sample_rate)]
    command += ["-f", "f32le", "-acodec", "pcm_f32le", "-"]
    try:
        result = run_ffmpeg(command, timeout_s=DECODE_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ClipError(f"cannot decode {path}: {exc}") from None
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ClipError(f"cannot decode {path}: {detail[-1] if detail else 'ffmpeg failed'}")
    audio = np.frombuffer(result.stdout, dtype="<f4").astype(np.float32)
    if audio.size < channels:
        raise ClipError(f"{path} has no audio")
    return audio[: audio.size // channels * channels].reshape(-1, channels)


def place_on_side(clip: np.ndarray, side: str, sample_rate: int = 48000) -> np.ndarray:
    """The louder channel of ``clip`` on ``side`` only; the other channel exactly zero."""
    if side not in SIDES:
        raise ValueError(f"side must be one of {SIDES}")
    clip = np.asarray(clip, dtype=np.float32)
    if clip.ndim == 1:
        clip = clip[:, None]
    energy = np.sum(clip.astype(np.float64) ** 2, axis=0)
    voice = clip[:, int(np.argmax(energy))].copy()
    _fade_edges(voice, max(1, round(EDGE_FADE_S * sample_rate)))
    out = np.zeros((len(voice), 2), dtype=np.float32)
    out[:, SIDES.index(side)] = voice
    return out


def _fade_edges(mono: np.ndarray, frames: int) -> None:
    frames = min(frames, len(mono) // 2)
    if frames > 0:
        mono[:frames] *= fade_in_curve(frames)
        mono[-frames:] *= fade_out_curve(frames)


def tone(side: str, sample_rate: int = 48000, duration_s: float = TONE_S) -> np.ndarray:
    """A soft sine (-20 dBFS, 40 ms raised-cosine edges) on one side only."""
    frames = max(2, round(duration_s * sample_rate))
    t = np.arange(frames) / sample_rate
    mono = (10 ** (TONE_LEVEL_DB / 20) * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32)
    _fade_edges(mono, round(TONE_FADE_S * sample_rate))
    out = np.zeros((frames, 2), dtype=np.float32)
    out[:, SIDES.index(side)] = mono
    return out


def build_test_signal(
    clips_dir: str | Path | None = None,
    sample_rate: int = 48000,
    *,
    lead_s: float = 0.1,
    gap_s: float = 0.5,
    tail_s: float = 0.1,
    gain_db: float = 0.0,
    tone_s: float = TONE_S,
) -> TestSignal:
    """Left part, gap, right part, as one buffer with the frame span of each part."""
    folder = Path(clips_dir) if clips_dir is not None else DEFAULT_CLIPS_DIR
    try:
        parts = [
            place_on_side(decode_clip(folder / f"{side}.ogg", sample_rate), side, sample_rate)
            for side in SIDES
        ]
        source = SOURCE_VOICE
    except ClipError as exc:
        log.info("headphone test uses the tone: %s", exc)
        parts = [tone(side, sample_rate, tone_s) for side in SIDES]
        source = SOURCE_TONE
    lead, gap, tail = (_silence(s, sample_rate) for s in (lead_s, gap_s, tail_s))
    pieces, segments, cursor = [lead], [], len(lead)
    for side, part in zip(SIDES, parts, strict=True):
        segments.append(TestSegment(side, cursor, cursor + len(part)))
        pieces += [part, gap if side == SIDES[0] else tail]
        cursor += len(part) + (len(gap) if side == SIDES[0] else len(tail))
    audio = np.concatenate(pieces)
    if gain_db:
        audio *= np.float32(10 ** (gain_db / 20))
    np.clip(audio, -1.0, 1.0, out=audio)
    return TestSignal(audio, tuple(segments), source, sample_rate)


def _silence(seconds: float, sample_rate: int) -> np.ndarray:
    return np.zeros((round(seconds * sample_rate), 2), np.float32)


class _BufferRender:
    """``render(frames)`` over a fixed buffer, then silence."""

    def __init__(self, audio: np.ndarray):
        self._audio = audio
        self._pos = 0

    def __call__(self, frames: int) -> np.ndarray:
        out = np.zeros((frames, 2), dtype=np.float32)
        chunk = self._audio[self._pos : self._pos + frames]
        out[: len(chunk)] = chunk
        self._pos += frames
        return out


def run_headphone_test(
    device_name: str | None = None,
    *,
    clips_dir: str | Path | None = None,
    sample_rate: int = 48000,
    gain_db: float = 0.0,
    allow_fallback: bool = False,
    on_side: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
    signal: TestSignal | None = None,
) -> HeadphoneTestResult:
    """Play the test on ``device_name`` and return once it has been heard (or failed).

    ``on_side("left")``/``on_side("right")`` is called (from this thread) as each part
    starts to be heard, so a GUI can say "you should hear this in your LEFT ear".
    """
    signal = signal or build_test_signal(clips_dir, sample_rate, gain_db=gain_db)
    cancel = cancel or threading.Event()
    sink = AudioSink(
        _BufferRender(signal.audio),
        device_name,
        sample_rate=signal.sample_rate,
        allow_fallback=allow_fallback,
    )
    total = len(signal.audio)
    try:
        sink.start()
        if sink.state is not SinkState.PLAYING:
            return _result(False, signal, sink, "the output device is not available")
        deadline = time.monotonic() + total / signal.sample_rate + 2.0
        pending = list(signal.segments)
        while True:
            if cancel.wait(0.02):
                return _result(False, signal, sink, "cancelled")
            clock = sink.device_clock()
            heard = clock.frame_heard_at(time.monotonic())
            while pending and heard is not None and heard >= pending[0].start_frame:
                side = pending.pop(0).side
                if on_side is not None:
                    on_side(side)
            if sink.state is not SinkState.PLAYING:
                return _result(False, signal, sink, "the output device was lost during the test")
            if heard is not None and heard >= total:
                return _result(True, signal, sink, "played left, then right")
            if time.monotonic() > deadline:
                return _result(False, signal, sink, "the device did not play the test in time")
    finally:
        sink.close(fade_ms=20)


def _result(ok: bool, signal: TestSignal, sink: AudioSink, message: str) -> HeadphoneTestResult:
    return HeadphoneTestResult(
        ok, signal.source, sink.device_name, message, list(sink.alerts), sink.on_fallback
    )


class HeadphoneTestRun:
    """A headphone test running on its own thread (see :func:`start_headphone_test`)."""

    def __init__(self, on_done: Callable[[HeadphoneTestResult], None] | None, **kwargs: Any):
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._on_done = on_done
        self.result: HeadphoneTestResult | None = None
        self._thread = threading.Thread(
            target=self._run, kwargs=kwargs, name="headphone-test", daemon=True
        )
        self._thread.start()

    def _run(self, **kwargs: Any) -> None:
        try:
            self.result = run_headphone_test(cancel=self._cancel, **kwargs)
        except Exception as exc:
            log.exception("headphone test failed")
            self.result = HeadphoneTestResult(False, "", None, f"the test failed: {exc}")
        self._done.set()
        if self._on_done is not None:
            try:
                self._on_done(self.result)
            except Exception:
                log.exception("headphone test on_done handler failed")

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> HeadphoneTestResult | None:
        self._done.wait(timeout)
        return self.result


def start_headphone_test(
    device_name: str | None = None,
    *,
    on_done: Callable[[HeadphoneTestResult], None] | None = None,
    on_side: Callable[[str], None] | None = None,
    clips_dir: str | Path | None = None,
    sample_rate: int = 48000,
    gain_db: float = 0.0,
    allow_fallback: bool = False,
) -> HeadphoneTestRun:
    """Non-blocking :func:`run_headphone_test`; ``on_done(result)`` runs on the test's thread."""
    return HeadphoneTestRun(
        on_done,
        device_name=device_name,
        on_side=on_side,
        clips_dir=clips_dir,
        sample_rate=sample_rate,
        gain_db=gain_db,
        allow_fallback=allow_fallback,
    )
