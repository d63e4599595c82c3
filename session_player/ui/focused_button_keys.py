"""Space and Enter press the focused button, before any window shortcut may take them.

Space is the console's Pause shortcut (a window shortcut). Qt asks the focused widget first
whether it wants a key that is also a shortcut (the ``ShortcutOverride`` event), and a
``QPushButton`` does not claim Space there, so the shortcut won: Space on a focused side
effect button paused the patient's sound instead of logging the side effect. And a plain
``QPushButton`` outside a dialog ignores Enter. Someone driving the console by keyboard
(Tab to a button, then Space or Enter, as on any desktop) got the wrong command or none.

This filter, installed on the console, sees both events after the focused button passed them
up the parent chain: it claims Space and Enter for a focused button (so the button, not the
shortcut, gets them) and presses the button on an Enter it ignored. With no button focused
(no focus at all, the event log, the slider) nothing is claimed, and Space pauses as before.
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


def _plain(event: QKeyEvent) -> bool:
    return (event.modifiers() & ~IGNORED_MODIFIERS) == Qt.KeyboardModifier.NoModifier


class FocusedButtonKeys(QObject):
    """Event filter for a panel of buttons (the console): see the module's docstring."""

    def __init__(self, panel: QWidget) -> None:
        super().__init__(panel)
        self._panel = panel
        panel.installEventFilter(self)

    def _focused_button(self) -> QAbstractButton | None:
        focused = QApplication.focusWidget()
        if (
            isinstance(focused, QAbstractButton)
            and focused.isEnabled()
            and self._panel.isAncestorOf(focused)
        ):
            return focused
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        key_event: QKeyEvent = event  # type: ignore[assignment]
        if key_event.key() not in PRESS_KEYS or not _plain(key_event):
            return False
        button = self._focused_button()
        if button is None:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            # Accepted: Qt delivers the key to the focused button instead of the shortcut.
            key_event.accept()
            return True
        if key_event.key() in ENTER_KEYS:
            # The button passed Enter up (a QPushButton outside a dialog does): press it.
            if not key_event.isAutoRepeat():
                button.click()
            return True
        return False
