"""The first screen: choose a playlist, name the patient by an alias, pick the output.

Recent playlists come first (remembered), then the bundled ones; "Open…" finds any other.
The chosen file is validated on worker threads (its structure first, shown at once, then
every audio file decoded, which takes a moment) and its problems are listed with line and
column; a playlist with errors cannot go on, and the button says why. Nothing personal is
asked: an alias, and optional notes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from session_player.launch.start_check import (
    PlaylistCheck,
    check_fully,
    check_structure,
    validate_structure,
)
from session_player.ui import qt_values, theme
from session_player.ui.playlist_delegate import SUBTITLE_ROLE, PlaylistDelegate
from session_player.ui.playlist_details import PlaylistDetails
from session_player.ui.playlist_watch import PlaylistWatch
from session_player.ui.problems_view import ProblemsView
from session_player.ui.rehearsal_start import RehearsalStart
from session_player.ui.settings import AppSettings
from session_player.ui.worker import TaskRunner

if TYPE_CHECKING:
    from session_player.engine.ports import EnginePort
    from session_player.launch.start_check import ValidationCache
    from session_player.playlist.loader import LoadResult
    from session_player.ui.launch_results import LaunchResults

PATH_ROLE = qt_values.USER_ROLE  # the values, not Qt's enums: see ui/qt_values.py
COURSE_LOOKUP_DELAY_MS = 300  # after the last key of the alias: not a lookup per letter
_TITLE = re.compile(r"^title:\s*(.+?)\s*$", re.MULTILINE)
_LIBRARY = re.compile(r"^kind:\s*library\s*$", re.MULTILINE)


class StartChoice(NamedTuple):
    """What the start screen hands to the pre-flight."""

    playlist_path: str
    load_result: LoadResult
    alias: str
    dose_note: str
    notes: str
    device: str
    # What the patient's course brings to this session (``record.course_playlist``): the
    # team's preferences, and last time's soundscape and volume if the clinician took them.
    course: object = None  # CourseChoice | None


def playlist_title(path: Path) -> str | None:
    """The title line of a playlist, read cheaply; None for libraries and unreadable files."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")[:20_000]
    except OSError:
        return None
    if _LIBRARY.search(text):
        return None
    match = _TITLE.search(text)
    return match.group(1).strip("'\"") if match else path.stem


def _check(
    path: str, *, check_audio: bool, cache: ValidationCache | None = None, fresh: bool = False
) -> PlaylistCheck:
    """One step of the check, on a worker thread (``session_player.launch.start_check``).

    The structure step answers from ``cache`` when it can (``fresh`` validates anyway): the
    playlist model (pydantic) takes longer to import than the rest of the start together.
    """
    if check_audio:
        return check_fully(path)
    if fresh:
        return validate_structure(path, cache)
    return check_structure(path, cache)


def card(parent: QWidget | None = None) -> QFrame:
    frame = QFrame(parent)
    frame.setProperty("role", "card")
    return frame


def _button(text: str, parent: QWidget) -> QPushButton:
    # Not QPushButton(text, parent): choosing among its overloads builds QIcon's enums (3 ms).
    button = QPushButton(parent)
    button.setText(text)
    return button


def first_choice(
    settings: AppSettings, demo_playlist: Path, prefer: str | Path | None = None
) -> str:
    """The playlist the start screen selects first, as it names it (see reload_playlists):
    the one named on the command line, else the most recent, else the demo."""
    if prefer is not None:
        return str(Path(prefer).resolve())
    recent = [p for p in settings.recent_playlists if Path(p).is_file()]
    return str(Path(recent[0] if recent else demo_playlist).resolve())


