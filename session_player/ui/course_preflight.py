"""The pre-flight's word on the patient's course: what it changes in this session.

``course_for_session`` applies the course the start screen chose (``record.course_playlist``,
the one place that changes the playlist) and says in words what it did: every item the
patient's preferences remove, by phase, and last time's values this session starts with.
``CourseNotice`` shows that at the top of the pre-flight's checks; the same words go into
the journal as a note when the session starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from session_player.record.course_playlist import CourseChoice, apply_course, with_playlist
from session_player.ui import theme


@dataclass(frozen=True)
class SessionCourse:
    load_result: object  # the LoadResult the session plays (the course applied)
    journal: dict | None  # CourseChoice.to_journal(), for session_started
    lines: tuple[str, ...]  # what the pre-flight shows, in order
    note: str  # the journal's note ("" when the course changed nothing)
    problem: str | None  # the preferences could not be read


def course_for_session(load_result, choice: CourseChoice | None) -> SessionCourse:
    playlist = load_result.playlist
    if choice is None or playlist is None:
        return SessionCourse(load_result, None, (), "", None)
    applied = apply_course(playlist, choice)
    lines = list(applied.changes)
    if applied.removed:
        count = len(applied.removed)
        lines.append(
            f"The patient's preferences remove {count} item{'s' if count != 1 else ''} of "
            "this playlist; the session does not play them:"
        )
        lines += [f"  {removal}" for removal in applied.removed]
    elif not choice.changes_nothing:
        lines.append("The patient's preferences remove nothing from this playlist.")
    note = "Patient's course: " + "; ".join(line.strip() for line in lines) if lines else ""
    journal = None if choice.changes_nothing else choice.to_journal()
    result = with_playlist(load_result, applied.playlist) if journal else load_result
    return SessionCourse(result, journal, tuple(lines), note, choice.preferences_problem)


class CourseNotice(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("course_notice")
        self.setProperty("role", "card")
        self.heading = QLabel("Patient's course", self)
        self.heading.setProperty("role", "secondary")
        self.text = QLabel(self)
        self.text.setObjectName("course_notice_text")
        self.text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.addWidget(self.heading)
        layout.addWidget(self.text)
        self.hide()

    def show_course(self, course: SessionCourse) -> None:
        lines = list(course.lines)
        if course.problem:
            lines.insert(
                0,
                f"The patient's preferences could not be read, so none are applied: "
                f"{course.problem}",
            )
        theme.set_role(self.text, "warning" if course.problem else None)
        self.text.setText("\n".join(lines))
        self.setVisible(bool(lines))
