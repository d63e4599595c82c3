"""Loudness facts of the studio's report: against ffmpeg's own ebur128 meter run on the file
itself, the cache by content (which also fills the pre-flight's), and cancel."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading

import numpy as np
import pytest

from session_player.audio.analysis import AnalysisCache, file_sha256
from session_player.audio.loudness import LoudnessCache, measure_loudness
from session_player.audio.loudness_scan import scan_loudness
from session_player.media.ffmpeg import ffmpeg_exe

_SUMMARY = re.compile(
    r"I:\s*(-?[\d.]+|-inf) LUFS.*?LRA:\s*(-?[\d.]+) LU.*?Peak:\s*(-?[\d.]+|-inf) dBFS", re.S
)


def ffmpeg_reference(path: str) -> tuple[float, float, float]:
    """What ``ffmpeg -i f -filter_complex ebur128=peak=true -f null -`` says: I, LRA, TP."""
    command = [ffmpeg_exe(), "-nostats", "-hide_banner", "-i", path]
    command += ["-filter_complex", "ebur128=peak=true", "-f", "null", "-"]
    text = subprocess.run(command, capture_output=True, check=True).stderr.decode()
    found = _SUMMARY.findall(text.rsplit("Summary:", 1)[-1])[-1]
    return float(found[0]), float(found[1]), float(found[2])


def _levels(au, seconds_and_amplitudes, freq_hz=440.0):
    """A sine whose level steps: a real loudness range."""
    parts = [au.sine(freq_hz, seconds, amplitude) for seconds, amplitude in seconds_and_amplitudes]
    return au.stereo(np.concatenate(parts))


def _speech(folder) -> str:
    """espeak-ng's voice: mono, 22.05 kHz, with the pauses of speech."""
    out = folder / "speech.wav"
    if not out.exists():
        text = "Breathe in slowly. Let the music carry you. You are safe, and we are here."
        subprocess.run(["espeak-ng", "-w", str(out), text], check=True)
    return str(out)


@pytest.fixture(scope="module")
def generated(au):
    rng = np.random.default_rng(7)
    noise = np.clip(rng.normal(0.0, 0.1, (48000 * 12, 2)), -1, 1)
    clipped = np.clip(3.0 * au.sine(997.0, 8.0, 1.0), -1.0, 1.0)  # hard-clipped at 0 dBFS
    return {
        "sine": au.file("ln-sine.flac", au.stereo(au.sine(1000.0, 10.0, 0.25))),
        "steps": au.file(
            "ln-steps.wav", _levels(au, [(8, 0.3), (8, 0.03), (8, 0.1), (8, 0.01)]), 48000
        ),
        "noise": au.file("ln-noise.mp3", noise, 48000, "-b:a", "192k"),
        "clipped": au.file("ln-clipped.wav", au.stereo(clipped), 48000, "-c:a", "pcm_s16le"),
        "speech": _speech(au.folder),
    }


@pytest.mark.parametrize("name", ["sine", "steps", "noise", "clipped", "speech"])
def test_measurement_agrees_with_ffmpegs_ebur128_on_the_file(au, generated, name):
    path = generated[name]
    facts = measure_loudness(path)
    lufs, lra, peak = ffmpeg_reference(path)
    assert facts.integrated_lufs == pytest.approx(lufs, abs=0.1)
    assert facts.loudness_range_lu == pytest.approx(lra, abs=0.1)
    # The report's true peak is of the stream as played: a mono file plays at -3.01 dB in
    # each ear (the equal-power upmix), so it reads that much under the file's own.
    played_offset_db = -3.01 if facts.channels == 1 else 0.0
    assert facts.true_peak_dbtp == pytest.approx(peak + played_offset_db, abs=0.2)


def test_format_length_and_the_points_that_make_each_file_what_it_is(au, generated):
    speech = measure_loudness(generated["speech"])
    assert (speech.codec, speech.sample_rate_hz, speech.channels) == ("pcm_s16le", 22050, 1)
    assert speech.format_text == "pcm_s16le 22.05 kHz mono"
    steps = measure_loudness(generated["steps"])
    assert steps.frames == 32 * 48000 and steps.duration_s == 32.0
    assert steps.loudness_range_lu > 10  # 20 dB of steps, not one level
    clipped = measure_loudness(generated["clipped"])
    assert clipped.sample_peak == pytest.approx(1.0, abs=1e-3)
    assert clipped.true_peak_dbtp > 0.1  # inter-sample peaks above full scale
    sine = measure_loudness(generated["sine"])
    # -12 dBFS peaks of a 1 kHz stereo sine: -12.04 LUFS +0.69 (K-weighting) -0.69 -3.01 +3.01
    assert sine.integrated_lufs == pytest.approx(-12.0, abs=0.15)


