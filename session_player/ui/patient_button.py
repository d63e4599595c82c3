"""A large, soft, dim button for the patient view: few words, no glare, fades in and out.

Painted by hand instead of styled with QSS because every colour must follow the patient
view's dim level (see ``theme.PatientColours``): at the default level the brightest pixel of
the whole view is the text colour, about 22 % grey.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractButton, QSizePolicy, QWidget

from session_player.ui import theme
from session_player.ui.fades import tween

MIN_TARGET_PX = 96  # the brief asks for at least 64 px; a dissociated hand is not precise


class PatientButton(QAbstractButton):
    """A rounded, dim target with one or two words on it."""

    def __init__(self, text: str, *, level: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(text)
        self.setAccessibleName(text)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # Tab focus lets a patient (or a switch device) reach it by keyboard; focus rings are
        # drawn dim in paintEvent so they never flare.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(MIN_TARGET_PX)
        self.setFont(theme.font(theme.PATIENT_PT))
        self._colours = theme.PatientColours.at(level)
        self._opacity = 1.0
        self._animation = None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        width = self.fontMetrics().horizontalAdvance(self.text()) + 96
        return QSize(max(width, 220), MIN_TARGET_PX)

    def set_level(self, level: float) -> None:
        self._colours = theme.PatientColours.at(level)
        self.update()

    def fade_in(self, duration_ms: int = theme.SLOW_FADE_MS) -> None:
        self._set_opacity(0.0)
        self.show()
        self._animation = tween(self, 0.0, 1.0, duration_ms, self._set_opacity)

    def _set_opacity(self, value: float) -> None:
        self._opacity = value
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setOpacity(self._opacity * (1.0 if self.isEnabled() else 0.45))
        colours = self._colours
        rect = QRectF(self.rect()).adjusted(2, 2, -2, -2)
        radius = min(rect.height() / 2, 36.0)
        fill = colours.shape_active if (self.isDown() or self.isChecked()) else colours.shape
        painter.setBrush(fill)
        outline = colours.shape_active if self.hasFocus() else colours.outline
        painter.setPen(QPen(outline, 3 if self.hasFocus() else 1.5))
        painter.drawRoundedRect(rect, radius, radius)
        painter.setPen(colours.text if self.isEnabled() else colours.text_dim)
        painter.setFont(self.font())
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.text())
        painter.end()
