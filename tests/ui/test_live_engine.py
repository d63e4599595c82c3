"""The window on the real engine: ``LiveEnginePort`` with the mixer, the timeline and SDL.

Every other UI test runs on ``NullEnginePort``; this one goes through start, pre-flight,
console and summary with the real parts behind the port: validation and the loudness
analysis decode the generated files, the headphone test and the session open real SDL
devices, the mixer renders the playlist. SDL's ``dummy`` driver takes the place of the sound
card: it consumes the audio at the device's pace and plays nothing. SDL reads
``SDL_AUDIODRIVER`` when its audio starts (the first device listing), not when pygame is
imported, so setting it in the fixture is early enough; a process whose SDL audio already
runs on a real driver is not used for this test.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from session_player.app.live_port import SYSTEM_DEFAULT, LiveEnginePort
from session_player.audio.analysis import AnalysisCache
from session_player.session.journal import read_journal
from session_player.ui.checklist_item import ItemState

TIMEOUT_MS = 10_000


@pytest.fixture
def live_port(tmp_path, monkeypatch):
    from session_player.output import _sdl

    if _sdl._initialised and _sdl.current_driver() not in ("dummy", "disk"):
        pytest.skip("SDL audio already runs on a real driver in this process")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    port = LiveEnginePort(sessions_dir=str(tmp_path / "sessions"), cache=AnalysisCache(tmp_path))
    yield port
    port.shutdown()


def test_a_session_on_the_real_engine(make_window, live_port, clinic, flow, qtbot, tmp_path):
    window = make_window(live_port)
    start = window.start_screen
    qtbot.waitUntil(lambda: start.devices_ready, timeout=TIMEOUT_MS)  # listed on a worker
    assert start.device.currentText() == SYSTEM_DEFAULT
    flow.through_start(window, clinic / "test-infusion.yaml")

    preflight = window.preflight
    qtbot.waitUntil(lambda: preflight.loudness.state is ItemState.DONE, timeout=TIMEOUT_MS)
    assert "LUFS" in preflight.loudness.detail.text()
    assert preflight.device.state is ItemState.DONE
    qtbot.mouseClick(preflight.play_test, Qt.MouseButton.LeftButton)
    assert live_port.headphone_test_playing()
    qtbot.mouseClick(preflight.heard, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(preflight.start, Qt.MouseButton.LeftButton)
    console, bridge = window.console, window.bridge
    assert console is not None, preflight.reason.text()
    # Starting the session stopped the test: it never plays over the settling music.
    assert not live_port.headphone_test_playing()

    # The mixer is playing settling: its music, and the patient's default soundscape.
    qtbot.waitUntil(lambda: console.now_playing.text_of("music") != "—", timeout=TIMEOUT_MS)
    assert console.now_playing.text_of("music").startswith("Music ")  # music.wav, with times
    qtbot.waitUntil(lambda: console.now_playing.text_of("soundscape") == "Rain", timeout=TIMEOUT_MS)
    assert console.output.text() == f"● {SYSTEM_DEFAULT}"

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_D)
    assert bridge.state.dose_given and bridge.state.phase_id == "onset"
    qtbot.waitUntil(lambda: console.now_playing.text_of("music") != "—", timeout=TIMEOUT_MS)

    dialog = console.open_end_dialog()
    assert dialog.needs_reason  # the minimum observation has not passed
    dialog.reason.setText("test of the real engine")
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.summary is not None, timeout=TIMEOUT_MS)
    assert window.stack.currentWidget() is window.summary
    assert "test of the real engine" in window.summary.summary.end_reason

    events = read_journal(bridge.timeline.journal_path).events
    # On a loaded 2-core machine, starting, dosing and ending within a second or two
    # (decoders starting for each phase) may starve the audio producer once: the engine
    # reports it as an "underrun" alert, which may land after the end. Nothing else may.
    alerts = [e for e in events if e["type"] == "alert_raised"]
    assert all(e["kind"] == "underrun" for e in alerts), alerts
    types = [e["type"] for e in events if e["type"] != "alert_raised"]
    assert types[0] == "session_started" and "dose_given" in types
    assert types[-1] == "session_ended"
    # No note per passed pre-flight check: only decisions go into the journal.
    assert "note" not in types
