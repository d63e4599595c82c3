"""Offline render: command scripts played through the real session timeline, the WAV writer,
and the CLI end to end."""

from __future__ import annotations

import math
import subprocess
import textwrap
import wave
from pathlib import Path

import numpy as np
import pytest

from session_player.audio.wav_writer import WavWriter
from session_player.cli.main import main
from session_player.engine.command_script import CommandScriptError, parse_command_script
from session_player.engine.offline_render import render_to_wav
from session_player.engine.scripted_session import run_script
from session_player.media.ffmpeg import ffmpeg_exe
from session_player.session.schedule import SETTLING

SR = 48000


def _read_wav(path: Path) -> np.ndarray:
    decoded = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "f32le", "-c:a", "pcm_f32le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(decoded, dtype=np.float32).reshape(-1, 2)


# --- command scripts ---------------------------------------------------------------------


def test_command_script_reads_times_actions_and_arguments():
    commands = parse_command_script(
        textwrap.dedent(
            """\
            - at: 25m
              do: extend
            - after_dose: 3m
              do: volume
              db: -12
            - at: 1h2m
              do: soundscape
              id: ocean
            """
        )
    )
    assert [(c.action, c.at_s, c.after_dose_s) for c in commands] == [
        ("extend", 1500.0, None),
        ("volume", None, 180.0),
        ("soundscape", 3720.0, None),
    ]
    assert commands[1].db == -12.0 and commands[2].soundscape_id == "ocean"
    assert commands[2].line == 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- at: 25m\n  do: jump\n", "script.yaml:1: 'do' must be one of"),
        ("- at: soon\n  do: extend\n", "script.yaml:1: expected a duration"),
        ("- do: extend\n", "either at:"),
        ("- at: 1m\n  do: extend\n- at: 2m\n  do: volume\n", "script.yaml:3: volume needs db"),
        ("- at: 1m\n  do: extend\n  colour: red\n", "unknown key 'colour'"),
        ("at: [\n", "script.yaml:"),
    ],
)
def test_command_script_errors_say_where_and_why(text, message):
    with pytest.raises(CommandScriptError, match=message.replace("(", r"\(")):
        parse_command_script(text, "script.yaml")


def _arc_playlist(au):
    return au.playlist(
        {
            "calm_down": {"music_db": -12, "soundscape": "calm", "fade": "4s"},
            "soundscapes": {
                "calm": {"name": "Calm", "layers": [{"bed": "/s/calm.ogg"}]},
                "rain": {"name": "Rain", "layers": [{"bed": "/s/rain.ogg"}]},
            },
            "patient": {"default": "rain"},
            "levels": {"default_volume_db": -10, "max_volume_db": -3},
            "phases": [
                {"id": "onset", "duration": "10m", "max_extend": "5m", "extend_step": "5m"},
                {"id": "peak", "duration": "10m", "max_hold": "5m"},
                {"id": "rest", "duration": "5m", "end": "hold"},
            ],
        }
    )


def _spans(session) -> list[tuple[int, float, float | None]]:
    return [(s.index, s.start_s, s.end_s) for s in session.schedule.phases]


def test_script_extend_advance_and_end_through_the_timeline(au):
    playlist = _arc_playlist(au)
    script = parse_command_script(
        "- at: 5m\n  do: extend\n- at: 6m\n  do: extend\n"  # the second is past max_extend
        "- at: 20m\n  do: advance\n- at: 40m\n  do: end\n"
    )
    session = run_script(playlist, script, dose_at_s=120.0)
    assert _spans(session) == [
        (SETTLING, 0.0, 120.0),
        (0, 120.0, 1020.0),  # 10 min + one 5 min extension
        (1, 1020.0, 1200.0),  # advanced at 20 min
        (2, 1200.0, 2410.0),  # the last phase, until the end command (+ its 10 s fade)
    ]
    assert session.schedule.ended_at_s == 2410.0 and session.dose_s == 120.0
    assert session.end_s == 2411.0  # the end fade, and a second of silence
    assert session.notes == (
        "line 3: extend at 6:00 refused: Onset cannot be extended further: 5m is the most "
        "this playlist allows.",
    )


