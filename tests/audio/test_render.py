"""Offline render: command scripts, their replay, the WAV writer, and the CLI end to end."""

from __future__ import annotations

import math
import subprocess
import textwrap
import wave
from pathlib import Path

import numpy as np
import pytest

from session_player.audio.command_replay import replay_commands
from session_player.audio.command_script import CommandScriptError, parse_command_script
from session_player.audio.ffmpeg import ffmpeg_exe
from session_player.audio.render import render_to_wav
from session_player.audio.wav_writer import WavWriter
from session_player.cli import main
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
                {"id": "peak", "duration": "10m"},
                {"id": "rest", "duration": "5m", "end": "hold"},
            ],
        }
    )


def test_replay_extend_advance_and_end(au):
    playlist = _arc_playlist(au)
    script = parse_command_script(
        "- at: 5m\n  do: extend\n- at: 6m\n  do: extend\n"  # the second is past max_extend
        "- at: 20m\n  do: advance\n- at: 40m\n  do: end\n"
    )
    session = replay_commands(playlist, script, dose_at_s=120.0)
    spans = [(s.index, s.start_s, s.end_s) for s in session.schedule.phases]
    assert spans == [
        (SETTLING, 0.0, 120.0),
        (0, 120.0, 1020.0),  # 10 min + one 5 min extension
        (1, 1020.0, 1200.0),  # advanced at 20 min
        (2, 1200.0, 2410.0),  # holds until the end command (+ its 10 s fade)
    ]
    assert session.schedule.ended_at_s == 2410.0
    assert any("refused" in note for note in session.notes)


def test_replay_pause_freezes_the_audio_timeline(au):
    playlist = _arc_playlist(au)
    script = parse_command_script("- at: 5m\n  do: pause\n- at: 8m\n  do: resume\n")
    session = replay_commands(playlist, script, dose_at_s=60.0)
    (pause,) = session.pauses
    assert (pause.tau_s, pause.wall_start_s, pause.wall_end_s) == (302.0, 302.0, 480.0)
    assert session.tau_at(400.0) == 302.0 and session.tau_at(500.0) == 322.0
    # The phase ends on the dose clock: the paused minutes come off it on tau.
    assert session.schedule.phases[1].end_s == pytest.approx(660.0 - 178.0)
    master = [(e.at_s, e.gain_db) for e in session.schedule.bus_events if e.bus == "master"]
    assert master == [(300.0, None), (302.0, -10.0)]


def test_replay_calm_down_volume_and_soundscape(au):
    playlist = _arc_playlist(au)
    script = parse_command_script(
        "- at: 4m\n  do: calm_down\n- at: 6m\n  do: undo_calm_down\n"
        "- at: 7m\n  do: volume\n  db: 0\n- at: 8m\n  do: soundscape\n  id: nowhere\n"
    )
    schedule = replay_commands(playlist, script, dose_at_s=60.0).schedule
    events = [(e.at_s, e.bus, e.gain_db) for e in schedule.bus_events]
    assert events == [(420.0, "master", -3.0), (240.0, "music", -12.0), (360.0, "music", 0.0)]
    assert [(c.at_s, c.soundscape_id) for c in schedule.soundscape_choices] == [
        (240.0, "calm"),
        (360.0, "rain"),
    ]


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


def test_default_end_covers_the_last_fade(au, tmp_path):
    from session_player.playlist.loader import load_playlist

    playlist = load_playlist(_tiny_session(au, tmp_path)).playlist
    report = render_to_wav(playlist, tmp_path / "all.wav", dose_at_s=3.0, cache=au.cache)
    # settling 3 s + two phases of 10 s + the last phase crossfade (2 s) + 1 s of margin
    assert math.isclose(report.to_s, 26.0)


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
