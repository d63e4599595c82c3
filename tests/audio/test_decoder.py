"""Streaming decode: every format and layout to 48 kHz stereo, bounded memory, clean failure."""

from __future__ import annotations

import errno
import os
import subprocess
import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from session_player.audio import decoder as decoder_module
from session_player.audio.decoder import DecodeError, Decoder
from session_player.media.ffmpeg import ffmpeg_exe

FORMATS = [
    ("mono44k.wav", 44100, 1, ()),
    ("stereo.flac", 48000, 2, ()),
    ("stereo.mp3", 44100, 2, ("-c:a", "libmp3lame", "-b:a", "192k")),
    ("stereo.ogg", 48000, 2, ("-c:a", "libvorbis")),
    ("stereo.opus", 48000, 2, ("-c:a", "libopus", "-b:a", "128k")),
    ("stereo.m4a", 44100, 2, ("-c:a", "aac", "-b:a", "192k")),
    ("surround51.wav", 48000, 6, ()),
    ("stereo22k.wav", 22050, 2, ()),
]


def _dominant_hz(x: np.ndarray, rate: int = 48000) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spectrum) * rate / len(x))


@pytest.mark.parametrize(("name", "rate", "channels", "codec"), FORMATS)
def test_decodes_every_format_to_48k_stereo(au, name, rate, channels, codec):
    mono = au.sine(1000.0, 2.0, 0.4, rate)
    path = au.file(name, np.repeat(mono[:, None], channels, axis=1), rate, *codec)
    with Decoder(path) as decoder:
        blocks = []
        while True:
            block = decoder.read(5000)
            if not len(block):
                break
            blocks.append(block)
    audio = np.concatenate(blocks)
    assert audio.dtype == np.float32 and audio.shape[1] == 2
    # Two seconds at 48 kHz, give or take encoder padding (AAC, Opus, MP3 add a few ms).
    assert abs(len(audio) - 96000) < 0.06 * 48000
    middle = audio[20000:70000]
    assert _dominant_hz(middle[:, 0]) == pytest.approx(1000.0, abs=2.0)
    np.testing.assert_allclose(middle[:, 0], middle[:, 1], atol=1e-6)  # mono on both sides
    assert np.abs(middle).max() > 0.1


def test_mono_is_duplicated_on_both_channels_at_equal_power(au):
    path = au.file("mono48k.wav", au.sine(440.0, 1.0, 0.5)[:, None])
    with Decoder(path) as decoder:
        audio = decoder.read(48000)
    assert np.array_equal(audio[:, 0], audio[:, 1])
    # ffmpeg's equal-power upmix: -3 dB each side (loudness normalisation evens it out).
    assert np.abs(audio).max() == pytest.approx(0.5 / np.sqrt(2), rel=0.01)


def test_start_offset_is_sample_exact_for_flac(au):
    noise = np.random.default_rng(3).uniform(-0.5, 0.5, (48000 * 3, 2))
    path = au.file("noise.flac", noise)
    with Decoder(path) as whole:
        full = whole.read(48000 * 3)
    for start in (1, 12345, 100007):
        with Decoder(path, start) as part:
            piece = part.read(20000)
        np.testing.assert_array_equal(piece, full[start : start + 20000])


def test_streaming_memory_stays_bounded_for_a_long_file(au, tmp_path):
    # Ten minutes of audio, streamed: nothing in this process grows with the file; the only
    # buffers are the pipe and the read-ahead, whose sizes are fixed (ffmpeg waits when the
    # pipe is full).
    path = tmp_path / "long.flac"
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-f", "lavfi", "-i",
         "sine=f=440:r=48000:d=600", "-ac", "2", "-c:a", "flac", str(path)],
        check=True,
    )  # fmt: skip
    out = np.empty((8192, 2), dtype=np.float32)
    total = 0
    tracemalloc.start()
    try:
        with Decoder(path) as decoder:
            assert decoder.pipe_bytes <= 2 * decoder_module.PIPE_BYTES
            while True:
                got = decoder.read_into(out)
                total += got
                if got < len(out):
                    break
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == 600 * 48000  # 230 MB of float32 went through …
    # … with less than the read-ahead buffer + 200 kB ever allocated here
    assert peak < decoder_module.READ_AHEAD_BYTES + 200_000


