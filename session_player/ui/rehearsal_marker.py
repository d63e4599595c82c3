""" "Rehearsal ×30": the mark a rehearsal wears on the console and on the patient view.

Shown for the whole of a rehearsal, never hidden and never blinking, so a rehearsal is
never mistaken for a patient's session (and a screenshot of one says what it is). The
speed comes from the journal's ``session_started`` event (``session/rehearsal.py``): the
mark says what the record says.

- The console's mark is an outlined amber label in the header, the one accent, not a lamp.
- The patient view's mark is dim text at the top centre in the patient's colours (no pixel
  brighter than the view's own text), transparent to the mouse so that nothing is ever under
  the patient's hand; it follows the view's dim level and its width.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QWidget

from session_player.session.rehearsal import rehearsal_speed_of
from session_player.session.rehearsal_speed import marker_text
from session_player.ui import theme

PATIENT_MARK_TOP_PX = 28


def rehearsal_speed(timeline) -> float | None:
    """The running timeline's rehearsal speed, None for a patient's session."""
    return rehearsal_speed_of(timeline.record.started)


def console_marker(timeline, parent: QWidget | None = None) -> QLabel | None:
    """The console header's mark, or None when this is a patient's session."""
    speed = rehearsal_speed(timeline)
    if speed is None:
        return None
    label = QLabel(f"{marker_text(speed)} · no sound", parent)
    label.setObjectName("rehearsal_marker")
    label.setProperty("marker_text", marker_text(speed))
    label.setAccessibleName(f"{marker_text(speed)}: a rehearsal, not a patient's session")
    label.setToolTip("A rehearsal on a fast clock: no sound, kept apart from patients' records")
    label.setStyleSheet(
        f"QLabel#rehearsal_marker {{ color: {theme.ACCENT}; border: 2px solid {theme.ACCENT};"
        " border-radius: 6px; padding: 2px 10px; font-weight: 600; }"
    )
    return label


class PatientRehearsalMarker(QWidget):
    """Dim "Rehearsal ×30" over the top centre of the patient view (see the module doc)."""

    def __init__(self, speed: float, view: QWidget) -> None:
        super().__init__(view)
        self.setObjectName("patient_rehearsal_marker")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.text = marker_text(speed)
        self.setAccessibleName(self.text)
        self.setFont(theme.font(theme.PATIENT_PT))
        self._view = view
        view.installEventFilter(self)
        self._place()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._view and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._place()
        return False

    def _place(self) -> None:
        metrics = self.fontMetrics()
        width = metrics.horizontalAdvance(self.text) + 24
        height = metrics.height() + 12
        self.setGeometry(
            max(0, (self._view.width() - width) // 2), PATIENT_MARK_TOP_PX, width, height
        )
        self.raise_()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        # The view's level now (it fades between levels): read, not remembered.
        level = getattr(self._view, "dim_level", theme.DEFAULT_DIM_LEVEL)
        painter = QPainter(self)
        painter.setPen(theme.PatientColours.at(level).text_dim)
        painter.setFont(self.font())
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.text)
        painter.end()


def mark_patient_view(timeline, view: QWidget) -> PatientRehearsalMarker | None:
    speed = rehearsal_speed(timeline)
    return None if speed is None else PatientRehearsalMarker(speed, view)
