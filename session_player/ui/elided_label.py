"""A label of a fixed number of lines: longer text is cut with "…" and shown whole in a tooltip.

A plain word-wrapping QLabel grows by a line when its text gets longer (a voice cue's
transcript, a refusal's reason), and everything under it moves: a button the clinician was
about to press is suddenly 20 px lower. This label always takes the height of ``lines``
lines and never asks for more width than ``min_width_px``, so the layout around it is the
same whatever it says. ``text()`` is the whole text (what screen readers and tests see).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

ELLIPSIS = "…"


def fit_lines(text: str, font, width_px: float, lines: int) -> list[str]:
    """``text`` wrapped at ``width_px`` into at most ``lines`` lines, the last one elided."""
    from PySide6.QtGui import QFontMetricsF

    metrics = QFontMetricsF(font)
    if not text or width_px <= 0:
        return []
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    starts: list[tuple[int, int]] = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width_px)
        starts.append((line.textStart(), line.textLength()))
    layout.endLayout()
    shown = [text[start : start + length].rstrip() for start, length in starts[:lines]]
    if len(starts) > lines:
        rest = text[starts[lines - 1][0] :].replace("\n", " ")
        # Leave room for the ellipsis: elidedText adds it only when the text is too wide.
        shown[-1] = metrics.elidedText(rest + " " * 40, Qt.TextElideMode.ElideRight, width_px)
        if not shown[-1].endswith(ELLIPSIS):
            shown[-1] = shown[-1].rstrip() + ELLIPSIS
    return shown


class ElidedLabel(QLabel):
    """A QLabel (so the theme's ``role`` styles apply) that paints at most ``lines`` lines."""

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        lines: int = 1,
        min_width_px: int = 60,
    ) -> None:
        super().__init__(parent)
        self._lines = max(1, lines)
        self._min_width_px = min_width_px
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        text = text or ""
        if text == self._full:
            return
        self._full = text
        super().setText(text)
        self._refresh_tooltip()
        self.update()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._refresh_tooltip()

    def _refresh_tooltip(self) -> None:
        # The whole text on hover when any of it is cut: never a silent truncation.
        self.setToolTip(self._full if self.is_cut() else "")

    def text(self) -> str:
        return self._full

    def clear(self) -> None:
        # QLabel.clear() (C++) would leave the text this label paints.
        self.setText("")

    def shown_lines(self) -> list[str]:
        """The lines as painted at the current width (what a person can read)."""
        return fit_lines(self._full, self.font(), self.contentsRect().width(), self._lines)

    def is_cut(self) -> bool:
        shown = self.shown_lines()
        return bool(shown) and " ".join(shown).replace(ELLIPSIS, "") != " ".join(self._full.split())

    def _height_px(self) -> int:
        margins = self.contentsMargins()
        return self.fontMetrics().lineSpacing() * self._lines + margins.top() + margins.bottom()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        width = self.fontMetrics().horizontalAdvance(self._full.split("\n")[0]) + 4
        return QSize(max(self._min_width_px, width), self._height_px())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self._min_width_px, self._height_px())

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        shown = self.shown_lines()
        if not shown:
            return
        painter = QPainter(self)
        painter.setFont(self.font())
        painter.setPen(self.palette().color(self.foregroundRole()))
        rect = self.contentsRect()
        step = self.fontMetrics().lineSpacing()
        used = step * len(shown)
        top = rect.top()
        if self.alignment() & Qt.AlignmentFlag.AlignVCenter:
            top += (rect.height() - used) // 2
        horizontal = self.alignment() & Qt.AlignmentFlag.AlignHorizontal_Mask
        for number, line in enumerate(shown):
            area = QRectF(rect.left(), top + number * step, rect.width(), step)
            painter.drawText(area, horizontal | Qt.AlignmentFlag.AlignVCenter, line)
        painter.end()
