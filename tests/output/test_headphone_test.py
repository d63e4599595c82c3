"""The left/right headphone test: each part in its own ear only, left first, on the device."""

import subprocess

import numpy as np
import pytest

from session_player.media.ffmpeg import ffmpeg_exe
from session_player.output.headphone_test import SOURCE_TONE, SOURCE_VOICE, build_test_signal

RATE = 48000


@pytest.fixture(scope="module")
def clips_dir(tmp_path_factory):
    """Stand-in clips: a stereo left.ogg with the "voice" (a sweep) in the left channel only,
    and a mono right.ogg, as a careless export might be: both must end up on their side."""
    folder = tmp_path_factory.mktemp("clips")
    ffmpeg = [ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-f", "lavfi"]
    left = "sine=f=330:d=0.4[a];anullsrc=r=44100:cl=mono:d=0.4[b];[a][b]amerge=inputs=2"
    subprocess.run(
        [*ffmpeg, "-i", "anullsrc=r=44100", "-filter_complex", left, "-t", "0.4"]
        + ["-ac", "2", "-c:a", "libvorbis", str(folder / "left.ogg")],
        check=True,
    )
    subprocess.run(
        [*ffmpeg, "-i", "sine=f=550:d=0.4:sample_rate=44100", "-ac", "1", "-c:a", "libvorbis"]
        + [str(folder / "right.ogg")],
        check=True,
    )
    return folder


def parts(audio, segments):
    return {seg.side: audio[seg.start_frame : seg.end_frame] for seg in segments}


def test_each_clip_plays_in_its_own_ear_only(clips_dir):
    signal = build_test_signal(clips_dir, RATE)
    assert signal.source == SOURCE_VOICE
    assert [s.side for s in signal.segments] == ["left", "right"]
    assert signal.segments[0].end_frame < signal.segments[1].start_frame  # left, gap, right
    by_side = parts(signal.audio, signal.segments)
    assert np.abs(by_side["left"][:, 0]).max() > 0.1 and not np.any(by_side["left"][:, 1])
    assert np.abs(by_side["right"][:, 1]).max() > 0.1 and not np.any(by_side["right"][:, 0])
    assert abs(len(by_side["left"]) - 0.4 * RATE) < 0.05 * RATE  # decoded at the output rate


def test_missing_clips_fall_back_to_a_soft_tone(tmp_path):
    signal = build_test_signal(tmp_path / "nothing here", RATE)
    assert signal.source == SOURCE_TONE
    by_side = parts(signal.audio, signal.segments)
    assert 0.05 < np.abs(by_side["left"][:, 0]).max() <= 0.1  # -20 dBFS: soft
    assert not np.any(by_side["left"][:, 1]) and not np.any(by_side["right"][:, 0])
    assert by_side["left"][0, 0] == 0.0 or abs(by_side["left"][0, 0]) < 1e-4  # faded edges


def test_plays_left_then_right_through_the_device(sdl, clips_dir):
    result = sdl(
        f"""
        from session_player.output.headphone_test import run_headphone_test
        sides = []
        t = time.monotonic()
        r = run_headphone_test(None, clips_dir={str(clips_dir)!r}, on_side=sides.append)
        done(completed=r.completed, source=r.source, message=r.message, sides=sides,
             took=time.monotonic() - t, alerts=[a.kind for a in r.alerts])
        """,
        delay_ms=10,  # twice real time
    )
    assert result["completed"], result["message"]
    assert result["source"] == "voice" and result["sides"] == ["left", "right"]
    assert result["alerts"] == []
    # On the device: exactly the test signal, left-only then right-only.
    expected = build_test_signal(clips_dir, RATE).audio
    audio = sdl.device_audio()
    start = int(np.flatnonzero(np.any(audio != 0, axis=1))[0])
    lead = int(np.flatnonzero(np.any(expected != 0, axis=1))[0])
    played = audio[start - lead : start - lead + len(expected)]
    assert np.array_equal(played, expected)
    left_only = np.flatnonzero(played[:, 0] != 0)
    right_only = np.flatnonzero(played[:, 1] != 0)
    assert left_only.max() < right_only.min()
    assert not np.any(audio[len(expected) + start :, :])  # nothing after it, no click at close


def test_runs_in_the_background_and_reports_when_done(sdl, tmp_path):
    result = sdl(
        f"""
        from session_player.output.headphone_test import start_headphone_test
        finished = threading.Event()
        results = []
        def on_done(r):
            results.append(r); finished.set()
        t = time.monotonic()
        run = start_headphone_test(None, clips_dir={str(tmp_path / "none")!r}, on_done=on_done)
        returned_s = time.monotonic() - t
        finished.wait(10)
        r = results[0]
        done(returned_s=returned_s, completed=r.completed, source=r.source, same=r is run.result)
        """,
        delay_ms=5,
    )
    assert result["returned_s"] < 1.0  # did not wait for the test, which plays for seconds
    assert result["completed"] and result["source"] == "tone" and result["same"]
    audio = sdl.device_audio()
    loud_left = np.flatnonzero(np.abs(audio[:, 0]) > 0.01)
    loud_right = np.flatnonzero(np.abs(audio[:, 1]) > 0.01)
    assert len(loud_left) and len(loud_right) and loud_left.max() < loud_right.min()


def test_an_absent_device_fails_the_test_at_once(sdl):
    result = sdl(
        """
        from session_player.output.headphone_test import build_test_signal, run_headphone_test
        signal = build_test_signal(None, 48000)
        t = time.monotonic()
        r = run_headphone_test("No Such Headset", signal=signal)
        done(completed=r.completed, message=r.message, took=time.monotonic() - t,
             signal_s=len(signal.audio) / signal.sample_rate,
             alerts=[a.kind for a in r.alerts])
        """,
        driver="dummy",
    )
    assert not result["completed"]
    assert "not available" in result["message"]
    assert result["alerts"] == ["device_absent"]
    # At once: without playing the test, or waiting for the device to come (its retries are
    # 2 s apart). Either would take at least as long as the test itself.
    assert result["took"] < min(2.0, result["signal_s"])
