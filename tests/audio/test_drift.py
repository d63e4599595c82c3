"""Drift correction: bit-exact when idle, smooth and bounded when correcting."""

import numpy as np

from session_player.audio.drift import MAX_CORRECTION_PPM, MAX_RATIO_PPM, DriftCorrector

RATE = 48000


def sine_source(freq_hz=440.0):
    state = {"n": 0}

    def source(frames):
        t = (state["n"] + np.arange(frames)) / RATE
        state["n"] += frames
        mono = (0.5 * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)
        return np.stack([mono, mono], axis=1)

    return source


def test_passes_audio_through_bit_exact_when_no_correction_is_needed():
    reference = sine_source()(RATE)
    corrector = DriftCorrector(sine_source())
    out = np.concatenate([corrector.pull(n) for n in (1000, 24000, 23000)])
    assert np.array_equal(out, reference)


def test_ratio_is_bounded():
    # The engine's loop sets device offset plus correction; the resampler's own bound is
    # the sum of their limits (the loop holds each part to its own).
    corrector = DriftCorrector(sine_source())
    corrector.set_ratio(1.5)
    assert corrector.ratio == 1.0 + MAX_RATIO_PPM * 1e-6
    corrector.set_ratio(0.5)
    assert corrector.ratio == 1.0 - MAX_RATIO_PPM * 1e-6
    corrector.set_ratio(1.012)
    assert corrector.ratio == 1.012


def test_correcting_consumes_more_source_without_clicks():
    corrector = DriftCorrector(sine_source())
    corrector.set_ratio(1.0005)  # the sound is behind the dose clock: catch up at 500 ppm
    out = np.concatenate([corrector.pull(4800) for _ in range(100)])  # 10 s
    gained_s = (corrector.source_frames - len(out)) / RATE
    assert 0.004 < gained_s < 0.006  # 500 ppm for 10 s = 5 ms (2 frames of look-ahead aside)
    steps = np.abs(np.diff(out[:, 0]))
    natural = 2 * np.pi * 440 / RATE * 0.5
    assert steps.max() <= natural * 1.01  # no sample-to-sample jump beyond the sine's own


def test_returning_to_unity_keeps_the_signal_continuous():
    corrector = DriftCorrector(sine_source())
    corrector.set_ratio(1.0 - MAX_CORRECTION_PPM * 1e-6)  # the sound ahead: hold it back
    first = corrector.pull(9600)
    corrector.set_ratio(1.0)
    second = corrector.pull(9600)
    joined = np.concatenate([first, second])[:, 0]
    natural = 2 * np.pi * 440 / RATE * 0.5
    assert np.abs(np.diff(joined)).max() <= natural * 1.01
