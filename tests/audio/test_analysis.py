"""Loudness (BS.1770 reference points), exact length, peak, and the on-disk cache by content."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from session_player.audio.analysis import (
    AnalysisCache,
    AnalysisError,
    FileAnalysis,
    analyse_files,
    integrated_loudness,
    measure_file,
)


def test_full_scale_997hz_in_one_channel_reads_minus_3_01_lufs(au):
    # The reference point of ITU-R BS.1770: a 0 dBFS 997 Hz sine in one channel.
    left = au.sine(997.0, 5.0, 1.0)
    path = au.file("ref-997.wav", np.stack([left, np.zeros_like(left)], axis=1), 48000,
                   "-c:a", "pcm_f32le")  # fmt: skip
    result = measure_file(path)
    assert result.integrated_lufs == pytest.approx(-3.01, abs=0.1)
    assert result.frames == 5 * 48000
    assert result.peak == pytest.approx(1.0, abs=1e-3)


def test_stereo_1khz_at_minus_20_dbfs_reads_minus_20_lufs(au):
    path = au.file("ref-1k.flac", au.stereo(au.sine(1000.0, 5.0, 0.1)))
    assert measure_file(path).integrated_lufs == pytest.approx(-20.0, abs=0.15)
    samples = au.stereo(au.sine(1000.0, 5.0, 0.1))
    assert integrated_loudness(samples) == pytest.approx(-20.0, abs=0.15)


def test_frames_are_exact_at_48k_whatever_the_source_rate(au):
    path = au.file("len-44k.wav", au.sine(500.0, 3.0, 0.2, 44100)[:, None], 44100)
    assert measure_file(path).frames == 3 * 48000


def test_silent_file_has_no_loudness_and_no_gain(au):
    path = au.file("silent.wav", np.zeros((48000 * 2, 2)))
    result = measure_file(path)
    assert result.integrated_lufs is None and result.peak == 0.0
    assert result.normalisation_gain_db(-23.0) == 0.0


def test_quiet_file_gain_is_capped_at_plus_12_db():
    quiet = FileAnalysis("x" * 64, 48000, integrated_lufs=-60.0, peak=0.001)
    assert quiet.normalisation_gain_db(-23.0) == 12.0
    loud = FileAnalysis("x" * 64, 48000, integrated_lufs=-10.0, peak=0.9)
    assert loud.normalisation_gain_db(-23.0) == pytest.approx(-13.0)


def test_file_shorter_than_a_gating_block_is_measured_looped(au):
    # 0.2 s of a -20 dBFS stereo 1 kHz tone: too short to gate, still -20 LUFS.
    path = au.file("short.wav", au.stereo(au.sine(1000.0, 0.2, 0.1)))
    result = measure_file(path)
    assert result.frames == 9600
    assert result.integrated_lufs == pytest.approx(-20.0, abs=0.5)


def test_cache_hit_for_the_same_content_under_another_name(au, tmp_path):
    cache = AnalysisCache(tmp_path / "cache")
    original = au.file("cache-a.flac", au.stereo(au.sine(600.0, 2.0, 0.2)))
    first = cache.analyse(original)
    assert (cache.hits, cache.misses) == (0, 1)
    renamed = tmp_path / "renamed.flac"
    shutil.copy(original, renamed)
    again = AnalysisCache(tmp_path / "cache").analyse(renamed)  # a new process, same disk
    assert again == first
    entry = tmp_path / "cache" / f"{first.sha256}.json"
    assert json.loads(entry.read_text())["frames"] == first.frames
    assert not list((tmp_path / "cache").glob("*.tmp"))  # written atomically


def test_resaved_file_with_other_content_is_measured_again(au, tmp_path):
    cache = AnalysisCache(tmp_path / "cache")
    path = tmp_path / "track.flac"
    au.write(path, au.stereo(au.sine(600.0, 2.0, 0.1)))
    before = cache.analyse(path)
    au.write(path, au.stereo(au.sine(600.0, 3.0, 0.3)))  # same name, louder and longer
    after = cache.analyse(path)
    assert cache.misses == 2
    assert after.sha256 != before.sha256
    assert after.frames == 3 * 48000
    assert after.integrated_lufs > before.integrated_lufs + 8


def test_progress_and_failures_over_a_set_of_files(au, tmp_path):
    paths = [au.file(f"prog-{i}.flac", au.stereo(au.sine(300.0 + i, 2.0, 0.2))) for i in range(3)]
    seen: list[float] = []
    result = analyse_files(
        [*paths, str(tmp_path / "missing.ogg")],
        AnalysisCache(tmp_path / "cache"),
        lambda fraction, path: seen.append(fraction),
    )
    assert set(result.files) == set(paths)
    assert "not found" in result.failures[str(tmp_path / "missing.ogg")]
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0)


def test_undecodable_file_is_an_analysis_error(tmp_path):
    junk = tmp_path / "junk.ogg"
    junk.write_bytes(b"not audio at all" * 100)
    with pytest.raises(AnalysisError):
        measure_file(junk)