class StartScreen(QWidget):
    """Emits ``chosen(StartChoice)`` when the clinician continues to the pre-flight."""

    page_title = "Start"  # the window's title while it shows (MainWindow)
    chosen = Signal(object)
    # (StartChoice, speed): a rehearsal on a fast clock, straight to the console (no pre-flight)
    rehearsal_chosen = Signal(object, float)
    # The PlaylistCheck each time the chosen file's check moves on: its structure first
    # (shown at once), then the full check with every audio file decoded (``checking_audio``).
    validated = Signal(object)
    settings_requested = Signal()
    devices_listed = Signal()  # the output devices are in the list (listed on a worker)
    checked = Signal()  # a step of the check, or its failure, is on the screen
    studio_requested = Signal(object)  # the selected playlist's path (or None): open the studio

    def __init__(
        self,
        port: EnginePort,
        settings: AppSettings,
        *,
        bundled_folder: Path,
        demo_playlist: Path,
        serial_runner: TaskRunner | None = None,
        initial_playlist: str | Path | None = None,
        validation_cache: ValidationCache | None = None,
        hold_follow_up: bool = False,
        launch_results: LaunchResults | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("start_screen")
        # At launch: the first structure check and device list come from the start helper
        # process when it can answer them (see session_player.app.start_helper).
        self._launch_results = launch_results
        self._validation_cache = validation_cache
        # At launch the main window holds back the check's follow-up (see release_follow_up).
        self._follow_up_held = hold_follow_up
        self._held_follow_up: tuple[str, PlaylistCheck] | None = None
        self._port = port
        self._settings = settings
        self._bundled_folder = Path(bundled_folder)
        self._demo = Path(demo_playlist)
        # One thread for everything that imports modules (the structure check, the device
        # list; the main window queues its own startup work here too): pydantic's lazily
        # imported attributes and PySide's import hook do not survive two threads importing
        # them at once (an ImportError from a partially initialised module). The audio check
        # imports nothing new and has its own thread, so a long one never delays the next
        # playlist's structure.
        self.serial_runner = serial_runner if serial_runner is not None else TaskRunner(self, 1)
        self._audio_runner = TaskRunner(self, max_threads=1)
        self._devices_task = None
        self._devices_round = 0
        self._devices_listed = False
        self._tasks: list = []
        self._result: PlaylistCheck | None = None
        self._check_failed = False
        self._audio_checked = False
        self._checking_path: str | None = None
        self._rehearse_when_ready = False  # --rehearsal: start one once the playlist is checked
        self._relisting: str | None = None  # the selection kept while the list is rebuilt
        # "folder", "files": changes seen while the screen was hidden, checked when shown
        # (a check decodes every audio file: never during a session, beside its sound).
        self._disk_changed_while_hidden: set[str] = set()
        # The patient's course (ui/course_card.py): looked up a moment after the alias is
        # typed, in the data folder the engine port keeps the journals in (``_records_dir``).
        self.course_card = None  # built when an alias is first typed
        self.alias_completion = None  # likewise: earlier patients' aliases, as a popup
        # Last time's notes put in the Notes field, and for which alias: taken out again if
        # the alias changes or Undo is pressed (never another patient's notes by mistake).
        self._filled_notes: tuple[str, str] | None = None
        self._course_timer = QTimer(self)
        self._course_timer.setSingleShot(True)
        self._course_timer.setInterval(COURSE_LOOKUP_DELAY_MS)
        self._course_timer.timeout.connect(self._look_up_course)
        self._build()
        # A playlist added to the folder is listed, and one fixed in an editor is checked
        # again, without a restart or a second click (ui/playlist_watch.py).
        self.watch = PlaylistWatch(self._bundled_folder, self)
        self.watch.folder_changed.connect(self._on_playlist_folder_changed)
        self.watch.files_changed.connect(self._on_playlist_files_changed)
        self.reload_playlists(prefer=initial_playlist)

    # --- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        # Every widget is made with its final parent: with the app's stylesheet, moving a
        # polished widget to a new parent re-polishes it and all it holds (about a third of
        # the start screen's build time when it was made loose and put in place after).
        left_card = card(self)
        # The patient's fields and "About this session" scroll together when the window is
        # too short for both (a laptop screen): squeezed, the wrapped rows of the details
        # would overlap instead. The column goes into the scroll area while still empty.
        self.right_scroll = QScrollArea(self)
        self.right_scroll.setObjectName("start_right_scroll")
        right = QWidget()
        right.setObjectName("start_right_column")
        self.right_scroll.setWidget(right)
        self.right_scroll.setWidgetResizable(True)
        self.right_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.right_scroll.setProperty("horizontalScrollBarPolicy", qt_values.SCROLL_BAR_ALWAYS_OFF)
        right_card = card(right)
        heading = QLabel("Session Player", self)
        heading.setProperty("role", "heading")
        subtitle = QLabel("Choose the session, then check the room before the dose.", self)
        subtitle.setProperty("role", "secondary")
        self.settings_button = _button("Settings…", self)
        self.settings_button.setObjectName("open_settings")
        self.settings_button.setProperty("role", "quiet")
        self.settings_button.clicked.connect(self.settings_requested.emit)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.settings_button)

        self.playlists = QListWidget(left_card)
        self.playlists.setObjectName("playlist_list")
        self.playlists.setAccessibleName("Playlists, recent first")
        self.playlists.setItemDelegate(PlaylistDelegate(self.playlists))
        self.playlists.setMouseTracking(True)  # hover highlight
        self.playlists.currentItemChanged.connect(self._on_playlist_selected)
        self.open_button = _button("Open…", left_card)
        self.open_button.setObjectName("open_playlist")
        # Through the property, as text: setShortcut() builds Qt's enums, and QKeySequence's
        # own cost 1 ms at launch (see ui/qt_values.py). Qt reads "Ctrl" as ⌘ on a Mac.
        self.open_button.setProperty("shortcut", "Ctrl+O")
        self.open_button.setToolTip("Open a playlist file (Ctrl+O)")
        self.open_button.clicked.connect(self._open_file)
        self.status = QLabel(left_card)
        self.status.setObjectName("playlist_status")
        self.status.setWordWrap(True)
        self.problems = ProblemsView(left_card)
        self.problems.hide()

        left = QVBoxLayout(left_card)
        left.setContentsMargins(18, 16, 18, 16)
        label = QLabel("Playlist", left_card)
        label.setProperty("role", "secondary")
        left.addWidget(label)
        left.addWidget(self.playlists, 2)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addStretch(1)
        left.addLayout(row)
        left.addWidget(self.status)
        left.addWidget(self.problems, 3)

        self.alias = QLineEdit(right_card)
        self.alias.setObjectName("patient_alias")
        self.alias.setAccessibleName("Patient alias")
        self.alias.setPlaceholderText("An alias, not a real name (e.g. Blue Heron)")
        self.alias.setMaxLength(40)
        self.alias.textChanged.connect(self._update_start)
        self.alias.textChanged.connect(self._alias_changed)
        alias_hint = QLabel("Required. Only this alias is stored: no name, no ID.", right_card)
        alias_hint.setProperty("role", "hint")
        alias_hint.setWordWrap(True)
        self.dose = QLineEdit(right_card)
        self.dose.setObjectName("dose_note")
        self.dose.setAccessibleName("Route and dose (optional)")
        self.dose.setPlaceholderText("Optional, e.g. IV 0.5 mg/kg over 40 min")
        self.notes = QLineEdit(right_card)
        self.notes.setObjectName("session_notes")
        self.notes.setAccessibleName("Notes (optional)")
        self.notes.setPlaceholderText("Optional")
        self.device = QComboBox(right_card)
        self.device.setObjectName("output_device")
        self.device.setAccessibleName("Output device (the patient's headphones)")
        self.device.currentTextChanged.connect(self._on_device_changed)

        form = QFormLayout(right_card)
        form.setContentsMargins(18, 16, 18, 16)
        form.setVerticalSpacing(10)
        form.setProperty("labelAlignment", qt_values.ALIGN_RIGHT | qt_values.ALIGN_VCENTER)
        form.addRow("Patient", self.alias)
        form.addRow("", alias_hint)
        form.addRow("Route, dose", self.dose)
        form.addRow("Notes", self.notes)
        form.addRow("Headphones", self.device)

        self.reason = QLabel(self)
        self.reason.setObjectName("start_reason")
        self.reason.setProperty("role", "secondary")
        self.reason.setProperty("alignment", qt_values.ALIGN_RIGHT | qt_values.ALIGN_VCENTER)
        self.reason.setWordWrap(True)
        self.start_button = _button("Continue to pre-flight  ⏎", self)
        self.start_button.setObjectName("start_button")
        self.start_button.setProperty("role", "primary")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self._continue)
        # Enter in any field continues, as the button's ⏎ says.
        for field in (self.alias, self.dose, self.notes):
            field.returnPressed.connect(self._continue)

        columns = QHBoxLayout()
        columns.setSpacing(20)
        columns.addWidget(left_card, 1)
        self.details = PlaylistDetails(right)
        self.details.hide()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.setSpacing(14)
        right_column.addWidget(right_card)
        self._right_column = right_column  # the course card goes under the patient's fields
        right_column.addWidget(self.details)
        right_column.addStretch(1)
        columns.addWidget(self.right_scroll, 1)

        self.rehearsal = RehearsalStart(self)
        self.rehearsal.requested.connect(self._rehearse)
        # The rehearsal on a line of its own, above the reason and the main button: on one
        # line the three made the start screen wider than a 1280×800 screen at 150 %.
        rehearsal_row = QHBoxLayout()
        rehearsal_row.addWidget(self.rehearsal)
        rehearsal_row.addStretch(1)
        # The therapist's studio, in a window of its own (session_player/ui/studio/).
        self.studio_button = _button("Studio (author playlists)", self)
        self.studio_button.setObjectName("studio_button")
        self.studio_button.setAutoDefault(False)
        self.studio_button.clicked.connect(self._request_studio)
        rehearsal_row.addWidget(self.studio_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.reason, 1)
        bottom.addWidget(self.start_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(14)
        layout.addLayout(top)
        layout.addWidget(subtitle)
        layout.addLayout(columns, 1)
        layout.addLayout(rehearsal_row)
        layout.addLayout(bottom)
        self.setTabOrder(self.playlists, self.open_button)
        self.setTabOrder(self.open_button, self.alias)
        self.setTabOrder(self.alias, self.dose)
        self.setTabOrder(self.dose, self.notes)
        self.setTabOrder(self.notes, self.device)
        self.setTabOrder(self.device, self.start_button)

    # --- playlists --------------------------------------------------------------------------

    def focus_first_field(self) -> None:
        """The alias is the one thing always typed here: start there (each time the screen
        is shown; the main window calls this, rather than a showEvent override here, whose
        event would cost QEvent's Python type, 2 ms, at launch)."""
        self.alias.setFocus()
        self._catch_up_with_disk()

    def _catch_up_with_disk(self) -> None:
        # What changed on disk while another page showed (a session): dealt with now.
        pending, self._disk_changed_while_hidden = self._disk_changed_while_hidden, set()
        if "folder" in pending:
            self._on_playlist_folder_changed()
        if "files" in pending:
            self._on_playlist_files_changed([])

    def reload_playlists(
        self, prefer: str | Path | None = None, *, list_devices: bool = True
    ) -> None:
        """Recent first, then the bundled playlists; the demo is preselected on first run.

        ``prefer`` (the file named on the command line) is selected instead, and added at
        the top if it is not in the list: only the playlist shown is validated.
        """
        self.playlists.blockSignals(True)
        self.playlists.clear()
        seen: set[str] = set()
        recent = [Path(p) for p in self._settings.recent_playlists if Path(p).is_file()]
        bundled = sorted(self._bundled_folder.glob("*.yaml")) if self._bundled_folder else []
        for path, is_recent in [(p, True) for p in recent] + [(p, False) for p in bundled]:
            key = str(path.resolve())
            if key in seen:
                continue
            title = playlist_title(path)
            if title is None:
                continue
            seen.add(key)
            item = QListWidgetItem(title)
            item.setData(SUBTITLE_ROLE, path.name + ("  ·  recent" if is_recent else ""))
            item.setData(PATH_ROLE, key)
            item.setToolTip(key)
            self.playlists.addItem(item)
        self.playlists.blockSignals(False)
        if prefer is not None:
            self.select_playlist(prefer)
            if list_devices:
                self._refresh_devices()
            return
        wanted = first_choice(self._settings, self._demo)
        for row in range(self.playlists.count()):
            if self.playlists.item(row).data(PATH_ROLE) == wanted:
                self.playlists.setCurrentRow(row)
                break
        else:
            if self.playlists.count():
                self.playlists.setCurrentRow(0)
        self._refresh_devices()

    def select_playlist(self, path: str | Path) -> None:
        """Select ``path`` in the list (adding it at the top if needed) and validate it."""
        key = str(Path(path).resolve())
        for row in range(self.playlists.count()):
            if self.playlists.item(row).data(PATH_ROLE) == key:
                self.playlists.setCurrentRow(row)
                return
        title = playlist_title(Path(key)) or Path(key).stem
        item = QListWidgetItem(title)
        item.setData(SUBTITLE_ROLE, Path(key).name)
        item.setData(PATH_ROLE, key)
        item.setToolTip(key)
        self.playlists.insertItem(0, item)
        self.playlists.setCurrentRow(0)

    def _request_studio(self) -> None:
        item = self.playlists.currentItem()
        self.studio_requested.emit(item.data(PATH_ROLE) if item is not None else None)

    def _open_file(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        folder = self._settings.playlist_folder or str(self._bundled_folder)
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a playlist", folder, "Playlists (*.yaml *.yml);;All files (*)"
        )
        if path:
            self._settings.playlist_folder = str(Path(path).parent)
            self.select_playlist(path)

    def _on_playlist_folder_changed(self) -> None:
        """A playlist was added to or removed from the folder: list it now. The selected one
        stays selected and keeps its check (it is checked again only when it changes)."""
        if not self.isVisible():
            self._disk_changed_while_hidden.add("folder")
            return
        current = self.playlists.currentItem()
        keep = current.data(PATH_ROLE) if current is not None else None
        if keep is not None and not Path(keep).is_file():
            keep = None  # the selected file went away: select as at launch
        self._relisting = keep
        try:
            self.reload_playlists(prefer=keep, list_devices=False)
        finally:
            self._relisting = None

    def _on_playlist_files_changed(self, _paths: list[str]) -> None:
        """The selected playlist (or a file its problems point at) changed on disk: check it
        again, so a fixed playlist stops showing its old errors."""
        if not self.isVisible():
            self._disk_changed_while_hidden.add("files")
            return
        if self._checking_path is not None:
            self._validate(self._checking_path)

    def _on_playlist_selected(self, current: QListWidgetItem | None, _previous=None) -> None:
        if current is not None and current.data(PATH_ROLE) == self._relisting:
            return  # the same playlist, listed again: its check on the screen still holds
        self._result = None
        if current is None:
            self._checking_path = None
            self._update_start()
            return
        path = current.data(PATH_ROLE)
        self._validate(path)

    def _validate(self, path: str) -> None:
        """Check the file in two steps, both on worker threads (``session_player.launch.start_check``).

        First its structure (the YAML, the schema, the references), which is shown at once:
        from the validation cache when nothing it depends on changed since an earlier check,
        else validated (a fraction of a second, most of it importing the playlist model).
        Then every audio file it names is decoded (about a second or two for the demo, once
        per process), and that full check, validated afresh, replaces the first. Continue
        waits for the second step: the pre-flight needs the list of decoded files.
        """
        for task in self._tasks:
            task.cancel()
        self._checking_path = path
        self.watch.watch_files([path])
        self._audio_checked = False
        self._check_failed = False
        theme.set_role(self.status, "secondary")
        self.status.setText(f"Checking {Path(path).name}…")
        self.details.hide()
        self.problems.hide()
        self._update_start()
        self._tasks = []
        results = self._launch_results
        if results is not None and results.take(
            "structure",
            lambda check, p=path: self._on_structure_checked(p, check),
            lambda p=path: self._check_structure_here(p),
            playlist=path,
        ):
            return
        self._check_structure_here(path)

    def _check_structure_here(self, path: str) -> None:
        if path != self._checking_path:
            return
        self._tasks.append(
            self.serial_runner.start(
                lambda _progress, _cancelled: _check(
                    path, check_audio=False, cache=self._validation_cache
                ),
                on_done=lambda check, p=path: self._on_structure_checked(p, check),
                on_failed=lambda message, p=path: self._on_validation_failed(p, message),
            )
        )

    def _on_structure_checked(self, path: str, check: PlaylistCheck) -> None:
        if path != self._checking_path:
            return
        self._on_validated(path, check)
        if self._follow_up_held:
            self._held_follow_up = (path, check)
        else:
            self._follow_up(path, check)

    def release_follow_up(self) -> None:
        """Let the check go on past its first step.

        At launch the main window holds the follow-up (a structure read from the cache
        validated afresh, which imports the playlist model, then the audio check) until the
        start screen is complete: the outputs listed and the unfinished sessions looked for
        too. Continue waits for the follow-up anyway, and meanwhile it would compete with
        them for the interpreter.
        """
        self._follow_up_held = False
        held, self._held_follow_up = self._held_follow_up, None
        if held is not None and held[0] == self._checking_path:
            self._follow_up(*held)

    def _follow_up(self, path: str, check: PlaylistCheck) -> None:
        if check.from_cache:
            self._revalidate(path, check)
        else:
            self._start_audio_check(path)

    def _revalidate(self, path: str, cached: PlaylistCheck) -> None:
        # Shown from the cache: validate the structure again, on the thread that imports,
        # so that the audio check that follows imports nothing new.
        self._tasks.append(
            self.serial_runner.start(
                lambda _progress, _cancelled: _check(
                    path, check_audio=False, cache=self._validation_cache, fresh=True
                ),
                on_done=lambda fresh, p=path: self._on_revalidated(p, cached, fresh),
                on_failed=lambda message, p=path: self._on_validation_failed(p, message),
            )
        )

    def _on_revalidated(self, path: str, cached: PlaylistCheck, fresh: PlaylistCheck) -> None:
        if path != self._checking_path:
            return
        if not fresh.same_answer(cached):
            self._on_validated(path, fresh)  # the cache was wrong: show the truth at once
        self._start_audio_check(path)

    def _start_audio_check(self, path: str) -> None:
        # After the structure is on the screen: decoding the files meanwhile would only slow
        # the first answer down.
        self._tasks.append(
            self._audio_runner.start(
                lambda _progress, _cancelled: _check(path, check_audio=True),
                on_done=lambda check, p=path: self._on_validated(p, check),
                on_failed=lambda message, p=path: self._on_validation_failed(p, message),
            )
        )

    @property
    def check_shown(self) -> bool:
        """The chosen playlist's check (a step of it, or its failure) is on the screen."""
        return self._checking_path is None or self._result is not None or self._check_failed

    @property
    def checking_audio(self) -> bool:
        """The structure is checked and shown; the audio files are still being decoded."""
        return self._result is not None and not self._audio_checked

    def _on_validated(self, path: str, check: PlaylistCheck) -> None:
        if path != self._checking_path:
            return  # a later selection won
        if self._audio_checked and not check.audio_checked:
            return  # the full check finished first: keep it
        self._audio_checked = check.audio_checked
        self._result = check
        # An error in an included library is fixed there: watch the files problems point at.
        self.watch.watch_files([path, *{p.path for p in check.problems}])
        overview = check.overview
        if check.ok and overview is not None:
            minutes = round(overview.planned_length_s / 60)
            phases = " · ".join(p.name for p in overview.phases)
            warnings = len(check.warnings)
            tail = f" · {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
            if not check.audio_checked:
                tail += " · checking the audio files…"
            theme.set_role(self.status, "ok")
            self.status.setText(
                f"✓ {overview.title} · {overview.route} · {minutes} min after the dose{tail}\n"
                f"{phases}"
            )
            self.dose.setPlaceholderText(f"Optional, e.g. {overview.route} dose and rate")
            self.details.show_overview(overview)
            self.details.show()
        else:
            self.details.hide()
            errors = len(check.errors)
            theme.set_role(self.status, "warning")
            self.status.setText(
                f"{errors} problem{'s' if errors != 1 else ''} to fix in "
                f"{Path(path).name} before it can be used. Select one to see the place."
            )
        if check.problems:
            self.problems.set_problems(path, check.problems)
            self.problems.show()
        else:
            self.problems.hide()
        self._update_start()
        self.validated.emit(check)
        self.checked.emit()

    def _on_validation_failed(self, path: str, message: str) -> None:
        if path != self._checking_path:
            return
        self._result = None
        self._check_failed = True
        theme.set_role(self.status, "warning")
        self.status.setText(f"Could not check {Path(path).name}: {message}")
        self._update_start()
        self.checked.emit()

    # --- device -----------------------------------------------------------------------------

    def _refresh_devices(self) -> None:
        """List the outputs on a worker thread: the first listing starts SDL's audio (and
        imports pygame and the output package), which the window need not wait for. At
        launch the start helper process lists them instead, when it can."""
        if self._devices_task is not None:
            self._devices_task.cancel()
        self._devices_task = None
        self._devices_listed = False
        self._devices_round += 1
        listing = self._devices_round

        def listed(devices: list[str]) -> None:
            if listing == self._devices_round:
                self._show_devices(devices)

        def list_here() -> None:
            if listing == self._devices_round:
                self._list_devices_here()

        results = self._launch_results
        if results is None or not results.take("devices", listed, list_here):
            self._list_devices_here()
        self._update_start()

    def _list_devices_here(self) -> None:
        self._devices_task = self.serial_runner.start(
            lambda _progress, _cancelled: list(self._port.output_devices()),
            on_done=self._show_devices,
            on_failed=lambda _message: self._show_devices([]),
        )

    def _show_devices(self, devices: list[str]) -> None:
        remembered = self._settings.output_device
        self.device.blockSignals(True)
        self.device.clear()
        if remembered and remembered not in devices:
            # Keep the clinic's choice visible even when unplugged: the pre-flight will say so,
            # and audio must never move to another device on its own.
            devices.insert(0, remembered)
        self.device.addItems(devices)
        if remembered:
            self.device.setCurrentText(remembered)
        self.device.blockSignals(False)
        self._devices_listed = True
        self._update_start()
        self.devices_listed.emit()

    def _on_device_changed(self, name: str) -> None:
        if name:
            self._settings.output_device = name

    # --- continuing -------------------------------------------------------------------------

    def blocking_reason(self) -> str | None:
        """Why the clinician cannot continue yet, or None."""
        if self._result is None:
            if self._checking_path is None:
                return "Choose a playlist."
            return "Checking the playlist…"
        if not self._result.ok:
            return "This playlist has errors; fix them in the file (listed on the left)."
        if not self._audio_checked:
            return "Checking the audio files…"
        if not self.alias.text().strip():
            return "Enter an alias for the patient."
        if not self.device.currentText():
            if not self._devices_listed:
                return "Looking for the audio outputs…"
            return "No output device: connect the headphones."
        return None

    def rehearsal_blocking_reason(self) -> str | None:
        """Why a rehearsal cannot start yet: only the playlist matters (no patient, no sound)."""
        if self._result is None or not self._result.ok or not self._audio_checked:
            return self.blocking_reason()
        return None

    def _rehearse_if_shown(self) -> None:
        if self.isVisible():
            self.rehearsal.button.click()

    def _rehearse(self, speed: float) -> None:
        if self.rehearsal_blocking_reason() is not None or self._result is None:
            return
        if self._result.load_result is None:
            return
        path = self._checking_path or ""
        self._settings.remember_playlist(path)
        self.rehearsal_chosen.emit(
            StartChoice(
                playlist_path=path,
                load_result=self._result.load_result,
                alias=self.alias.text().strip() or "Rehearsal",
                dose_note=self.dose.text().strip(),
                notes=self.notes.text().strip(),
                device="",
            ),
            speed,
        )

    def rehearse_when_ready(self, speed: float) -> None:
        """Start a rehearsal at ``speed`` once the playlist is checked (``--rehearsal``)."""
        self.rehearsal.set_speed(speed)
        self._rehearse_when_ready = True
        self._update_start()

    def _update_start(self) -> None:
        self.rehearsal.set_blocked(self.rehearsal_blocking_reason())
        if self._rehearse_when_ready and self.rehearsal_blocking_reason() is None:
            self._rehearse_when_ready = False
            # After this update, and only from this screen: never over a resume offer of a
            # patient's unfinished session (the speed stays chosen; the button starts it).
            QTimer.singleShot(0, self._rehearse_if_shown)
        reason = self.blocking_reason()
        self.start_button.setEnabled(reason is None)
        self.start_button.setToolTip(reason or "")
        self.reason.setText(reason or "")

    def _continue(self) -> None:
        if (
            self.blocking_reason() is not None
            or self._result is None
            or self._result.load_result is None
        ):
            return
        path = self._checking_path or ""
        self._settings.remember_playlist(path)
        self._settings.output_device = self.device.currentText()
        self.chosen.emit(
            StartChoice(
                playlist_path=path,
                load_result=self._result.load_result,
                alias=self.alias.text().strip(),
                dose_note=self.dose.text().strip(),
                notes=self.notes.text().strip(),
                device=self.device.currentText(),
                course=self._course_choice(),
            )
        )

    def reset_patient(self) -> None:
        """Clear the patient fields for the next session (the playlist stays chosen)."""
        self.alias.clear()
        self.dose.clear()
        self.notes.clear()
        if self.course_card is not None:
            self.course_card.hide()
            self.course_card.course = None
        if self.alias_completion is not None:
            self.alias_completion.refresh()  # the session just ended is one more
        self._refresh_devices()

    # --- the patient's course ---------------------------------------------------------------

    @property
    def _records_dir(self):
        # Asked only once an alias is typed: the live port opens its store (and imports the
        # session package) on first use, which the launch need not pay for.
        return getattr(self._port, "records_dir", None)

    def _alias_changed(self, text: str) -> None:
        if self._filled_notes is not None:
            from session_player.record.preferences import alias_key

            if alias_key(text) != alias_key(self._filled_notes[0]):
                self._take_back_notes()
        if self._records_dir is None:
            return
        if not text.strip():
            self._course_timer.stop()
            if self.course_card is not None:
                self.course_card.hide()
            return
        if self.alias_completion is None:
            from session_player.ui.alias_completion import AliasCompletion

            self.alias_completion = AliasCompletion(
                self.alias, self.serial_runner, lambda: self._records_dir
            )
        self._course_timer.start()

    def _soundscape_names(self) -> dict[str, str]:
        result = self._result.load_result if self._result is not None else None
        playlist = result.playlist if result is not None else None
        if playlist is None:
            return {}
        return {sid: soundscape.name for sid, soundscape in playlist.soundscapes.items()}

    def _look_up_course(self) -> None:
        """Read the alias's earlier sessions on the worker (the journals, the preferences)."""
        alias = self.alias.text().strip()
        base = self._records_dir
        if not alias or base is None:
            return

        def look(_progress, _cancelled):
            from session_player.record.course import find_course

            return find_course(base, alias)

        self.serial_runner.start(look, on_done=self._show_course)

    def _show_course(self, course) -> None:
        from session_player.record.preferences import alias_key

        if alias_key(course.alias) != alias_key(self.alias.text()):
            return  # typed on meanwhile: the next lookup answers
        if self.course_card is None:
            from session_player.ui.course_card import CourseCard

            self.course_card = CourseCard(self._right_column.parentWidget())
            self.course_card.use_last.connect(self._use_last_notes)
            self.course_card.undone.connect(self._take_back_notes)
            self.course_card.history_requested.connect(self.open_course_history)
            self.course_card.preferences_requested.connect(self.open_preferences)
            self._right_column.insertWidget(1, self.course_card)
            # Tab goes through the card after the patient's fields, then on to Continue.
            card = self.course_card
            chain = (
                self.device,
                card.use_button,
                card.undo_button,
                card.history_button,
                card.preferences_button,
                self.start_button,
            )
            for first, second in zip(chain, chain[1:], strict=False):
                self.setTabOrder(first, second)
        self.course_card.set_course(course, self._soundscape_names())
        self.course_card.show()

    def _use_last_notes(self, notes: str) -> None:
        if notes and not self.notes.text().strip():
            self.notes.setText(notes)
            self._filled_notes = (self.alias.text(), notes)

    def _take_back_notes(self) -> None:
        """Last time's notes out of the field again, unless the clinician has edited them."""
        filled, self._filled_notes = self._filled_notes, None
        if filled is not None and self.notes.text() == filled[1]:
            self.notes.clear()

    def _course_choice(self):
        """The course for this session: the card's, once it shows this alias; else looked up
        now (Continue pressed before the lookup came back), preferences only: last time's
        values are never taken unless the clinician saw and confirmed them."""
        alias = self.alias.text().strip()
        if self._records_dir is None or not alias:
            return None
        from session_player.record.course import find_course
        from session_player.record.course_playlist import CourseChoice
        from session_player.record.preferences import alias_key

        self._course_timer.stop()
        card = self.course_card
        shown = card.course if card is not None else None
        if shown is not None and alias_key(shown.alias) == alias_key(alias):
            return card.choice()
        choice = CourseChoice.from_course(find_course(self._records_dir, alias))
        return None if choice.empty else choice

    def open_course_history(self):
        from session_player.ui.course_history import CourseHistory

        if self.course_card is None or self.course_card.course is None:
            return None
        dialog = CourseHistory(self.course_card.course, self._soundscape_names(), parent=self)
        dialog.open()
        return dialog

    def open_preferences(self):
        from session_player.record.preferences import PreferenceStore
        from session_player.ui.course_preferences_dialog import PreferencesDialog

        card = self.course_card
        if card is None or card.course is None or self._records_dir is None:
            return None
        course = card.course
        store = PreferenceStore(self._records_dir)
        current = course.preferences
        if current is None:  # unreadable: start again from nothing, the dialog says so
            from session_player.record.preferences import Preferences

            current = Preferences(course.alias)
        dialog = PreferencesDialog(store, current, self._soundscape_names(), parent=self)
        dialog.accepted.connect(self._look_up_course)
        dialog.open()
        return dialog

    @property
    def result(self) -> PlaylistCheck | None:
        """The latest step of the chosen playlist's check (its ``load_result`` once full)."""
        return self._result

    @property
    def devices_ready(self) -> bool:
        return self._devices_listed

    def shutdown(self) -> None:
        self.serial_runner.cancel_all()
        self._audio_runner.cancel_all()
        self.serial_runner.wait(5000)
        self._audio_runner.wait(5000)
