"""Fade shapes, gain lanes, and the look-ahead limiter with its ceiling."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from session_player.audio.envelopes import Fade, Lane, fades_block
from session_player.audio.limiter import SUB_BLOCK_FRAMES, PeakLimiter


def test_equal_power_crossfade_keeps_the_summed_power_constant():
    out = Fade(1000, 4800, rising=False).block(0, 8000)
    into = Fade(1000, 4800, rising=True).block(0, 8000)
    np.testing.assert_allclose(out**2 + into**2, 1.0, atol=1e-12)
    assert out[0] == 1.0 and into[0] == 0.0
    assert out[-1] == pytest.approx(0.0, abs=1e-12) and into[-1] == 1.0


def test_smooth_fade_starts_and_ends_flat():
    values = Fade(0, 960, rising=True, shape="smooth").block(0, 961)
    assert values[1] < 1e-4 and 1 - values[-2] < 1e-4


def test_fades_are_constant_floats_outside_their_span():
    fade = Fade(1000, 100, rising=True)
    assert fades_block((fade,), 0, 1000) == 0.0
    assert fades_block((fade,), 1100, 500) == 1.0


def test_lane_ramps_smoothly_and_an_interrupting_event_starts_where_the_lane_is():
    lane = Lane(1.0, [(1000, 0.0, 1000), (1500, 1.0, 1000)])
    values = lane.block(0, 4000)
    assert values[999] == 1.0
    assert np.abs(np.diff(values)).max() < 0.002  # no jump, even at the interruption
    assert values[1500] == pytest.approx(lane.value_at(1499), abs=0.002)
    assert lane.block(3000, 100) == 1.0  # settled: a plain float


def test_lane_events_at_one_instant_apply_in_order():
    # The session starts with "silence now" then "fade in": it must fade in from silence.
    lane = Lane(0.5, [(0, 0.0, 0), (0, 1.0, 4800)])
    assert lane.value_at(0) == 0.0
    assert lane.value_at(2400) == pytest.approx(0.5)
    assert lane.value_at(4800) == 1.0


def _limit(limiter: PeakLimiter, signal: np.ndarray, block: int) -> np.ndarray:
    pad = (-len(signal)) % SUB_BLOCK_FRAMES
    padded = np.concatenate([signal, np.zeros((pad + limiter.latency_frames, 2))])
    out = [
        limiter.process(padded[i : i + block].astype(np.float32))
        for i in range(0, len(padded), block)
    ]
    return np.concatenate(out)[limiter.latency_frames : limiter.latency_frames + len(signal)]


def test_limiter_passes_quiet_audio_unchanged_with_a_fixed_delay():
    limiter = PeakLimiter(-3.0)
    signal = np.random.default_rng(1).uniform(-0.3, 0.3, (20000, 2)).astype(np.float32)
    np.testing.assert_array_equal(_limit(limiter, signal, 4096), signal)


@settings(max_examples=25, deadline=None)
@given(
    gain_db=st.floats(0.0, 40.0),
    ceiling_dbfs=st.floats(-12.0, 0.0),
    block=st.sampled_from([64, 1024, 4096, 8192]),
    seed=st.integers(0, 2**16),
)
def test_no_sample_ever_exceeds_the_ceiling_and_the_clamp_stays_idle(
    gain_db, ceiling_dbfs, block, seed
):
    rng = np.random.default_rng(seed)
    signal = rng.standard_normal((12000, 2)) * 0.3 * 10 ** (gain_db / 20)
    signal[5000:5003] *= 20  # a spike on top
    limiter = PeakLimiter(ceiling_dbfs)
    out = _limit(limiter, signal.astype(np.float32), block)
    assert np.abs(out).max() <= 10 ** (ceiling_dbfs / 20)
    assert limiter.clamp_count == 0


def test_limiter_gain_moves_smoothly():
    # A level that jumps by 20 dB: the gain (output / input) ramps down over the look-ahead,
    # before the loud part arrives, and recovers slowly after it.
    limiter = PeakLimiter(-6.0)
    level = np.where(np.arange(48000) < 24000, 0.2, 2.0)
    level[30000:] = 0.2
    out = _limit(limiter, np.stack([level, level], axis=1), 4096)
    gain = out[:, 0] / level
    assert np.abs(np.diff(gain)).max() < 0.01  # no gain step anywhere
    assert gain[23000] == pytest.approx(1.0, abs=1e-6)
    assert gain[24000] * 2.0 <= 10 ** (-6 / 20)  # already down when the jump arrives
    assert np.abs(out).max() <= 10 ** (-6 / 20)
