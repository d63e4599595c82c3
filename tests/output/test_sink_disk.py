"""AudioSink on SDL's real ``disk`` driver: what reaches the "device" is checked sample by sample.

Device absence and loss are made real with the disk driver's file names (see conftest):
a path in a missing folder cannot be opened; a FIFO whose reader goes away fails the
driver's write, which makes SDL mark the device disconnected exactly as a backend does
for an unplugged headset; a FIFO nobody reads blocks the driver, as a hung one does.
"""

import signal
from textwrap import dedent

import numpy as np

RATE = 48000
FADE = 480  # the sink's default underrun fade: 10 ms
LONG_PERIOD = 1 << 22  # counter period long enough to tell any position in these tests


def first_sound(audio):
    nonzero = np.flatnonzero(np.any(audio != 0, axis=1))
    assert len(nonzero), "the device received only silence"
    return int(nonzero[0])


def kinds(result):
    return [kind for _, kind, _ in result["alerts"]]


def test_plays_the_render_stream_bit_exact_in_order_with_no_gaps(sdl):
    result = sdl(
        """
        from session_player.output.sink import AudioSink
        render = counter_render()
        sink = AudioSink(render, on_alert=on_alert)
        sink.start()
        time.sleep(0.8)
        clock = sink.device_clock()
        now = time.monotonic()
        sink.close(fade_ms=20)
        done(clock=clock.__dict__, now=now, heard=clock.frame_heard_at(now),
             rendered=render.pos[0], state=sink.state.value)
        """
    )
    audio = sdl.device_audio()
    start = first_sound(audio)
    clock = result["clock"]
    played = clock["frames_played"]
    assert played >= 0.6 * RATE
    # Everything handed to the device before the close is the stream itself, frame 0 on.
    stream = audio[start : start + played]
    assert np.array_equal(stream, sdl.counter_signal(played))
    assert result["alerts"] == [] and result["state"] == "closed"
    # The device clock: the last callback was recent, one device buffer of latency, and the
    # frame heard now lies within the last buffers handed over.
    assert clock["latency_s"] == 1024 / RATE
    assert 0 <= result["now"] - clock["last_callback_mono_s"] < 0.1
    assert played - 3 * 1024 <= result["heard"] <= played
    assert clock["device_playing"]


def test_stop_fades_out_without_a_click_then_silence(sdl):
    result = sdl(
        """
        from session_player.output.sink import AudioSink
        sink = AudioSink(sine_render(phase=0.5), on_alert=on_alert)
        sink.start()
        time.sleep(0.5)
        t = time.monotonic()
        sink.stop(fade_ms=50)
        stop_s = time.monotonic() - t
        sink.close()
        done(stop_s=stop_s)
        """
    )
    audio = sdl.device_audio()[:, 0]
    start = first_sound(audio[:, None])
    played = audio[start:]
    expected = sdl.sine(len(played), phase=0.5)
    exact = int(np.argmax(played != expected))
    assert exact > 0.3 * RATE  # bit-exact up to the fade
    natural = 2 * np.pi * 220 / RATE * 0.5
    assert np.abs(np.diff(played)).max() <= natural * 1.01  # no click anywhere
    fade = played[exact : exact + int(0.05 * RATE)]
    assert np.all(np.abs(fade) <= np.abs(expected[exact : exact + len(fade)]) + 1e-7)
    assert not np.any(played[exact + int(0.05 * RATE) :])  # silence after the fade
    assert len(played) - exact >= int(0.05 * RATE) + 1024  # and silence reached the device
    assert result["stop_s"] < 0.5


def test_underrun_alerts_and_fades_through_silence_staying_in_step(sdl):
    result = sdl(
        """
        from session_player.output.sink import AudioSink
        inner = sine_render(phase=0.5)
        started, stalled = time.monotonic(), [False]
        def slow_render(frames):
            if not stalled[0] and time.monotonic() - started > 0.4:
                stalled[0] = True
                time.sleep(0.45)  # the mixer stalls longer than the 256 ms ring
            return inner(frames)
        sink = AudioSink(slow_render, on_alert=on_alert)
        sink.start()
        time.sleep(1.3)
        sink.close(fade_ms=20)
        done()
        """
    )
    assert kinds(result) == ["underrun"]
    audio = sdl.device_audio()[:, 0]
    start = first_sound(audio[:, None])
    played = audio[start:]
    expected = sdl.sine(len(played), phase=0.5)
    natural = 2 * np.pi * 220 / RATE * 0.5
    assert np.abs(np.diff(played)).max() <= natural * 1.01  # no click into or out of the gap
    gap_start = int(np.argmax(played != expected))
    silence_start = gap_start + int(np.argmax(played[gap_start:] == 0))
    gap_end = silence_start + int(np.argmax(played[silence_start:] != 0))
    assert silence_start - gap_start <= FADE  # the decay lasts the 10 ms fade at most
    assert gap_end - silence_start > 0.1 * RATE  # a real gap of silence
    # After the gap and its fade-in the stream is exactly where the clock says: frames owed
    # during the gap were skipped, not played late.
    after = played[gap_end + FADE : gap_end + FADE + int(0.2 * RATE)]
    assert len(after) == int(0.2 * RATE)
    assert np.array_equal(after, expected[gap_end + FADE : gap_end + FADE + len(after)])


