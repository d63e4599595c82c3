"""The ring between render and device, without any device: exact, click-free, in step."""

import numpy as np

from session_player.output.feed import Feed, decay_curve, fade_in_curve, fade_out_curve

RATE = 48000
FADE = 480


def sine(start, frames, freq_hz=220.0, amplitude=0.5):
    t = (start + np.arange(frames)) / RATE
    x = (amplitude * np.sin(2 * np.pi * freq_hz * t + 0.5)).astype(np.float32)
    return np.stack([x, x], axis=1)


def natural_step(freq_hz=220.0, amplitude=0.5):
    return 2 * np.pi * freq_hz / RATE * amplitude


def fill(feed, frames, now=0.0, generation=None):
    out = np.full((frames, 2), 99.0, dtype=np.float32)  # garbage: fill() must overwrite all
    feed.fill(out, now, generation)
    return out


def test_curves_start_and_end_where_they_must():
    assert decay_curve(FADE)[0] == 1.0
    assert fade_out_curve(FADE)[-1] == 0.0
    assert 0.0 < fade_in_curve(FADE)[0] < 0.001
    assert np.all(np.diff(fade_in_curve(FADE)) > 0)
    assert np.all(np.diff(decay_curve(FADE)) < 0)


def test_passes_audio_bit_exact_across_the_wrap():
    feed = Feed(capacity_frames=1000, fade_frames=FADE, prime_frames=1)
    source = sine(0, 20000)
    written = read = 0
    out = []
    rng = np.random.default_rng(1)
    while read < 19000:
        n = int(rng.integers(1, 700))
        written += feed.write(source[written : written + n])
        m = int(rng.integers(1, 300))
        if feed.snapshot().buffered_frames >= m:
            out.append(fill(feed, m))
            read += m
    played = np.concatenate(out)
    assert np.array_equal(played, source[: len(played)])
    assert feed.snapshot().frames_played == len(played)
    assert feed.take_underruns() == 0


def test_outputs_silence_and_counts_nothing_until_primed():
    feed = Feed(capacity_frames=4096, fade_frames=FADE, prime_frames=2048)
    feed.write(sine(0, 1024))
    assert not np.any(fill(feed, 512))
    assert feed.snapshot().frames_played == 0
    feed.write(sine(1024, 1024))
    assert np.array_equal(fill(feed, 512), sine(0, 512))


def test_underrun_decays_from_the_last_sample_fades_back_in_and_stays_in_step():
    feed = Feed(capacity_frames=8192, fade_frames=FADE, prime_frames=1)
    feed.write(sine(0, 1500))
    out = [fill(feed, 1024), fill(feed, 1024), fill(feed, 1024)]  # runs dry at 1500
    assert feed.take_underruns() == 1
    feed.write(sine(1500, 8000))  # the late audio arrives
    out += [fill(feed, 1024) for _ in range(4)]
    played = np.concatenate(out)[:, 0]

    assert np.array_equal(played[:1500], sine(0, 1500)[:, 0])
    gap = played[1500 : 1500 + FADE]
    assert gap[0] == played[1499]  # the decay continues the last sample: no step
    assert np.all(np.abs(gap[1:]) < np.abs(played[1499]))
    assert not np.any(played[1500 + FADE : 3072])  # then true silence
    # No sample-to-sample jump beyond the sine's own anywhere, gap and fade-in included.
    assert np.abs(np.diff(played)).max() <= natural_step() * 1.01
    # In step: the frames owed during the gap were skipped, so after the fade-in each
    # device frame k carries stream frame k, as if the gap had been played.
    after = slice(3072 + FADE, len(played))
    assert np.array_equal(played[after], sine(0, len(played))[after, 0])
    # The fade-in only lowers the stream: never louder than the audio itself.
    resumed = played[3072 : 3072 + FADE]
    assert np.all(np.abs(resumed) <= np.abs(sine(0, 3072 + FADE)[3072:, 0]) + 1e-7)


def test_decay_and_fade_in_overlap_without_exceeding_the_input():
    feed = Feed(capacity_frames=8192, fade_frames=FADE, prime_frames=1)
    loud = np.full((1000, 2), 0.9, np.float32)
    feed.write(loud)
    first = fill(feed, 1100)  # 100 frames missing: decay starts
    feed.write(np.full((4000, 2), -0.9, np.float32))  # returns mid-decay, opposite sign
    second = fill(feed, 2048)
    played = np.concatenate([first, second])[:, 0]
    assert np.abs(played).max() <= 0.9 + 1e-6
    assert np.abs(np.diff(played)).max() < 0.01  # 1.8 swing spread over ~480 frames


def test_discard_keeps_time_without_a_device_and_the_return_fades_in():
    feed = Feed(capacity_frames=4096, fade_frames=FADE, prime_frames=1)
    feed.attach(1)
    feed.write(sine(0, 4096))
    fill(feed, 1024, generation=1)
    feed.detach()  # the device is lost
    assert not np.any(fill(feed, 1024, now=0.1, generation=1))  # its late callbacks: silence
    feed.discard(2000, now_s=0.2)  # 2000 frames of real time pass without a device
    assert feed.snapshot().frames_played == 3024
    feed.write(sine(4096, 8000)[:3024])
    feed.attach(2)
    back = fill(feed, 1024, generation=2)[:, 0]
    expected = sine(3024, 1024)[:, 0]
    assert abs(back[0]) < 0.001  # faded in from silence
    assert np.array_equal(back[FADE:], expected[FADE:])  # at the position time says


def test_fade_out_reaches_silence_smoothly_and_stays_silent():
    feed = Feed(capacity_frames=48000, fade_frames=FADE, prime_frames=1)
    feed.attach(1)
    feed.write(sine(0, 48000))
    before = fill(feed, 1000, generation=1)
    feed.request_fade_out(2400)
    faded = np.concatenate([fill(feed, 1000, generation=1) for _ in range(3)])[:, 0]
    assert feed.fade_out_done.is_set()
    assert faded[2399] == 0.0 and not np.any(faded[2400:])
    joined = np.concatenate([before[:, 0], faded])
    assert np.abs(np.diff(joined)).max() <= natural_step() * 1.01
    assert not np.any(fill(feed, 1000, generation=1))


def test_fade_out_with_no_device_is_immediate():
    feed = Feed(capacity_frames=4096, fade_frames=FADE)
    feed.request_fade_out(4800)
    assert feed.fade_out_done.is_set()
