"""A large, soft, dim button for the patient view: few words, no glare, fades in and out.

Painted by hand instead of styled with QSS because every colour must follow the patient
view's dim level (see ``theme.PatientColours``): at the default level the brightest pixel of
the whole view is the text colour, about 22 % grey.

It never takes the keyboard focus: a patient taps, and a key pressed near the laptop (the
clinician's Space for Pause, say) must never press it again (issue 10, item 9).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractButton, QSizePolicy, QWidget

from session_player.ui import theme
from session_player.ui.fades import tween

MIN_TARGET_PX = 96  # the brief asks for at least 64 px; a dissociated hand is not precise
MIN_PATIENT_PT = 24  # the brief's smallest patient type: a long name wraps before it shrinks
TEXT_PADDING_PX = 8  # between the text and the edge (wrapped lines sit in the straight middle)
TEXT_FLAGS = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap


class PatientButton(QAbstractButton):
    """A rounded, dim target with one or two words on it."""

    def __init__(self, text: str, *, level: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(text)
        self.setAccessibleName(text)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # No focus, not even by a click: a focused button is pressed again by Space or
        # Enter, and in the treatment room those keys belong to the clinician.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(MIN_TARGET_PX)
        self.setFont(theme.font(theme.PATIENT_PT))
        self._colours = theme.PatientColours.at(level)
        self._opacity = 1.0
        self._animation = None
        self._chosen = False

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        width = self.fontMetrics().horizontalAdvance(self.text()) + 96
        return QSize(max(width, 220), MIN_TARGET_PX)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # Narrower than its text is fine: the text wraps and, if need be, shrinks (fitted_font).
        return QSize(120, MIN_TARGET_PX)

    def set_level(self, level: float) -> None:
        self._colours = theme.PatientColours.at(level)
        self.update()

    @property
    def chosen(self) -> bool:
        return self._chosen

    def set_chosen(self, chosen: bool) -> None:
        """Mark this soundscape as the one playing, in place (the others keep their spots)."""
        self._chosen = chosen
        self.setAccessibleDescription("playing now" if chosen else "")
        self.update()

    def text_rect(self) -> QRect:
        return self.rect().adjusted(TEXT_PADDING_PX, 6, -TEXT_PADDING_PX, -6)

    def fitted_font(self) -> QFont:
        """The button's font, made smaller (down to ``MIN_PATIENT_PT``) until the wrapped
        text fits inside the button: at 2× scaling a long name ("Wind in the trees") would
        otherwise run over the rounded edge."""
        font = QFont(self.font())
        area = self.text_rect()
        size = font.pointSizeF()
        while True:
            bounds = QFontMetrics(font).boundingRect(area, int(TEXT_FLAGS), self.text())
            fits = bounds.width() <= area.width() and bounds.height() <= area.height()
            if fits or size <= MIN_PATIENT_PT:
                return font
            size = max(MIN_PATIENT_PT, size - 1)
            font.setPointSizeF(size)

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
        lit = self.isDown() or self.isChecked() or self._chosen
        painter.setBrush(colours.shape_active if lit else colours.shape)
        # The chosen soundscape also wears a firmer, lighter outline (still no brighter than
        # the text): marked by shape, not by colour alone.
        if self._chosen:
            painter.setPen(QPen(colours.text_dim, 3))
        else:
            painter.setPen(QPen(colours.shape_active if lit else colours.outline, 1.5))
        painter.drawRoundedRect(rect, radius, radius)
        painter.setPen(colours.text if self.isEnabled() else colours.text_dim)
        painter.setFont(self.fitted_font())
        painter.drawText(self.text_rect(), int(TEXT_FLAGS), self.text())
        painter.end()
