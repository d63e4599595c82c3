"""Dim text for the patient view that cross-fades when it changes, never jumps."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from session_player.ui import theme
from session_player.ui.fades import tween


class PatientLabel(QWidget):
    """Text in the patient's dim colours; a new text fades out the old one, then in."""

    def __init__(
        self,
        *,
        level: float,
        point_size: float,
        dim: bool = False,
        alignment: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFont(theme.font(point_size))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(self.fontMetrics().height() + 16)
        self._dim = dim
        self._alignment = alignment
        self._colours = theme.PatientColours.at(level)
        self._text = ""
        self._pending: str | None = None
        self._opacity = 1.0
        self._animation = None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self.text()) + 24, metrics.height() + 16)

    def text(self) -> str:
        return self._pending if self._pending is not None else self._text

    def set_level(self, level: float) -> None:
        self._colours = theme.PatientColours.at(level)
        self.update()

    def set_text(self, text: str, *, fade_ms: int = theme.FADE_MS) -> None:
        if text == self.text():
            return
        if not self.isVisible() or fade_ms <= 0:
            self._text, self._pending = text, None
            self.setAccessibleName(text)
            self.updateGeometry()
            self.update()
            return
        self._pending = text
        self.updateGeometry()
        self._animation = tween(self, self._opacity, 0.0, fade_ms // 2, self._set_opacity)
        self._animation.finished.connect(lambda: self._swap(fade_ms))

    def _swap(self, fade_ms: int) -> None:
        if self._pending is None:
            return
        self._text, self._pending = self._pending, None
        self.setAccessibleName(self._text)
        self._animation = tween(self, 0.0, 1.0, fade_ms // 2, self._set_opacity)

    def _set_opacity(self, value: float) -> None:
        self._opacity = value
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setOpacity(self._opacity)
        painter.setPen(self._colours.text_dim if self._dim else self._colours.text)
        painter.setFont(self.font())
        painter.drawText(self.rect(), self._alignment, self._text)
        painter.end()
