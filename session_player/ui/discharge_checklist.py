"""The playlist's discharge checklist: each item ticked by the clinician, then recorded.

Items are sentences ("An adult escort is here to take the patient home…"), so each row is a
check box with a wrapping label beside it (a QCheckBox's own text never wraps); clicking
the words ticks the box too. The completed list goes into the journal as one note.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout

from session_player.ui import theme


class DischargeChecklist(QFrame):
    recorded = Signal()

    def __init__(self, items: list[str], bridge, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("discharge_checklist")
        self.setProperty("role", "card")
        self._bridge = bridge
        heading = QLabel("Discharge checklist")
        heading.setProperty("role", "secondary")
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        self.checks: list[QCheckBox] = []
        self.texts: list[str] = list(items)
        for row, text in enumerate(items):
            box = QCheckBox()
            box.setObjectName(f"discharge_{row}")
            box.setAccessibleName(text)
            box.setStyleSheet("QCheckBox { background: transparent; }")
            box.toggled.connect(self._update)
            label = QLabel(text)
            label.setWordWrap(True)
            label.setBuddy(box)
            label.mousePressEvent = lambda _event, b=box: b.toggle()  # the words tick it too
            grid.addWidget(box, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(label, row, 1)
            self.checks.append(box)
        grid.setColumnStretch(1, 1)
        self.button = QPushButton("Record discharge")
        self.button.setObjectName("record_discharge")
        self.button.setProperty("role", "primary")
        self.button.clicked.connect(self._record)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(heading)
        if items:
            layout.addLayout(grid)
        else:
            layout.addWidget(QLabel("This playlist has no discharge checklist."))
        layout.addWidget(self.button)
        layout.addWidget(self.status)
        self._update()

    def _update(self) -> None:
        done = sum(box.isChecked() for box in self.checks)
        self.button.setEnabled(done == len(self.checks))
        if done < len(self.checks):
            self.status.setText(f"{done} of {len(self.checks)} ticked.")
            theme.set_role(self.status, "secondary")

    def _record(self) -> None:
        text = "Discharge checklist complete"
        if self.texts:
            text += ": " + "; ".join(self.texts)
        if self._bridge.run("add_note", text) is not None:
            self.status.setText("✓ Discharge recorded in the journal.")
            theme.set_role(self.status, "ok")
            self.button.setEnabled(False)
            for box in self.checks:
                box.setEnabled(False)
            self.recorded.emit()