def test_script_hold_and_release(au):
    playlist = _arc_playlist(au)
    script = parse_command_script(
        "- at: 3m\n  do: hold\n"  # onset has no max_hold: refused
        "- at: 15m\n  do: hold\n"  # peak (12m-22m) has max_hold 5m
        "- at: 25m\n  do: release\n"  # past its planned end: rest starts now
        "- at: 26m\n  do: release\n"
    )
    session = run_script(playlist, script, dose_at_s=120.0)
    assert _spans(session) == [
        (SETTLING, 0.0, 120.0),
        (0, 120.0, 720.0),
        (1, 720.0, 1500.0),
        (2, 1500.0, None),  # the last phase plays until the session is ended
    ]
    assert session.notes[:2] == (
        "line 1: hold at 3:00 refused: The playlist does not let Onset hold (it has no max_hold).",
        "line 7: release at 26:00 refused: Rest is not held.",
    )
    # Nobody ends the session: the render stops a minute after the last phase's planned end.
    assert session.end_s == 1500.0 + 300.0 + 60.0
    assert "the last phase, Rest, plays until the session is ended" in session.notes[2]


def test_script_hold_runs_out_at_max_hold(au):
    playlist = _arc_playlist(au)
    script = parse_command_script("- after_dose: 15m\n  do: hold\n")
    session = run_script(playlist, script, dose_at_s=120.0, to_s=40 * 60.0)
    assert _spans(session)[1:] == [(0, 120.0, 720.0), (1, 720.0, 1620.0), (2, 1620.0, None)]
    assert session.end_s == 2400.0 and session.notes == ()


def test_script_pause_freezes_the_audio_timeline_and_phases_play_their_length(au):
    playlist = _arc_playlist(au)
    script = parse_command_script("- at: 5m\n  do: pause\n- at: 8m\n  do: resume\n")
    session = run_script(playlist, script, dose_at_s=60.0)
    assert session.freezes == ((302.0, 480.0),)  # after the 2 s fade-out, until the resume
    assert session.tau_at(400.0) == 302.0 and session.tau_at(500.0) == 322.0
    assert session.session_at(322.0) == 500.0
    # Phase lengths are audio time: the paused minutes delay the rest of the arc.
    assert session.schedule.phases[1].end_s == 660.0
    assert session.session_at(660.0) == 660.0 + 178.0
    master = [(e.at_s, e.gain_db) for e in session.schedule.bus_events if e.bus == "master"]
    assert master == [(0.0, None), (0.0, -10.0), (300.0, None), (302.0, -10.0)]


def test_script_calm_down_volume_and_soundscape(au):
    playlist = _arc_playlist(au)
    script = parse_command_script(
        "- at: 4m\n  do: calm_down\n- at: 6m\n  do: undo_calm_down\n"
        "- at: 7m\n  do: volume\n  db: 0\n- at: 8m\n  do: soundscape\n  id: nowhere\n"
    )
    session = run_script(playlist, script, dose_at_s=60.0)
    events = [(e.at_s, e.bus, e.gain_db) for e in session.schedule.bus_events if e.at_s > 0]
    assert events == [(240.0, "music", -12.0), (360.0, "music", 0.0), (420.0, "master", -3.0)]
    assert [(c.at_s, c.soundscape_id) for c in session.schedule.soundscape_choices] == [
        (0.0, "rain"),
        (240.0, "calm"),
        (360.0, "rain"),
    ]
    assert len(session.notes) == 2  # the unknown soundscape, and the open end
    assert session.notes[0].startswith("line 8: soundscape at 8:00 refused: There is no")


def test_script_dose_command_and_commands_after_to(au):
    playlist = _arc_playlist(au)
    script = parse_command_script(
        "- after_dose: 1m\n  do: calm_down\n- at: 3m\n  do: dose\n"
        "- at: 4m\n  do: dose\n- at: 30m\n  do: advance\n"
    )
    session = run_script(playlist, script, dose_at_s=60.0, to_s=20 * 60.0)
    assert session.dose_s == 180.0  # the script's dose, not --dose-at
    assert _spans(session)[:2] == [(SETTLING, 0.0, 180.0), (0, 180.0, 780.0)]
    assert [e.at_s for e in session.schedule.bus_events if e.bus == "music"][1:] == [240.0]
    assert session.notes == (
        "1 command at or after --to (20:00) ignored",
        "line 5: dose at 4:00 refused: The dose was already marked as given 1:00 ago.",
    )


