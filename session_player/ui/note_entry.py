"""A free note for the journal, typed in one line and kept with its time.

While the field has the focus the console's single-key shortcuts type letters instead; the
line above the field says so. Adding the note (Enter, or the button) gives the keys back at
once; Escape leaves the field too, keeping what was typed there, with a word that it is not
in the journal yet (a note thrown away without a word would be a silent loss).
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from session_player.session import command_table as commands
from session_player.ui.typing_mode import TypingHint, leave_on_escape, release_focus

DRAFT_TEXT = "This note is not in the journal yet: click it and press Enter to add it."


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
        leave_on_escape(self.field)
        self.button = QPushButton("Add note  ⏎")
        self.button.setObjectName("note_add")
        self.button.clicked.connect(self.add_note)
        self.hint = TypingHint(idle_text=self._draft_text)
        self.field.textChanged.connect(self.hint.refresh)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.field, 1)
        row.addWidget(self.button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        # Above the field: a field scrolled into view at the bottom edge (by Tab or a click)
        # still shows the line about the keys.
        column.addWidget(self.hint)
        column.addLayout(row)

    def _draft_text(self) -> str:
        return DRAFT_TEXT if self.field.text().strip() else ""

    def add_note(self) -> None:
        text = self.field.text().strip()
        if text and self._bridge.run(commands.ADD_NOTE, text) is not None:
            self.field.clear()
            # Back to the console: the next E, C or N is a command again, not a letter.
            release_focus(self)
