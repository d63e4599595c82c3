"""The listening dose's level estimate against the real mixer: a session rendered offline
(music and a soundscape bed, each normalised to the target) measured with ffmpeg's
BS.1770 meter is no louder than ``record/listening_dose.py`` estimates, and close to it."""

from __future__ import annotations

import numpy as np
import pytest

from session_player.audio.analysis import measure_file
from session_player.engine.offline_render import render_to_wav
from session_player.record.listening_dose import programme_margin_db

TARGET_LUFS = -23.0
VOLUME_DB = -6.0


def _noise(seconds: float, amplitude: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mono = rng.normal(0.0, amplitude, int(seconds * 48000)).astype(np.float32)
    return np.stack([mono, np.roll(mono, 4801)], axis=1)  # two channels, not one copied


def _measured_lufs(au, tmp_path, layers: list[tuple[str, dict]]) -> tuple[float, float]:
    """The rendered mix's integrated loudness, and what the estimate says it is."""
    music = au.file("dose-music.wav", _noise(30.0, 0.25, 1))  # loud: normalised down
    bed = au.file("dose-bed.wav", _noise(30.0, 0.02, 2))  # quiet: normalised up
    other = au.file("dose-other-bed.wav", _noise(30.0, 0.1, 3))
    playlist = au.playlist(
        {
            "soundscapes": {
                "bed": {
                    "name": "Bed",
                    "layers": [
                        {"bed": {"same": bed, "other": other}[which], **layer}
                        for which, layer in layers
                    ],
                }
            },
            "patient": {"default": "bed"},
            "levels": {"loudness_target_lufs": TARGET_LUFS, "default_volume_db": VOLUME_DB},
            "settling": {"music": {"items": [music], "loop": True}},
            "phases": [
                {"id": "onset", "duration": "10m", "music": {"items": [music], "loop": True}}
            ],
        }
    )
    out = tmp_path / "session.wav"
    analysis = au.analyse(music, bed, other)
    # From 20 s, past the fade-in, for 60 s: the steady mix the patient hears.
    render_to_wav(playlist, out, from_s=20.0, to_s=80.0, dose_at_s=120.0, analysis=analysis)
    lufs = measure_file(out).integrated_lufs  # ffmpeg's ebur128 (BS.1770), as the pre-flight
    assert lufs is not None
    return lufs, TARGET_LUFS + programme_margin_db(playlist) + VOLUME_DB


def test_music_and_a_soundscape_measure_what_the_estimate_says(au, tmp_path):
    measured, estimate = _measured_lufs(au, tmp_path, [("same", {})])
    assert estimate == pytest.approx(-25.99, abs=0.01)  # -23 + 3.01 - 6
    # The meter and the mixer agree with the estimate to a tenth of a dB; never above it
    # by more than the meter's own spread.
    assert measured == pytest.approx(estimate, abs=0.3), (measured, estimate)


def test_a_second_bed_with_gain_adds_its_power(au, tmp_path):
    # Two different beds, the second 6 dB up: music 1 + 1 + 3.98 = 5.98, 7.77 dB over the target
    measured, estimate = _measured_lufs(au, tmp_path, [("same", {}), ("other", {"gain_db": 6.0})])
    assert estimate == pytest.approx(-23 + 7.767 - 6, abs=0.01)
    assert measured == pytest.approx(estimate, abs=0.3), (measured, estimate)


def test_the_same_bed_twice_adds_in_amplitude(au, tmp_path):
    # The same file in two layers, the second 6 dB up: in phase, (1 + 2)² = 9; with the music
    # 10, so 10 dB over the target (a power sum would have said 7.0 dB)
    measured, estimate = _measured_lufs(au, tmp_path, [("same", {}), ("same", {"gain_db": 6.0206})])
    assert estimate == pytest.approx(-23 + 10.0 - 6, abs=0.01)
    assert measured == pytest.approx(estimate, abs=0.3), (measured, estimate)
