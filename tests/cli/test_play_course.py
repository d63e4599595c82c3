"""``session-player play`` honours the alias's preferences, heard through SDL's real disk
driver: a patient who avoids bells gets no bell, and the removal is said before the sound."""

from __future__ import annotations

import numpy as np

from session_player.record.preferences import Preferences, PreferenceStore
from tests.test_live_session import RATE, journal_events, material, play, playlist, read_disk

__all__ = ["material"]  # the audio files, made once for the module (a fixture)

BELL_HZ = 2500


def band_level(audio: np.ndarray, freq_hz: float) -> float:
    """The strongest 40 ms of energy near ``freq_hz`` in the stream (Hann-windowed, so the
    bed and the voice cue at other frequencies hardly leak into it)."""
    mono = audio[:, 0].astype(np.float64)
    size = int(0.04 * RATE)
    t = np.arange(size) / RATE
    probe = np.hanning(size) * np.exp(-2j * np.pi * freq_hz * t)
    return max(abs(mono[i : i + size] @ probe) for i in range(0, len(mono) - size, size // 2))


def run_play(material, folder, alias: str):
    path = playlist(material, cue_at_s=1.0, bell_at_s=2.0)
    disk = folder / "device.raw"
    args = [str(path), "--alias", alias, "--dose-at", "0.5s", "--stop-after", "5s"]
    process = play(args, disk, folder)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return out, read_disk(disk), journal_events(folder)[0]


def test_play_leaves_out_the_bells_a_patient_avoids(material, tmp_path):
    avoids = tmp_path / "avoids"
    PreferenceStore(avoids).save(
        Preferences("Blue Heron", avoid=frozenset({"bells"})), "2026-01-01T10:00:00+00:00"
    )
    out, audio, started = run_play(material, avoids, "Blue Heron")
    assert "preferences of Blue Heron: 1 item of the playlist removed" in out
    assert "Onset: bell “high” at 2s (no bells)" in out
    assert started["course"]["avoid"] == ["bells"]

    out_other, audio_other, started_other = run_play(material, tmp_path / "other", "Grey Owl")
    assert "preferences of" not in out_other and "course" not in started_other
    # The same session for a patient without preferences rings the bell; this one did not.
    assert band_level(audio, BELL_HZ) < 0.05 * band_level(audio_other, BELL_HZ)
