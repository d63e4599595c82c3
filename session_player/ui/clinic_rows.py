"""The settings dialog's rows for the clinic's records: clinic name, room, report paper, and
whether reports are archival (PDF/A-1b). Kept in ``clinic.json`` (``record.clinic_settings``,
Qt-free, so ``session-player report`` reads the same values); saved only when one changed,
and a failed save is said in the dialog, which then stays open."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
)

from session_player.record.clinic_settings import (
    MAX_TEXT_CHARS,
    load_clinic_settings,
    save_clinic_settings,
)

PAPER_CHOICES = (("A4", "a4"), ("Letter", "letter"))


class ClinicRows:
    def __init__(self, form: QFormLayout) -> None:
        self._settings = load_clinic_settings()
        self.name = QLineEdit(self._settings.clinic_name)
        self.name.setObjectName("settings_clinic_name")
        self.name.setAccessibleName("Clinic name, on every session report")
        self.name.setMaxLength(MAX_TEXT_CHARS)
        self.name.setPlaceholderText("On every report, e.g. Harbour Clinic")
        self.room = QLineEdit(self._settings.room)
        self.room.setObjectName("settings_room")
        self.room.setAccessibleName("Room, on every session report")
        self.room.setMaxLength(MAX_TEXT_CHARS)
        self.room.setPlaceholderText("e.g. Treatment room 2")
        self.paper = QComboBox()
        self.paper.setObjectName("settings_paper")
        self.paper.setAccessibleName("Paper size of session reports")
        for label, value in PAPER_CHOICES:
            self.paper.addItem(label, value)
        self.paper.setCurrentIndex(max(0, self.paper.findData(self._settings.paper)))
        # Short words: a long label made the dialog wider than a 1280×800 screen at 150 %.
        self.archival = QCheckBox("Archival PDF/A")
        self.archival.setToolTip("PDF/A-1b: the session's journal is then not attached")
        self.archival.setAccessibleName("Archival PDF/A-1b (the journal is then not attached)")
        self.archival.setObjectName("settings_archival")
        self.archival.setChecked(self._settings.archival)
        self.problem = QLabel(self._settings.problem or "")
        self.problem.setObjectName("settings_clinic_problem")
        self.problem.setProperty("role", "warning")
        self.problem.setWordWrap(True)
        # Two rows only: the dialog must stay within a small laptop screen.
        where = QHBoxLayout()
        where.addWidget(self.name, 3)
        where.addWidget(self.room, 2)
        paper = QHBoxLayout()
        paper.addWidget(self.paper)
        paper.addWidget(self.archival, 1)
        form.addRow("Clinic, room", where)
        form.addRow("Report paper", paper)
        form.addRow("", self.problem)
        form.setRowVisible(self.problem, bool(self._settings.problem))
        self._form = form

    def save(self) -> bool:
        """Write clinic.json if a value changed; False (and why, shown) if it failed."""
        try:
            updated = self._settings.with_values(
                clinic_name=self.name.text().strip(),
                room=self.room.text().strip(),
                paper=str(self.paper.currentData()),
                archival=self.archival.isChecked(),
            )
            if updated == self._settings:
                return True  # nothing changed: the file is left as it is
            save_clinic_settings(updated)
        except (OSError, ValueError) as exc:
            self.problem.setText(f"The clinic's settings were not saved: {exc}")
            self._form.setRowVisible(self.problem, True)
            return False
        self._settings = updated
        return True
