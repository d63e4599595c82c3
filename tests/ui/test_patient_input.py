"""The patient's taps, as a hand gives them (issue 10, items 9 and 10): Call is sent once,
and keys never press a patient button again; the soundscape buttons keep their places.

Through the real app (the real timeline on a FakeClock, the real journal), with clicks and
keys sent to the windows so that Qt's focus decides where they go.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from session_player.session.journal import read_journal
from session_player.ui.patient_label import PatientLabel
from session_player.ui.patient_view import CALL_REPEAT_GAP_S, TOLD_TEXT, PatientView
from tests.ui.test_patient_view import SCENE, Recorder


def open_patient_view(window, qtbot):
    """The clinician presses P on the console, as in the room."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_P)
    patient = window.patient_view
    qtbot.waitUntil(lambda: patient.isVisible() and QApplication.activeWindow() is patient)
    return patient


def button(patient, name: str) -> QAbstractButton:
    found = patient.findChild(QAbstractButton, name)
    assert found is not None and found.isVisible(), name
    return found


def test_call_is_sent_once_and_space_does_not_send_it_again(make_window, port, clinic, flow, qtbot):
    window = make_window(port)
    _console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    patient = open_patient_view(window, qtbot)
    call = button(patient, "call")

    qtbot.mouseClick(call, Qt.MouseButton.LeftButton)
    # The clinician's Space (Pause on the console) and Enter, pressed where the focus is.
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Space):
        qtbot.keyClick(QApplication.focusWidget() or patient, key)
    # A shaky second tap.
    qtbot.mouseClick(call, Qt.MouseButton.LeftButton)
    bridge.poll()

    assert len(read_journal(bridge.timeline.journal_path).of_type("patient_called")) == 1
    assert not isinstance(QApplication.focusWidget(), QAbstractButton)
    assert bridge.engine.patient_calls == 1
    assert call.text() == "Called"
    # What the patient reads beside it is true: the call is in the journal, on the console.
    assert patient.findChild(PatientLabel, "call_told").text() == TOLD_TEXT
    assert bridge.state.patient_call_pending
    assert window.console.findChild(QWidget, "alert_call") is not None


def test_after_an_answer_a_new_call_goes_only_once_the_gap_has_passed(qtbot):
    now = [100.0]
    controls = Recorder()
    patient = PatientView(controls, monotonic_clock=lambda: now[0])
    qtbot.addWidget(patient, before_close_func=lambda w: w.allow_close())
    patient.resize(1280, 800)
    patient.set_scene(SCENE)
    patient.show()
    qtbot.waitExposed(patient)
    call = button(patient, "call")
    told = patient.findChild(PatientLabel, "call_told")

    qtbot.mouseClick(call, Qt.MouseButton.LeftButton)
    patient.set_scene(SCENE.__class__(**{**SCENE.__dict__, "call_pending": True}))
    assert call.text() == "Called" and told.text() == TOLD_TEXT
    qtbot.mouseClick(call, Qt.MouseButton.LeftButton)  # waiting for the clinician
    patient.set_scene(SCENE)  # the clinician answered
    assert told.text() == ""
    now[0] += 1.0
    qtbot.mouseClick(call, Qt.MouseButton.LeftButton)  # the same hand, still tapping
    assert controls.calls == [("call",)]
    assert call.text() == "Called"
    now[0] += CALL_REPEAT_GAP_S
    qtbot.mouseClick(call, Qt.MouseButton.LeftButton)  # a new call
    assert controls.calls == [("call",), ("call",)]


def test_soundscape_buttons_keep_their_places_and_mark_the_chosen_one(
    make_window, port, clinic, flow, qtbot
):
    window = make_window(port)
    _console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    patient = open_patient_view(window, qtbot)

    def layout():
        buttons = [
            b
            for b in patient.findChildren(QAbstractButton)
            if b.objectName().startswith("soundscape_") and b.isVisible()
        ]
        return sorted((b.geometry().x(), b.objectName(), b.geometry().getRect()) for b in buttons)

    def chosen():
        return [
            b.objectName()
            for b in patient.findChildren(QAbstractButton)
            if b.objectName().startswith("soundscape_") and b.isVisible() and b.chosen
        ]

    before = layout()
    assert [name for _x, name, _rect in before] == [
        "soundscape_rain",
        "soundscape_ocean",
        "soundscape_drone",
    ]
    assert chosen() == ["soundscape_rain"]
    for name in ("soundscape_ocean", "soundscape_drone", "soundscape_rain"):
        qtbot.mouseClick(button(patient, name), Qt.MouseButton.LeftButton)
        bridge.poll()
        qtbot.waitUntil(lambda name=name: chosen() == [name])
        assert layout() == before
    # A tap on the one playing changes nothing and journals nothing.
    seq = read_journal(bridge.timeline.journal_path).last_seq
    qtbot.mouseClick(button(patient, "soundscape_rain"), Qt.MouseButton.LeftButton)
    bridge.poll()
    assert read_journal(bridge.timeline.journal_path).last_seq == seq


def test_on_one_screen_a_call_is_told_where_the_clinician_looks(
    make_window, port, clinic, flow, qtbot
):
    """Item 12: the full-screen view covers the console, so the laptop's screen itself says
    so: "Called", "Your clinician has been told" (true: it is journaled and on the console's
    banner) and the unlock corner in the accent, until the clinician answers."""
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    patient = open_patient_view(window, qtbot)
    told = patient.findChild(PatientLabel, "call_told")
    corner = patient.findChild(QWidget, "unlock_target")
    assert told.text() == "" and not corner.attention

    qtbot.mouseClick(button(patient, "call"), Qt.MouseButton.LeftButton)
    bridge.poll()
    assert told.text() == TOLD_TEXT and corner.attention
    assert button(patient, "call").text() == "Called"
    assert "call" in console.alerts.cards()
    assert bridge.engine.patient_calls == 1  # the port's chime for the room, if it has one

    # The clinician unlocks (the hold) and answers with A on the console.
    with qtbot.waitSignal(patient.unlocked, timeout=5000):
        qtbot.mousePress(corner, Qt.MouseButton.LeftButton, pos=corner.rect().center())
    qtbot.mouseRelease(corner, Qt.MouseButton.LeftButton, pos=corner.rect().center())
    qtbot.waitUntil(lambda: window.isVisible() and QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_A)
    bridge.poll()
    assert not bridge.state.patient_call_pending
    assert told.text() == "" and not corner.attention
