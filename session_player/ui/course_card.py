"""The start screen's card for the patient's course: earlier sessions of the alias typed.

Shown under the patient's fields once an alias is typed: how many sessions came before and
when the last was, what it left (soundscape, volume, notes), and the team's preferences for
this alias. Nothing of the last session is applied by itself: "Use last time's" fills the
notes and marks the soundscape and volume for this session, saying so on the card, and
"Undo" takes it back. Preferences apply to every session of the alias (they are the team's
record); the card shows them, and the pre-flight lists what they take out of the playlist.
"History…" lists every session; "Preferences…" records or changes them.

Built only when an alias is first typed (the start screen's launch pays nothing for it).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from session_player.record.course import Course
from session_player.record.course_playlist import CourseChoice
from session_player.ui import theme


def day_of(iso: str) -> str:
    """``2 Dec 2026`` from a journal's ISO wall time; the text itself if it is not one."""
    try:
        return datetime.fromisoformat(iso).strftime("%-d %b %Y")
    except ValueError:
        return iso or "?"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _button(text: str, name: str, parent: QWidget) -> QPushButton:
    button = QPushButton(parent)
    button.setText(text)
    button.setObjectName(name)
    button.setProperty("role", "quiet")
    return button


class CourseCard(QFrame):
    """Emits ``use_last(str notes)``, ``history_requested`` and ``preferences_requested``."""

    use_last = Signal(str)  # the notes to put in the Notes field
    undone = Signal()  # Undo: take last time's notes out of the Notes field again
    history_requested = Signal()
    preferences_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("course_card")
        self.setProperty("role", "card")
        self.course: Course | None = None
        self._soundscape_names: dict[str, str] = {}
        self._confirmed = False  # the clinician took over last time's soundscape and volume
        self.heading = QLabel(self)
        self.heading.setObjectName("course_heading")
        self.heading.setWordWrap(True)
        self.last_time = QLabel(self)
        self.last_time.setObjectName("course_last_time")
        self.last_time.setProperty("role", "secondary")
        self.last_time.setWordWrap(True)
        self.applied = QLabel(self)
        self.applied.setObjectName("course_applied")
        self.applied.setProperty("role", "accent")
        self.applied.setWordWrap(True)
        self.preferences = QLabel(self)
        self.preferences.setObjectName("course_preferences")
        self.preferences.setWordWrap(True)
        self.use_button = _button("Use last time's settings", "course_use_last", self)
        self.use_button.clicked.connect(self._use_last)
        self.undo_button = _button("Undo", "course_undo", self)
        self.undo_button.clicked.connect(self._undo)
        self.history_button = _button("History…", "course_history", self)
        self.history_button.clicked.connect(self.history_requested.emit)
        self.preferences_button = _button("Preferences…", "course_preferences_edit", self)
        self.preferences_button.clicked.connect(self.preferences_requested.emit)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        for button in (
            self.use_button,
            self.undo_button,
            self.history_button,
            self.preferences_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(6)
        for label in (self.heading, self.last_time, self.applied, self.preferences):
            layout.addWidget(label)
        layout.addLayout(buttons)

    # --- what it shows ----------------------------------------------------------------------

    def set_course(self, course: Course, soundscape_names: dict[str, str]) -> None:
        """Show ``course`` (a new alias forgets what was confirmed for the one before)."""
        same_alias = self.course is not None and self.course.alias == course.alias
        self.course = course
        self._soundscape_names = dict(soundscape_names)
        if not same_alias:
            self._confirmed = False
        self._refresh()

    def set_soundscape_names(self, names: dict[str, str]) -> None:
        """The chosen playlist's soundscapes (another playlist may name them otherwise)."""
        self._soundscape_names = dict(names)
        self._refresh()

    def _name(self, soundscape_id: str) -> str:
        return self._soundscape_names.get(soundscape_id, soundscape_id)

    def _last_values(self) -> list[str]:
        course = self.course
        values = []
        if course is None:
            return values
        soundscape = course.last_soundscape()
        if soundscape:
            values.append(f"soundscape {self._name(soundscape)}")
        volume = course.last_volume_db()
        if volume is not None:
            values.append(f"volume {volume:g} dB")
        return values

    def _refresh(self) -> None:
        course = self.course
        if course is None:
            return
        last = course.last
        if last is None:
            self.heading.setText(f"No earlier sessions for “{course.alias}”.")
            self.last_time.hide()
        else:
            ended = "" if last.finished else " (not ended)"
            self.heading.setText(
                f"“{course.alias}”: {plural(len(course.sessions), 'earlier session')}, the last "
                f"on {day_of(last.started_wall)} ({last.playlist_title or 'playlist'}){ended}."
            )
            parts = self._last_values()
            notes = course.last_notes()
            if notes:
                parts.append(f"notes “{notes}”")
            if last.notes:
                parts.append(plural(len(last.notes), "note") + " during the session")
            self.last_time.setText(
                "Last time: " + (" · ".join(parts) if parts else "nothing to take over")
            )
            self.last_time.show()
        takeable = bool(self._last_values() or course.last_notes())
        self.use_button.setVisible(takeable and not self._confirmed)
        self.undo_button.setVisible(self._confirmed)
        self.history_button.setVisible(last is not None)
        if self._confirmed:
            values = " and ".join(self._last_values())
            self.applied.setText(
                f"This session starts with last time's {values}; you can still change them "
                "on the console."
                if values
                else "Last time's notes are in the Notes field."
            )
            self.applied.show()
        else:
            self.applied.hide()
        if course.preferences_problem:
            theme.set_role(self.preferences, "warning")
            self.preferences.setText(
                f"The preferences recorded for this alias cannot be read, so none are applied: "
                f"{course.preferences_problem}. Record them again with Preferences…"
            )
        elif course.preferences is not None and not course.preferences.empty:
            theme.set_role(self.preferences, None)
            lines = course.preferences.describe(self._soundscape_names)
            note = f" — {course.preferences.note}" if course.preferences.note else ""
            self.preferences.setText("Preferences, applied: " + " · ".join(lines) + note)
        else:
            theme.set_role(self.preferences, "secondary")
            self.preferences.setText("No preferences recorded (no lyrics, no bells…).")

    # --- the clinician's choice -------------------------------------------------------------

    def _use_last(self) -> None:
        if self.course is None:
            return
        self._confirmed = True
        self._refresh()
        self.use_last.emit(self.course.last_notes())
        self.undo_button.setFocus()  # the button pressed is gone: the focus stays near

    def _undo(self) -> None:
        self._confirmed = False
        self._refresh()
        self.undone.emit()
        self.use_button.setFocus()

    @property
    def confirmed(self) -> bool:
        return self._confirmed

    def choice(self) -> CourseChoice | None:
        """What this session takes from the course: the preferences, and last time's
        soundscape and volume only if the clinician confirmed them; None if nothing."""
        course = self.course
        if course is None:
            return None
        start: dict = {}
        if self._confirmed and course.last is not None:
            start = {
                "start_volume_db": course.last_volume_db(),
                "start_soundscape": course.last_soundscape(),
                "from_session": course.last.folder.name,
            }
        choice = CourseChoice.from_course(course, **start)
        return None if choice.empty else choice
