"""The live sink on a real PulseAudio server, with devices that come and go.

Each test starts its own server (the ``pulse`` fixture: two null sinks, "Headphones" and
"Room-speakers") and runs the sink in a fresh interpreter on SDL's ``pulseaudio`` driver;
the scenario unplugs and plugs sinks with ``pactl`` and records what each sink played from
its monitor with ``parec``. A null sink that has nothing to play sleeps up to 2 s, so a
stream opened on it may wait that long for its first request: that is real behaviour the
sink must ride out (item 19), not a hang.
"""

from __future__ import annotations

from textwrap import dedent

import numpy as np

from tests.output.conftest import PULSE_PRELUDE

AMPLITUDE = 0.25
RMS = AMPLITUDE / np.sqrt(2)

SINK = """
from session_player.output.sink import AudioSink
sink = AudioSink(sine_render(440.0, AMPLITUDE), "Headphones", on_alert=on_alert)

def since_start(t):
    return round(t - T0, 3)

def rms(frames):
    return float(np.sqrt(np.mean(frames[:, 0].astype(np.float64) ** 2))) if len(frames) else 0.0

def peak(frames):
    return float(np.max(np.abs(frames))) if len(frames) else 0.0
"""


def run(sdl, pulse, body: str, timeout_s: float = 40.0) -> dict:
    script = PULSE_PRELUDE + f"AMPLITUDE = {AMPLITUDE}\n" + SINK + dedent(body)
    return sdl(script, driver="pulseaudio", env=pulse.env, timeout_s=timeout_s)


def kinds(result: dict) -> list[str]:
    return [kind for _, kind, _ in result["alerts"]]


def alert_at(result: dict, kind: str) -> float:
    return next(at for at, k, _ in result["alerts"] if k == kind)


def test_device_present_at_start_plays_with_no_alert(sdl, pulse):
    result = run(
        sdl,
        pulse,
        """
        speakers = Recorder("speakers")
        sink.start()
        time.sleep(1.5)  # past the 1 s watchdog while the null sink wakes up
        headphones = Recorder("headphones")
        time.sleep(3.0)
        state = sink.state.value
        heard, leaked = headphones.stop(), speakers.stop()
        sink.close(fade_ms=20)
        done(state=state, heard_rms=rms(heard[-48000:]), heard_s=len(heard) / 48000,
             leaked=peak(leaked))
        """,
    )
    assert result["alerts"] == []  # no false "stopped responding" while the sink wakes up
    assert result["state"] == "playing"
    assert result["heard_s"] > 1.0
    assert abs(result["heard_rms"] - RMS) < 0.1 * RMS  # the sine, at its level, on Headphones
    assert result["leaked"] < 1e-4  # and nothing on the room speakers


LOSE = """
sink.start()
deadline = time.monotonic() + 8
while sink.device_clock().frames_delivered < 48000 and time.monotonic() < deadline:
    time.sleep(0.05)  # a second of sound has reached the device
speakers = Recorder("speakers")
unplugged_at = time.monotonic()
unplug("headphones")
"""


def test_removed_device_alerts_within_a_second_keeps_time_and_never_falls_back(sdl, pulse):
    result = run(
        sdl,
        pulse,
        LOSE
        + dedent("""
        time.sleep(1.5)
        # The sink steps the stream every 0.1 s: read frames with the clock of their step.
        a = sink.device_clock(); time.sleep(1.0); b = sink.device_clock()
        state = sink.state.value
        leaked = speakers.stop()
        sink.close(fade_ms=20)
        done(unplugged_at=since_start(unplugged_at), state=state, leaked=peak(leaked),
             rate=(b.frames_played - a.frames_played)
             / (b.last_callback_mono_s - a.last_callback_mono_s))
        """),
    )
    assert kinds(result) == ["device_lost"]
    assert "disconnected" in result["alerts"][0][2]
    assert "will not move to another device" in result["alerts"][0][2]
    assert alert_at(result, "device_lost") - result["unplugged_at"] < 1.0
    assert result["state"] == "device_lost"
    assert abs(result["rate"] - 48000) < 0.01 * 48000  # the stream keeps the clock's pace
    assert result["leaked"] < 1e-4  # no fallback to the room speakers


BACK = """
waker = Waker("headphones")
headphones = Recorder("headphones", wait=True)
plugged_at = time.monotonic()
plug("headphones", "Headphones")
# Until the sink says "back" (the server's sink may take seconds to start: see assert_back),
# then a while more.
while time.monotonic() < plugged_at + 9.0 and not any(
        kind == "device_restored" and T0 + at > plugged_at for at, kind, _ in ALERTS):
    time.sleep(0.05)
time.sleep(1.5)
state = sink.state.value
heard = headphones.stop()
waker.stop()
onset = headphones.onset()
back = dict(
    unplugged_at=since_start(unplugged_at), plugged_at=since_start(plugged_at), state=state,
    # When the recording's first frame was played: when the sink first rendered, if parec
    # had joined its monitor by then (it usually has; see assert_back).
    recording_from=since_start(headphones.wall_s(0)) if len(heard) else None,
    onset=onset,
    onset_at=since_start(headphones.wall_s(onset)) if onset is not None else None,
    first_ms=peak(heard[onset:onset + 48]) if onset is not None else None,
    settled=peak(heard[onset + 960:onset + 1920]) if onset is not None else None)
backs.append(back)
"""

UNPLUG = """
unplugged_at = time.monotonic()
unplug("headphones")
"""

END = """
leaked = speakers.stop()
sink.close(fade_ms=20)
done(backs=backs, leaked=peak(leaked), listed=sink._listed_names())
"""


