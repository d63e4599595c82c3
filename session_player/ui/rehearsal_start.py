"""The start screen's separate way in to a rehearsal: a speed and a button that says so.

Kept apart from "Continue to pre-flight" on purpose: it is never the default button (Enter
goes to the pre-flight of a real session), it names the speed and that there is no sound,
and it skips the pre-flight (no patient, no headphones to check).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from session_player.session.rehearsal_speed import DEFAULT_SPEED, MAX_SPEED, speed_text

MIN_OFFERED_SPEED = 2  # 1× is a real-time session without sound: not what this is for


class RehearsalStart(QWidget):
    """Emits ``requested(speed)`` when the button is pressed."""

    requested = Signal(float)

    def __init__(self, parent: QWidget | None = None, *, speed: float = DEFAULT_SPEED) -> None:
        super().__init__(parent)
        self.setObjectName("rehearsal_start")
        label = QLabel("Rehearsal", self)
        label.setProperty("role", "secondary")
        self.speed = QSpinBox(self)
        self.speed.setObjectName("rehearsal_speed")
        self.speed.setAccessibleName("Rehearsal speed")
        self.speed.setRange(MIN_OFFERED_SPEED, int(MAX_SPEED))
        self.speed.setPrefix("×")
        self.speed.setValue(round(speed))
        self.speed.setToolTip("How many times faster than a real session the clock runs")
        self.button = QPushButton(self)
        self.button.setObjectName("rehearsal_button")
        # Never the default: Enter anywhere on the start screen means the real session.
        self.button.setAutoDefault(False)
        self.button.setDefault(False)
        self.button.clicked.connect(lambda: self.requested.emit(float(self.speed.value())))
        self.speed.valueChanged.connect(self._name_button)
        self._name_button(self.speed.value())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(label)
        row.addWidget(self.speed)
        row.addWidget(self.button)

    def _name_button(self, speed: int) -> None:
        self.button.setText(f"Rehearse {speed_text(speed)}, no sound")
        self.button.setAccessibleName(f"Start a rehearsal at {speed} times speed, without sound")

    def set_speed(self, speed: float) -> None:
        self.speed.setValue(round(speed))

    def set_blocked(self, reason: str | None) -> None:
        self.button.setEnabled(reason is None)
        self.button.setToolTip(
            reason
            or "A whole session on a fast clock, for training: no sound, no pre-flight, "
            "kept apart from patients' records"
        )
