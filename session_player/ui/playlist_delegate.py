"""How a playlist reads in the start screen's list: its title, and its file name below, dimmer.

Clinicians know sessions by their titles ("IV infusion, 40 minutes"); the file name is there
to tell two versions apart.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRectF, QSize
from PySide6.QtGui import QFontMetrics, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from session_player.ui import qt_values, theme

# Qt's values rather than its enums: the list is painted at launch (see ui/qt_values.py).
SUBTITLE_ROLE = qt_values.USER_ROLE + 1
PADDING = 10
_TITLE_FLAGS = qt_values.ALIGN_LEFT | qt_values.ALIGN_VCENTER
_SUBTITLE_FLAGS = qt_values.ALIGN_LEFT | qt_values.ALIGN_TOP


def _rounded(rect: QRectF, radius: float) -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(rect, radius, radius)
    return path


class PlaylistDelegate(QStyledItemDelegate):
    """Paints each row with calls that leave Qt's namespace enums unbuilt (see
    ui/qt_values.py): ``QPainter.setPen``/``setBrush`` would build them when the list is first
    painted at launch, so shapes are filled with brushes from a palette and text is drawn by
    the style in a palette role, as the style draws a label's."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._title_font = theme.font(theme.CONSOLE_PT)
        self._subtitle_font = theme.font(theme.CONSOLE_SMALL_PT)
        self._colours = QPalette()
        for role, colour in (
            (QPalette.ColorRole.Text, theme.TEXT),  # the title
            (QPalette.ColorRole.PlaceholderText, theme.TEXT_DIM),  # the file name below it
            (QPalette.ColorRole.Highlight, "#2f2519"),  # the selected row
            (QPalette.ColorRole.AlternateBase, theme.SURFACE_RAISED),  # the row under the mouse
            (QPalette.ColorRole.Accent, theme.ACCENT),  # the selected row's mark
        ):
            self._colours.setColor(role, theme.qcolor(colour))

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
            ground = self._colours.highlight() if selected else self._colours.alternateBase()
            painter.fillPath(_rounded(rect, 6), ground)
        if selected:
            mark = QRectF(rect.left(), rect.top() + 6, 3, rect.height() - 12)
            painter.fillPath(_rounded(mark, 1), self._colours.accent())
        text_rect = rect.adjusted(PADDING + 6, PADDING, -PADDING, -PADDING)
        title_height = QFontMetrics(self._title_font).height()
        style = QApplication.style()
        painter.setFont(self._title_font)
        style.drawItemText(
            painter,
            QRectF(text_rect.left(), text_rect.top(), text_rect.width(), title_height).toRect(),
            _TITLE_FLAGS,
            self._colours,
            True,
            str(index.data() or ""),  # the display role
            QPalette.ColorRole.Text,
        )
        painter.setFont(self._subtitle_font)
        style.drawItemText(
            painter,
            QRectF(
                text_rect.left(),
                text_rect.top() + title_height + 2,
                text_rect.width(),
                text_rect.height() - title_height,
            ).toRect(),
            _SUBTITLE_FLAGS,
            self._colours,
            True,
            str(index.data(SUBTITLE_ROLE) or ""),
            QPalette.ColorRole.PlaceholderText,
        )
        painter.restore()
