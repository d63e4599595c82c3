"""How a playlist reads in the start screen's list: its title, and its file name below, dimmer.

Clinicians know sessions by their titles ("IV infusion, 40 minutes"); the file name is there
to tell two versions apart.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from session_player.ui import theme

SUBTITLE_ROLE = Qt.ItemDataRole.UserRole + 1
PADDING = 10


class PlaylistDelegate(QStyledItemDelegate):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._title_font = theme.font(theme.CONSOLE_PT)
        self._subtitle_font = theme.font(theme.CONSOLE_SMALL_PT)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        height = QFontMetrics(self._title_font).height()
        height += QFontMetrics(self._subtitle_font).height()
        return QSize(200, height + 2 * PADDING + 4)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect).adjusted(2, 2, -2, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected or hovered:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.qcolor("#2f2519" if selected else theme.SURFACE_RAISED))
            painter.drawRoundedRect(rect, 6, 6)
        if selected:
            painter.setBrush(theme.qcolor(theme.ACCENT))
            painter.drawRoundedRect(
                QRectF(rect.left(), rect.top() + 6, 3, rect.height() - 12), 1, 1
            )
        text_rect = rect.adjusted(PADDING + 6, PADDING, -PADDING, -PADDING)
        title_height = QFontMetrics(self._title_font).height()
        painter.setFont(self._title_font)
        painter.setPen(theme.qcolor(theme.TEXT))
        painter.drawText(
            QRectF(text_rect.left(), text_rect.top(), text_rect.width(), title_height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            str(index.data(Qt.ItemDataRole.DisplayRole) or ""),
        )
        painter.setFont(self._subtitle_font)
        painter.setPen(theme.qcolor(theme.TEXT_DIM))
        painter.drawText(
            QRectF(
                text_rect.left(),
                text_rect.top() + title_height + 2,
                text_rect.width(),
                text_rect.height() - title_height,
            ),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            str(index.data(SUBTITLE_ROLE) or ""),
        )
        painter.restore()
