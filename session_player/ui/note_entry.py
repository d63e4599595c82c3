"""A free note for the journal, typed in one line and kept with its time."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget


class NoteEntry(QWidget):
    def __init__(self, bridge, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("note_entry")
        self._bridge = bridge
        self.field = QLineEdit()
        self.field.setObjectName("note_text")
        self.field.setAccessibleName("Note for the journal")
        self.field.setPlaceholderText("Note for the journal")
        self.field.returnPressed.connect(self.add_note)
        self.button = QPushButton("Add note  ⏎")
        self.button.setObjectName("note_add")
        self.button.clicked.connect(self.add_note)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.field, 1)
        row.addWidget(self.button)

    def add_note(self) -> None:
        text = self.field.text().strip()
        if text and self._bridge.run("add_note", text) is not None:
            self.field.clear()
