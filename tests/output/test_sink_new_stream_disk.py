"""``AudioSink.new_stream`` on SDL's real ``disk`` driver: one device, one stream after another
(the studio's auditions). What was playing fades out without a click, the device gets
silence, then the new stream from its own first frame, bit for bit, and the device clock
counts from it."""

from __future__ import annotations

import numpy as np

RATE = 48000


def test_a_new_stream_follows_the_faded_old_one_on_the_same_device(sdl):
    result = sdl(
        """
        from session_player.output.sink import AudioSink
        first = counter_render()
        sink = AudioSink(first, on_alert=on_alert, buffer_ms=2000.0)
        sink.start()
        time.sleep(0.5)
        before = sink.device_clock().frames_delivered
        second = counter_render()
        sink.new_stream(second, fade_ms=50)
        time.sleep(0.6)
        clock = sink.device_clock()
        sink.close(fade_ms=20)
        done(before=before, clock=clock.__dict__, first_after=first.pos[0])
        """
    )
    audio = sdl.device_audio()
    nonzero = np.flatnonzero(np.any(audio != 0, axis=1))
    start = int(nonzero[0])
    # The first stream, exact, then faded (smaller and smaller), then silence.
    index = sdl.counter_index(audio[start:])
    broken = int(np.argmax(index != np.arange(len(index)) % 4096))
    assert broken >= 0.4 * RATE
    fade = audio[start + broken : start + broken + int(0.05 * RATE)]
    expected = sdl.counter_signal(len(fade), start=broken)
    gains = fade[:, 0] / expected[:, 0]
    assert np.all(np.diff(gains) <= 1e-6) and gains[-1] < 0.01  # falling, never a step up
    silence_from = start + broken + int(0.05 * RATE)
    # Then the new stream from its frame 0, bit-exact, as long as the clock says it played.
    later = np.flatnonzero(np.any(audio[silence_from:] != 0, axis=1))
    assert len(later), "the second stream never reached the device"
    second_start = silence_from + int(later[0])
    assert second_start - (start + broken) >= len(fade)
    played = result["clock"]["frames_delivered"]
    assert played >= 0.3 * RATE  # counted from the new stream, not from the device's open
    assert played < result["before"] + 0.7 * RATE
    np.testing.assert_array_equal(
        audio[second_start : second_start + played], sdl.counter_signal(played)
    )
    assert [kind for _, kind, _ in result["alerts"]] == []