def test_absent_device_alerts_at_once_keeps_time_and_plays_when_it_appears(sdl, tmp_path):
    folder = tmp_path / "unplugged"
    result = sdl(
        f"""
        from session_player.output.sink import AudioSink
        render = counter_render(period={LONG_PERIOD})
        sink = AudioSink(render, {str(folder / "headset.raw")!r}, on_alert=on_alert,
                         retry_interval_s=0.3)
        t = time.monotonic()
        sink.start()
        start_s = time.monotonic() - t
        alerts_at_start = list(ALERTS)
        state_at_start = sink.state.value
        time.sleep(0.6)
        clock = sink.device_clock()  # the frames, with the clock reading of their step
        played_absent = clock.frames_played
        elapsed_absent = clock.last_callback_mono_s - t
        os.mkdir({str(folder)!r})  # the headset is plugged in
        while sink.state.value != "playing" and time.monotonic() - t < 3:
            time.sleep(0.01)
        back_s = time.monotonic() - t
        back_frames = sink.frames_played
        time.sleep(0.4)
        sink.close(fade_ms=20)
        done(start_s=start_s, alerts_at_start=alerts_at_start, state_at_start=state_at_start,
             played_absent=played_absent, elapsed_absent=elapsed_absent, back_s=back_s,
             back_frames=back_frames)
        """
    )
    assert result["start_s"] < 0.5  # start() did not wait for the device
    assert [a[1] for a in result["alerts_at_start"]] == ["device_absent"]
    assert "headset.raw" in result["alerts_at_start"][0][2]
    assert result["state_at_start"] == "device_absent"
    # The stream kept time with the clock while there was no device: counted from inside
    # start(), which began after t.
    assert result["elapsed_absent"] > 0.4
    behind = result["elapsed_absent"] * RATE - result["played_absent"]
    assert 0 <= behind <= (result["start_s"] + 0.005) * RATE
    assert kinds(result) == ["device_absent", "device_restored"]
    # Never the default output (here: the driver's default file).
    assert not sdl.device_file.exists()
    audio = sdl.read_raw(folder / "headset.raw")
    start = first_sound(audio)
    resumed_at = sdl.counter_index(audio[start + FADE : start + FADE + 1])[0] - FADE
    # Audio resumes at the position the session clock had reached, not where it stopped.
    assert abs(resumed_at - result["back_frames"]) < 0.05 * RATE
    assert abs(resumed_at - result["back_s"] * RATE) < 0.1 * RATE
    # It fades in, then continues bit-exact and in order.
    head = audio[start : start + FADE, 0]
    assert head[0] < 0.01 * sdl.counter_signal(1, resumed_at, LONG_PERIOD)[0, 0]
    tail = audio[start + FADE : start + FADE + int(0.2 * RATE)]
    assert len(tail) == int(0.2 * RATE)
    assert np.array_equal(tail, sdl.counter_signal(len(tail), resumed_at + FADE, LONG_PERIOD))


def test_falls_back_only_when_allowed_and_returns_when_the_device_is_back(sdl, tmp_path):
    folder = tmp_path / "missing"
    result = sdl(
        f"""
        from session_player.output.sink import AudioSink
        sink = AudioSink(sine_render(), {str(folder / "x.raw")!r},
                         on_alert=on_alert, allow_fallback=True, retry_interval_s=0.3)
        sink.start()
        state, fallback, in_use = sink.state.value, sink.on_fallback, sink.device_in_use
        time.sleep(0.4)
        os.mkdir({str(folder)!r})
        time.sleep(0.6)
        back = [sink.on_fallback, sink.device_in_use]
        sink.close(fade_ms=20)
        done(state=state, fallback=fallback, in_use=in_use, back=back)
        """
    )
    assert kinds(result) == ["device_absent", "device_fallback", "device_restored"]
    assert result["state"] == "playing" and result["fallback"] and result["in_use"] is None
    assert np.abs(sdl.device_audio()).max() > 0.4  # the default output played meanwhile
    assert result["back"] == [False, str(folder / "x.raw")]
    assert np.abs(sdl.read_raw(folder / "x.raw")).max() > 0.4  # then the chosen one


LOSE_FIFO = """
import select
from session_player.output.sink import AudioSink
path = {path!r}
os.mkfifo(path)
reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
captured = bytearray()
reading = threading.Event(); reading.set()
def read_fifo():
    while reading.is_set():
        if select.select([reader], [], [], 0.02)[0]:
            try:
                captured.extend(os.read(reader, 1 << 16))
            except BlockingIOError:
                pass
threading.Thread(target=read_fifo, daemon=True).start()
render = counter_render(period={period})
sink = AudioSink(render, path, on_alert=on_alert, retry_interval_s=0.3)
sink.start()
time.sleep(0.5)
"""