def test_without_commands_the_session_runs_as_planned(au):
    session = run_script(_arc_playlist(au), dose_at_s=30.0)
    assert _spans(session) == [
        (SETTLING, 0.0, 30.0),
        (0, 30.0, 630.0),
        (1, 630.0, 1230.0),
        (2, 1230.0, None),
    ]
    assert session.end_s == 1230.0 + 300.0 + 60.0


# --- the WAV writer ----------------------------------------------------------------------


@pytest.mark.parametrize(("sample_format", "tolerance"), [("pcm24", 3e-7), ("pcm16", 1e-4),
                                                          ("float32", 0.0)])  # fmt: skip
def test_wav_writer_round_trips(tmp_path, sample_format, tolerance):
    signal = np.random.default_rng(1).uniform(-0.7, 0.7, (10001, 2)).astype(np.float32)
    path = tmp_path / "out.wav"
    with WavWriter(path, sample_format=sample_format) as wav:
        wav.write(signal[:3333])
        wav.write(signal[3333:])
    decoded = _read_wav(path)
    assert decoded.shape == signal.shape
    assert np.abs(decoded - signal).max() <= tolerance


# --- render ------------------------------------------------------------------------------


def _tiny_session(au, folder: Path) -> Path:
    audio = folder / "audio"
    audio.mkdir(exist_ok=True)
    au.write(audio / "tune.flac", au.stereo(au.sine(330.0, 6.0, 0.2)))
    au.write(audio / "rain.wav", np.random.default_rng(2).uniform(-0.1, 0.1, (3 * SR, 2)))
    au.write(audio / "chime.wav", au.stereo(au.sine(880.0, 1.0, 0.2) * np.linspace(1, 0, SR)))
    path = folder / "tiny.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            title: Tiny
            route: IV
            transitions: {crossfade: 1s, phase_crossfade: 2s, fade_in: 1s, bell: chime}
            soundscapes:
              rain: {name: Rain, layers: [{bed: audio/rain.wav}]}
            bells:
              chime: {file: audio/chime.wav}
            patient: {default: rain}
            settling:
              music: {items: [audio/tune.flac], loop: true}
            phases:
              - id: one
                duration: 10s
                music: {items: [audio/tune.flac], loop: true}
              - id: two
                duration: 10s
            """
        )
    )
    return path


def test_render_to_wav_writes_the_requested_stretch(au, tmp_path):
    from session_player.playlist.loader import load_playlist

    playlist = load_playlist(_tiny_session(au, tmp_path)).playlist
    out = tmp_path / "out.wav"
    report = render_to_wav(playlist, out, from_s=2.0, to_s=12.0, dose_at_s=5.0, cache=au.cache)
    assert report.frames == 10 * SR and report.alerts == [] and report.clamp_count == 0
    with wave.open(str(out)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (48000, 2, 3)
        assert wav.getnframes() == 10 * SR
    audio = _read_wav(out)
    assert np.abs(audio).max() > 0.01
    assert np.abs(audio).max() <= 10 ** (-3 / 20)


def test_render_with_a_pause_holds_silence_then_resumes_where_it_paused(au, tmp_path):
    from session_player.playlist.loader import load_playlist

    playlist = load_playlist(_tiny_session(au, tmp_path)).playlist
    commands = parse_command_script("- at: 8s\n  do: pause\n- at: 15s\n  do: resume\n")
    out = tmp_path / "paused.wav"
    report = render_to_wav(
        playlist, out, to_s=20.0, dose_at_s=5.0, commands=commands, cache=au.cache,
        sample_format="float32",
    )  # fmt: skip
    audio = _read_wav(out)
    assert len(audio) == 20 * SR == report.frames
    assert np.abs(audio[int(10.0 * SR) : int(15.0 * SR)]).max() == 0.0  # paused
    assert np.abs(audio[int(16.5 * SR) : int(17.5 * SR)]).max() > 0.01  # back after resume


def test_cli_render_end_to_end(au, tmp_path, capsys):
    playlist = _tiny_session(au, tmp_path)
    out = tmp_path / "cli.wav"
    code = main(
        ["render", str(playlist), "-o", str(out), "--to", "30s", "--dose-at", "5s",
         "--cache-dir", str(tmp_path / "cache")]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, err
    assert "rendering 100%" in err and "real time" in err.splitlines()[-1]
    assert "Traceback" not in err
    with wave.open(str(out)) as wav:
        assert wav.getnframes() == 30 * SR


def test_cli_render_reports_refused_commands_as_notes(au, tmp_path, capsys):
    playlist = _tiny_session(au, tmp_path)
    script = tmp_path / "cmds.yaml"
    script.write_text("- at: 4s\n  do: hold\n- at: 6s\n  do: extend\n- at: 7s\n  do: release\n")
    out = tmp_path / "cli.wav"
    code = main(
        ["render", str(playlist), "-o", str(out), "--to", "8s", "--dose-at", "5s", "-q",
         "--commands", str(script), "--cache-dir", str(tmp_path / "cache")]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, err
    assert err.splitlines()[:3] == [
        "note: line 1: hold at 0:04 refused: Settling lasts until the dose is marked as given; "
        "there is no phase to hold.",
        "note: line 3: extend at 0:06 refused: The playlist does not allow extending One.",
        "note: line 5: release at 0:07 refused: One is not held.",
    ]
    assert "dose at 0:05" in err.splitlines()[-1]


def test_cli_render_refuses_an_invalid_playlist_with_file_line_col(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: Bad\nroute: IV\nphases:\n  - id: one\n    duraton: 10m\n")
    code = main(["render", str(bad), "-o", str(tmp_path / "x.wav")])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{bad}:5:5: error" in err
    assert not (tmp_path / "x.wav").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--to", "soon"],
        ["--from", "-3s"],
    ],
)
def test_cli_render_usage_errors_exit_2(au, tmp_path, capsys, args):
    playlist = _tiny_session(au, tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main(["render", str(playlist), "-o", str(tmp_path / "x.wav"), *args])
    assert stopped.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_cli_render_unreadable_inputs_exit_2_with_one_line(au, tmp_path, capsys):
    playlist = _tiny_session(au, tmp_path)
    out = str(tmp_path / "x.wav")
    assert main(["render", str(tmp_path / "none.yaml"), "-o", out]) == 2
    bad_script = tmp_path / "cmds.yaml"
    bad_script.write_text("- at: 1m\n  do: teleport\n")
    assert main(["render", str(playlist), "-o", out, "--commands", str(bad_script)]) == 2
    assert main(["render", str(playlist), "-o", out, "--from", "20s", "--to", "10s"]) == 2
    assert main(["render", str(playlist), "-o", str(tmp_path / "no" / "x.wav")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "cmds.yaml:1: 'do' must be one of" in err
    assert all(line.startswith("session-player render: error:") for line in err.splitlines())


def test_default_end_covers_the_end_fade(au, tmp_path):
    from session_player.playlist.loader import load_playlist

    playlist = load_playlist(_tiny_session(au, tmp_path)).playlist
    commands = parse_command_script("- at: 15s\n  do: end\n")
    report = render_to_wav(
        playlist, tmp_path / "all.wav", dose_at_s=3.0, commands=commands, cache=au.cache,
        sample_format="float32",
    )  # fmt: skip
    # the end at 15 s + its 10 s fade + 1 s of margin
    assert math.isclose(report.to_s, 26.0) and report.notes == []
    audio = _read_wav(tmp_path / "all.wav")
    assert np.abs(audio[int(14 * SR) : int(15 * SR)]).max() > 0.01
    assert np.abs(audio[int(25 * SR) :]).max() == 0.0


def _phase_tones(au, folder: Path) -> Path:
    """Three phases, each a looped sine of its own pitch, with short crossfades."""
    tones = {}
    for name, freq in (("low", 300.0), ("mid", 600.0), ("high", 1200.0)):
        tones[name] = au.write(folder / f"{name}.wav", au.stereo(au.sine(freq, 2.0, 0.3)))
    path = folder / "tones.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            title: Tones
            route: IV
            transitions: {{crossfade: 0.5s, phase_crossfade: 0.5s, fade_in: 0.5s}}
            calm_down: {{music_db: -12, fade: 0.5s}}
            phases:
              - id: one
                duration: 10s
                max_extend: 5s
                extend_step: 5s
                music: {{items: [{tones["low"]}], loop: true, join: gapless}}
              - id: two
                duration: 10s
                music: {{items: [{tones["mid"]}], loop: true, join: gapless}}
              - id: three
                duration: 10s
                music: {{items: [{tones["high"]}], loop: true, join: gapless}}
            """
        )
    )
    return path


