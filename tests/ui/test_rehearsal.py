"""A rehearsal through the window: started from the start screen with a click, the dose by
the D key, the whole arc in seconds of fake time, kept out of patients' records."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from session_player.engine.null_engine import NullEnginePort
from session_player.session.commands import ResumeError
from session_player.session.rehearsal import REHEARSALS_FOLDER
from session_player.ui import theme
from tests.ui.conftest import TIMEOUT_MS, clinic_window


def _to_rehearsal_ready(qtbot, flow, window, clinic):
    start = window.start_screen
    playlist = clinic / "test-infusion.yaml"
    start.select_playlist(playlist)
    flow.wait_validated(start, playlist)
    qtbot.waitUntil(lambda: start.rehearsal.button.isEnabled(), timeout=TIMEOUT_MS)
    return start


def _events(journal_path) -> list[dict]:
    with open(journal_path, encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def test_rehearsal_from_the_start_screen_reaches_peak_and_observation(
    qtbot, make_window, port, clock, clinic, flow
):
    window = make_window(port)
    start = _to_rehearsal_ready(qtbot, flow, window, clinic)
    # No alias typed, no headphones: a rehearsal needs neither (the real start still does).
    assert not start.start_button.isEnabled()
    # The speed is the trainer's choice: type it into the box, then click the button.
    speed = start.rehearsal.speed
    qtbot.mouseClick(speed, Qt.MouseButton.LeftButton)
    speed.selectAll()
    qtbot.keyClicks(speed, "60")
    QTest.keyClick(speed, Qt.Key.Key_Tab)
    assert "×60" in start.rehearsal.button.text()
    qtbot.mouseClick(start.rehearsal.button, Qt.MouseButton.LeftButton)

    console = window.console
    assert console is not None, start.reason.text()
    assert window.stack.currentWidget() is console  # no pre-flight: nothing to hear
    assert console.rehearsal_marker is not None
    assert console.rehearsal_marker.isVisible()
    assert console.rehearsal_marker.text().startswith("Rehearsal ×60")
    assert "No sound" in console.output.text(), console.output.text()

    QTest.keyClick(window, Qt.Key.Key_D)  # dose given, through the window's shortcut
    qtbot.waitUntil(lambda: window.bridge.state.dose_given, timeout=TIMEOUT_MS)
    assert window.bridge.state.phase_id == "onset"

    # 11 s of the clock under the rehearsal = 11 minutes of the arc at 60×: the 10-minute
    # onset is over and the console shows the peak.
    clock.advance(11.0)
    qtbot.waitUntil(lambda: console.arc.summary_text.find("Peak ends in") >= 0, timeout=TIMEOUT_MS)
    assert window.bridge.state.phase_id == "peak"
    # 15 s more: the 15-minute peak is over; observation (an ``end: hold`` phase) begins.
    clock.advance(15.0)
    qtbot.waitUntil(lambda: window.bridge.state.phase_id == "observation", timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: "Observation" in console.arc.summary_text, timeout=TIMEOUT_MS)
    assert console.rehearsal_marker.isVisible()  # still marked, for the whole rehearsal
    assert "Rehearsal ×60" in window.windowTitle()

    journal = window.engine.journal_path
    events = _events(journal)
    assert events[0]["type"] == "session_started"
    assert events[0]["rehearsal"] == {"speed": 60.0}
    assert f"/{REHEARSALS_FOLDER}/" in journal.replace("\\", "/")
    # The dose starts the onset; the peak and observation started by themselves on time.
    phases = [e["phase_id"] for e in events if e["type"] == "phase_started"]
    assert phases == ["peak", "observation"]
    # The journal's session clock is the rehearsal's: peak began 10 minutes after the dose.
    dose = next(e for e in events if e["type"] == "dose_given")
    peak = next(e for e in events if e["type"] == "phase_started" and e["phase_id"] == "peak")
    assert abs(peak["session_s"] - dose["session_s"] - 600.0) < 1e-6


def test_patient_view_of_a_rehearsal_says_so(qtbot, make_window, port, clinic, flow):
    window = make_window(port)
    start = _to_rehearsal_ready(qtbot, flow, window, clinic)
    qtbot.mouseClick(start.rehearsal.button, Qt.MouseButton.LeftButton)
    assert window.console is not None
    QTest.keyClick(window, Qt.Key.Key_P)  # the patient view, by its shortcut
    view = window.patient_view
    qtbot.waitUntil(lambda: view.isVisible(), timeout=TIMEOUT_MS)
    marker = view.findChild(QWidget, "patient_rehearsal_marker")
    assert marker is not None
    assert marker.isVisible()
    assert marker.text == "Rehearsal ×30"
    # Nothing under the patient's hand, and not brighter than the view's own text.
    assert marker.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    image = view.grab(marker.geometry()).toImage()  # as the patient sees it, on the view
    brightest = max(
        max(image.pixelColor(x, y).getRgb()[:3])
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
    )
    colours = theme.PatientColours.at(view.dim_level)
    ground = max(colours.background.getRgb()[:3])
    assert ground < brightest <= max(colours.text.getRgb()[:3])  # drawn, and dim


def test_an_unfinished_rehearsal_is_never_offered_for_resume(
    qtbot, make_window, qsettings, port, clock, clinic, flow, tmp_path
):
    window = make_window(port)
    start = _to_rehearsal_ready(qtbot, flow, window, clinic)
    qtbot.mouseClick(start.rehearsal.button, Qt.MouseButton.LeftButton)
    QTest.keyClick(window, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: window.bridge.state.dose_given, timeout=TIMEOUT_MS)
    clock.advance(30.0)
    qtbot.waitUntil(lambda: window.bridge.state.phase_id == "peak", timeout=TIMEOUT_MS)
    # The app dies mid-rehearsal: the journal stays without session_ended.
    journal = window.engine.journal_path
    assert not any(e["type"] == "session_ended" for e in _events(journal))

    # Started again on the same data folder: nothing to resume, the start screen shows.
    again = NullEnginePort(tmp_path / "data", clock=clock)
    assert again.unfinished_sessions() == []
    second = clinic_window(qtbot, qsettings, clinic, again)
    second.show()
    qtbot.waitExposed(second)
    qtbot.waitUntil(lambda: second.unfinished_checked, timeout=TIMEOUT_MS)
    assert second.stack.currentWidget() is second.start_screen
    # Named directly (as a supervisor's restart would), it is refused, never resumed.
    named = SimpleNamespace(journal_path=journal, playlist_path=str(clinic / "test-infusion.yaml"))
    with pytest.raises(ResumeError, match="never resumed"):
        again.resume_session(named)


def test_rehearsal_from_the_command_line_starts_once_the_playlist_is_checked(
    qtbot, make_window, port, clinic, flow
):
    # What ``session-player --rehearsal 45 PLAYLIST`` asks of the window at launch.
    window = make_window(port)
    window.start_screen.rehearse_when_ready(45)
    playlist = clinic / "test-infusion.yaml"
    window.start_screen.select_playlist(playlist)
    qtbot.waitUntil(lambda: window.console is not None, timeout=TIMEOUT_MS)
    assert window.console.rehearsal_marker.text().startswith("Rehearsal ×45")
    assert window.engine.timeline.record.started["rehearsal"] == {"speed": 45.0}


def test_the_summary_of_a_rehearsal_says_it_is_not_a_patients(
    qtbot, make_window, port, clock, clinic, flow
):
    window = make_window(port)
    start = _to_rehearsal_ready(qtbot, flow, window, clinic)
    qtbot.mouseClick(start.rehearsal.button, Qt.MouseButton.LeftButton)
    console = window.console
    QTest.keyClick(window, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: window.bridge.state.dose_given, timeout=TIMEOUT_MS)
    clock.advance(60.0)  # 30 minutes of the arc at 30x: observation
    qtbot.waitUntil(lambda: window.bridge.state.phase_id == "observation", timeout=TIMEOUT_MS)
    # End it as a trainer would: Ctrl+E, a reason (before the minimum observation), Enter.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT_MS)
    QTest.keyClick(
        QApplication.focusWidget() or window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier
    )
    qtbot.waitUntil(
        lambda: console.end_dialog is not None and console.end_dialog.isVisible(),
        timeout=TIMEOUT_MS,
    )
    dialog = console.end_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=TIMEOUT_MS)
    qtbot.keyClicks(QApplication.focusWidget(), "training over")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.summary is not None, timeout=TIMEOUT_MS)
    heading = window.summary.heading.text()
    assert heading.startswith("Rehearsal ×30 summary, not a patient's"), heading
