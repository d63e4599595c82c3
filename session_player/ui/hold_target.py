"""A discreet corner target that must be pressed and held to unlock the patient view.

A tap does nothing: only a deliberate hold of about two seconds counts, so a patient who
brushes the corner, or taps around in a daze, never gets back to the clinician's console.
While held, a thin ring fills slowly; letting go early empties it.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from session_player.ui import theme

HOLD_MS = 2000


def attention_colour(level: float) -> QColor:
    """The accent's hue with its brightest channel at the text's level: it stands out by
    colour and weight, never by being brighter than the rest of the view."""
    accent = QColor(theme.ACCENT)
    factor = level * 255.0 / max(accent.red(), accent.green(), accent.blue())
    return QColor(
        *(min(255, round(c * factor)) for c in (accent.red(), accent.green(), accent.blue()))
    )


class HoldTarget(QWidget):
    """A small dim ring; emits ``held`` after a continuous press of ``hold_ms``."""

    held = Signal()

    def __init__(self, *, level: float, hold_ms: int = HOLD_MS, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Clinician unlock (press and hold)")
        # Not in the tab chain: the patient should not land on it by pressing keys.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFixedSize(QSize(72, 72))
        self._hold_ms = hold_ms
        self._colours = theme.PatientColours.at(level)
        self._clock = QElapsedTimer()
        self._progress = 0.0
        self._attention = False
        self._timer = QTimer(self)
        self._timer.setInterval(40)
        self._timer.timeout.connect(self._step)

    def set_level(self, level: float) -> None:
        self._colours = theme.PatientColours.at(level)
        self.update()

    def set_attention(self, attention: bool) -> None:
        """A waiting patient call: the ring wears the (dim) accent, steady, never blinking,
        so that a clinician glancing at a one-screen laptop knows where to go."""
        self._attention = attention
        self.update()

    @property
    def attention(self) -> bool:
        return self._attention

    @property
    def progress(self) -> float:
        return self._progress

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self._clock.start()
            self._timer.start()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self._reset()
        event.accept()

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Sliding off the target is letting go: the hold must be deliberate and still.
        self._reset()

    def _step(self) -> None:
        self._progress = min(1.0, self._clock.elapsed() / self._hold_ms)
        self.update()
        if self._progress >= 1.0:
            self._reset()
            self.held.emit()

    def _reset(self) -> None:
        self._timer.stop()
        self._progress = 0.0
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ring = QRectF(self.rect()).adjusted(22, 22, -22, -22)
        if self._attention:
            painter.setPen(QPen(attention_colour(self._colours.level), 4))
        else:
            painter.setPen(QPen(self._colours.text_dim, 1.5))
        painter.drawEllipse(ring)
        if self._progress > 0:
            painter.setPen(QPen(self._colours.text, 3))
            painter.drawArc(ring, 90 * 16, int(-360 * 16 * self._progress))
        painter.end()
