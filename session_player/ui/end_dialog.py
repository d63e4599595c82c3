"""Ending the session: always confirmed; before the observation minimum, only with a reason.

Ending is the one command that cannot be undone, so it is never one key press away. Before
the playlist's minimum observation (or before the dose) the timeline refuses to end without
a reason; the dialog says why and asks for it, and the reason goes into the journal.

Enter does what the clinician means. Without a reason to give, "Keep going" is the default:
Enter never ends a session by accident. With a reason to give, the focus is in the reason
field, and someone who types a reason and presses Enter means "end, for this reason": so
there "End session early" is the default, and with the field still empty it (and Enter)
says what is missing instead of doing nothing. Escape always keeps going.

Vital-sign checks that fell due and were not done are listed, with when they fell due, so
that ending does not hide them (the summary lists them too, as not done).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from session_player.session import command_table as commands
from session_player.session.record import END_FADE_S
from session_player.session.vitals import check_specs
from session_player.ui.summary_model import due_text

REASON_NEEDED = "Write a reason for ending early: it goes into the journal."


def missed_checks_text(bridge) -> str:
    """The due checks not done, except discharge's own (it is due at the end, on the summary)."""
    discharge = {s.key for s in check_specs(bridge.playlist.clinical) if s.at == "discharge"}
    missed = [
        f"{due.label} ({due_text(due.due_from_dose_s)})"
        for due in bridge.state.due_vitals
        if due.key not in discharge
    ]
    if not missed:
        return ""
    return "Vital-sign checks not done: " + ", ".join(missed) + "."


class EndSessionDialog(QDialog):
    def __init__(self, bridge, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("end_dialog")
        self.setWindowTitle("End the session")
        self.setModal(True)
        self._bridge = bridge
        self._ending = False
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
        self.missed = QLabel(missed_checks_text(bridge))
        self.missed.setObjectName("end_missed_checks")
        self.missed.setProperty("role", "warning")
        self.missed.setWordWrap(True)
        self.missed.setVisible(bool(self.missed.text()))
        self.reason = QLineEdit()
        self.reason.setObjectName("end_reason")
        self.reason.setAccessibleName("Reason for ending early")
        self.reason.setPlaceholderText("Reason for ending early (required)")
        self.reason.setVisible(self.needs_reason)
        self.reason.textChanged.connect(self._hide_message)
        self.message = QLabel()
        self.message.setObjectName("end_message")
        self.message.setProperty("role", "warning")
        self.message.setWordWrap(True)
        self.message.hide()
        self.cancel = QPushButton("Keep going")
        self.cancel.setObjectName("end_cancel")
        self.cancel.clicked.connect(self.reject)
        self.confirm = QPushButton()
        self.confirm.setObjectName("end_confirm")
        self.confirm.setProperty("role", "danger")
        self.confirm.clicked.connect(self._end)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.confirm)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(self.explanation)
        layout.addWidget(self.missed)
        layout.addWidget(self.fade_note)
        layout.addWidget(self.reason)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)
        self._set_mode()

    def _set_mode(self) -> None:
        """The buttons' words and the default button for asking a reason, or not."""
        self.confirm.setText("End session early" if self.needs_reason else "End session")
        self.reason.setVisible(self.needs_reason)
        # See the module docstring: the default is what Enter does from the reason field.
        self.confirm.setDefault(self.needs_reason)
        self.cancel.setDefault(not self.needs_reason)
        if self.needs_reason:
            self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        # The keyboard belongs to the dialog as it opens (a window manager that does not give
        # it the focus would leave Enter and the typed reason on the console behind it).
        self.activateWindow()
        if self.needs_reason:
            self.reason.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def _hide_message(self, _text: str) -> None:
        if self.message.text() == REASON_NEEDED:
            self.message.hide()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _end(self) -> None:
        if self._ending:  # one end, however many presses reach the button
            return
        reason = self.reason.text().strip() or None
        if self.needs_reason and reason is None:
            self._say(REASON_NEEDED)
            self.reason.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._ending = True
        result = self._bridge.run(commands.END, reason)
        if result is None:
            # Refused (for example the minimum was not reached after all): ask for a reason.
            self._ending = False
            self.needs_reason = True
            self._set_mode()
            self._say(self._bridge.state.cannot_end_reason or "Not ended.")
            return
        self.accept()
