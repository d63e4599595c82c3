"""Ending the session: always confirmed; before the observation minimum, only with a reason.

Ending is the one command that cannot be undone, so it is never one key press away. Before
the playlist's minimum observation (or before the dose) the timeline refuses to end without
a reason; the dialog says why and asks for it, and the reason goes into the journal.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from session_player.session.record import END_FADE_S


class EndSessionDialog(QDialog):
    def __init__(self, bridge, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("end_dialog")
        self.setWindowTitle("End the session")
        self.setModal(True)
        self._bridge = bridge
        state = bridge.state
        self.needs_reason = not state.can_end
        heading = QLabel("End the session?")
        heading.setProperty("role", "heading")
        self.explanation = QLabel()
        self.explanation.setObjectName("end_explanation")
        self.explanation.setWordWrap(True)
        # Why a reason is needed in the warning colour; what will happen in plain words.
        self.fade_note = QLabel(f"The sound fades out over {END_FADE_S:g} seconds.")
        self.fade_note.setObjectName("end_fade_note")
        self.fade_note.setWordWrap(True)
        if self.needs_reason:
            self.explanation.setText(state.cannot_end_reason or "")
            self.explanation.setProperty("role", "warning")
        else:
            self.explanation.setText("The summary and the discharge checklist follow.")
        self.reason = QLineEdit()
        self.reason.setObjectName("end_reason")
        self.reason.setAccessibleName("Reason for ending early")
        self.reason.setPlaceholderText("Reason for ending early (required)")
        self.reason.setVisible(self.needs_reason)
        self.reason.textChanged.connect(self._update)
        self.message = QLabel()
        self.message.setProperty("role", "warning")
        self.message.setWordWrap(True)
        self.message.hide()
        self.cancel = QPushButton("Keep going")
        self.cancel.setObjectName("end_cancel")
        self.cancel.clicked.connect(self.reject)
        self.confirm = QPushButton("End session early" if self.needs_reason else "End session")
        self.confirm.setObjectName("end_confirm")
        self.confirm.setProperty("role", "danger")
        self.confirm.clicked.connect(self._end)
        # Enter must not end a session by accident: the safe button is the default.
        self.cancel.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.confirm)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(self.explanation)
        layout.addWidget(self.fade_note)
        layout.addWidget(self.reason)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)
        self._update()
        if self.needs_reason:
            self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update(self) -> None:
        self.confirm.setEnabled(not self.needs_reason or bool(self.reason.text().strip()))

    def _end(self) -> None:
        reason = self.reason.text().strip() or None
        result = self._bridge.run("end_session", reason)
        if result is None:
            # Refused (for example the minimum was not reached after all): ask for a reason.
            self.needs_reason = True
            self.reason.show()
            self.message.setText(self._bridge.state.cannot_end_reason or "Not ended.")
            self.message.show()
            self._update()
            return
        self.accept()
