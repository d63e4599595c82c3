"""Real input for the console tests: keys through the window, clicks at a widget's place.

A key is sent to the window's ``QWindow``, as the window system gives it: Qt's shortcut map,
the ``ShortcutOverride`` round and the focus chain decide who gets it, exactly as for a
clinician at the keyboard. A click lands at a position, on whatever widget is there.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from session_player.session.journal import read_journal

NO_MODIFIER = Qt.KeyboardModifier.NoModifier


def activate(qtbot, window: QWidget) -> None:
    """The window has the keyboard (as after a click on its title bar)."""
    window.activateWindow()
    qtbot.waitActive(window)


def press(window: QWidget, key: Qt.Key, modifier=NO_MODIFIER) -> None:
    QTest.keyClick(window.windowHandle(), key, modifier)


def type_text(window: QWidget, text: str) -> None:
    """Each character as a key press to the window (to whatever has the focus)."""
    for char in text:
        QTest.keyClick(window.windowHandle(), char)


AIM_S = 1.0  # a person's time to find and aim at a button after scrolling to it


def click_at(qtbot, window: QWidget, widget: QWidget, clock=None, bridge=None) -> None:
    """A left click at the middle of where ``widget`` is on screen, given to what is there.

    Scrolled into view first, as a person scrolls down to a card below the fold, and then
    (with the session's ``FakeClock`` and bridge) a display tick and a second to aim: a
    button that moved a moment ago ignores a click (see click_guard).
    """
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        before = parent.verticalScrollBar().value()
        parent.ensureWidgetVisible(widget)
        if parent.verticalScrollBar().value() != before and clock is not None:
            if bridge is not None:
                bridge.poll()  # the display tick that sees the buttons' new places
            clock.advance(AIM_S)
    centre = widget.mapTo(window, widget.rect().center())
    assert window.rect().contains(centre), f"{widget.objectName()} is out of the window"
    target = window.childAt(centre) or window
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, centre))


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def tab_to(window: QWidget, widget: QWidget, *, limit: int = 80) -> None:
    """Press Tab until ``widget`` has the focus (fails if the chain never reaches it)."""
    for _ in range(limit):
        if focused() is widget:
            return
        press(window, Qt.Key.Key_Tab)
    assert focused() is widget, f"Tab never reached {widget.objectName()}: at {focused()}"


def journal_types(bridge) -> list[str]:
    return [event["type"] for event in read_journal(bridge.timeline.journal_path).events]


def journal_of(bridge, kind: str) -> list[dict]:
    return [e for e in read_journal(bridge.timeline.journal_path).events if e["type"] == kind]


def centre_of(widget: QWidget) -> QPoint:
    return widget.mapToGlobal(widget.rect().center())
