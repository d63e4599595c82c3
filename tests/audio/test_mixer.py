"""The mixer, on rendered output: crossfade shape, no clicks, gapless, loudness, ceiling,
cue timing, failures, seek, schedule changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from session_player.audio.analysis import integrated_loudness
from session_player.audio.fixed_arc import schedule_for_fixed_arc
from session_player.audio.mixer import Mixer
from session_player.session.schedule import SETTLING, AudioSchedule, BusEvent, PhaseSpan

SR = 48000


def _levels(ceiling=-1.0):
    return {"loudness_target_lufs": -23, "ceiling_dbfs": ceiling, "default_volume_db": 0,
            "max_volume_db": 0}  # fmt: skip


def _sine_file(au, name, freq, seconds, amplitude=0.3):
    return au.file(name, au.stereo(au.sine(freq, seconds, amplitude)), SR, "-c:a", "pcm_f32le")


def test_crossfade_between_items_is_equal_power(au):
    # Item a is a constant level on the left only, item b on the right only: during the
    # crossfade left = c·cos, right = c·sin, so left² + right² stays c².
    level = 0.25
    a = au.file("dc-left.wav", np.tile([level, 0.0], (10 * SR, 1)), SR, "-c:a", "pcm_f32le")
    b = au.file("dc-right.wav", np.tile([0.0, level], (10 * SR, 1)), SR, "-c:a", "pcm_f32le")
    analysis = {a: au.fake_analysis(10 * SR), b: au.fake_analysis(10 * SR)}
    playlist = au.playlist(
        {
            "levels": _levels(),
            "transitions": {"crossfade": "4s", "fade_in": "1s"},
            "phases": [{"id": "p", "duration": "1m", "music": {"items": [a, b]}}],
        }
    )
    with Mixer(playlist, analysis) as mixer:
        mixer.set_schedule(schedule_for_fixed_arc(playlist, 0))
        out = au.render(mixer, 12.0)
    fade = out[int(6.0 * SR) : int(10.0 * SR)]
    power = fade[:, 0] ** 2 + fade[:, 1] ** 2
    np.testing.assert_allclose(np.sqrt(power), level, rtol=1e-4)
    assert fade[0, 0] == pytest.approx(level, rel=1e-3) and fade[0, 1] < 1e-3
    assert fade[-1, 1] == pytest.approx(level, rel=1e-3) and fade[-1, 0] < 1e-3
    quarter = fade[len(fade) // 2]
    assert quarter[0] == pytest.approx(level / np.sqrt(2), rel=1e-3)  # −3 dB at the middle


def _busy_session(au):
    """Music with crossfades, a looping bed, a phase change and a bus ramp, all sines."""
    low = _sine_file(au, "s440a.wav", 440.0, 7.0)
    low2 = _sine_file(au, "s440b.wav", 440.0, 6.0, 0.2)
    high = _sine_file(au, "s330.wav", 330.0, 9.0)
    bed = _sine_file(au, "bed220.wav", 220.0, 2.0, 0.1)  # 440 whole periods: loop-ready
    files = [low, low2, high, bed]
    playlist = au.playlist(
        {
            "levels": _levels(),
            "transitions": {"crossfade": "2s", "phase_crossfade": "3s", "fade_in": "1s"},
            "soundscapes": {"hum": {"name": "Hum", "layers": [{"bed": bed}]}},
            "patient": {"default": "hum"},
            "phases": [
                {"id": "a", "duration": "14s", "music": {"items": [low, low2], "loop": True}},
                {"id": "b", "duration": "1m", "music": {"items": [high], "loop": True}},
            ],
        }
    )
    return playlist, au.analyse(*files)


def test_no_click_at_joins_loop_points_phase_changes_and_ramps(au):
    playlist, analysis = _busy_session(au)
    base = schedule_for_fixed_arc(playlist, 0)
    schedule = AudioSchedule(
        phases=base.phases,
        bus_events=(
            BusEvent(9.0, "master", -12.0, 0.0),  # an instant change: still a short ramp
            BusEvent(10.0, "music", None, 0.5),
            BusEvent(11.0, "music", 0.0, 0.5),
        ),
    )
    with Mixer(playlist, analysis) as mixer:
        mixer.set_schedule(schedule)
        out = au.render(mixer, 30.0, block=3000)
        assert mixer.clamp_count == 0
    assert au.jump_ratio(out, 440.0) < 1.6
    assert np.abs(out[int(2 * SR) :]).min(axis=1).max() > 0.01  # always sounding


def test_no_click_when_the_schedule_changes_mid_render(au):
    playlist, analysis = _busy_session(au)
    base = schedule_for_fixed_arc(playlist, 0)
    with Mixer(playlist, analysis) as mixer:
        mixer.set_schedule(base)
        first = au.render(mixer, 5.0, block=1000)
        # "Advance" at 5 s: phase a ends now; plus a gain change that (as if it came late)
        # started in the past, and the master fading to silence later on.
        advanced = AudioSchedule(
            phases=(PhaseSpan(0, 0.0, 5.0, 3.0), PhaseSpan(1, 5.0, None, 3.0)),
            bus_events=(BusEvent(4.0, "music", -9.0, 0.2), BusEvent(12.0, "master", None, 2.0)),
        )
        mixer.set_schedule(advanced)
        second = au.render(mixer, 10.0, block=1000)
    out = np.concatenate([first, second])
    assert au.jump_ratio(out, 440.0) < 1.6
    assert np.abs(out[int(14.5 * SR) :]).max() == 0.0  # faded to silence, and stays silent


def test_an_unchanged_schedule_changes_nothing(au):
    playlist, analysis = _busy_session(au)
    schedule = schedule_for_fixed_arc(playlist, 0)
    with Mixer(playlist, analysis) as plain:
        plain.set_schedule(schedule)
        reference = au.render(plain, 12.0)
    with Mixer(playlist, analysis) as mixer:
        mixer.set_schedule(schedule)
        out = [au.render(mixer, 4.0)]
        mixer.set_schedule(schedule_for_fixed_arc(playlist, 0))
        out.append(au.render(mixer, 8.0))
    np.testing.assert_array_equal(np.concatenate(out), reference)


def test_gapless_join_of_aligned_sines_is_one_continuous_sine(au):
    first = _sine_file(au, "g1.wav", 1000.0, 1.5)  # 1500 whole periods
    second = _sine_file(au, "g2.wav", 1000.0, 1.0)
    playlist = au.playlist(
        {
            "levels": _levels(),
            "transitions": {"fade_in": "0.2s"},
            "phases": [
                {
                    "id": "p",
                    "duration": "1m",
                    "music": {"items": [first, second], "join": "gapless"},
                }
            ],
        }
    )
    with Mixer(playlist, au.analyse(first, second)) as mixer:
        mixer.set_schedule(schedule_for_fixed_arc(playlist, 0))
        out = au.render(mixer, 2.4)[:, 0]
    n = np.arange(len(out))
    ideal = np.sin(2 * np.pi * 1000.0 * n / SR)
    region = slice(int(0.5 * SR), int(2.4 * SR) - 2000)  # across the join at 1.5 s
    gain = np.dot(out[region], ideal[region]) / np.dot(ideal[region], ideal[region])
    np.testing.assert_allclose(out[region], gain * ideal[region], atol=2e-6)


def test_loop_point_of_a_bed_is_seamless(au):
    bed = _sine_file(au, "loop1k.wav", 1000.0, 0.5)  # 500 periods: loops seamlessly
    playlist = au.playlist(
        {
            "levels": _levels(),
            "transitions": {"fade_in": "0.1s"},
            "soundscapes": {"tone": {"name": "Tone", "layers": [{"bed": bed}]}},
            "patient": {"default": "tone"},
            "phases": [{"id": "p", "duration": "1m"}],
        }
    )
    with Mixer(playlist, au.analyse(bed)) as mixer:
        mixer.set_schedule(schedule_for_fixed_arc(playlist, 0))
        out = au.render(mixer, 3.0, block=777)[:, 0]
    n = np.arange(len(out))
    ideal = np.sin(2 * np.pi * 1000.0 * n / SR)
    region = slice(int(0.2 * SR), len(out))  # five loop points
    gain = np.dot(out[region], ideal[region]) / np.dot(ideal[region], ideal[region])
    np.testing.assert_allclose(out[region], gain * ideal[region], atol=2e-6)


def test_rendered_loudness_is_within_1_lu_of_the_target(au):
    noise = np.random.default_rng(4).standard_normal((20 * SR, 2)) * 0.02  # about -34 LUFS
    path = au.file("pink-ish.flac", noise)
    playlist = au.playlist(
        {
            "levels": {**_levels(), "loudness_target_lufs": -20},
            "transitions": {"fade_in": "1s"},
            "phases": [{"id": "p", "duration": "1m", "music": {"items": [path]}}],
        }
    )
    with Mixer(playlist, au.analyse(path)) as mixer:
        mixer.set_schedule(schedule_for_fixed_arc(playlist, 0))
        out = au.render(mixer, 19.0)
    assert integrated_loudness(out[2 * SR : 18 * SR]) == pytest.approx(-20.0, abs=1.0)


def test_no_sample_above_the_ceiling_even_with_12_db_gains_everywhere(au):
    loud = np.clip(np.random.default_rng(5).standard_normal((8 * SR, 2)) * 0.4, -0.99, 0.99)
    path = au.file("loud.flac", loud)
    playlist = au.playlist(
        {
            "levels": {
                "loudness_target_lufs": -10,
                "ceiling_dbfs": -3,
                "default_volume_db": 0,
                "max_volume_db": 0,
            },  # fmt: skip
            "transitions": {"fade_in": "0.1s"},
            "phases": [
                {
                    "id": "p",
                    "duration": "1m",
                    "music": {
                        "items": [{"file": path, "gain_db": 12}],
                        "gain_db": 12,
                        "loop": True,
                    },
                }
            ],
        }
    )
    schedule = AudioSchedule(
        phases=schedule_for_fixed_arc(playlist, 0).phases,
        bus_events=(BusEvent(0.0, "music", 12.0, 0.0), BusEvent(0.0, "master", 12.0, 0.0)),
    )
    with Mixer(playlist, au.analyse(path)) as mixer:
        mixer.set_schedule(schedule)
        out = au.render(mixer, 10.0)
        assert mixer.clamp_count == 0
    assert np.abs(out).max() <= 10 ** (-3 / 20)
    assert np.abs(out).max() > 10 ** (-3.5 / 20)  # limited to the ceiling, not far below it


def _one_cue_mixer(au) -> Mixer:
    """A voice cue at 2 min after a dose at 10 s: its first sound at 130.03 s."""
    burst = np.random.default_rng(6).uniform(-0.5, 0.5, (int(0.1 * SR), 2))
    voice = au.file("click-voice.wav", np.concatenate([np.zeros((int(0.03 * SR), 2)), burst]))
    playlist = au.playlist(
        {
            "levels": _levels(),
            "voices": {"hello": {"file": voice}},
            "phases": [{"id": "p", "duration": "5m", "voice": [{"at": "2m", "cue": "hello"}]}],
        }
    )
    mixer = Mixer(playlist, au.analyse(voice))
    mixer.set_schedule(schedule_for_fixed_arc(playlist, 10.0))
    return mixer


def test_voice_cue_onset_is_within_1_ms(au):
    with _one_cue_mixer(au) as mixer:
        out = au.render(mixer, 131.0, block=1001)
    onset = np.argmax(np.abs(out[:, 0]) > 0.01) / SR
    assert onset == pytest.approx(130.03, abs=0.001)


def test_voice_cue_onset_after_a_seek_is_within_1_ms(au):
    with _one_cue_mixer(au) as mixer:
        mixer.seek(129.5)
        out = au.render(mixer, 1.0)
    onset = 129.5 + np.argmax(np.abs(out[:, 0]) > 0.01) / SR
    assert onset == pytest.approx(130.03, abs=0.001)


@pytest.mark.parametrize("offset_s", [-0.03, 0.045])
def test_the_cue_offset_moves_a_cue_that_has_not_sounded_by_exactly_that_much(au, offset_s):
    # The live engine passes its measured error: sound heard 30 ms behind the dose clock
    # means a cue must start 30 ms earlier in the mix to be heard on time.
    with _one_cue_mixer(au) as mixer:
        mixer.set_cue_offset_s(offset_s)
        mixer.seek(129.5)
        out = au.render(mixer, 1.0)
    onset = 129.5 + np.argmax(np.abs(out[:, 0]) > 0.01) / SR
    assert onset == pytest.approx(130.03 + offset_s, abs=0.001)


def test_a_cue_that_is_sounding_keeps_its_place_when_the_offset_changes(au):
    with _one_cue_mixer(au) as mixer:
        mixer.seek(129.5)
        steady = au.render(mixer, 1.5)
    with _one_cue_mixer(au) as mixer:
        mixer.seek(129.5)
        first = au.render(mixer, 0.6)  # the cue began at 130.0
        mixer.set_cue_offset_s(-0.2)
        rest = au.render(mixer, 0.9)
    assert np.array_equal(np.concatenate([first, rest]), steady)  # not moved, not cut


def test_a_cue_the_offset_puts_in_the_past_begins_now_from_its_first_sample(au):
    with _one_cue_mixer(au) as mixer:
        mixer.set_cue_offset_s(-0.4)  # wants the cue 0.4 s earlier ...
        mixer.seek(129.9)  # ... than 0.1 s from here
        out = au.render(mixer, 0.5)
    onset = 129.9 + np.argmax(np.abs(out[:, 0]) > 0.01) / SR
    assert onset == pytest.approx(129.93, abs=0.001)  # its 30 ms of silence, then the burst


def _silent_runs_s(out: np.ndarray, threshold_db: float = -70.0) -> float:
    window = SR // 10
    count = len(out) // window
    peaks = np.abs(out[: count * window]).reshape(count, -1).max(axis=1)
    quiet = peaks < 10 ** (threshold_db / 20)
    longest = run = 0
    for flag in quiet:
        run = run + 1 if flag else 0
        longest = max(longest, run)
    return longest * 0.1


@pytest.mark.parametrize("damage", ["truncate", "delete"])
def test_a_file_that_breaks_mid_session_is_reported_and_the_music_moves_on(au, tmp_path, damage):
    items = []
    for name in ("one", "two", "three"):
        path = tmp_path / f"{name}.wav"
        shutil.copy(_sine_file(au, f"brk-{name}.wav", 440.0, 8.0), path)
        items.append(str(path))
    playlist = au.playlist(
        {
            "levels": _levels(),
            "transitions": {"crossfade": "2s", "fade_in": "1s"},
            "phases": [{"id": "p", "duration": "1m", "music": {"items": items, "loop": True}}],
        }
    )
    analysis = au.analyse(*items)
    broken = Path(items[1])
    if damage == "truncate":
        broken.write_bytes(broken.read_bytes()[: len(broken.read_bytes()) // 3])
    else:
        broken.unlink()
    alerts = []
    with Mixer(playlist, analysis, on_alert=lambda kind, text: alerts.append((kind, text))) as m:
        m.set_schedule(schedule_for_fixed_arc(playlist, 0))
        out = au.render(m, 18.0)
    assert [kind for kind, _ in alerts] == ["decode"]
    assert str(broken) in alerts[0][1]
    assert _silent_runs_s(out[SR:]) < 2.0
    assert au.jump_ratio(out, 440.0) < 1.6  # the broken voice faded out, it did not cut


def test_seek_renders_the_same_samples_as_rendering_from_the_start(au):
    music = au.file("seek-music.flac", au.stereo(au.sine(523.0, 9.0, 0.2)))
    music2 = au.file("seek-music2.flac", np.random.default_rng(8).uniform(-0.2, 0.2, (7 * SR, 2)))
    bed = _sine_file(au, "seek-bed.wav", 110.0, 3.0, 0.1)
    drop = au.file("seek-drop.wav", au.stereo(au.sine(1500.0, 0.3, 0.3)))
    playlist = au.playlist(
        {
            "levels": _levels(),
            "transitions": {"crossfade": "2s", "fade_in": "1s", "phase_crossfade": "3s"},
            "soundscapes": {
                "s": {
                    "name": "S",
                    "layers": [
                        {"bed": bed},
                        {"one_shots": [drop], "min_gap": "1s", "max_gap": "3s"},
                    ],
                }  # fmt: skip
            },
            "patient": {"default": "s"},
            "settling": {"music": {"items": [music, music2], "loop": True}},
            "phases": [{"id": "p", "duration": "1m", "music": {"items": [music2, music]}}],
        }
    )
    analysis = au.analyse(music, music2, bed, drop)
    schedule = schedule_for_fixed_arc(playlist, 15.0, seed=2)
    with Mixer(playlist, analysis) as mixer:
        mixer.set_schedule(schedule)
        reference = au.render(mixer, 26.0)
    for tau in (5.55, 17.3):
        with Mixer(playlist, analysis) as mixer:
            mixer.set_schedule(schedule)
            mixer.seek(tau)
            out = au.render(mixer, 5.0, block=999)
        start = int(round(tau * SR))
        np.testing.assert_allclose(out, reference[start : start + len(out)], atol=1e-6)


def test_unexpected_silence_is_alerted_but_not_when_silenced_on_purpose(au):
    quiet = au.file("zeros.wav", np.zeros((6 * SR, 2)))
    playlist = au.playlist(
        {
            "levels": _levels(),
            "phases": [{"id": "p", "duration": "1m", "music": {"items": [quiet]}}],
        }
    )
    analysis = au.analyse(quiet)
    alerts = []
    with Mixer(playlist, analysis, on_alert=lambda *alert: alerts.append(alert)) as mixer:
        mixer.set_schedule(schedule_for_fixed_arc(playlist, 0))
        au.render(mixer, 5.0)
    assert [kind for kind, _ in alerts] == ["silence"]
    alerts.clear()
    muted = AudioSchedule(
        phases=schedule_for_fixed_arc(playlist, 0).phases,
        bus_events=(BusEvent(0.0, "master", None, 0.0),),
    )
    with Mixer(playlist, analysis, on_alert=lambda *alert: alerts.append(alert)) as mixer:
        mixer.set_schedule(muted)
        au.render(mixer, 5.0)
    assert alerts == []


def test_everything_has_faded_out_at_ended_at(au):
    playlist, analysis = _busy_session(au)
    schedule = AudioSchedule(phases=schedule_for_fixed_arc(playlist, 0).phases, ended_at_s=8.0)
    with Mixer(playlist, analysis) as mixer:
        mixer.set_schedule(schedule)
        out = au.render(mixer, 10.0)
    assert np.abs(out[int(8.0 * SR) :]).max() == 0.0
    assert np.abs(out[int(3.0 * SR) : int(4.0 * SR)]).max() > 0.05
    assert au.jump_ratio(out, 440.0) < 1.6


def test_now_playing_names_what_sounds(au):
    playlist, analysis = _busy_session(au)
    with Mixer(playlist, analysis) as mixer:
        mixer.set_schedule(schedule_for_fixed_arc(playlist, 0))
        au.render(mixer, 3.0)
        playing = mixer.now_playing()
    (music,) = playing["music"]
    assert music.title == "S440a" and music.length_s == pytest.approx(7.0)
    assert music.position_s == pytest.approx(3.0, abs=0.3)  # the mix runs a few ms ahead
    assert [p.title for p in playing["soundscape"]] == ["Hum"]


def _children() -> list[tuple[int, str]]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == os.getpid():
            found.append((int(entry), fields[0]))
    return found


def test_closing_the_mixer_leaves_no_ffmpeg_process_behind(au):
    playlist, analysis = _busy_session(au)
    before = set(_children())  # another test's leftovers are not this mixer's
    mixer = Mixer(playlist, analysis)
    mixer.set_schedule(schedule_for_fixed_arc(playlist, 0))
    au.render(mixer, 1.0)
    assert set(_children()) - before  # decoders are running
    mixer.close()
    assert set(_children()) - before == set()  # all killed and reaped: no zombies


def test_settling_loops_until_the_dose_then_crossfades(au):
    playlist, analysis = _busy_session(au)
    schedule = AudioSchedule(phases=(PhaseSpan(SETTLING, 0.0, None, 0.0),))
    with Mixer(playlist, analysis) as mixer:
        mixer.set_schedule(schedule)
        out = au.render(mixer, 3.0)  # settling has no music: only the bed
        mixer.set_schedule(
            AudioSchedule(phases=(PhaseSpan(SETTLING, 0.0, 3.0, 0.0), PhaseSpan(0, 3.0, None, 3.0)))
        )
        out = np.concatenate([out, au.render(mixer, 5.0)])
    assert au.jump_ratio(out, 440.0) < 1.6
    bed_alone = np.abs(out[2 * SR : 3 * SR]).max()
    assert np.abs(out[int(7.0 * SR) :]).max() > 1.5 * bed_alone  # the phase's music came in


def test_no_schedule_or_an_empty_one_is_silence(au):
    playlist, analysis = _busy_session(au)
    with Mixer(playlist, analysis) as mixer:
        assert not mixer.render(1000).any()  # no schedule yet
        mixer.set_schedule(AudioSchedule(phases=()))  # a session not started yet
        assert not au.render(mixer, 1.0).any()
        assert mixer.render(0).shape == (0, 2)
        assert mixer.position_s == pytest.approx(1000 / SR + 1.0)
