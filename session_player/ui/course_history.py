"""Every earlier session of one alias, newest first, each with its summary and its report.

The list on the left names each session (date, playlist, how it ended); the one selected is
summarised on the right from its journal (times, end reason, vital signs and side effects,
what the patient chose, the notes, any line that could not be read). "Save report…" writes
the session's PDF report (``session_player.report``) where the clinician chooses.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
)

from session_player.record.course import Course, PastSession
from session_player.ui.course_card import day_of, plural

REPORT_MODULE = "session_player.report.pdf_report"


def _clock(iso: str | None) -> str:
    try:
        return datetime.fromisoformat(iso or "").strftime("%H:%M")
    except ValueError:
        return "?"


def session_title(past: PastSession) -> str:
    """``2 Dec 2026 10:42 · IV infusion, 40 minutes · ended``"""
    state = "ended" if past.finished else "not ended"
    return (
        f"{day_of(past.started_wall)} {_clock(past.started_wall)} · {past.playlist_title} · {state}"
    )


def session_summary(past: PastSession, soundscape_names: dict[str, str]) -> str:
    """The summary of one session, in lines, as the history view shows it."""
    lines = [session_title(past)]
    times = f"Started {_clock(past.started_wall)}"
    if past.dose_wall:
        times += f", dose {_clock(past.dose_wall)}"
    if past.finished:
        times += f", ended {_clock(past.ended_wall)}"
        if past.end_reason:
            times += f" ({past.end_reason})"
    else:
        times += "; never ended (the app stopped during it)"
    lines.append(times)
    if past.start_notes:
        lines.append(f"Start notes: {past.start_notes}")
    lines.append(
        f"{plural(past.vitals_count, 'vital-sign reading')}; side effects: "
        + (", ".join(past.side_effects) if past.side_effects else "none")
    )
    chose = []
    if past.last_soundscape:
        chose.append(
            f"soundscape {soundscape_names.get(past.last_soundscape, past.last_soundscape)}"
        )
    if past.last_volume_db is not None:
        chose.append(f"volume {past.last_volume_db:g} dB")
    if chose:
        lines.append("Last chosen: " + ", ".join(chose))
    for note in past.notes:
        lines.append(f"Note: {note}")
    if past.unreadable_lines:
        lines.append(
            f"{plural(past.unreadable_lines, 'line')} of its journal could not be read "
            "(damaged); the rest is shown."
        )
    return "\n".join(lines)


def report_available() -> bool:
    return importlib.util.find_spec(REPORT_MODULE) is not None


def save_report(past: PastSession, path: str) -> str:
    """Write the session's PDF report to ``path`` as the summary's "Save report…" does (the
    clinic's paper and settings); returns what to tell the clinician."""
    from session_player.record.clinic_settings import load_clinic_settings
    from session_player.record.session_record import read_session_record

    pdf = importlib.import_module(REPORT_MODULE)
    settings = load_clinic_settings()
    record = read_session_record(past.journal_path, clinic=settings)
    options = pdf.ReportOptions(paper=settings.paper, archival=settings.archival)
    if not path.lower().endswith(".pdf"):
        path += ".pdf"
    layout = pdf.write_report_pdf(record, path, options)
    lacking = f"; {len(record.unread)} journal lines could not be read" if record.unread else ""
    return f"Report saved: {path} ({plural(layout.pages, 'page')}{lacking})."


class CourseHistory(QDialog):
    def __init__(
        self,
        course: Course,
        soundscape_names: dict[str, str],
        *,
        ask_path: Callable[[str], str] | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("course_history")
        self.setWindowTitle(f"Sessions of “{course.alias}”")
        self.course = course
        self._names = soundscape_names
        # Where to save a report: a file dialog, unless a caller (a test) answers instead.
        self.ask_path = ask_path or self._ask_with_dialog
        self.sessions = QListWidget(self)
        self.sessions.setObjectName("course_sessions")
        self.sessions.setAccessibleName("Earlier sessions, newest first")
        for past in course.sessions:
            self.sessions.addItem(session_title(past))
        self.details = QLabel(self)
        self.details.setObjectName("course_session_details")
        self.details.setWordWrap(True)
        self.details.setMinimumWidth(380)
        self.message = QLabel(self)
        self.message.setObjectName("course_report_message")
        self.message.setProperty("role", "secondary")
        self.message.setWordWrap(True)
        self.report_button = QPushButton("Save report…", self)
        self.report_button.setObjectName("course_save_report")
        self.report_button.clicked.connect(self._save_report)
        self.report_button.setVisible(report_available())
        close = QPushButton("Close", self)
        close.setObjectName("course_history_close")
        close.clicked.connect(self.accept)
        columns = QHBoxLayout()
        columns.addWidget(self.sessions, 1)
        columns.addWidget(self.details, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.report_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)
        self.sessions.currentRowChanged.connect(self._show)
        self.resize(900, 480)
        if course.sessions:
            self.sessions.setCurrentRow(0)
        self.sessions.setFocus()

    @property
    def selected(self) -> PastSession | None:
        row = self.sessions.currentRow()
        return self.course.sessions[row] if 0 <= row < len(self.course.sessions) else None

    def _show(self, _row: int) -> None:
        past = self.selected
        self.details.setText(session_summary(past, self._names) if past else "")
        self.message.clear()

    def _ask_with_dialog(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save the session report", suggested, "PDF (*.pdf)"
        )
        return path

    def _save_report(self) -> None:
        past = self.selected
        if past is None:
            return
        suggested = str(Path.home() / f"{past.folder.name}-report.pdf")
        path = self.ask_path(suggested)
        if not path:
            return
        try:
            self.message.setText(save_report(past, path))
        except Exception as exc:  # noqa: BLE001 - said here, never a traceback
            self.message.setText(f"The report could not be saved: {exc}")
