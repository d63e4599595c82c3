"""At launch, after a crash: offer to resume the unfinished session where the arc is now.

The patient is still in the chair and the drug did not stop with the app, so this page comes
before anything else, says plainly what was found, and resumes in one press.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
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


class ResumeOffer(QWidget):
    resume_requested = Signal(object)  # the UnfinishedSession
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resume_offer")
        self._sessions: list = []
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
        self.message = QLabel()
        self.message.setProperty("role", "warning")
        self.message.setWordWrap(True)
        self.message.hide()
        self.resume = QPushButton("Resume session")
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
        layout.setContentsMargins(48, 40, 48, 40)
        layout.setSpacing(14)
        layout.addWidget(heading)
        layout.addWidget(explanation)
        layout.addWidget(self.list)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def set_sessions(self, sessions: list) -> None:
        self._sessions = list(sessions)
        self.list.clear()
        for session in self._sessions:
            self.list.addItem(describe_unfinished(session))
        if self._sessions:
            self.list.setCurrentRow(0)
        # As tall as its rows (up to six), so the buttons sit right under them.
        rows = max(1, min(6, self.list.count()))
        self.list.setFixedHeight(rows * (self.list.sizeHintForRow(0) + 2) + 16)
        self.message.hide()

    def show_error(self, message: str) -> None:
        self.message.setText(message)
        self.message.show()

    def _resume(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._sessions):
            self.resume_requested.emit(self._sessions[row])
