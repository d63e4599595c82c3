"""The status line follows the fade (issue 10, item 13): "Fading to silence" stayed after the
fade had ended; once the fade's 4 s have passed on the session clock it says what is."""

from __future__ import annotations

from PySide6.QtCore import Qt

from session_player.session.record import SILENCE_FADE_S


def test_fading_to_silence_gives_way_to_what_is(make_window, port, clock, clinic, flow, qtbot):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F)
    assert bridge.state.silenced
    assert console.status.text() == "Fading to silence"
    clock.advance(SILENCE_FADE_S + 0.5)
    bridge.poll()
    assert "Faded to silence" in console.status.text()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F)
    assert not bridge.state.silenced and console.status.text() == "Fading back in"
    clock.advance(SILENCE_FADE_S + 0.5)
    bridge.poll()
    assert console.status.text() == "The sound is back."
