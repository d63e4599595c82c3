"""The end dialog driven as a clinician drives it: Ctrl+E, typing, Enter, Escape, clicks.

Keys go to the focused widget of the active window, so the dialog's focus and default
button decide what Enter does, exactly as for a person.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from session_player.session import command_table as commands
from session_player.session.journal import read_journal

MINUTE = 60.0
REASON_NEEDED = "Write a reason for ending early: it goes into the journal."


def events_of(bridge, kind: str) -> list[dict]:
    return [e for e in read_journal(bridge.timeline.journal_path).events if e["type"] == kind]


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press to whatever has the keyboard focus, as a person's key press goes."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, key, modifier)


def type_text(qtbot, text: str) -> None:
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClicks(target, text)


def open_end_dialog_by_key(qtbot, window, console):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: console.end_dialog is not None and console.end_dialog.isVisible())
    dialog = console.end_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def running_session(make_window, port, clinic, flow, clock):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    bridge.run(commands.VITALS, 118, 76, 72, 98)  # the baseline: not a missed check here
    clock.advance(2 * MINUTE)
    bridge.run(commands.DOSE)
    clock.advance(5 * MINUTE)
    bridge.poll()
    return window, console, bridge


def test_enter_after_typing_a_reason_ends_with_that_reason(
    make_window, port, clinic, flow, clock, qtbot
):
    window, console, bridge = running_session(make_window, port, clinic, flow, clock)
    assert not bridge.state.can_end  # before the minimum observation: a reason is needed
    dialog = open_end_dialog_by_key(qtbot, window, console)
    assert QApplication.focusWidget() is dialog.reason
    type_text(qtbot, "patient asked to stop")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.summary is not None)
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Accepted
    ended = events_of(bridge, "session_ended")
    assert len(ended) == 1
    assert ended[0]["early"] is True and ended[0]["reason"] == "patient asked to stop"
    assert window.summary.summary.end_reason == "ended early: patient asked to stop"


def test_an_empty_reason_says_what_is_needed_by_enter_and_by_click(
    make_window, port, clinic, flow, clock, qtbot
):
    window, console, bridge = running_session(make_window, port, clinic, flow, clock)
    dialog = open_end_dialog_by_key(qtbot, window, console)
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.isVisible()  # neither ended nor closed as "Keep going"
    assert dialog.message.isVisible() and dialog.message.text() == REASON_NEEDED
    assert QApplication.focusWidget() is dialog.reason
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.message.text() == REASON_NEEDED
    assert bridge.state.status == "running" and not events_of(bridge, "session_ended")
    # Typing the reason takes the message away; then a click ends, once.
    type_text(qtbot, "transferred")
    assert not dialog.message.isVisible()
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.summary is not None)
    assert [e["reason"] for e in events_of(bridge, "session_ended")] == ["transferred"]


def test_escape_keeps_going_with_a_reason_typed(make_window, port, clinic, flow, clock, qtbot):
    window, console, bridge = running_session(make_window, port, clinic, flow, clock)
    dialog = open_end_dialog_by_key(qtbot, window, console)
    type_text(qtbot, "not sure yet")
    press(qtbot, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Rejected
    assert bridge.state.status == "running" and not events_of(bridge, "session_ended")


def test_enter_keeps_going_when_no_reason_is_asked(make_window, port, clinic, flow, clock, qtbot):
    window, console, bridge = running_session(make_window, port, clinic, flow, clock)
    clock.advance(61 * MINUTE)
    bridge.poll()
    assert bridge.state.can_end
    dialog = open_end_dialog_by_key(qtbot, window, console)
    assert not dialog.reason.isVisible()
    press(qtbot, Qt.Key.Key_Return)  # Enter never ends a session by accident
    assert not dialog.isVisible() and bridge.state.status != "ended"
    assert not events_of(bridge, "session_ended")


def test_checks_due_and_not_done_are_listed_with_their_due_time(
    make_window, port, clinic, flow, clock, qtbot
):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    clock.advance(2 * MINUTE)
    bridge.run(commands.DOSE)  # the baseline was never taken
    clock.advance(21 * MINUTE)  # the 20-minute "Mid" check fell due a minute ago
    bridge.poll()
    dialog = open_end_dialog_by_key(qtbot, window, console)
    assert dialog.missed.isVisible()
    text = dialog.missed.text()
    assert "Baseline (due before the dose)" in text and "Mid (due +20:00)" in text
    assert "Discharge" not in text  # due at the end: the summary asks for it
