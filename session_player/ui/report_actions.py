"""The summary's "Save report…" and "Print…": the session report from the journal as it is now.

The report is read from the journal at the moment of the click (``record.read_session_record``),
so a discharge recorded a minute ago is in it. "Save report…" asks for a file with the
platform's save dialog (the name: date and alias, in the last folder used, else Documents)
and writes the PDF owner-only and atomically; "Print…" opens Qt's print dialog on the
clinic's paper. Either way the line under the buttons says what happened, a failure too
(never silently): a report nobody knows is missing is a record gap.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from session_player.record import RecordUnreadable, read_session_record
from session_player.record.clinic_settings import ClinicSettings, load_clinic_settings
from session_player.record.model import ClinicalRecord
from session_player.report.wording import default_report_name
from session_player.ui import theme


class ReportActions(QFrame):
    def __init__(self, bridge, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("report_actions")
        self._bridge = bridge
        self._last_folder: str | None = None
        heading = QLabel("Session report")
        heading.setProperty("role", "secondary")
        self.save_button = QPushButton("Save report…")
        self.save_button.setObjectName("save_report")
        self.save_button.setAutoDefault(True)  # Enter presses it when it has the focus
        self.save_button.clicked.connect(self._save)
        self.print_button = QPushButton("Print…")
        self.print_button.setObjectName("print_report")
        self.print_button.setAutoDefault(True)
        self.print_button.clicked.connect(self._print)
        self.status = QLabel("A PDF of the whole record, for the clinic's files.")
        self.status.setObjectName("report_status")
        self.status.setWordWrap(True)
        self.status.setProperty("role", "secondary")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addLayout(buttons)
        layout.addWidget(self.status)

    # --- reading ---------------------------------------------------------------------------

    def _say(self, text: str, role: str) -> None:
        self.status.setText(text)
        theme.set_role(self.status, role)

    def _read(self) -> tuple[ClinicalRecord, ClinicSettings] | None:
        settings = load_clinic_settings()
        path = self._bridge.timeline.journal_path
        if path is None:
            self._say("There is no journal for this session, so no report.", "warning")
            return None
        try:
            record = read_session_record(path, playlist=self._bridge.playlist, clinic=settings)
        except RecordUnreadable as exc:
            self._say(f"No report: {exc}.", "warning")
            return None
        return record, settings

    # --- save ------------------------------------------------------------------------------

    def _default_folder(self) -> str:
        if self._last_folder:
            return self._last_folder
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        return documents if documents and Path(documents).is_dir() else str(Path.home())

    def _save(self) -> None:
        read = self._read()
        if read is None:
            return
        record, settings = read
        suggested = str(Path(self._default_folder()) / default_report_name(record))
        name, _filter = QFileDialog.getSaveFileName(
            self, "Save the session report", suggested, "PDF documents (*.pdf)"
        )
        if not name:
            return  # cancelled: nothing to say
        if not name.lower().endswith(".pdf"):
            name += ".pdf"
        from session_player.report.pdf_report import ReportError, ReportOptions, write_report_pdf

        options = ReportOptions(paper=settings.paper, archival=settings.archival)
        try:
            layout = write_report_pdf(record, name, options)
        except ReportError as exc:
            self._say(f"The report was NOT saved: {exc}", "warning")
            return
        self._last_folder = str(Path(name).parent)
        pages = f"{layout.pages} page{'s' if layout.pages != 1 else ''}"
        extra = "journal attached" if layout.journal_attached else layout.pdf_version
        lacking = f"; {len(record.unread)} journal lines could not be read" if record.unread else ""
        self._say(f"✓ Report saved: {name} ({pages}, {extra}{lacking}).", "ok")

    # --- print -----------------------------------------------------------------------------

    def _print(self) -> None:
        read = self._read()
        if read is None:
            return
        record, settings = read
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from session_player.report.pdf_report import ReportError
        from session_player.report.print_report import prepare_printer, print_report

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        prepare_printer(printer, settings.paper)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the session report")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            painted = print_report(record, printer)
        except ReportError as exc:
            self._say(f"The report was NOT printed: {exc}", "warning")
            return
        where = printer.outputFileName() or printer.printerName() or "the printer"
        pages = f"{painted.pages} page{'s' if painted.pages != 1 else ''}"
        self._say(f"✓ Report sent to {where} ({pages}).", "ok")