# A null sink that PulseAudio has just loaded renders nothing, for anyone, for about 2 s,
# now and then for about 4.5 s (measured: the recording, joined before the sink existed, and
# a faint stream played into the sink from its first moment both begin then; the player's
# stream opens 0.08 s after the load and waits like every other). The promise, sound within
# 3 s of the device being back, is counted from when the sink first renders, which the
# recording's first frame shows when the recording began before the sound did (onset > 0).
# parec sometimes joins the new monitor only after the sound began (onset 0): then the
# return is timed by the "back" alert, which the sink raises once the device asks for
# audio, from the plug, allowing the sink's own start. Counted from the plug in every case
# (and over a fixed 4.5 s), the server's start left about 1 s for the rest, and its slow
# starts failed the test now and then under load.
SINK_START_S = 5.0


def assert_back(
    result: dict, back: dict, within_s: float = 3.0, sink_start_s: float = SINK_START_S
) -> None:
    assert back["state"] == "playing"
    assert back["onset_at"] is not None, "no sound after the device came back"
    restored = [at for at, kind, _ in result["alerts"] if kind == "device_restored"]
    restored = [at for at in restored if at > back["plugged_at"]]
    assert restored, (back, result["alerts"])
    if back["onset"] > 0:  # the recording began with the sink: time the return by it
        usable_at = back["recording_from"]
        assert back["onset_at"] - usable_at < within_s, back
        assert restored[0] - usable_at < within_s, (back, result["alerts"])
    else:
        assert restored[0] - back["plugged_at"] < sink_start_s + within_s, back
    assert back["settled"] > 0.8 * AMPLITUDE
    assert result["leaked"] < 1e-4  # never on the room speakers


def test_the_same_device_back_plays_within_3_s_faded_in_and_the_alert_clears(sdl, pulse):
    # Three times: a null sink's monitor sometimes begins recording only after the sink's
    # first sound, and then the fade-in cannot be seen in that run (its onset is frame 0).
    again = "time.sleep(1.5)\n" + BACK + UNPLUG
    result = run(
        sdl,
        pulse,
        "backs = []\n" + LOSE + again + again + "time.sleep(1.5)\n" + BACK + END,
        timeout_s=90.0,
    )
    assert kinds(result) == ["device_lost", "device_restored"] * 3
    for back in result["backs"]:
        assert_back(result, back)
    caught = [back for back in result["backs"] if back["onset"] > 0]
    assert caught, "no recording began before the sound came back"
    for back in caught:
        # Faded in over 10 ms: the first millisecond stays far below the level 20 ms on.
        assert back["first_ms"] < 0.1 * AMPLITUDE, back


def test_a_device_replugged_at_once_comes_back(sdl, pulse):
    # Removed and added before the sink lists the devices, SDL names it "Headphones (2)".
    result = run(sdl, pulse, "backs = []\n" + LOSE + BACK + END)
    assert kinds(result) == ["device_lost", "device_restored"]
    assert_back(result, result["backs"][0])
    # (Which name SDL gave it depends on whether the sink listed the devices in between:
    # tests/output/test_pulseaudio_replug_name.py covers the choice.)


def test_the_server_restarting_loses_the_device_then_plays_again(sdl, pulse):
    result = run(
        sdl,
        pulse,
        "backs = []\n"
        + LOSE.replace('unplug("headphones")', "kill_server()")
        + "speakers.stop()\ntime.sleep(1.0)\n"
        + BACK.replace('plug("headphones", "Headphones")', "start_server()")
        + 'speakers = Recorder("speakers")\n'
        + END,
    )
    assert kinds(result) == ["device_lost", "device_restored"]
    # SDL must reconnect to the new server: retries every 2 s, then the device's own start.
    assert_back(result, result["backs"][0], within_s=5.0)


def test_a_device_that_stops_consuming_is_still_caught_and_resumes(sdl, pulse):
    result = run(
        sdl,
        pulse,
        """
        sink.start()
        time.sleep(3.0)
        suspended_at = time.monotonic()
        pactl("suspend-sink", "headphones", "1")  # the server stops taking audio
        time.sleep(2.0)
        lost_state = sink.state.value
        resumed_at = time.monotonic()
        pactl("suspend-sink", "headphones", "0")
        time.sleep(4.0)
        state = sink.state.value
        sink.close(fade_ms=20)
        done(suspended_at=since_start(suspended_at), resumed_at=since_start(resumed_at),
             lost_state=lost_state, state=state)
        """,
    )
    assert kinds(result) == ["device_lost", "device_restored"]
    assert "stopped responding" in result["alerts"][0][2]
    assert alert_at(result, "device_lost") - result["suspended_at"] < 1.6
    # (The state may read "playing" while the suspended sink is reopened: SDL's audio thread
    # can call back once before it waits for the server. What the console says is the alert.)
    # "Back" only once it plays again, not when the suspended sink merely reopened.
    assert alert_at(result, "device_restored") > result["resumed_at"]
    assert result["state"] == "playing"


def test_a_device_that_never_starts_is_declared_lost(sdl, pulse):
    result = run(
        sdl,
        pulse,
        """
        pactl("suspend-sink", "headphones", "1")
        sink.start()
        time.sleep(6.5)
        resumed_at = time.monotonic()
        pactl("suspend-sink", "headphones", "0")
        time.sleep(4.0)
        state = sink.state.value
        sink.close(fade_ms=20)
        done(resumed_at=since_start(resumed_at), state=state)
        """,
    )
    assert kinds(result) == ["device_lost", "device_restored"]
    assert "did not start playing" in result["alerts"][0][2]
    assert 4.5 < alert_at(result, "device_lost") < 6.5  # the 5 s allowed for a start
    assert alert_at(result, "device_restored") > result["resumed_at"]
    assert result["state"] == "playing"
