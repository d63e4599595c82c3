"""The clinic's optional PIN, asked after the hold on the patient view's unlock corner.

Shown inside the patient view (not as a dialog) so it takes the same dim colours, and so
nothing from the console can appear on the patient's screen while it is asked. Digits only:
a keypad works on a touch screen and needs no keyboard layout.
"""

from __future__ import annotations

import hmac

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from session_player.ui import theme
from session_player.ui.patient_button import PatientButton


class PinPad(QWidget):
    """Emits ``accepted`` when the right PIN is entered, ``cancelled`` on Cancel."""

    accepted = Signal()
    cancelled = Signal()

    def __init__(self, pin: str, *, level: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pin_pad")
        self._pin = pin
        self._entered = ""
        self._level = level
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._display = QLabel(self)
        self._display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._display.setFont(theme.font(theme.PATIENT_PT))
        self._display.setAccessibleName("PIN entered")
        grid = QGridLayout()
        grid.setSpacing(18)
        self._buttons: list[PatientButton] = []
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "Cancel", "0", "⌫"]
        for index, key in enumerate(keys):
            button = PatientButton(key, level=level, parent=self)
            button.setObjectName(f"pin_{key}")
            button.setMinimumWidth(120)
            button.clicked.connect(lambda _=False, k=key: self._press(k))
            grid.addWidget(button, index // 3, index % 3)
            self._buttons.append(button)
        self._buttons[-1].setAccessibleName("Delete last digit")
        layout = QVBoxLayout(self)
        layout.addWidget(self._display)
        layout.addLayout(grid)
        self.set_level(level)

    def set_level(self, level: float) -> None:
        self._level = level
        for button in self._buttons:
            button.set_level(level)
        colour = theme.PatientColours.at(level).text.name()
        self._display.setStyleSheet(f"color: {colour}; background: transparent;")
        self.update()

    def set_pin(self, pin: str) -> None:
        self._pin = pin
        self._entered = ""

    def start(self) -> None:
        self._entered = ""
        self._show_entered()
        self.show()
        self.setFocus()

    def _press(self, key: str) -> None:
        if key == "Cancel":
            self._entered = ""
            self.hide()
            self.cancelled.emit()
            return
        if key == "⌫":
            self._entered = self._entered[:-1]
        elif len(self._entered) < 12:
            self._entered += key
        self._show_entered()
        if len(self._entered) == len(self._pin):
            # Constant-time compare: cheap, and one less thing to think about.
            if hmac.compare_digest(self._entered, self._pin):
                self._entered = ""
                self.hide()
                self.accepted.emit()
            else:
                self._entered = ""
                self._display.setText("Try again")

    def _show_entered(self) -> None:
        self._display.setText("•" * len(self._entered) if self._entered else "PIN")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        text = event.text()
        if text.isdigit() and len(text) == 1:
            self._press(text)
        elif event.key() == Qt.Key.Key_Backspace:
            self._press("⌫")
        elif event.key() == Qt.Key.Key_Escape:
            self._press("Cancel")
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), theme.PatientColours.at(self._level).background)
        painter.end()
