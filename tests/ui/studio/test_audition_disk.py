"""Listening in the studio through SDL's real ``disk`` driver: what the headphones would get.

A click on the time ruler starts the session from there; the disk driver writes what the
device plays. After the entry fade (the live engine's, 2 s) it is the offline render of the
same span, sample for sample: the same session, mixer, levels, ducking and limiter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from session_player.audio.analysis import AnalysisCache, analyse_playlist
from session_player.engine.live_engine import ENTRY_FADE_S
from session_player.engine.offline_render import render_to_wav
from session_player.playlist.loader import load_playlist

from .studio_files import make_studio_folder

REPO = Path(__file__).resolve().parents[3]
SCENARIO = Path(__file__).with_name("audition_scenario.py")
RATE = 48000


def read_float_wav(path: Path) -> np.ndarray:
    data = path.read_bytes()
    position = 12
    while position < len(data):
        chunk, size = (
            data[position : position + 4],
            int.from_bytes(data[position + 4 : position + 8], "little"),
        )
        if chunk == b"data":
            samples = np.frombuffer(data[position + 8 : position + 8 + size], "<f4")
            return samples.reshape(-1, 2)
        position += 8 + size + (size & 1)
    raise AssertionError("no data chunk")


def listen(
    tmp_path: Path, playlist: Path, click_s: float, listen_s: float, *extra: str
) -> tuple[dict, np.ndarray]:
    device = tmp_path / "device.raw"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SDL_")}
    environment.update(
        SDL_AUDIODRIVER="disk",
        SDL_DISKAUDIOFILE=str(device),
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(REPO),
    )
    result = subprocess.run(
        [
            sys.executable,
            str(SCENARIO),
            str(playlist),
            str(tmp_path / "cache"),
            str(click_s),
            str(listen_s),
            *extra,
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    outcome = json.loads([line for line in result.stdout.splitlines() if line.startswith("{")][-1])
    data = np.fromfile(device, dtype="<f4")
    return outcome, data[: data.size // 2 * 2].reshape(-1, 2)


def test_a_click_plays_the_session_from_there_as_the_offline_render_does(tmp_path, clinic):
    playlist = make_studio_folder(tmp_path, clinic)
    # Three seconds before peak begins: the phase crossfade is in what we hear.
    outcome, device = listen(tmp_path, playlist, click_s=597.0, listen_s=6.0)
    assert outcome["alerts"] == []
    # The mouse rested on the ruler before the click: the mix was positioned beforehand.
    assert outcome["prepared_starts"] == 1
    assert outcome["stopped_at_once"]  # Space: the window does not wait for the fade-out
    cursor_s = outcome["cursor_s"]
    assert abs(cursor_s - 597.0) <= 0.1
    heard = outcome["heard_dose_s"]
    assert cursor_s < heard < cursor_s + 6.5

    delivered = outcome["frames_delivered"]
    result = load_playlist(playlist)
    analysis = analyse_playlist(result.playlist, AnalysisCache(tmp_path / "cache")).files
    reference_path = tmp_path / "reference.wav"
    from_s = outcome["dose_at_s"] + cursor_s
    render_to_wav(
        result.playlist,
        reference_path,
        from_s=from_s,
        to_s=from_s + delivered / RATE,
        dose_at_s=outcome["dose_at_s"],
        analysis=analysis,
        sample_format="float32",
    )
    reference = read_float_wav(reference_path)
    assert len(reference) == delivered
    assert_heard_as_rendered(device, outcome, reference)


def assert_heard_as_rendered(device: np.ndarray, outcome: dict, reference: np.ndarray) -> None:
    delivered = outcome["frames_delivered"]
    fade = int(ENTRY_FADE_S * RATE)
    # The live engine's entry fade, as the audition applies it (float32 gains).
    u = np.minimum(np.arange(len(reference), dtype=np.float64) / fade, 1.0)
    expected = reference * (np.sin(0.5 * np.pi * u) ** 2).astype(np.float32)[:, None]
    # Where the stream begins in the device's file: after the silence SDL plays before the
    # device is started (unprimed callbacks, and whole buffers while it is still paused).
    first_sound = int(np.argmax(np.abs(expected).max(axis=1) > 0))
    start = int(np.argmax(np.abs(device).max(axis=1) > 0)) - first_sound
    assert start >= outcome["frames_unprimed"]
    assert (start - outcome["frames_unprimed"]) % 1024 == 0
    stream = device[start : start + delivered]
    assert len(stream) == delivered
    # The entry fade from silence, then sample for sample what the offline render has
    # (the stop's fade-out comes after what was delivered).
    assert np.abs(stream[fade:]).max() > 0.01  # music, not silence
    np.testing.assert_array_equal(stream[fade:], reference[fade:])
    np.testing.assert_array_equal(stream[:fade], expected[:fade])


def test_l_plays_the_selected_file_alone_levelled_as_the_session_levels_it(tmp_path, clinic):
    from session_player.engine.audition_source import solo_playlist

    playlist = make_studio_folder(tmp_path, clinic)
    # The first music item of onset (music.wav, 3 s), selected by a click, then L.
    outcome, device = listen(tmp_path, playlist, 1.0, 3.0, "alone")
    assert outcome["alerts"] == []
    assert Path(outcome["alone_file"]).name == "music.wav"
    assert outcome["status"] == "Listening to music.wav alone (Space stops)."
    result = load_playlist(playlist)
    analysis = analyse_playlist(result.playlist, AnalysisCache(tmp_path / "cache")).files
    length_s = analysis[outcome["alone_file"]].duration_s
    solo = solo_playlist(result.playlist, outcome["alone_file"], outcome["alone_gain_db"], length_s)
    assert [item.file for item in solo.settling.music.items] == [outcome["alone_file"]]
    assert not solo.soundscapes and not solo.bells and solo.patient.default is None
    delivered = outcome["frames_delivered"]
    reference_path = tmp_path / "alone.wav"
    render_to_wav(
        solo,
        reference_path,
        from_s=0.0,
        to_s=delivered / RATE,
        dose_at_s=length_s + 5.0,
        analysis=analysis,
        sample_format="float32",
    )
    reference = read_float_wav(reference_path)
    assert_heard_as_rendered(device, outcome, reference)
