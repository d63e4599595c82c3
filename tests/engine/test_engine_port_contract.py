"""One set of behaviour tests for both engine ports, so the null engine cannot drift from the
live one (Quod Libet holds its ``nullbe`` to its player backends the same way).

``ports.EnginePort`` / ``ports.SessionPort`` say what the UI may rely on; every test here
runs against the null engine (``engine/null_engine.py``, on a ``FakeClock``) and against the
live port (``app/live_port.py``: the mixer, the sink and SDL on its ``dummy`` driver, which
consumes audio at a device's pace and plays nothing). A behaviour one of them lacks fails
here, not in a clinic. Without pygame (``make test-core``) only the null engine runs.
"""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from session_player.engine.ports import LAYERS, SessionRequest
from session_player.playlist.loader import load_playlist
from session_player.session import command_table as commands
from session_player.session.clock import FakeClock
from tests.wav_tones import write_tone

PLAYLIST = """
title: Contract
route: IV
soundscapes:
  rain: {name: Rain, layers: [{bed: audio/bed.wav}]}
patient: {soundscapes: [rain], default: rain, phases: [settling, onset]}
levels: {default_volume_db: -10, max_volume_db: -4}
settling:
  music: {items: [audio/music.wav], loop: true}
phases:
  - id: onset
    duration: 10m
    music: {items: [audio/music.wav], loop: true}
  - id: observation
    duration: 5m
    end: hold
clinical: {minimum_observation: 30m}
"""
WAIT_S = 10.0


@pytest.fixture(scope="module")
def clinic(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("contract")
    (folder / "audio").mkdir()
    write_tone(folder / "audio" / "music.wav", 3, 220)
    write_tone(folder / "audio" / "bed.wav", 2, 110)
    (folder / "audio" / "broken.wav").write_bytes(b"RIFF not really a wave file")
    (folder / "contract.yaml").write_text(textwrap.dedent(PLAYLIST).lstrip(), "utf-8")
    return folder


def _null_port(tmp_path: Path, monkeypatch):
    from session_player.engine.null_engine import NullEnginePort

    return NullEnginePort(tmp_path / "data", clock=FakeClock())


def _live_port(tmp_path: Path, monkeypatch):
    pytest.importorskip("pygame")
    from session_player.app.live_port import LiveEnginePort
    from session_player.audio.analysis import AnalysisCache
    from session_player.output import _sdl

    if _sdl._initialised and _sdl.current_driver() not in ("dummy", "disk"):
        pytest.skip("SDL audio already runs on a real driver in this process")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    return LiveEnginePort(sessions_dir=str(tmp_path / "data"), cache=AnalysisCache(tmp_path))


@pytest.fixture(params=[_null_port, _live_port], ids=["null", "live"])
def port(request, tmp_path, monkeypatch):
    engine_port = request.param(tmp_path, monkeypatch)
    yield engine_port
    engine_port.shutdown()


def _request(port, clinic: Path) -> SessionRequest:
    path = clinic / "contract.yaml"
    result = load_playlist(path)
    assert result.playlist is not None, [p.format() for p in result.problems]
    device = port.output_devices()[0]
    return SessionRequest(str(path), result, alias="Contract", device=device)


def _until(predicate, session=None) -> bool:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if session is not None:
            session.tick()
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_outputs_are_named_and_the_first_is_present(port):
    devices = port.output_devices()
    assert devices and all(isinstance(name, str) and name for name in devices)
    status = port.output_status(devices[0])
    assert status.device == devices[0] and status.present


def test_a_session_starts_in_settling_journals_and_reports_every_layer(port, clinic):
    session = port.start_session(_request(port, clinic))
    try:
        state = session.timeline.state()
        assert state.status == "settling" and state.live
        assert Path(session.journal_path).is_file()
        assert session.output_status().present
        layers = session.now_playing()
        assert tuple(item.layer for item in layers) == LAYERS  # one per layer, in order
        # Settling's music plays (the live mixer names it once it has started).
        assert _until(lambda: session.now_playing()[0].title != "", session)
    finally:
        session.close()


def test_commands_from_the_table_drive_the_session_on_either_engine(port, clinic):
    session = port.start_session(_request(port, clinic))
    try:
        timeline = session.timeline
        commands.DOSE(timeline)
        assert timeline.state().phase_id == "onset"
        commands.CALM(timeline)
        assert timeline.state().calm
        commands.CALM(timeline)
        assert not timeline.state().calm
        before = timeline.state().volume_db
        commands.QUIETER(timeline)
        assert timeline.state().volume_db == before - commands.VOLUME_STEP_DB
        session.tick()
        assert tuple(item.layer for item in session.now_playing()) == LAYERS
    finally:
        session.close()


def test_a_closed_session_is_unfinished_and_resumes(port, clinic):
    session = port.start_session(_request(port, clinic))
    commands.DOSE(session.timeline)
    journal = Path(session.journal_path)
    session.close()
    unfinished = [u for u in port.unfinished_sessions() if u.journal_path == journal]
    assert len(unfinished) == 1
    point = port.resume_point(unfinished[0])
    assert point is not None and point.phase_name == "Onset"
    resumed, report = port.resume_session(unfinished[0], port.output_devices()[0])
    try:
        assert report.events >= 2  # started, and the dose (which starts the onset)
        assert resumed.timeline.state().phase_id == "onset"
        assert tuple(item.layer for item in resumed.now_playing()) == LAYERS
    finally:
        resumed.close()


def test_loudness_is_measured_per_file_with_progress_and_can_be_cancelled(port, clinic):
    files = [str(clinic / "audio" / "music.wav"), str(clinic / "audio" / "bed.wav")]
    steps: list[float] = []
    measured = port.measure_loudness(files, lambda fraction, _what: steps.append(fraction), bool)
    assert set(measured) == set(files)
    assert all(isinstance(value, float) and -70.0 < value < 0.0 for value in measured.values())
    assert steps and max(steps) <= 1.0
    try:
        cancelled = port.measure_loudness(files, lambda *_: None, lambda: True)
    except Exception:
        cancelled = {}  # stopping by raising is allowed too
    assert len(cancelled) < len(files)


def test_the_file_check_names_a_file_that_does_not_decode(port, clinic):
    good = str(clinic / "audio" / "music.wav")
    broken = str(clinic / "audio" / "broken.wav")
    missing = str(clinic / "audio" / "gone.wav")
    problems = port.check_files([good, broken, missing], lambda *_: None, lambda: False)
    assert len(problems) == 2
    assert any(line.startswith("broken.wav:") for line in problems)
    assert any(line.startswith("gone.wav:") for line in problems)


def test_a_rehearsal_keeps_time_without_sound(port, clinic):
    rehearsal = port.start_rehearsal(_request(port, clinic), 30.0)
    try:
        assert rehearsal.timeline.state().status == "settling"
        assert all(item.gain_db is None for item in rehearsal.now_playing())
        assert "rehearsal" in rehearsal.output_status().message.lower()
    finally:
        rehearsal.close()


def test_the_headphone_test_starts_and_says_whether_it_plays(port):
    port.play_headphone_test(port.output_devices()[0])
    assert isinstance(port.headphone_test_playing(), bool)
