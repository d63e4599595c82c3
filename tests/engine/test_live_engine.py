"""SessionEngine: the mix kept on the dose clock, and never a click when it has to jump.

The engine is driven here as the live path drives it, minus the sound card: blocks are
rendered as a device would pull them while a fake clock advances, and each tick hands the
engine a device clock that says which output frame is being heard (a plain object with the
two things the engine reads). The timeline, the mixer and the decoders are the real ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from session_player.engine.live_engine import ENTRY_FADE_S, SessionEngine
from session_player.session.clock import FakeClock
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline

BLOCK = 4096
FREQ_HZ = 375.0  # 128 samples per period: the 4 s file loops seamlessly


@dataclass
class HeardClock:
    """What the sink reports: output frame ``heard_frame`` is heard at ``now``."""

    heard_frame: float
    device_playing: bool = True

    def frame_heard_at(self, _now_s: float) -> float:
        return self.heard_frame


@pytest.fixture
def make_engine(au, tmp_path):
    mixers = []

    def make() -> tuple[SessionEngine, FakeClock]:
        bed = au.file("engine-bed.wav", au.stereo(au.sine(FREQ_HZ, 4.0, 0.3)))
        playlist = au.playlist(
            {
                "soundscapes": {"bed": {"name": "Bed", "layers": [{"bed": bed}]}},
                "patient": {"default": "bed"},
                "settling": {"soundscape": "bed"},
                "phases": [{"id": "onset", "duration": "10m", "soundscape": "bed"}],
            }
        )
        from session_player.audio.mixer import Mixer

        clock = FakeClock()
        timeline = SessionTimeline(
            playlist, SessionStore(tmp_path / "data"), clock, clock.wall, seed=1
        )
        timeline.start("engine test", "")
        mixer = Mixer(playlist, au.analyse(bed))
        mixers.append(mixer)
        return SessionEngine(timeline, mixer), clock

    yield make
    for mixer in mixers:
        mixer.close()  # its decoders (ffmpeg processes) end with the test


def play(engine: SessionEngine, clock: FakeClock, seconds: float, late_s: float = 0.0):
    """Render ``seconds`` in device-sized blocks as real time passes, ticking after each.

    The device hears output frame ``n`` at ``n / rate + late_s`` on the clock (counted from
    the first block): a positive ``late_s`` is a device that opened late.
    """
    blocks = []
    for _ in range(int(seconds * 48000 / BLOCK)):
        blocks.append(engine.render(BLOCK))
        clock.advance(BLOCK / 48000)
        play.elapsed_s += BLOCK / 48000
        heard = (play.elapsed_s - late_s) * 48000 - BLOCK  # one block of latency
        engine.tick(clock(), HeardClock(heard))
    return np.concatenate(blocks)


def test_a_late_device_is_snapped_onto_the_clock_without_a_click(make_engine, au):
    reference, reference_clock = make_engine()
    play.elapsed_s = 0.0
    level = np.abs(play(reference, reference_clock, 4.0)[-4800:]).max()
    engine, clock = make_engine()
    play.elapsed_s = 0.0
    out = play(engine, clock, 8.0, late_s=0.3)
    assert engine.snaps == 1 and engine.resyncs == 0
    assert au.jump_ratio(out, FREQ_HZ) < 1.5  # no click at the snap
    # After the snap the sound is on the clock: the loop sees (almost) no error.
    assert abs(engine.last_error_s) < 0.002
    # And the sound came back: the last second is at the level of a session that never
    # had to snap.
    assert np.abs(out[-48000:]).max() > 0.95 * level


def test_a_resync_after_a_long_stall_fades_out_then_in(make_engine, au):
    engine, clock = make_engine()
    play.elapsed_s = 0.0
    before = play(engine, clock, 4.0)
    assert engine.resyncs == 0
    level = np.abs(before[-4800:]).max()
    assert level > 0.01  # playing (the sine, normalised to the session's loudness)
    snaps = engine.snaps
    # The laptop slept for 10 s: the clock moved, the device did not.
    clock.advance(10.0)
    after = play(engine, clock, 6.0)  # the device goes on from where it stopped
    assert engine.resyncs == 1
    # The jump allowed for the audio still queued ahead of it: no second correction needed.
    assert engine.snaps == snaps and abs(engine.last_error_s) < 0.005
    joined = np.concatenate([before, after])
    assert au.jump_ratio(joined, FREQ_HZ) < 1.5  # no step down or up anywhere
    # It went quiet (the fade out before the jump) ...
    usable = len(after) - len(after) % 480
    envelope = np.abs(after[:usable, 0]).reshape(-1, 480).max(axis=1)
    quietest = int(np.argmin(envelope))
    assert envelope[quietest] < 0.01 * level
    assert quietest * 480 < 0.3 * 48000  # within the first blocks after the stall
    # ... and then faded back in over ENTRY_FADE_S, not at once.
    back = quietest * 480
    assert np.abs(after[back : back + 4800]).max() < 0.2 * level
    assert np.abs(after[back + int(ENTRY_FADE_S * 48000) :]).max() > 0.9 * level


def _cue_session(au, tmp_path, *, cue_at_s: float):
    """A started session on a 375 Hz bed with a 3 kHz voice cue ``cue_at_s`` after the dose
    (the bed does not reach the cue's frequency): (engine, timeline, mixer, fake clock)."""
    from session_player.audio.mixer import Mixer

    bed = au.file("engine-bed.wav", au.stereo(au.sine(FREQ_HZ, 4.0, 0.3)))
    t = np.arange(int(0.3 * 48000)) / 48000
    cue = au.file("engine-cue.wav", au.stereo(0.5 * np.sin(2 * np.pi * 3000 * t)))
    playlist = au.playlist(
        {
            "soundscapes": {"bed": {"name": "Bed", "layers": [{"bed": bed}]}},
            "patient": {"default": "bed"},
            "settling": {"soundscape": "bed"},
            "phases": [
                {"id": "onset", "duration": "10m", "soundscape": "bed",
                 "voice": [{"at": f"{cue_at_s}s", "file": cue}]},
            ],
        }
    )  # fmt: skip
    clock = FakeClock()
    timeline = SessionTimeline(playlist, SessionStore(tmp_path / "data"), clock, clock.wall, seed=1)
    timeline.start("engine test", "")
    mixer = Mixer(playlist, au.analyse(bed, cue))
    return SessionEngine(timeline, mixer), timeline, mixer, clock


@pytest.mark.parametrize(("pipeline_blocks", "device_ppm"), [(1, 0.0), (3, 1000.0), (3, -2000.0)])
def test_a_cue_is_heard_on_the_dose_clock_after_a_snap(au, tmp_path, pipeline_blocks, device_ppm):
    # The device opened 0.3 s late, has ``pipeline_blocks`` of output queued before it (the
    # ring and its buffer) and runs ``device_ppm`` fast. After the snap, the voice cue
    # scheduled 5 s after the dose must be *heard* then: found in the output and mapped
    # through the device's clock, independently of what the engine believes. (The drift
    # loop has had only seconds to learn the rate: a few ms of error are expected.)
    rate_x = 1 + device_ppm * 1e-6
    engine, timeline, mixer, clock = _cue_session(au, tmp_path, cue_at_s=5)
    start_s = clock()
    blocks, elapsed_s, late_s = [], 0.0, 0.3
    try:
        while elapsed_s < 10.0:
            if elapsed_s >= 1.0 and not timeline.state().dose_given:
                timeline.mark_dose_given()
                dose_s = clock()
            blocks.append(engine.render(BLOCK))
            clock.advance(BLOCK / 48000)
            elapsed_s += BLOCK / 48000
            heard = (elapsed_s - late_s) * 48000 * rate_x - pipeline_blocks * BLOCK
            engine.tick(clock(), HeardClock(heard))
    finally:
        mixer.close()
    out = np.concatenate(blocks)[:, 0]
    assert engine.snaps == 1
    # The cue's onset in the output (3 kHz: the 375 Hz bed does not reach it).
    spectrum_hop = 48
    onset = None
    for index in range(0, len(out) - 480, spectrum_hop):
        window = out[index : index + 480] * np.hanning(480)
        level = abs(np.dot(window, np.exp(-2j * np.pi * 3000 * np.arange(480) / 48000)))
        if level > 5 * 0.01:
            onset = index + 240
            break
    assert onset is not None
    # Output frame n is heard at start + late + (n + queued) / device rate (see above).
    heard_s = start_s + late_s + (onset + pipeline_blocks * BLOCK) / 48000 / rate_x
    assert abs(heard_s - (dose_s + 5.0)) < 0.015


def _onset_frame(out: np.ndarray, freq_hz: float) -> int | None:
    """First frame where ``freq_hz`` is present (a 480-frame window, 1 ms hops)."""
    basis = np.exp(-2j * np.pi * freq_hz * np.arange(480) / 48000) * np.hanning(480)
    for index in range(0, len(out) - 480, 48):
        if abs(np.dot(out[index : index + 480], basis)) > 0.05:
            return index + 240
    return None


@dataclass
class ModelledRun:
    engine: SessionEngine
    cue_error_s: float  # when the cue was heard, against the dose clock
    errors_s: list[float]  # the engine's own measurements, once settled
    audible_ppm: list[float]  # the correction heard as a pitch change, once settled
    learnt_before_s: dict[float, float]  # the learnt device rate (ppm) just before times


def _run_modelled_device(au, tmp_path, *, cue_at_s, device_ppm, stall=None, settled_s=40.0):
    """A session through a modelled device, with a voice cue ``cue_at_s`` after the dose.

    The device takes one block at a time at its own pace: ``device_ppm(t)`` off nominal,
    ``t`` in seconds after the dose. ``stall`` = (at_s, for_s): at ``at_s`` it stops taking
    blocks for ``for_s`` (what a disk driver's thread does when the machine stands still).
    The cue's onset is found in the output and mapped through the model (when the device
    took that frame), independently of what the engine believes.
    """
    engine, timeline, mixer, clock = _cue_session(au, tmp_path, cue_at_s=cue_at_s)
    pipeline = 2 * BLOCK  # queued ahead of the frame being heard
    blocks, consumed, times = [], [0], [clock()]
    run = ModelledRun(engine, float("nan"), [], [], {})
    dose_s = None
    try:
        while dose_s is None or clock() < dose_s + cue_at_s + 2.0:
            if dose_s is None and clock() >= 1.0:
                timeline.mark_dose_given()
                dose_s = clock()
            after_dose_s = -1.0 if dose_s is None else clock() - dose_s
            if stall is not None and after_dose_s >= stall[0]:
                clock.advance(stall[1])  # the device stands still
                stall = None
            run.learnt_before_s[round(after_dose_s)] = engine.device_offset_ppm
            blocks.append(engine.render(BLOCK))
            clock.advance(BLOCK / (48000 * (1 + device_ppm(after_dose_s) * 1e-6)))
            consumed.append(consumed[-1] + BLOCK)
            times.append(clock())
            engine.tick(clock(), HeardClock(consumed[-1] - pipeline))
            if after_dose_s > settled_s:
                run.errors_s.append(engine.last_error_s)
                run.audible_ppm.append((engine.drift_ratio - 1) * 1e6 - engine.device_offset_ppm)
    finally:
        mixer.close()
    onset = _onset_frame(np.concatenate(blocks)[:, 0], 3000.0)
    assert onset is not None
    run.cue_error_s = float(np.interp(onset + pipeline, consumed, times)) - (dose_s + cue_at_s)
    return run


def test_a_device_far_off_its_nominal_rate_is_followed_through_a_rate_jump(au, tmp_path):
    # SDL's disk driver runs thousands of ppm off nominal, and its rate jumps with the
    # machine's load. This device starts 8000 ppm slow (more than the audible correction
    # may be), and 60 s after the dose its rate jumps by 5000 ppm.
    from session_player.audio.drift import MAX_CORRECTION_PPM

    run = _run_modelled_device(
        au, tmp_path, cue_at_s=75, device_ppm=lambda t: -8000.0 if t < 60.0 else -3000.0
    )
    # The loop learnt the device's rate, beyond the limit of the audible correction ...
    assert run.learnt_before_s[60] == pytest.approx(8000.0, abs=300.0)
    # ... while what the patient hears as a pitch change stayed within its limit,
    assert max(map(abs, run.audible_ppm)) <= MAX_CORRECTION_PPM + 1e-6
    # and the error stayed small through the jump (a model of the loop: ~20 ms at most).
    assert max(map(abs, run.errors_s)) < 0.025
    # The voice cue 75 s after the dose was heard on time.
    assert abs(run.cue_error_s) < 0.005


def test_a_cue_just_after_the_device_stood_still_is_heard_on_time(au, tmp_path):
    # The device stops for 60 ms, 3 s before a cue. The drift loop needs about 12 s to work
    # that off by resampling (at most 5 ms a second); the cue, which has not begun, starts
    # where it will be heard on time instead.
    run = _run_modelled_device(
        au, tmp_path, cue_at_s=30, device_ppm=lambda t: 1000.0, stall=(27.0, 0.06), settled_s=27
    )
    assert min(run.errors_s) < -0.03  # the bed was still behind when the cue came
    assert abs(run.cue_error_s) < 0.005


def test_bells_of_the_dose_and_of_a_phase_change_are_heard_whole_and_on_time(au, tmp_path):
    # The mix runs ahead of what is heard. The bell of an automatic phase change must still
    # be heard on the dose clock (the next phase is scheduled before it starts), and the
    # bell of the dose, marked "now", from its first sample rather than joined part-way.
    from session_player.audio.mixer import Mixer

    bed = au.file("engine-bed.wav", au.stereo(au.sine(FREQ_HZ, 4.0, 0.3)))
    t = np.arange(int(0.3 * 48000)) / 48000
    ring = au.file("engine-bell.wav", au.stereo(0.5 * np.sin(2 * np.pi * 2500 * t)))
    playlist = au.playlist(
        {
            "soundscapes": {"bed": {"name": "Bed", "layers": [{"bed": bed}]}},
            "bells": {"high": {"file": ring}},
            "transitions": {"bell": "high", "phase_crossfade": "2s"},
            "patient": {"default": "bed"},
            "settling": {"soundscape": "bed"},
            "phases": [
                {"id": "onset", "duration": "20s", "soundscape": "bed"},
                {"id": "peak", "duration": "10m", "soundscape": "bed"},
            ],
        }
    )
    clock = FakeClock()
    timeline = SessionTimeline(playlist, SessionStore(tmp_path / "data"), clock, clock.wall, seed=1)
    timeline.start("engine test", "")
    mixer = Mixer(playlist, au.analyse(bed, ring))
    engine = SessionEngine(timeline, mixer)
    pipeline = 2 * BLOCK
    blocks, consumed, times = [], [0], [clock()]
    dose_s = None
    try:
        while dose_s is None or clock() < dose_s + 23.0:
            if dose_s is None and clock() >= times[0] + 3.0:  # after the entry fade
                timeline.mark_dose_given()
                dose_s = clock()
            blocks.append(engine.render(BLOCK))
            clock.advance(BLOCK / 48000)
            consumed.append(consumed[-1] + BLOCK)
            times.append(clock())
            engine.tick(clock(), HeardClock(consumed[-1] - pipeline))
    finally:
        mixer.close()
    out = np.concatenate(blocks)[:, 0]
    basis = np.exp(-2j * np.pi * 2500 * np.arange(480) / 48000) * np.hanning(480)
    levels = np.array([abs(np.dot(out[i : i + 480], basis)) for i in range(0, len(out) - 480, 48)])
    ringing = levels > 0.5 * levels.max()
    starts = np.flatnonzero(ringing[1:] & ~ringing[:-1]) + 1
    ends = np.flatnonzero(ringing[:-1] & ~ringing[1:]) + 1
    assert len(starts) == 2 and len(ends) == 2  # two bells, neither doubled
    heard_s = [float(np.interp(i * 48 + 240 + pipeline, consumed, times)) for i in starts]
    lengths_s = (ends - starts) * 48 / 48000
    # Each whole: 0.3 s less the two 20 ms edge fades, at half level in 10 ms windows.
    assert all(0.26 < length < 0.3 for length in lengths_s)
    assert 0.0 <= heard_s[0] - dose_s < 0.5  # as soon as the mix can: it was already ahead
    # The phase change on the dose clock (the detector crosses half level ~10 ms in).
    assert 0.0 <= heard_s[1] - (dose_s + 20.0) < 0.015