def test_silence_has_no_loudness_and_no_true_peak(au):
    path = au.file("ln-silence.wav", np.zeros((48000 * 3, 2)))
    facts = measure_loudness(path)
    assert facts.integrated_lufs is None and facts.true_peak_dbtp is None
    assert facts.sample_peak == 0.0 and facts.frames == 3 * 48000


def test_a_scan_is_a_cache_hit_by_content_and_fills_the_preflight_cache(au, generated, tmp_path):
    cache = LoudnessCache(tmp_path / "cache")
    first = scan_loudness([generated["sine"], generated["steps"]], cache)
    assert (first.measured, first.cache_hits, first.failures) == (2, 0, {})
    moved = tmp_path / "renamed-elsewhere.flac"
    shutil.copy(generated["sine"], moved)  # same bytes under another name
    second = scan_loudness([generated["steps"], str(moved)], cache)
    assert (second.measured, second.cache_hits) == (0, 2)
    assert second.facts[str(moved)] == first.facts[generated["sine"]]
    # The pre-flight's cache knows the file without measuring it.
    preflight = AnalysisCache(tmp_path / "cache")
    known = preflight.lookup(file_sha256(moved))
    assert (
        known is not None
        and known.integrated_lufs == first.facts[generated["sine"]].integrated_lufs
    )
    assert known.frames == 10 * 48000
    assert list((tmp_path / "cache").glob("*.tmp")) == []


def test_broken_and_missing_files_are_reported_with_the_reason(au, generated, tmp_path):
    junk = tmp_path / "not-audio.ogg"
    junk.write_bytes(b"this is not an ogg file" * 100)
    missing = str(tmp_path / "gone.flac")
    result = scan_loudness([generated["sine"], str(junk), missing], LoudnessCache(tmp_path / "c"))
    assert list(result.facts) == [generated["sine"]]
    assert "file not found" in result.failures[missing]
    assert str(junk) in result.failures and "audio" in result.failures[str(junk)]


def test_progress_rises_to_one_and_never_goes_back(au, generated, tmp_path):
    seen: list[float] = []
    scan_loudness(
        generated.values(), LoudnessCache(tmp_path / "c"), progress=lambda f, _p: seen.append(f)
    )
    assert seen and seen[-1] == pytest.approx(1.0)
    assert all(b >= a for a, b in zip(seen, seen[1:], strict=False))


def test_cancel_stops_the_running_ffmpeg_and_keeps_what_was_measured(au, tmp_path):
    # One long file (ten minutes of noise, seconds of decoding) beside a short one.
    rng = np.random.default_rng(3)
    long_file = au.file("ln-long.flac", rng.normal(0, 0.05, (48000 * 600, 2)).clip(-1, 1))
    short_file = au.file("ln-short.flac", au.stereo(au.sine(300.0, 2.0, 0.2)))
    cache = LoudnessCache(tmp_path / "c")
    long_started = threading.Event()

    def progress(fraction: float, path: str) -> None:
        if path == long_file and 0 < fraction < 1:
            long_started.set()  # the long file is being decoded

    def cancelled() -> bool:  # once the short file is measured and stored
        return long_started.is_set() and cache.lookup(file_sha256(short_file)) is not None

    result = scan_loudness(
        [long_file, short_file], cache, progress=progress, is_cancelled=cancelled, workers=2
    )
    assert result.cancelled
    assert list(result.facts) == [short_file] and result.failures == {}
    assert cache.lookup(file_sha256(short_file)) is not None
    assert cache.lookup(file_sha256(long_file)) is None  # nothing half-measured was stored
    # No ffmpeg of ours is left running.
    leftover = subprocess.run(["pgrep", "-f", f"ffmpeg.*{long_file}"], capture_output=True)
    assert leftover.stdout == b""
