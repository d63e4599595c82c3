"""The studio: a therapist's desk for one playlist. See it whole, hear it from anywhere, edit it.

The YAML file is the single source of truth. The window shows a ``PlaylistDocument``
(``session_player.studio.document``): every edit (a drop, a reorder, a duration, a cue) is
an edit object of ``session_player.studio.edits`` that rewrites only the lines it changes,
and is saved at once, atomically (a failed write leaves the file as it was, and says so;
the edit is undone in the window so what it shows is what is on disk). Ctrl+Z / Ctrl+Shift+Z
undo and redo, and save too. Edits made in another editor are picked up on save
(``QFileSystemWatcher``; an editor that saves by renaming a new file over the old one ends
the watch, so the path is watched again after every change).

Nothing slow runs on the GUI thread: opening (validation with every audio file probed), the
timeline's plan, the loudness analysis that listening needs, and the device list all run on
the window's worker pool (``ui/worker.py``), and the timeline paints only what is in view.

Read-only: a playlist a session uses (it has started and not ended) is shown but never
edited; so is a file the studio cannot round-trip (the document's ``read_only_reasons``).
The banner says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QFileSystemWatcher, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from session_player.audio.analysis import AnalysisCache, analyse_playlist
from session_player.audio.loudness import LoudnessCache
from session_player.audio.loudness_report import build_report
from session_player.audio.loudness_scan import ScanResult
from session_player.session.store import file_sha256
from session_player.ui import theme
from session_player.ui.problems_view import ProblemsView
from session_player.ui.studio.audition import Audition
from session_player.ui.studio.edit_panel import EditPanel
from session_player.ui.studio.in_use import session_using
from session_player.ui.studio.loudness_panel import LoudnessPanel
from session_player.ui.studio.session_map import DEFAULT_DOSE_AT_S, SessionMap, build_session_map
from session_player.ui.studio.timeline_drop import install_drop_target
from session_player.ui.studio.timeline_view import TimelinePanel, _signed_clock
from session_player.ui.worker import TaskRunner

SYSTEM_DEFAULT_OUTPUT = "System default output"
SETTLE_MS = 300  # an editor's save (write, rename) is over by then
PREPARE_AFTER_MS = 200  # the cursor or the mouse has come to rest
TITLE = "Session Player Studio"


class StudioWindow(QMainWindow):
    loaded = Signal()  # a document and its timeline are shown (after each open or refresh)
    analysed = Signal()  # the loudness analysis for listening is in
    _changed = Signal()  # the document changed (posted from the thread that changed it)

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        sessions_base_dir: str | Path | None = None,
        cache: AnalysisCache | None = None,
        audition: Audition | None = None,
        list_devices=None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("studio")
        self.setWindowTitle(TITLE)
        self._sessions_base_dir = sessions_base_dir
        self._cache = cache
        self._list_devices = list_devices
        self.document = None
        self.session_map: SessionMap | None = None
        self.analysis = None
        self.in_use: str | None = None
        self.path: Path | None = None
        self.shown_text: str | None = None
        self._pending_listen: float | None = None
        # Results of an older open, or an older rebuild of the same document, are dropped;
        # a rebuild never drops an open that is under way.
        self._generation = 0
        self._rebuild_generation = 0
        self.runner = TaskRunner(self, max_threads=2)
        self.audition = audition or Audition(self)
        self.audition.setParent(self)

        self._build()
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._file_changed)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._refresh_from_disk)
        # Where the cursor stands, or the mouse rests on the ruler, a mixer is positioned
        # ahead of time, so listening from there starts at once (see audition.py).
        self._prepare_at: float | None = None
        self._prepare_timer = QTimer(self)
        self._prepare_timer.setSingleShot(True)
        self._prepare_timer.setInterval(PREPARE_AFTER_MS)
        self._prepare_timer.timeout.connect(self._prepare)
        self._editing = False
        self._alone: str | None = None  # the file listened to alone, if that is what plays
        self._changed.connect(self._on_document_changed)
        self._connect()
        self._start_device_listing()
        if path is not None:
            self.open_file(path)

    # --- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget(self)
        central.setObjectName("studio_page")
        outer = QVBoxLayout(central)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(10)

        header = QHBoxLayout()
        self.title = QLabel("No playlist open", central)
        self.title.setObjectName("studio_title")
        self.title.setFont(theme.font(theme.CONSOLE_HEADING_PT, weight=QFont.Weight.DemiBold))
        header.addWidget(self.title, 1)
        self.open_button = QPushButton("Open…  Ctrl+O", central)
        header.addWidget(self.open_button)
        outer.addLayout(header)

        self.banner = QLabel(central)
        self.banner.setObjectName("studio_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            f"background: {theme.WARNING_BG}; color: {theme.TEXT}; padding: 8px;"
            f"border: 1px solid {theme.WARNING}; border-radius: 4px;"
        )
        self.banner.hide()
        outer.addWidget(self.banner)

        controls = QHBoxLayout()
        controls.setSpacing(10)
        self.listen_button = QPushButton("▶ Listen from cursor  Space", central)
        self.listen_button.setObjectName("listen")
        self.listen_button.setProperty("role", "primary")
        controls.addWidget(self.listen_button)
        self.listen_state = QLabel(central)
        self.listen_state.setObjectName("listen_state")
        self.listen_state.setProperty("role", "hint")
        controls.addWidget(self.listen_state)
        controls.addWidget(QLabel("Dose marked after", central))
        self.dose_at = QDoubleSpinBox(central)
        self.dose_at.setObjectName("dose_at")
        self.dose_at.setDecimals(1)
        self.dose_at.setRange(0.0, 120.0)
        self.dose_at.setSuffix(" min of settling")
        self.dose_at.setValue(DEFAULT_DOSE_AT_S / 60.0)
        self.dose_at.setKeyboardTracking(False)
        controls.addWidget(self.dose_at)
        controls.addWidget(QLabel("Output", central))
        self.device = QComboBox(central)
        self.device.setObjectName("device")
        self.device.addItem(SYSTEM_DEFAULT_OUTPUT)
        self.device.setMinimumContentsLength(18)
        controls.addWidget(self.device)
        controls.addStretch(1)
        self.cursor_label = QLabel("cursor +0:00", central)
        self.cursor_label.setObjectName("cursor_label")
        controls.addWidget(self.cursor_label)
        outer.addLayout(controls)

        self.timeline = TimelinePanel(central)
        self.canvas = self.timeline.canvas
        install_drop_target(self.canvas, self)
        outer.addWidget(self.timeline)

        self.hover_label = QLabel(" ", central)
        self.hover_label.setObjectName("hover_label")
        self.hover_label.setProperty("role", "hint")
        outer.addWidget(self.hover_label)

        lower = QSplitter(Qt.Orientation.Horizontal, central)
        problems_box = QGroupBox("Problems: click one to see its line", lower)
        problems_layout = QVBoxLayout(problems_box)
        self.problems = ProblemsView(problems_box)
        self.problems.setMinimumWidth(320)
        problems_layout.addWidget(self.problems)
        self.edit_panel = EditPanel(self, lower)
        lower.addWidget(problems_box)
        lower.addWidget(self.edit_panel)
        # The loudness report (issue 12, item 5): measured on request, off the GUI thread.
        # Its cache is the analysis cache's folder: a file measured here starts a session
        # without being measured again, and the other way round.
        cache_dir = self._cache.cache_dir if self._cache is not None else None
        self.loudness = LoudnessPanel(lower, cache=LoudnessCache(cache_dir))
        lower.addWidget(self.loudness)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        lower.setStretchFactor(2, 3)
        outer.addWidget(lower, 1)

        footer = QHBoxLayout()
        self.summary = QLabel(central)
        self.summary.setObjectName("studio_summary")
        footer.addWidget(self.summary)
        # What the last action did (an edit saved or refused, a drop, listening).
        self.status = QLabel("Open a playlist (Ctrl+O) or drop music on a phase.", central)
        self.status.setObjectName("studio_status")
        self.status.setWordWrap(True)
        footer.addWidget(self.status, 1)
        outer.addLayout(footer)
        self.setCentralWidget(central)
        self.resize(1280, 820)

        self.undo_action = QAction("Undo", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = QAction("Redo", self)
        self.redo_action.setShortcuts(
            [QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]
        )
        self.alone_action = QAction("Listen to the selected file alone", self)
        self.alone_action.setShortcut(QKeySequence("L"))
        self.open_action = QAction("Open", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        for action in (self.undo_action, self.redo_action, self.open_action, self.alone_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)

    def _connect(self) -> None:
        canvas = self.canvas
        canvas.listen_requested.connect(self.listen_from)
        canvas.toggle_listen.connect(self.toggle_listen)
        canvas.cursor_moved.connect(self._cursor_moved)
        canvas.hovered.connect(self._hovered)
        canvas.ruler_hovered.connect(self.prepare_listening_at)
        canvas.selection_changed.connect(self.edit_panel.show_span)
        canvas.remove_requested.connect(self.edit_panel.remove_span)
        canvas.move_requested.connect(self.edit_panel.move_span)
        self.listen_button.clicked.connect(self.toggle_listen)
        self.open_button.clicked.connect(self._choose_file)
        self.open_action.triggered.connect(self._choose_file)
        self.undo_action.triggered.connect(self.undo)
        self.alone_action.triggered.connect(self.listen_alone)
        self.redo_action.triggered.connect(self.redo)
        self.dose_at.valueChanged.connect(lambda _v: self._rebuild_map())
        self.device.currentTextChanged.connect(self._device_chosen)
        self.audition.started.connect(self._audition_started)
        self.audition.stopped.connect(self._audition_stopped)
        self.audition.position.connect(self._heard)
        self.audition.alert.connect(lambda message: self.status.setText(message))

    # --- opening and refreshing ------------------------------------------------------------
    @property
    def dose_at_s(self) -> float:
        return self.dose_at.value() * 60.0

    @property
    def read_only(self) -> bool:
        return self.in_use is not None or (self.document is not None and self.document.read_only)

    def _choose_file(self) -> None:
        start = str(self.path.parent) if self.path is not None else ""
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Open a playlist", start, "Playlists (*.yaml *.yml)"
        )
        if chosen:
            self.open_file(chosen)

    def open_file(self, path: str | Path) -> None:
        """Open (or reopen) a playlist; the work runs on the worker pool."""
        self.audition.stop()
        self.path = Path(path)
        self.title.setText(self.path.name)
        self.setWindowTitle(f"{self.path.name} — {TITLE}")
        self.status.setText(f"Opening {self.path.name}…")
        self._load(fresh=True)

    def check_in_use(self) -> None:
        """Look again whether a session uses the playlist (one was just started)."""
        if self.path is not None:
            self._load(fresh=False)

    def _load(self, *, fresh: bool) -> None:
        self._generation += 1
        generation = self._generation
        path, dose_at_s = self.path, self.dose_at_s
        sessions = self._sessions_base_dir

        def work(_progress, _cancelled):
            from session_player.studio.document import OpenFailed, PlaylistDocument

            in_use = session_using(path, sessions)
            try:
                document = PlaylistDocument.open(path)
            except OpenFailed as failed:
                return generation, None, in_use, None, failed.problems, fresh
            return generation, document, in_use, _views(document, dose_at_s), None, fresh

        self.runner.start(work, on_done=self._opened, on_failed=self._failed)

    def _opened(self, outcome) -> None:
        generation, document, in_use, views, open_problems, fresh = outcome
        if generation != self._generation:
            return
        self.in_use = in_use
        if document is None:
            self.document = None
            self._show_map(None)
            self.problems.set_problems(str(self.path), open_problems or [])
            self._set_banner(
                f"{self.path.name} cannot be opened: "
                + (open_problems[0].message if open_problems else "unreadable")
            )
            self.status.setText("Nothing was written.")
            self._watch()
            self.loaded.emit()
            return
        if self.document is not None:
            self.document.remove_listener(self._document_changed)
        self.document = document
        document.add_listener(self._document_changed)
        self._show_document(views)
        self.status.setText("" if fresh else "Checked again after a save outside the studio.")
        self._watch()
        self._start_analysis()

    def _failed(self, message: str) -> None:
        self.status.setText(f"Could not open {self.path.name if self.path else 'it'}: {message}")

    def _show_document(self, views: _Views, text: str | None = None) -> None:
        document = self.document
        # The text the timeline and the problem list now show (tests wait for it).
        self.shown_text = text if text is not None else (document.text if document else None)
        reasons = [] if document is None else document.read_only_reasons
        if self.in_use is not None:
            self._set_banner(self.in_use)
        elif reasons:
            self._set_banner(
                f"Opened read-only: {reasons[0].message} "
                f"(line {reasons[0].position.line}). Nothing will be written over it."
            )
        else:
            self._set_banner(None)
        self.problems.set_problems(str(self.path), document.problems if document else [])
        if document is not None and document.playlist is not None:
            self.loudness.set_document(document.playlist, self.path.parent, views.loudness_rows)
        self._show_map(views.session_map)
        self.edit_panel.set_editable(not self.read_only)
        self._update_undo()
        count = len(document.problems) if document else 0
        errors = len([p for p in document.problems if p.is_error]) if document else 0
        if count == 0:
            self.summary.setText(f"{self.path.name}: no problems.")
        else:
            self.summary.setText(
                f"{self.path.name}: {errors} error{'s' if errors != 1 else ''}, "
                f"{count - errors} warning{'s' if count - errors != 1 else ''} "
                "(click one to see its line)."
            )
        self.loaded.emit()

    def _show_map(self, session_map: SessionMap | None) -> None:
        self.session_map = session_map
        self.canvas.set_map(session_map)
        # A new session (an edit, a new dose time): a mixer prepared on the old one is stale.
        self.prepare_listening_at(self.canvas.cursor_s)

    def _set_banner(self, text: str | None) -> None:
        self.banner.setVisible(bool(text))
        self.banner.setText(text or "")

    def _rebuild_map(self) -> None:
        """The timeline of the document as it is now (after an edit or a new dose time)."""
        document = self.document
        if document is None:
            return
        self._rebuild_generation += 1
        generation = self._rebuild_generation
        dose_at_s, analysis = self.dose_at_s, self.analysis
        text = document.text

        def work(_progress, _cancelled):
            return generation, _views(document, dose_at_s, analysis)

        def done(outcome) -> None:
            if outcome[0] == self._rebuild_generation and document is self.document:
                self._show_document(outcome[1], text)

        self.runner.start(work, on_done=done, on_failed=self._failed)

    def _document_changed(self, _document) -> None:
        # Called on the thread that changed the document (an edit runs on the worker pool).
        self._changed.emit()

    def _on_document_changed(self) -> None:
        self._update_undo()
        self._rebuild_map()

    # --- file watching ---------------------------------------------------------------------
    def _watched_paths(self) -> list[str]:
        paths = {str(self.path)} if self.path is not None else set()
        if self.document is not None:
            paths |= {p for p in self.document.result.inputs if Path(p).exists()}
        return sorted(paths)

    def _watch(self) -> None:
        # Removed and added again every time: after a save by rename Qt may still list the
        # path while its watch is on the old file, which no longer changes.
        current = self._watcher.files()
        if current:
            self._watcher.removePaths(current)
        wanted = [p for p in self._watched_paths() if Path(p).exists()]
        if wanted:
            self._watcher.addPaths(wanted)

    def _file_changed(self, _path: str) -> None:
        self._settle.start()

    def _refresh_from_disk(self) -> None:
        # An editor that saved by rename ended the watch of the old file: watch it again.
        self._watch()
        if (
            self.document is not None
            and not self._included_changed()
            and (not self.document.changed_on_disk())
        ):
            return  # our own save, or a write that changed nothing
        self.status.setText(f"{self.path.name} changed on disk: checking it again…")
        self._load(fresh=False)

    def _included_changed(self) -> bool:
        """Whether a file the playlist includes (a library) differs from when it was read."""
        if self.document is None:
            return False
        for source, digest in self.document.result.inputs.items():
            if Path(source).resolve() == self.path.resolve():
                continue
            try:
                now = file_sha256(source)
            except OSError:
                now = None
            if now != digest:
                return True
        return False

    # --- editing ---------------------------------------------------------------------------
    # An edit is validated like ``session-player validate`` (1-2 s on the 5,000-item
    # playlist, docs/studio.md) and saved with an fsync: both run on the worker pool, one
    # edit at a time; the document's listener only posts a signal to this thread.
    def apply_edit(self, edit, *, also: str = "") -> None:
        """Make an edit and save it; what happened (or why not) is shown in the status."""
        self._run_edit(lambda document: _apply_and_save(document, edit), also)

    def apply_dropped(self, target: str, index: int | None, paths: list[str]) -> None:
        """Files or folders dropped on a phase: each checked (it must decode as audio),
        the good ones added in one edit, the others named as refused."""
        self._run_edit(lambda document: _drop_and_save(document, target, index, paths))

    def undo(self) -> None:
        self._run_edit(lambda document: _undo_and_save(document, redo=False))

    def redo(self) -> None:
        self._run_edit(lambda document: _undo_and_save(document, redo=True))

    @property
    def editing(self) -> bool:
        """An edit is being validated and saved."""
        return self._editing

    def _run_edit(self, operation, also: str = "") -> None:
        document = self.document
        if document is None:
            return
        if self.in_use is not None:
            self.status.setText(self.in_use)
            return
        if document.read_only:
            self.status.setText(
                f"{self.path.name} is open read-only: {document.read_only_reasons[0].message}"
            )
            return
        if self._editing:
            self.status.setText("Still saving the last edit; try again in a moment.")
            return
        self._editing = True

        def work(_progress, _cancelled):
            return operation(document)

        def done(message: str) -> None:
            self._editing = False
            self.status.setText(f"{message} {also}".strip())

        def failed(message: str) -> None:
            self._editing = False
            self.status.setText(f"Not done: {message}")

        self.runner.start(work, on_done=done, on_failed=failed)

    def _update_undo(self) -> None:
        document = self.document
        editable = document is not None and not self.read_only
        self.undo_action.setEnabled(editable and document.can_undo)
        self.redo_action.setEnabled(editable and document.can_redo)

    # --- listening -------------------------------------------------------------------------
    def _start_analysis(self) -> None:
        document = self.document
        playlist = document.playlist if document is not None else None
        if playlist is None:
            self.analysis = None
            return
        cache = self._cache
        generation = self._generation

        def work(progress, _cancelled):
            return generation, analyse_playlist(playlist, cache, progress)

        def done(outcome) -> None:
            if document is not self.document:
                return
            self.analysis = outcome[1].files
            failed = len(outcome[1].failures)
            self.listen_state.setText(f"{failed} file(s) cannot be measured" if failed else "")
            self.analysed.emit()
            self._rebuild_map()  # the exact lengths and each file's loudness
            self.prepare_listening_at(self.canvas.cursor_s)
            if self._pending_listen is not None:
                at, self._pending_listen = self._pending_listen, None
                self.listen_from(at)

        def progress(fraction: float, _what: str) -> None:
            if self.analysis is None:
                self.listen_state.setText(f"measuring loudness… {fraction:.0%}")

        self.analysis = None
        self.runner.start(work, on_done=done, on_progress=progress, on_failed=self._failed)

    def listen_from(self, dose_clock_s: float) -> None:
        """Hear the session from this dose-clock time, as the patient would."""
        session_map = self.session_map
        document = self.document
        if session_map is None or document is None or document.playlist is None:
            self.status.setText("This playlist has errors: fix them to listen to it.")
            return
        self.canvas.set_cursor(dose_clock_s, follow=False)
        if self.analysis is None or session_map.session is None:
            self._pending_listen = self.canvas.cursor_s
            self.status.setText("Listening starts as soon as the loudness is measured…")
            return
        self._alone = None
        self.audition.play(
            document.playlist,
            session_map.session,
            self.analysis,
            session_map.dose_at_s,
            self.canvas.cursor_s,
        )

    def listen_alone(self) -> None:
        """The selected item's file alone, levelled as the session levels it (L)."""
        from session_player.engine.audition_source import solo_playlist
        from session_player.engine.scripted_session import run_script

        span, document = self.canvas.selected, self.document
        if span is None or span.file is None or document is None or document.playlist is None:
            self.status.setText("Select a music item, a voice cue or a bell to hear it alone.")
            return
        if self.analysis is None or span.file not in self.analysis:
            self.status.setText("Listening starts once the loudness is measured; try again.")
            return
        length_s = self.analysis[span.file].duration_s
        solo = solo_playlist(document.playlist, span.file, span.own_gain_db, length_s)
        settling_s = length_s + 5.0  # the file plays once in settling, then silence
        session = run_script(solo, (), settling_s)
        self._alone = Path(span.file).name
        self.audition.play(solo, session, self.analysis, settling_s, -settling_s)

    def toggle_listen(self) -> None:
        if self.audition.playing or self._pending_listen is not None:
            self._pending_listen = None
            self.audition.stop()
        else:
            self.listen_from(self.canvas.cursor_s)

    def prepare_listening_at(self, time_s: float) -> None:
        """Soon (once it rests there), position a mixer at this dose-clock time."""
        self._prepare_at = time_s
        self._prepare_timer.start()

    def _prepare(self) -> None:
        session_map, document = self.session_map, self.document
        if (
            self._prepare_at is None
            or self.analysis is None
            or session_map is None
            or session_map.session is None
            or document is None
            or document.playlist is None
            or self.audition.playing
        ):
            return
        self.audition.prepare(
            document.playlist,
            session_map.session,
            self.analysis,
            session_map.dose_at_s,
            self._prepare_at,
        )

    def _cursor_moved(self, time_s: float) -> None:
        self.cursor_label.setText(f"cursor {_signed_clock(time_s)}")
        self.prepare_listening_at(time_s)
        # While listening, the sound follows a jump of the cursor (keys, clicks).
        if self.audition.playing and abs(time_s - (self.audition.heard_dose_s() or time_s)) > 1.0:
            self.listen_from(time_s)

    def _audition_started(self, from_s: float) -> None:
        self.listen_button.setText("■ Stop  Space")
        if self._alone is not None:
            self.status.setText(f"Listening to {self._alone} alone (Space stops).")
        else:
            self.status.setText(f"Listening from {_signed_clock(from_s)} on the dose clock.")

    def _heard(self, time_s: float) -> None:
        if self._alone is None:  # a file alone has no place on the session's timeline
            self.canvas.set_playhead(time_s)

    def _audition_stopped(self) -> None:
        self.listen_button.setText("▶ Listen from cursor  Space")
        self.canvas.set_playhead(None)
        self.prepare_listening_at(self.canvas.cursor_s)

    def _device_chosen(self, name: str) -> None:
        self.audition.device_name = None if name == SYSTEM_DEFAULT_OUTPUT else name

    def _start_device_listing(self) -> None:
        lister = self._list_devices
        if lister is None:
            from session_player.engine.audition import list_audition_devices

            lister = list_audition_devices

        def work(_progress, _cancelled):
            return list(lister())

        def done(names) -> None:
            for name in names:
                if self.device.findText(name) < 0:
                    self.device.addItem(name)

        self.runner.start(work, on_done=done, on_failed=lambda _message: None)

    def _hovered(self, span) -> None:
        if span is None:
            self.hover_label.setText(" ")
            return
        text = f"{span.label} — {span.detail}" if span.detail else span.label
        if span.problems:
            text += f" — {span.problems[0].message}"
        self.hover_label.setText(text)

    # --- closing ---------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        self.loudness.stop()  # no ffmpeg of the loudness scan goes on after the window
        self._prepare_timer.stop()
        self.audition.close()
        self.runner.cancel_all()
        self.runner.wait(5000)


