"""What a patient's preferences remove is not heard: the same session rendered by the real
timeline and mixer (``render``'s path, the live one's mixer) with and without the course."""

from __future__ import annotations

import math
import struct
import wave

import numpy as np

from session_player.audio.analysis import AnalysisCache
from session_player.engine.offline_render import render_to_wav
from session_player.playlist.loader import load_playlist
from session_player.record.course_playlist import CourseChoice, apply_course

RATE = 48000
BELL_HZ = 2500

PLAYLIST = """\
title: Bells or not
route: IV
soundscapes:
  bed: {name: Bed, layers: [{bed: bed.wav}]}
bells:
  high: {file: bell.wav}
patient: {default: bed}
settling: {soundscape: bed}
phases:
  - id: onset
    duration: 5m
    bells: [{at: 20s, bell: high}]
  - id: rest
    duration: 5m
"""


def write_tone(path, seconds: float, freq_hz: float, amplitude: float) -> None:
    frames = b"".join(
        struct.pack("<h", int(32767 * amplitude * math.sin(2 * math.pi * freq_hz * i / RATE)))
        for i in range(int(RATE * seconds))
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)


def bell_level(path) -> float:
    with wave.open(str(path), "rb") as stream:
        raw = stream.readframes(stream.getnframes())
        width, channels = stream.getsampwidth(), stream.getnchannels()
    assert width == 3
    data = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
    samples = (data[:, 0].astype(np.int32) | (data[:, 1].astype(np.int32) << 8)) | (
        data[:, 2].astype(np.int8).astype(np.int32) << 16
    )
    mono = samples.reshape(-1, channels)[:, 0] / float(1 << 23)
    size = int(0.04 * RATE)
    t = np.arange(size) / RATE
    probe = np.hanning(size) * np.exp(-2j * np.pi * BELL_HZ * t)
    return max(abs(mono[i : i + size] @ probe) for i in range(0, len(mono) - size, size // 2))


def test_a_bell_the_patient_avoids_is_not_in_the_sound(tmp_path):
    write_tone(tmp_path / "bed.wav", 4.0, 220, 0.2)
    write_tone(tmp_path / "bell.wav", 1.0, BELL_HZ, 0.5)
    (tmp_path / "p.yaml").write_text(PLAYLIST, "utf-8")
    playlist = load_playlist(tmp_path / "p.yaml", check_audio=False).playlist
    course = apply_course(playlist, CourseChoice(avoid=frozenset({"bells"}))).playlist
    levels = {}
    for name, chosen in (("as written", playlist), ("without bells", course)):
        out = tmp_path / f"{name}.wav"
        cache = AnalysisCache(tmp_path / "cache")  # not the user's loudness cache
        render_to_wav(chosen, out, from_s=25.0, to_s=40.0, dose_at_s=10.0, cache=cache)
        levels[name] = bell_level(out)
    assert levels["as written"] > 1.0  # the bell rings at 30 s on the session clock
    assert levels["without bells"] < 0.01 * levels["as written"], levels
