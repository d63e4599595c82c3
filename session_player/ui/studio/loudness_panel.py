"""The studio's loudness report: a table of every file, a progress bar, Measure and Cancel.

Use::

    panel = LoudnessPanel(parent, cache=None, workers=None)
    panel.set_document(playlist, base_dir)   # lists the files; again after each change
    panel.measure()                          # what the Measure button does
    panel.finished.connect(on_report)        # a LoudnessReport, also after a cancel
    panel.stop()                             # before the studio closes: no ffmpeg left

``cache`` is a ``LoudnessCache`` (default: the user's cache, shared with the pre-flight),
``workers`` how many files are measured at once (default: one per core). ``playlist`` is a
``Playlist`` or ``Library`` model (``LoadResult.document``); ``base_dir`` is the playlist's
folder, against which paths are shown as the therapist wrote them.

The scan (``audio.loudness_scan``) runs on the panel's worker pool (``ui/worker.py``), never
on the GUI thread. Cancel kills the running ffmpeg processes at once; the files measured by
then are shown and kept in the cache, so Measure goes on from there. Both buttons are always
in place (only enabled or not), so nothing moves under the pointer when a scan starts or
ends. Selecting a row shows, below the table, what its flags mean and where the file is used.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from session_player.audio.loudness import LoudnessCache
from session_player.audio.loudness_report import LoudnessReport, build_report, file_uses
from session_player.audio.loudness_scan import ScanResult, scan_loudness
from session_player.ui import theme
from session_player.ui.studio.loudness_model import LoudnessTableModel, details_text
from session_player.ui.worker import TaskRunner

_PROGRESS_STEPS = 1000


class LoudnessPanel(QWidget):
    finished = Signal(object)  # LoudnessReport (``cancelled`` set when it was cancelled)
    failed = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        cache: LoudnessCache | None = None,
        workers: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loudness_panel")
        self._cache = cache
        self._workers = workers
        self._document = None
        self._base_dir: str | None = None
        self._stop: threading.Event | None = None
        self._runner = TaskRunner(self, max_threads=1)
        self.report: LoudnessReport | None = None

        title = QLabel("Loudness", self)
        title.setProperty("role", "heading")
        self.status = QLabel("Open a playlist to measure its audio.", self)
        self.status.setObjectName("loudness_status")
        self.status.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("loudness_progress")
        self.progress.setRange(0, _PROGRESS_STEPS)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Loudness measurement progress")
        self.measure_button = QPushButton("Measure", self)
        self.measure_button.setObjectName("loudness_measure")
        self.measure_button.setProperty("role", "primary")
        self.measure_button.setEnabled(False)
        self.measure_button.clicked.connect(self.measure)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("loudness_cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._cancel)

        self.model = LoudnessTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("loudness_table")
        self.table.setAccessibleName("Loudness of every audio file")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # A long path is cut at its start: the file's name is what a therapist looks for.
        self.table.setWordWrap(False)  # (with wrapping on, Qt cuts the end whatever the mode)
        self.table.setTextElideMode(Qt.TextElideMode.ElideLeft)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._show_details)
        self.details = QLabel("", self)
        self.details.setObjectName("loudness_details")
        self.details.setWordWrap(True)
        self.details.setProperty("role", "secondary")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.measure_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)

    # --- what the studio calls ---------------------------------------------------------

    def set_document(self, document, base_dir: str | Path | None, rows: list | None = None) -> None:
        """Show the playlist's files. Once measured, a changed playlist (an edit, a save
        outside the studio) is measured again at once: files in the cache cost nothing, so
        the report follows the edits; before that, the files wait for Measure.

        ``rows``: ``build_report(document, ScanResult()).rows``, when the caller built them
        off the GUI thread (the studio does: thousands of items take a while)."""
        measure_again = self.report is not None or self._stop is not None
        self.stop()
        self._document = document
        self._base_dir = str(base_dir) if base_dir is not None else None
        self.report = None
        if rows is None:
            rows = build_report(document, ScanResult()).rows
        self.model.set_rows(rows, self._base_dir)
        self.progress.setValue(0)
        self.status.setText(f"{len(rows)} audio files. Measure to see their loudness.")
        theme.set_role(self.status, None)
        self.details.setText("")
        self._set_running(False)
        if measure_again:
            self.measure()

    def measure(self) -> None:
        """Scan every file of the playlist off the GUI thread (cached files at once)."""
        if self._document is None or self._stop is not None:
            return
        document, cache, workers = self._document, self._cache, self._workers
        paths = list(file_uses(document))
        stop = threading.Event()
        self._stop = stop

        def work(report_progress, is_cancelled) -> LoudnessReport:
            scan = scan_loudness(
                paths,
                cache,
                progress=report_progress,
                is_cancelled=lambda: stop.is_set() or is_cancelled(),
                workers=workers,
            )
            return build_report(document, scan)

        self.progress.setValue(0)
        self.status.setText(f"Measuring {len(paths)} audio files…")
        theme.set_role(self.status, None)
        self._set_running(True)
        self._runner.start(
            work, on_done=self._done, on_failed=self._failed, on_progress=self._progress
        )

    def stop(self) -> None:
        """Stop a scan under way and drop its result (the studio is closing or reloading)."""
        if self._stop is not None:
            self._stop.set()
            self._runner.cancel_all()
            self._stop = None
        self._set_running(False)

    # --- internals ----------------------------------------------------------------------

    def _cancel(self) -> None:
        # The scan ends within milliseconds (its ffmpeg processes are killed) and returns
        # what was measured; the report arrives through _done like a finished one.
        if self._stop is not None:
            self._stop.set()
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling…")

    def _set_running(self, running: bool) -> None:
        self.measure_button.setEnabled(not running and self._document is not None)
        self.cancel_button.setEnabled(running)

    def _progress(self, fraction: float, path: str) -> None:
        self.progress.setValue(round(fraction * _PROGRESS_STEPS))
        if self._stop is not None and not self._stop.is_set():
            self.status.setText(f"Measuring… {Path(path).name}")

    def _done(self, report: LoudnessReport) -> None:
        self._stop = None
        self._set_running(False)
        self.report = report
        self.model.set_rows(report.rows, self._base_dir)
        flagged = len(report.flagged)
        if report.cancelled:
            measured = len(report.rows) - len(report.unmeasured)
            self.status.setText(
                f"Cancelled: {measured} of {len(report.rows)} files measured (kept; "
                f"Measure goes on from there). {flagged} flagged so far."
            )
        else:
            self.progress.setValue(_PROGRESS_STEPS)
            self.status.setText(
                f"{len(report.rows)} files measured, {flagged} flagged"
                + (": select a row to see why." if flagged else ".")
            )
        theme.set_role(self.status, "warning" if flagged else None)
        self.finished.emit(report)

    def _failed(self, message: str) -> None:
        self._stop = None
        self._set_running(False)
        self.status.setText(f"The measurement failed: {message}")
        theme.set_role(self.status, "warning")
        self.failed.emit(message)

    def _show_details(self, current, _previous) -> None:
        if not current.isValid():
            self.details.setText("")
            return
        shown_path = self.model.index(current.row(), 0).data()
        self.details.setText(details_text(self.model.row_at(current.row()), shown_path))

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.stop()
        super().closeEvent(event)
