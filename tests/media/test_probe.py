"""Probing what a file holds (``media/probe.py``) with the real ffmpeg: the layer both the
playlist's checks and the decoder stand on."""

from __future__ import annotations

import os

import pytest

from session_player.media.ffmpeg import ffmpeg_exe
from session_player.media.probe import ProbeError, probe
from tests.wav_tones import RATE_HZ, write_tone


def test_ffmpeg_is_found_and_runs():
    assert os.access(ffmpeg_exe(), os.X_OK)


def test_a_wav_reports_its_length_rate_and_channels(tmp_path):
    info = probe(write_tone(tmp_path / "tone.wav", 1.5, 440.0))
    assert info.duration_s == pytest.approx(1.5, abs=0.05)
    assert info.sample_rate_hz == RATE_HZ
    assert info.channels == 1
    assert info.codec.startswith("pcm")


@pytest.mark.parametrize(
    ("content", "words"),
    [(None, "not found"), (b"", "empty"), (b"RIFF\x00\x00 this is not audio at all" * 40, "")],
    ids=["missing", "empty", "garbage"],
)
def test_what_is_not_audio_is_a_probe_error_with_a_reason(tmp_path, content, words):
    path = tmp_path / "file.wav"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ProbeError) as caught:
        probe(path)
    assert words in str(caught.value)
    assert str(caught.value)


def test_a_changed_file_is_probed_again(tmp_path):
    path = write_tone(tmp_path / "tone.wav", 1.0, 440.0)
    assert probe(path).duration_s == pytest.approx(1.0, abs=0.05)
    write_tone(path, 2.0, 440.0)
    os.utime(path, ns=(1, 2_000_000_000))  # a new mtime even on a coarse clock
    assert probe(path).duration_s == pytest.approx(2.0, abs=0.05)
