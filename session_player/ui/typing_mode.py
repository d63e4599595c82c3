"""Typing mode: while a text field has the focus, keys type and the shortcuts are off.

The console's shortcuts are single keys (E, C, N, Space). In a text field they must type
(a note says "Nausea", not "advance the phase"), so while one has the focus the shortcuts
are off; that used to show nowhere, and Escape did not leave the field, so a clinician who
pressed C to calm the music down typed a "c" into the note instead. Now:

- ``is_typing()`` says whether a text field of a window has the focus; the console's key
  caps (``ActionButton``) and a ``TypingHint`` line show it;
- ``leave_on_escape`` makes Escape leave a field (its text stays: nothing typed is lost
  without a word, see the note entry), which gives the keys back to the shortcuts.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

TEXT_FIELDS = (QLineEdit, QPlainTextEdit, QTextEdit)
TYPING_TEXT = "Typing: letter keys and Space type here, shortcuts are off.  Esc: back to them."


def is_typing(window: QWidget) -> bool:
    """A text field in ``window`` has the keyboard focus."""
    focused = QApplication.focusWidget()
    return (
        isinstance(focused, TEXT_FIELDS)
        and not (isinstance(focused, QLineEdit) and focused.isReadOnly())
        and focused.window() is window.window()
    )


def release_focus(area: QWidget) -> None:
    """Take the focus away from ``area`` (a field, or a widget holding one) if it has it.

    Nothing in the window has the focus then, so every window shortcut works again and no
    button shows a ring that a stray Enter or Space would press.
    """
    focused = QApplication.focusWidget()
    if focused is not None and (focused is area or area.isAncestorOf(focused)):
        focused.clearFocus()


class _EscapeFilter(QObject):
    def __init__(self, field: QWidget, on_escape: Callable[[], None]) -> None:
        super().__init__(field)
        self._on_escape = on_escape

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self._on_escape()
            return True
        return False


def leave_on_escape(field: QWidget, on_escape: Callable[[], None] | None = None) -> None:
    """Escape in ``field`` calls ``on_escape`` (by default: the field lets go of the focus)."""
    field.installEventFilter(_EscapeFilter(field, on_escape or (lambda: release_focus(field))))


class TypingHint(QLabel):
    """One line that says, while a text field of its window has the focus, that the
    shortcuts are off and how to get them back. Its room is kept while it says nothing,
    so nothing under it moves when it appears."""

    def __init__(
        self, parent: QWidget | None = None, *, idle_text: Callable[[], str] | None = None
    ) -> None:
        super().__init__(parent)
        # What to say while nothing is typed (the note entry: a draft not added yet).
        self._idle_text = idle_text or (lambda: "")
        self.setObjectName("typing_hint")
        self.setProperty("role", "hint")
        self.setText(TYPING_TEXT)
        self.setMinimumHeight(self.sizeHint().height())
        self.setMinimumWidth(0)
        self.setText("")
        self.setWordWrap(False)
        QApplication.instance().focusChanged.connect(self._on_focus_changed)

    def _on_focus_changed(self, _old, _new) -> None:
        self.refresh()

    def refresh(self) -> None:
        wanted = TYPING_TEXT if is_typing(self) else self._idle_text()
        if self.text() != wanted:
            self.setText(wanted)
