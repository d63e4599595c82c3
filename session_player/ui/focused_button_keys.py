"""Space and Enter press the focused button, before any window shortcut may take them.

Space is the console's Pause shortcut (a window shortcut). Qt asks the focused widget first
whether it wants a key that is also a shortcut (the ``ShortcutOverride`` event), and a
``QPushButton`` does not claim Space there, so the shortcut won: Space on a focused side
effect button paused the patient's sound instead of logging the side effect. And a plain
``QPushButton`` outside a dialog ignores Enter. Someone driving the console by keyboard
(Tab to a button, then Space or Enter, as on any desktop) got the wrong command or none.

This filter, on each of the console's buttons, claims Space and Enter for the focused button
(so the button, not the shortcut, gets them) and presses the button on Enter. With no
button focused (no focus at all, the event log, the slider) nothing is claimed, and Space
pauses as before; a key sent to a text field is the field's, whatever had the focus before.
A held key's auto-repeat never presses again: one key press, one command.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

PRESS_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# Enter on the number pad comes with the keypad modifier; it is still a plain Enter.
IGNORED_MODIFIERS = Qt.KeyboardModifier.KeypadModifier
FILTERED_PROPERTY = "space_enter_filtered"  # the button has this filter (installed once)


def _plain(event: QKeyEvent) -> bool:
    return (event.modifiers() & ~IGNORED_MODIFIERS) == Qt.KeyboardModifier.NoModifier


class FocusedButtonKeys(QObject):
    """Space and Enter for the buttons of a panel (the console): see the module's docstring.

    The filter goes on each button of the panel as it first takes the focus (keys only ever
    go to the focused widget, and buttons that come later, like an alert's, are covered),
    and acts only on keys sent to that focused button itself.
    """

    def __init__(self, panel: QWidget) -> None:
        super().__init__(panel)
        self._panel = panel
        QApplication.instance().focusChanged.connect(self._on_focus_changed)

    def _on_focus_changed(self, _old, new) -> None:
        if (
            isinstance(new, QAbstractButton)
            and not new.property(FILTERED_PROPERTY)
            and self._panel.isAncestorOf(new)
        ):
            new.setProperty(FILTERED_PROPERTY, True)
            new.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if watched is not QApplication.focusWidget() or not watched.isEnabled():
            return False
        key_event: QKeyEvent = event  # type: ignore[assignment]
        if key_event.key() not in PRESS_KEYS or not _plain(key_event):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            # Accepted: Qt delivers the key to the focused button instead of the shortcut.
            key_event.accept()
            return True
        if key_event.key() in ENTER_KEYS:
            # A QPushButton outside a dialog ignores Enter: press it (once per key press).
            if not key_event.isAutoRepeat():
                watched.click()
            return True
        return False  # Space: the button's own handling presses it
