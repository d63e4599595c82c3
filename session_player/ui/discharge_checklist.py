"""The playlist's discharge checklist: each item ticked by the clinician, then recorded.

Items are sentences ("An adult escort is here to take the patient home…"), so each row is a
check box with a wrapping label beside it (a QCheckBox's own text never wraps); clicking
the words ticks the box too. The completed list goes into the journal as one note.

Discharge is recorded only once every item is ticked and the playlist's discharge vital-sign
check ("Before discharge") is recorded or skipped: a discharge in the journal says the
patient was fit to leave, and the readings are part of that. The line under the button
always says what is still needed, so a greyed button is never a mystery.

By keyboard: Tab reaches each box and the button; Space or Enter ticks a box, and Space or
Enter presses the button.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from session_player.session import command_table as commands
from session_player.session.vitals import check_specs
from session_player.ui import theme

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# Who recorded the discharge, in the note: "... (recorded by AB)" (record/session_record.py).
RECORDED_BY_PREFIX = "(recorded by "
MAX_INITIALS = 12


class ChecklistBox(QCheckBox):
    """A check box that Enter ticks too (a plain QCheckBox ignores it), one press one toggle."""

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() in ENTER_KEYS and not event.isAutoRepeat():
            self.click()  # as a mouse click: toggled and clicked, like Space
            event.accept()
            return
        super().keyPressEvent(event)


class DischargeChecklist(QFrame):
    recorded = Signal()

    def __init__(self, items: list[str], bridge, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("discharge_checklist")
        self.setProperty("role", "card")
        self._bridge = bridge
        self._recorded = False
        # The checks that belong to discharge itself; the others, if missed, are in the record.
        self._discharge_checks = {
            spec.key for spec in check_specs(bridge.playlist.clinical) if spec.at == "discharge"
        }
        heading = QLabel("Discharge checklist")
        heading.setProperty("role", "secondary")
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        self.checks: list[QCheckBox] = []
        self.texts: list[str] = list(items)
        for row, text in enumerate(items):
            box = ChecklistBox()
            box.setObjectName(f"discharge_{row}")
            box.setAccessibleName(text)
            # The box has no text of its own, so the focus shows on its square.
            box.setStyleSheet(
                "QCheckBox { background: transparent; }"
                f"QCheckBox::indicator:focus {{ border: 2px solid {theme.ACCENT}; }}"
            )
            box.toggled.connect(self._update)
            label = QLabel(text)
            label.setWordWrap(True)
            label.setBuddy(box)
            label.mousePressEvent = lambda _event, b=box: b.toggle()  # the words tick it too
            grid.addWidget(box, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(label, row, 1)
            self.checks.append(box)
        grid.setColumnStretch(1, 1)
        # Who records the discharge (initials, optional): the session report names them.
        self.by = QLineEdit()
        self.by.setObjectName("discharge_by")
        self.by.setAccessibleName("Recorded by: initials (optional)")
        self.by.setPlaceholderText("Recorded by: your initials (optional)")
        self.by.setMaxLength(MAX_INITIALS)
        self.button = QPushButton("Record discharge")
        self.button.setObjectName("record_discharge")
        self.button.setProperty("role", "primary")
        self.button.setAutoDefault(True)  # Enter presses it when it has the focus
        self.button.clicked.connect(self._record)
        self.status = QLabel()
        self.status.setObjectName("discharge_status")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(heading)
        if items:
            layout.addLayout(grid)
        else:
            layout.addWidget(QLabel("This playlist has no discharge checklist."))
        layout.addWidget(self.by)
        layout.addWidget(self.button)
        layout.addWidget(self.status)
        bridge.changed.connect(self._update)
        self._update()

    def open_discharge_checks(self) -> list[str]:
        """The labels of the discharge vital-sign checks still neither recorded nor skipped."""
        return [
            due.label for due in self._bridge.state.due_vitals if due.key in self._discharge_checks
        ]

    def _update(self, *_args) -> None:
        if self._recorded:
            return
        done = sum(box.isChecked() for box in self.checks)
        total = len(self.checks)
        open_checks = self.open_discharge_checks()
        parts = []
        if done < total:
            parts.append(f"{done} of {total} ticked.")
        elif total:
            parts.append(f"All {total} ticked.")
        if open_checks:
            parts.append(f"Record or skip the {' and '.join(open_checks)} vital signs first.")
        ready = done == total and not open_checks
        if ready:
            parts.append("Ready to record the discharge.")
        self.button.setEnabled(ready)
        self.status.setText(" ".join(parts))
        theme.set_role(self.status, "secondary")

    def _record(self) -> None:
        if self._recorded or not self.button.isEnabled():
            return
        text = "Discharge checklist complete"
        if self.texts:
            text += ": " + "; ".join(self.texts)
        initials = self.by.text().strip().replace("(", "").replace(")", "")
        if initials:
            text += f" {RECORDED_BY_PREFIX}{initials})"
        if self._bridge.run(commands.ADD_NOTE, text) is not None:
            self._recorded = True
            self.status.setText("✓ Discharge recorded in the journal.")
            theme.set_role(self.status, "ok")
            self.button.setEnabled(False)
            for box in self.checks:
                box.setEnabled(False)
            self.by.setEnabled(False)
            self.recorded.emit()