def _pitch_and_level(audio: np.ndarray, at_s: float) -> tuple[float, float]:
    """The dominant frequency and the RMS of 0.25 s of audio from ``at_s``."""
    window = audio[int(at_s * SR) : int((at_s + 0.25) * SR), 0].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(window * np.hanning(len(window))))
    return float(np.argmax(spectrum) * SR / len(window)), float(np.sqrt(np.mean(window**2)))


def test_commands_render_phase_changes_where_the_timeline_puts_them(au, tmp_path):
    from session_player.playlist.loader import load_playlist

    playlist = load_playlist(_phase_tones(au, tmp_path)).playlist
    commands = parse_command_script(
        "- after_dose: 4s\n  do: extend\n"  # one: 15 s, until 17 s
        "- after_dose: 5s\n  do: extend\n"  # refused: max_extend is 5 s
        "- at: 20s\n  do: advance\n"  # two → three
        "- at: 22s\n  do: calm_down\n"
        "- at: 25s\n  do: pause\n"
        "- at: 28s\n  do: resume\n"
    )
    out = tmp_path / "tones.wav"
    report = render_to_wav(
        playlist, out, to_s=32.0, dose_at_s=2.0, commands=commands, cache=au.cache,
        sample_format="float32",
    )  # fmt: skip
    assert report.notes == [
        "line 3: extend at 0:07 refused: One cannot be extended further: "
        "5s is the most this playlist allows."
    ]
    session = run_script(playlist, commands, dose_at_s=2.0, to_s=32.0)
    starts = [(s.index, s.start_s) for s in session.schedule.phases]
    assert starts == [(SETTLING, 0.0), (0, 2.0), (1, 17.0), (2, 20.0)]
    assert session.freezes == ((27.0, 28.0),)

    audio = _read_wav(out)
    pitch = {t: _pitch_and_level(audio, t) for t in (5.0, 16.5, 17.5, 19.5, 20.5, 24.0, 29.0)}
    assert pitch[16.5][0] == pytest.approx(300, abs=8)  # still one: it was extended
    assert pitch[17.5][0] == pytest.approx(600, abs=8)  # two from 17 s
    assert pitch[19.5][0] == pytest.approx(600, abs=8)
    assert pitch[20.5][0] == pytest.approx(1200, abs=8)  # three from the advance at 20 s
    # The onset of two: the crossfade from one is centred near 17 s, not at 12 s (planned).
    mid = [_pitch_and_level(audio, 16.0 + k * 0.25)[0] for k in range(8)]
    first_mid = 16.0 + 0.25 * next(k for k, f in enumerate(mid) if abs(f - 600) < 8)
    assert 16.5 <= first_mid <= 17.5
    # Calm down: the music 12 dB down; then the pause: silence while the audio stands still.
    assert pitch[24.0][1] / pitch[20.5][1] == pytest.approx(10 ** (-12 / 20), rel=0.1)
    assert np.abs(audio[int(27.0 * SR) : int(28.0 * SR)]).max() == 0.0
    assert pitch[29.0][0] == pytest.approx(1200, abs=8)  # resumed where it paused


def test_render_reports_a_missing_file_once_with_the_reason_and_plays_on(au, tmp_path):
    tune = au.file("render-tune.flac", au.stereo(au.sine(330.0, 6.0, 0.2)))
    missing = str(tmp_path / "gone.ogg")
    playlist = au.playlist(
        {"phases": [{"id": "p", "duration": "8s", "music": {"items": [missing, tune]}}]}
    )
    alerts = []
    report = render_to_wav(
        playlist, tmp_path / "m.wav", to_s=5.0, dose_at_s=0.0, cache=au.cache,
        on_alert=lambda *alert: alerts.append(alert),
    )  # fmt: skip
    assert alerts == report.alerts == [("missing", f"{missing}: file not found; it is skipped")]
    assert np.abs(_read_wav(tmp_path / "m.wav")[2 * SR :]).max() > 0.01