def test_decoders_start_while_another_thread_changes_the_environment(au):
    """A resumed session once lost its bed: SDL's start-up added an environment variable
    while the mixer spawned ffmpeg, and the exec failed with EFAULT ("Bad address")."""
    path = au.file("env-race.wav", au.stereo(au.sine(300.0, 0.2, 0.3)))
    stop = threading.Event()

    def churn() -> None:
        for i in range(10**9):
            if stop.is_set():
                return
            name = f"SESSION_PLAYER_TEST_RACE_{i % 200}"
            if i % 400 < 200:
                os.environ[name] = "1"  # adding variables moves the C environ
            else:
                os.environ.pop(name, None)

    thread = threading.Thread(target=churn)
    thread.start()
    failures = []
    try:
        for _ in range(12):
            try:
                with Decoder(path) as decoder:
                    decoder.read(4800)
            except DecodeError as exc:
                failures.append(str(exc))
    finally:
        stop.set()
        thread.join()
        for i in range(200):
            os.environ.pop(f"SESSION_PLAYER_TEST_RACE_{i}", None)
    assert failures == []


def _popen_failing(monkeypatch, errors: list[int]) -> list[int]:
    """subprocess.Popen as the decoder sees it: the given errors first, then the real one."""
    real_popen = subprocess.Popen
    calls = []

    def popen(*args, **kwargs):
        calls.append(len(calls))
        if errors:
            number = errors.pop(0)
            raise OSError(number, os.strerror(number))
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(decoder_module.subprocess, "Popen", popen)
    return calls


def test_a_passing_failure_to_start_ffmpeg_is_tried_again(au, monkeypatch):
    path = au.file("retry.wav", au.stereo(au.sine(300.0, 0.2, 0.3)))
    calls = _popen_failing(monkeypatch, [errno.EAGAIN, errno.ENOMEM])
    with Decoder(path) as decoder:
        assert len(decoder.read(4800)) == 4800
    assert len(calls) == 3


def test_a_lasting_failure_to_start_ffmpeg_is_a_decode_error_at_once(au, monkeypatch):
    path = au.file("no-ffmpeg.wav", au.stereo(au.sine(300.0, 0.2, 0.3)))
    calls = _popen_failing(monkeypatch, [errno.ENOENT])
    with pytest.raises(DecodeError, match="cannot run ffmpeg"):
        Decoder(path)
    assert len(calls) == 1


def test_ffmpeg_that_cannot_start_three_times_is_a_decode_error(au, monkeypatch):
    path = au.file("never.wav", au.stereo(au.sine(300.0, 0.2, 0.3)))
    calls = _popen_failing(monkeypatch, [errno.EAGAIN] * 5)
    with pytest.raises(DecodeError, match="cannot run ffmpeg"):
        Decoder(path)
    assert len(calls) == 3


def test_missing_file_is_a_decode_error(tmp_path):
    with pytest.raises(DecodeError, match="not found"):
        Decoder(tmp_path / "nope.ogg")


def test_garbage_file_is_a_decode_error_not_a_hang(tmp_path):
    path = tmp_path / "junk.mp3"
    path.write_bytes(os.urandom(5000))
    started = time.monotonic()
    with pytest.raises(DecodeError), Decoder(path) as decoder:
        while len(decoder.read(4096)):
            pass
    assert time.monotonic() - started < 5


def test_truncated_file_ends_early_without_hanging(au, tmp_path):
    source = Path(au.file("trunc-src.flac", au.stereo(au.sine(300.0, 4.0, 0.3))))
    data = source.read_bytes()
    path = tmp_path / "truncated.flac"
    path.write_bytes(data[: len(data) // 3])
    frames = 0
    try:
        with Decoder(path) as decoder:
            while True:
                block = decoder.read(8192)
                frames += len(block)
                if not len(block):
                    break
    except DecodeError:
        pass  # either an error or a short stream: the mixer treats both as a broken file
    assert frames < 4 * 48000 * 0.6


def test_a_stalled_ffmpeg_times_out_with_a_decode_error(tmp_path, monkeypatch, au):
    stall = tmp_path / "stall.sh"
    stall.write_text("#!/bin/sh\nexec sleep 30\n")
    stall.chmod(0o755)
    monkeypatch.setattr(decoder_module, "ffmpeg_exe", lambda: str(stall))
    path = au.file("stall-target.wav", au.stereo(au.sine(300.0, 0.5, 0.3)))
    decoder = Decoder(path, timeout_s=0.3)
    started = time.monotonic()
    with pytest.raises(DecodeError, match="no audio"):
        decoder.read(100)
    assert time.monotonic() - started < 10  # the timeout, not the 30 s ffmpeg would hold it
    process = decoder._process
    decoder.close()
    assert process.poll() is not None  # killed and reaped


def test_close_kills_and_reaps_ffmpeg_mid_stream(au):
    path = au.file("reap.flac", au.stereo(au.sine(300.0, 5.0, 0.3)))
    decoder = Decoder(path)
    decoder.read(1000)
    process = decoder._process
    decoder.close()
    assert process.poll() is not None
    decoder.close()  # twice is fine
    with pytest.raises(DecodeError):
        decoder.read(10)