def test_device_lost_mid_session_alerts_keeps_time_and_resumes_in_place(sdl, tmp_path):
    path = tmp_path / "headset"
    result = sdl(
        LOSE_FIFO.format(path=str(path), period=LONG_PERIOD)
        + dedent("""
        os.unlink(path); os.mkdir(path)  # reopening fails for a while: the headset is gone
        reading.clear(); time.sleep(0.05); os.close(reader)  # the next write fails: unplugged
        t_lost = time.monotonic()
        while sink.state.value == "playing" and time.monotonic() - t_lost < 2:
            time.sleep(0.005)
        detect_s = time.monotonic() - t_lost
        state_lost = sink.state.value
        time.sleep(0.6)
        played_lost = sink.frames_played
        os.rmdir(path)  # plugged back in
        while sink.state.value != "playing" and time.monotonic() - t_lost < 3:
            time.sleep(0.01)
        back_frames = sink.frames_played
        back_after_s = time.monotonic() - t_lost
        time.sleep(0.4)
        sink.close(fade_ms=20)
        with open(os.path.join(os.path.dirname(path), "fifo.raw"), "wb") as f:
            f.write(bytes(captured))
        done(detect_s=detect_s, state_lost=state_lost, played_lost=played_lost,
             back_frames=back_frames, back_after_s=back_after_s)
        """)
    )
    assert kinds(result) == ["device_lost", "device_restored"]
    assert result["detect_s"] < 0.3  # SDL's disconnect is seen within a few polls
    assert result["state_lost"] == "device_lost"
    # Before the loss: bit-exact from frame 0.
    before = sdl.read_raw(tmp_path / "fifo.raw")
    start = first_sound(before)
    heard = before[start : start + int(0.3 * RATE)]
    assert len(heard) == int(0.3 * RATE)
    assert np.array_equal(heard, sdl.counter_signal(len(heard), 0, LONG_PERIOD))
    # Back on the same device, at the position the clock reached, faded in.
    after = sdl.read_raw(path)
    start = first_sound(after)
    resumed_at = sdl.counter_index(after[start + FADE : start + FADE + 1])[0] - FADE
    assert abs(resumed_at - result["back_frames"]) < 0.05 * RATE
    assert abs(after[start, 0]) < 0.01 * abs(sdl.counter_signal(1, resumed_at, LONG_PERIOD)[0, 0])
    tail = after[start + FADE : start + FADE + int(0.2 * RATE)]
    assert len(tail) == int(0.2 * RATE)
    assert np.array_equal(tail, sdl.counter_signal(len(tail), resumed_at + FADE, LONG_PERIOD))


def test_a_hung_device_is_declared_lost_and_never_blocks_the_caller(sdl, tmp_path):
    path = tmp_path / "headset"
    result = sdl(
        LOSE_FIFO.format(path=str(path), period=4096)
        + dedent("""
        reading.clear()  # nobody reads: the pipe fills and the driver's write blocks
        os.unlink(path); os.mkdir(path)  # and reopening fails (the open FIFO lives on)
        t = time.monotonic()
        worst_step = 0.0
        last = t
        while sink.state.value == "playing" and time.monotonic() - t < 3:
            time.sleep(0.01)
            now = time.monotonic(); worst_step = max(worst_step, now - last); last = now
        detect_s = time.monotonic() - t
        state = sink.state.value
        time.sleep(0.1)  # (the first step after the loss catches up the stalled second)
        # The sink steps the stream every 0.1 s: read the frames with the clock reading of
        # the step that set them, or a late step makes a short window look slow.
        a = sink.device_clock(); time.sleep(0.5); b = sink.device_clock()
        kept_time = (b.frames_played - a.frames_played) / (
            b.last_callback_mono_s - a.last_callback_mono_s)
        os.close(reader)  # unblocks the driver's write, so SDL's thread can end
        t = time.monotonic()
        sink.close(fade_ms=20)
        close_s = time.monotonic() - t
        done(detect_s=detect_s, state=state, worst_step=worst_step, close_s=close_s,
             kept_time=kept_time, clock_s=b.last_callback_mono_s - a.last_callback_mono_s)
        """)
    )
    assert kinds(result) == ["device_lost"]
    assert "stopped responding" in result["alerts"][0][2]
    assert result["state"] == "device_lost"
    assert 0.9 < result["detect_s"] < 2.0  # the 1 s watchdog (plus what the pipe held)
    assert result["worst_step"] < 0.1  # the caller's thread was never held up
    assert result["clock_s"] > 0.3  # the stream was stepped meanwhile, at real-time pace:
    assert abs(result["kept_time"] - RATE) < 0.01 * RATE
    assert result["close_s"] < 1.5


def test_sigterm_still_ends_a_playing_process(sdl):
    # SDL's event subsystem (started with audio) would turn SIGTERM into an SDL_QUIT event
    # that nobody reads; the output package tells SDL to leave signals alone.
    process = sdl.popen(
        """
        from session_player.output.sink import AudioSink
        sink = AudioSink(sine_render())
        sink.start()
        print("playing", flush=True)
        time.sleep(30)
        """
    )
    try:
        assert process.stdout.readline().strip() == "playing"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == -signal.SIGTERM
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
