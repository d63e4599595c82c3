"""At launch, after a crash: offer to resume the unfinished session where the arc is now.

The patient is still in the chair and the drug did not stop with the app, so this page comes
before anything else, says plainly what was found, and resumes in one press. The button
says where the session will resume ("Resume at Peak, 27:14 after the dose", on the dose
clock, which kept running while the app was away); pressed, it says "Resuming…" and is
disabled at once, before the journal is read and the audio started (a press that shows
nothing for seconds gets pressed again).
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from session_player.ui.start_screen import playlist_title


def describe_unfinished(session) -> str:
    from session_player.ui.event_text import time_of_day  # the session engine's modules

    started = time_of_day({"wall": session.started_wall})
    last = time_of_day({"wall": session.last_event_wall})
    title = playlist_title(Path(session.playlist_path)) if session.playlist_path else None
    text = (
        f"“{session.alias or 'no alias'}” · {title or 'unknown playlist'} · started {started}"
        f" · last event {last} · {session.event_count} events"
    )
    if session.torn_tail:
        text += " · the last write was cut off (ignored)"
    return text


RESUME_TEXT = "Resume session"
RESUMING_TEXT = "Resuming…"
TICK_MS = 1000  # the dose clock on the button moves on while the offer waits


def resume_point_text(phase_name: str | None, since_dose_s: float | None) -> str:
    """``Resume at Peak, 27:14 after the dose``; before the dose, the phase alone."""
    from session_player.playlist.durations import format_clock

    phase = phase_name or "Settling"
    if since_dose_s is None:
        return f"Resume in {phase}, before the dose"
    return f"Resume at {phase}, {format_clock(since_dose_s)} after the dose"


def crash_resumed_text(
    crashed_wall: float | None, phase_name: str | None, since_dose_s: float | None
) -> str:
    """What the console says after the supervisor restarted the app mid-session."""
    from session_player.playlist.durations import format_clock

    when = ""
    if isinstance(crashed_wall, (int, float)):
        when = " at " + time.strftime("%H:%M", time.localtime(crashed_wall))
    phase = phase_name or "Settling"
    where = f"in {phase}, before the dose"
    if since_dose_s is not None:
        where = f"at {phase} +{format_clock(since_dose_s)}"
    return f"The app stopped unexpectedly{when} and resumed the session {where}."


class ResumeOffer(QWidget):
    resume_requested = Signal(object)  # the UnfinishedSession
    dismissed = Signal()
    page_title = "Unfinished session"  # the window's title while it shows (MainWindow)

    def __init__(self, parent: QWidget | None = None, *, clock=None) -> None:
        super().__init__(parent)
        self.setObjectName("resume_offer")
        # The monotonic clock the resume points are worked out on (a test's FakeClock).
        self.clock = clock if clock is not None else time.monotonic
        self._sessions: list = []
        self._points: list = []  # a ResumePoint (or None) per session
        self._points_mono = 0.0  # when they were worked out (on self.clock)
        self._resuming = False
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._show_point)
        heading = QLabel("An unfinished session was found")
        heading.setProperty("role", "heading")
        explanation = QLabel(
            "The app closed during a session. Resuming picks the arc up where it is now: "
            "the time since the dose kept running while the app was away."
        )
        explanation.setWordWrap(True)
        explanation.setProperty("role", "secondary")
        self.list = QListWidget()
        self.list.setObjectName("unfinished_list")
        self.list.setAccessibleName("Unfinished sessions")
        self.list.itemDoubleClicked.connect(lambda _item: self._resume())
        self.list.currentRowChanged.connect(lambda _row: self._show_point())
        self.message = QLabel()
        self.message.setProperty("role", "warning")
        self.message.setWordWrap(True)
        self.message.hide()
        self.resume = QPushButton(RESUME_TEXT)
        self.resume.setObjectName("resume_button")
        self.resume.setProperty("role", "primary")
        self.resume.setDefault(True)
        self.resume.clicked.connect(self._resume)
        self.later = QPushButton("Not now: start a new session")
        self.later.setObjectName("resume_later")
        self.later.clicked.connect(self.dismissed.emit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.later)
        buttons.addWidget(self.resume)
        layout = QVBoxLayout(self)
        # Narrow side margins: at 150 % on a 1280×800 screen the two buttons and wide
        # margins were wider than the screen.
        layout.setContentsMargins(28, 28, 28, 28)
        layout.setSpacing(14)
        layout.addWidget(heading)
        layout.addWidget(explanation)
        layout.addWidget(self.list)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)

    @property
    def sessions(self) -> list:
        return list(self._sessions)

    def set_sessions(self, sessions: list) -> None:
        self._sessions = list(sessions)
        self._points = []
        self._tick.stop()
        self.list.clear()
        for session in self._sessions:
            self.list.addItem(describe_unfinished(session))
        if self._sessions:
            self.list.setCurrentRow(0)
        # As tall as its rows (up to six), so the buttons sit right under them.
        rows = max(1, min(6, self.list.count()))
        self.list.setFixedHeight(rows * (self.list.sizeHintForRow(0) + 2) + 16)
        self.message.hide()
        self._ready()

    def set_points(self, points: list, worked_out_mono: float | None = None) -> None:
        """Where each session would resume (``ResumePoint`` or None, in the list's order),
        as worked out at ``worked_out_mono`` (on ``self.clock``; default now)."""
        self._points = list(points)
        self._points_mono = self.clock() if worked_out_mono is None else worked_out_mono
        self._show_point()
        if any(point is not None for point in self._points):
            self._tick.start()

    def show_error(self, message: str) -> None:
        self.message.setText(message)
        self.message.show()
        self._ready()

    def _ready(self) -> None:
        self._resuming = False
        self.resume.setEnabled(True)
        self._show_point()

    def _show_point(self) -> None:
        if self._resuming:
            return
        row = self.list.currentRow()
        point = self._points[row] if 0 <= row < len(self._points) else None
        if point is None:
            text = RESUME_TEXT
        else:
            since_dose_s = point.since_dose_s
            if since_dose_s is not None:
                since_dose_s += self.clock() - self._points_mono
            text = resume_point_text(point.phase_name, since_dose_s)
        if self.resume.text() != text:
            self.resume.setText(text)

    def _resume(self) -> None:
        if self._resuming:
            return  # a second press (or a double-click on the row) while it resumes
        row = self.list.currentRow()
        if not 0 <= row < len(self._sessions):
            return
        self._resuming = True
        self._tick.stop()
        self.resume.setText(RESUMING_TEXT)
        self.resume.setEnabled(False)
        self.later.setEnabled(False)
        # Painted now, before the work: reading the journal, loading the playlist and
        # starting the audio take seconds on a slow laptop, on this thread.
        self.repaint()
        session = self._sessions[row]
        QTimer.singleShot(0, self, lambda: self._emit_resume(session))

    def _emit_resume(self, session) -> None:
        self.resume_requested.emit(session)
        self.later.setEnabled(True)
