"""How a playlist reads in the start screen's list: its title, and its file name below, dimmer.

Clinicians know sessions by their titles ("IV infusion, 40 minutes"); the file name is there
to tell two versions apart.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QRectF, QSize
from PySide6.QtGui import QCursor, QFontMetrics, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import QListWidget, QStyledItemDelegate, QStyleOptionViewItem

from session_player.ui import qt_values, theme

# Qt's values rather than its enums: the list is painted at launch (see ui/qt_values.py).
SUBTITLE_ROLE = qt_values.USER_ROLE + 1
PADDING = 10
_TITLE_FLAGS = qt_values.ALIGN_LEFT | qt_values.ALIGN_VCENTER
_SUBTITLE_FLAGS = qt_values.ALIGN_LEFT | qt_values.ALIGN_TOP
# The file name is the title's colour at this opacity: over a panel (SURFACE) that is TEXT_DIM,
# within a unit per channel (tests/ui/test_start_screen_look.py measures it).
SUBTITLE_OPACITY = 0.61


def _rounded(rect: QRectF, radius: float) -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(rect, radius, radius)
    return path


class PlaylistDelegate(QStyledItemDelegate):
    """Paints each row without touching Qt's enum types that the launch would otherwise
    build only for it (see ui/qt_values.py): the namespace ``Qt`` (which ``QPen`` and
    ``QPainter.setPen`` build) and ``QStyle`` (about 10 ms: 600 values; ``option.state`` and
    ``QApplication.style()`` build it). So shapes are filled with brushes from a palette,
    the row's state is asked of the list, and text is drawn with the pen the list's painter
    starts with (its text colour), the file name at a lower opacity."""

    def __init__(self, parent: QListWidget) -> None:
        super().__init__(parent)
        self._view = parent
        self._title_font = theme.font(theme.CONSOLE_PT)
        self._subtitle_font = theme.font(theme.CONSOLE_SMALL_PT)
        self._colours = QPalette()
        for role, colour in (
            (QPalette.ColorRole.Highlight, "#2f2519"),  # the selected row
            (QPalette.ColorRole.AlternateBase, theme.SURFACE_RAISED),  # the row under the mouse
            (QPalette.ColorRole.Accent, theme.ACCENT),  # the selected row's mark
        ):
            self._colours.setColor(role, theme.qcolor(colour))

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        height = QFontMetrics(self._title_font).height()
        height += QFontMetrics(self._subtitle_font).height()
        return QSize(200, height + 2 * PADDING + 4)

    def _hovered(self, index: QModelIndex) -> bool:
        # The viewport's coordinates from the list's own: ``viewport()`` itself would cost
        # ~15 ms at launch (PySide looks for the class of the widget it returns among all
        # the widget classes, and builds their enums on the way).
        view = self._view
        if not view.underMouse():
            return False
        at = view.mapFromGlobal(QCursor.pos()) - view.contentsRect().topLeft()
        return view.indexAt(at) == index

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect).adjusted(2, 2, -2, -2)
        selected = self._view.selectionModel().isSelected(index)
        hovered = not selected and self._hovered(index)
        if selected or hovered:
            ground = self._colours.highlight() if selected else self._colours.alternateBase()
            painter.fillPath(_rounded(rect, 6), ground)
        if selected:
            mark = QRectF(rect.left(), rect.top() + 6, 3, rect.height() - 12)
            painter.fillPath(_rounded(mark, 1), self._colours.accent())
        text_rect = rect.adjusted(PADDING + 6, PADDING, -PADDING, -PADDING)
        title_height = QFontMetrics(self._title_font).height()
        painter.setFont(self._title_font)
        painter.drawText(
            QRect(
                round(text_rect.left()),
                round(text_rect.top()),
                round(text_rect.width()),
                title_height,
            ),
            _TITLE_FLAGS,
            str(index.data() or ""),  # the display role
        )
        painter.setFont(self._subtitle_font)
        painter.setOpacity(SUBTITLE_OPACITY)
        painter.drawText(
            QRect(
                round(text_rect.left()),
                round(text_rect.top()) + title_height + 2,
                round(text_rect.width()),
                round(text_rect.height()) - title_height,
            ),
            _SUBTITLE_FLAGS,
            str(index.data(SUBTITLE_ROLE) or ""),
        )
        painter.restore()