class _Views(NamedTuple):
    """What the window shows of one version of the document, built on a worker: on the
    5,000-item playlist the loudness panel's rows alone took 10-20 ms of the GUI thread."""

    session_map: SessionMap
    loudness_rows: list | None  # None: the document has no playlist (read-only, invalid)


def _views(document, dose_at_s: float, analysis=None) -> _Views:
    session_map = build_session_map(document.result, dose_at_s=dose_at_s, analysis=analysis)
    playlist = document.playlist
    rows = None if playlist is None else build_report(playlist, ScanResult()).rows
    return _Views(session_map, rows)


def _apply_and_save(document, edit) -> str:
    """On a worker: apply, then save; a failed save is undone so the window shows what is
    on disk, which is whole and unchanged."""
    from session_player.studio.document import EditRefused, SaveFailed

    try:
        document.apply(edit)
    except EditRefused as refused:
        return f"{edit.label}: {refused}"
    try:
        document.save()
    except SaveFailed as failed:
        document.undo()
        return f"Not saved: {failed}. The file on disk is unchanged."
    return f"{edit.label}: saved."


def _drop_and_save(document, target: str, index: int | None, paths: list[str]) -> str:
    from session_player.studio.edits import AddMusic, check_music_drop

    check = check_music_drop(paths)  # probes every file: on the worker too
    refused = check.messages()
    shown = "; ".join(refused[:3]) + (f"; and {len(refused) - 3} more" if len(refused) > 3 else "")
    if not check.files:
        return shown or "Nothing to add."
    message = _apply_and_save(document, AddMusic(target, [str(f) for f in check.files], index))
    return f"{message} {shown}".strip()


def _undo_and_save(document, *, redo: bool) -> str:
    from session_player.studio.document import EditRefused, SaveFailed

    label = document.redo_label if redo else document.undo_label
    try:
        (document.redo if redo else document.undo)()
    except EditRefused as refused:
        return str(refused).capitalize() + "."
    try:
        document.save()
    except SaveFailed as failed:
        (document.undo if redo else document.redo)()
        return f"Not saved: {failed}. The file on disk is unchanged."
    return f"{'Redone' if redo else 'Undone'}: {label}."
