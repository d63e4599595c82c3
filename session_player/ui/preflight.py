"""The pre-flight checklist, done with the patient in the chair before the dose.

Four checks: every audio file present and decodable; loudness measured (on a worker thread,
with progress: a new playlist may take a while and the window must stay alive); the output
device present; the left/right headphone test heard by the patient. The session starts when
all four are settled. The clinician may continue without the device or headphone check
("Continue anyway"); that decision is recorded and goes into the session's journal.
The files and loudness checks cannot be skipped: without them the mix could be silent or loud.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from session_player.engine.ports import EnginePort, SessionRequest
from session_player.ui import theme
from session_player.ui.checklist_item import ChecklistItem, ItemState
from session_player.ui.course_preflight import CourseNotice, SessionCourse, course_for_session
from session_player.ui.start_screen import StartChoice
from session_player.ui.worker import TaskRunner

PLAY_TEST = "▶ Play test"
PLAY_AGAIN = "▶ Play again"
TEST_POLL_MS = 250


def audio_files(choice: StartChoice) -> list[str]:
    """Every audio file the playlist (and its libraries) names, as the validator found them."""
    result = choice.load_result
    return sorted(set(result.audio) | set(result.audio_failures))


class Preflight(QWidget):
    """Emits ``start_requested(SessionRequest)`` and ``back_requested``."""

    start_requested = Signal(object)
    back_requested = Signal()
    # The session can start now, or no longer can: the window's title says so (page_title).
    readiness_changed = Signal(bool)

    def __init__(self, port: EnginePort, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preflight")
        self._port = port
        self._runner = TaskRunner(self)
        self._choice: StartChoice | None = None
        self._course: SessionCourse | None = None  # the patient's course, applied
        self._overrides: dict[str, str] = {}
        self._test_played = False
        self._test_timer = QTimer(self)
        self._test_timer.setInterval(TEST_POLL_MS)
        self._test_timer.timeout.connect(self._watch_test)
        self._build()

    def _build(self) -> None:
        self.heading = QLabel("Pre-flight")
        self.heading.setProperty("role", "heading")
        self.subtitle = QLabel()
        self.subtitle.setProperty("role", "secondary")
        self.subtitle.setWordWrap(True)  # never wider than a small laptop screen

        self.files = ChecklistItem("files", "Every audio file is present and decodes")
        self.loudness = ChecklistItem("loudness", "Loudness measured (every file at the target)")
        self.loudness_retry = self.loudness.add_button("Measure again", "loudness_retry")
        self.loudness_retry.clicked.connect(self._run_loudness)
        self.loudness_retry.hide()

        self.device = ChecklistItem("device", "The output device is present")
        self.device_retry = self.device.add_button("Check again", "device_retry")
        self.device_retry.clicked.connect(self._check_device)
        self.device_override = self.device.add_button(
            "Continue anyway", "device_override", role="quiet"
        )
        self.device_override.clicked.connect(lambda: self._override("device"))

        self.headphones = ChecklistItem("headphones", "Left/right headphone test")
        self.play_test = self.headphones.add_button(PLAY_TEST, "play_test")
        self.play_test.clicked.connect(self._play_test)
        self.heard = self.headphones.add_button("Heard both sides", "heard_both")
        self.heard.setToolTip("The patient heard 'left' in the left ear and 'right' in the right")
        self.heard.clicked.connect(self._confirm_heard)
        self.headphones_override = self.headphones.add_button(
            "Continue anyway", "headphones_override", role="quiet"
        )
        self.headphones_override.clicked.connect(lambda: self._override("headphones"))

        self.back = QPushButton("‹ Back")
        self.back.setObjectName("preflight_back")
        self.back.clicked.connect(self.back_requested.emit)
        self.reason = QLabel()
        self.reason.setProperty("role", "secondary")
        self.reason.setWordWrap(True)
        self.reason.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.start = QPushButton("Start session: settling plays")
        self.start.setObjectName("start_session")
        self.start.setProperty("role", "primary")
        self.start.clicked.connect(self._start)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addWidget(self.subtitle)
        layout.addSpacing(6)
        # The checks scroll on a short screen (1280×800 at 150 %); Back and Start stay in view.
        checks = QWidget()
        checks_layout = QVBoxLayout(checks)
        checks_layout.setContentsMargins(0, 0, 0, 0)
        checks_layout.setSpacing(12)
        self.course_notice = CourseNotice(checks)  # what the patient's course changes
        checks_layout.addWidget(self.course_notice)
        for item in self.items:
            checks_layout.addWidget(item)
        checks_layout.addStretch(1)
        self.checks_scroll = QScrollArea()
        self.checks_scroll.setObjectName("preflight_checks")
        self.checks_scroll.setWidget(checks)
        self.checks_scroll.setWidgetResizable(True)
        self.checks_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.checks_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.checks_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.checks_scroll, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.back)
        bottom.addWidget(self.reason, 1)
        bottom.addWidget(self.start)
        layout.addLayout(bottom)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        # The next thing to do is the headphone test: the focus ring goes there, not on
        # whichever button Qt found first ("Check again").
        self.play_test.setFocus(Qt.FocusReason.OtherFocusReason)
        # And in view: on a short screen (150 %) the headphone test is below the fold, and
        # a focus ring nobody can see points at nothing. After the layout has its size.
        QTimer.singleShot(0, lambda: self.checks_scroll.ensureWidgetVisible(self.headphones, 0, 8))

    @property
    def items(self) -> tuple[ChecklistItem, ...]:
        return (self.files, self.loudness, self.device, self.headphones)

    # --- running the checks -------------------------------------------------------------------

    def begin(self, choice: StartChoice) -> None:
        """Start the checks for a new choice (all of them again: anything may have changed)."""
        self._runner.cancel_all()
        self._choice = choice
        self._overrides = {}
        self._test_played = False
        self._test_timer.stop()
        self.play_test.setText(PLAY_TEST)
        playlist = choice.load_result.playlist
        title = playlist.title if playlist is not None else Path(choice.playlist_path).name
        self.subtitle.setText(f"{title}  ·  patient “{choice.alias}”  ·  {choice.device}")
        self._course = course_for_session(choice.load_result, choice.course)
        self.course_notice.show_course(self._course)
        for item in self.items:
            item.set_state(ItemState.PENDING, "")
        self.heard.setEnabled(False)
        self._run_files()
        self._check_device()
        self.headphones.set_state(
            ItemState.PENDING, "Play the test; the patient should hear 'left', then 'right'."
        )
        self._update_start()

    def _run_files(self) -> None:
        files = audio_files(self._choice)
        self.files.set_state(ItemState.RUNNING, f"Checking {len(files)} files…")
        self.loudness.set_state(ItemState.PENDING, "Waits for the file check.")
        self._runner.start(
            lambda progress, cancelled: self._port.check_files(files, progress, cancelled),
            on_progress=self.files.set_progress,
            on_done=lambda broken: self._files_done(files, broken),
            on_failed=lambda message: self.files.set_state(ItemState.FAILED, message),
        )

    def _files_done(self, files: list[str], broken: list[str]) -> None:
        if broken:
            self.files.set_state(ItemState.FAILED, "; ".join(broken))
        else:
            self.files.set_state(ItemState.DONE, f"{len(files)} files present and decodable.")
            self._run_loudness()
        self._update_start()

    def _run_loudness(self) -> None:
        files = audio_files(self._choice)
        self.loudness_retry.hide()
        self.loudness.set_state(ItemState.RUNNING, "Measuring… (done once per file, then cached)")
        self.loudness.set_progress(0.0)
        self._runner.start(
            lambda progress, cancelled: self._port.measure_loudness(files, progress, cancelled),
            on_progress=self.loudness.set_progress,
            on_done=self._loudness_done,
            on_failed=self._loudness_failed,
        )
        self._update_start()

    def _loudness_done(self, measured: dict) -> None:
        if measured:
            values = sorted(measured.values())
            detail = f"{len(values)} files, {values[0]:.1f} to {values[-1]:.1f} LUFS; normalised."
        else:
            detail = "Nothing to measure."
        self.loudness.set_state(ItemState.DONE, detail)
        self._update_start()

    def _loudness_failed(self, message: str) -> None:
        self.loudness.set_state(ItemState.FAILED, message)
        self.loudness_retry.show()
        self._update_start()

    def _check_device(self) -> None:
        status = self._port.output_status(self._choice.device)
        self._overrides.pop("device", None)
        if status.present:
            self.device.set_state(ItemState.DONE, f"{status.device}: ready.")
        else:
            self.device.set_state(
                ItemState.FAILED,
                f"{status.device}: {status.message or 'not found'}. Connect it and check again.",
            )
        self.device_override.setVisible(not status.present)
        self._update_start()

    def _play_test(self) -> None:
        self._port.play_headphone_test(self._choice.device)
        self._test_played = True
        self.heard.setEnabled(True)
        if self.headphones.state is not ItemState.DONE:
            self.headphones.set_state(
                ItemState.RUNNING, "Playing: 'left' in the left ear, then 'right' in the right."
            )
            self.headphones.progress.hide()
        self._test_timer.start()
        self._update_start()

    def _watch_test(self) -> None:
        """Once the test has finished, say so: "Playing…" for ever left the clinician unsure."""
        playing = getattr(self._port, "headphone_test_playing", None)
        if playing is not None and playing():
            return
        self._test_timer.stop()
        self.play_test.setText(PLAY_AGAIN)
        if self.headphones.state is ItemState.RUNNING:
            self.headphones.set_state(
                ItemState.PENDING,
                "Played. Did the patient hear 'left' in the left ear, then 'right' in the right?",
            )

    def _confirm_heard(self) -> None:
        self._test_timer.stop()
        self._overrides.pop("headphones", None)
        self.headphones.set_state(ItemState.DONE, "The patient heard both sides.")
        self._update_start()
        if self.start.isEnabled():
            self.start.setFocus(Qt.FocusReason.OtherFocusReason)  # what comes next

    def _override(self, key: str) -> None:
        item = self.device if key == "device" else self.headphones
        why = item.detail.text()
        self._overrides[key] = f"continued anyway (clinician's decision); was: {why}"
        item.set_state(ItemState.OVERRIDDEN, "Continued anyway: this goes into the journal.")
        self._update_start()

    # --- starting ---------------------------------------------------------------------------

    def blocking_reason(self) -> str | None:
        waiting = [item for item in self.items if not item.settled]
        if not waiting:
            return None
        first = waiting[0]
        if first is self.files or first is self.loudness:
            return (
                "Waiting for the audio checks…"
                if first.state is ItemState.RUNNING
                else ("Fix the audio files first.")
            )
        if first is self.device:
            return "The output device is not ready."
        return "Play the headphone test and confirm."

    def page_title(self) -> str:
        """The window's title on this page: whether the session can start yet."""
        return "Pre-flight (ready to start)" if self.start.isEnabled() else "Pre-flight"

    def _update_start(self) -> None:
        reason = self.blocking_reason()
        was_ready = self.start.isEnabled()
        self.start.setEnabled(reason is None)
        if self.start.isEnabled() != was_ready:
            self.readiness_changed.emit(self.start.isEnabled())
        if self.start.isEnabled() and not was_ready and self._focus_is_on_a_settled_item():
            # The last check settled after the clinician had done their part (the headphone
            # test confirmed while the loudness was still measured): Enter now starts.
            self.start.setFocus(Qt.FocusReason.OtherFocusReason)
        self.reason.setText(reason or "")
        theme.set_role(self.reason, "secondary")

    def _focus_is_on_a_settled_item(self) -> bool:
        focused = QApplication.focusWidget()
        if focused is None or not self.isAncestorOf(focused):
            return focused is None and self.isVisible()
        return any(item.isAncestorOf(focused) and item.settled for item in self.items)

    def show_error(self, message: str) -> None:
        self.reason.setText(message)
        theme.set_role(self.reason, "warning")

    def preflight_record(self) -> dict[str, str]:
        """Each item and how it was settled, for the journal."""
        record = {}
        for item in self.items:
            record[item.key] = self._overrides.get(item.key, item.state.name.lower())
        if self._course is not None and self._course.note:
            record["course"] = self._course.note  # the main window journals it as a note
        return record

    def _start(self) -> None:
        if self.blocking_reason() is not None or self._choice is None:
            return
        choice = self._choice
        course = self._course or course_for_session(choice.load_result, None)
        self.start_requested.emit(
            SessionRequest(
                playlist_path=choice.playlist_path,
                # The playlist as this patient's course has it: what the session plays.
                load_result=course.load_result,
                alias=choice.alias,
                device=choice.device,
                dose_note=choice.dose_note,
                notes=choice.notes,
                preflight=self.preflight_record(),
                course=course.journal,
            )
        )

    def shutdown(self) -> None:
        self._runner.cancel_all()
        self._runner.wait(5000)
