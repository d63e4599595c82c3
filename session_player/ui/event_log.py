"""The recent journal events with their times: what happened, in the clinician's words.

Newest at the top, so the last thing done is where the eye lands. Each line has the time of
day and the time since the dose in two narrow dim columns, then the words, which wrap in a
narrow window instead of scrolling sideways. Flagged lines (a reading past a threshold, an
alert, a refused command) are in the muted warning colour.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from session_player.ui import theme
from session_player.ui.event_text import EventLine, describe

MAX_LINES = 200
LINE_ROLE = Qt.ItemDataRole.UserRole
PADDING = 5


def line_text(line: EventLine) -> str:
    dose = f"{line.dose_text:>8}" if line.dose_text else " " * 8
    return f"{line.wall_text}  {dose}   {line.text}"


class EventDelegate(QStyledItemDelegate):
    """Paints ``time · +dose · words`` with the words wrapping in their own column."""

    def __init__(self, view: QListWidget) -> None:
        super().__init__(view)
        self._view = view
        self._font = theme.font(theme.CONSOLE_PT)
        self._small = theme.font(theme.CONSOLE_SMALL_PT)
        metrics = QFontMetrics(self._small)
        self._time_width = metrics.horizontalAdvance("00:00") + 12
        self._dose_width = metrics.horizontalAdvance("+0:00:00") + 14

    def _text_rect(self, row: QRect) -> QRect:
        """Where the words go in an item's rect: the same for measuring and for painting,
        or a line measured as fitting could wrap when painted and lose its last words."""
        inner = row.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        left = inner.left() + self._time_width + self._dose_width
        return QRect(left, inner.top(), max(80, inner.right() - left + 1), inner.height())

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        line: EventLine = index.data(LINE_ROLE)
        width = self._view.viewport().width()
        area = self._text_rect(QRect(0, 0, width, 10_000))
        bounds = QFontMetrics(self._font).boundingRect(
            area, int(Qt.TextFlag.TextWordWrap), line.text if line else ""
        )
        return QSize(width, bounds.height() + 2 * PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        line: EventLine = index.data(LINE_ROLE)
        if line is None:
            return
        painter.save()
        rect = option.rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        first_line = QFontMetrics(self._font).height()
        painter.setFont(self._small)
        painter.setPen(QColor(theme.TEXT_DIM))
        time_rect = QRect(rect.left(), rect.top(), self._time_width, first_line)
        painter.drawText(time_rect, Qt.AlignmentFlag.AlignVCenter, line.wall_text)
        dose_rect = QRect(time_rect.right(), rect.top(), self._dose_width - 8, first_line)
        painter.drawText(
            dose_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, line.dose_text
        )
        painter.setFont(self._font)
        painter.setPen(QColor(theme.WARNING if line.flagged else theme.TEXT))
        painter.drawText(self._text_rect(option.rect), int(Qt.TextFlag.TextWordWrap), line.text)
        painter.restore()


class EventLog(QListWidget):
    def __init__(self, bridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("event_log")
        self.setAccessibleName("Session events, newest first")
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Lay the items out again when the viewport's width changes (the window is resized,
        # or the scroll bar appears): wrapped heights depend on it.
        self.setResizeMode(QListView.ResizeMode.Adjust)
        # Always there: a scroll bar appearing as lines came narrowed the column without
        # laying the rows out again, so their wrapped words ran into the next row.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setItemDelegate(EventDelegate(self))
        self._bridge = bridge
        self.lines: list[EventLine] = []
        self._last_seq = 0
        # The bridge sends every event from the first one when it starts, then new ones.
        bridge.events_added.connect(self.add_events)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        # QListView's Adjust lays a plain top-to-bottom list out again only when its height
        # changes: narrowed, the rows kept the heights measured at the old width and their
        # wrapped words ran into the next row. Each row's height depends on the width.
        if event.size().width() != event.oldSize().width():
            self.doItemsLayout()

    def add_events(self, events: list[dict]) -> None:
        for event in events:
            if event["seq"] <= self._last_seq:
                continue
            self._last_seq = event["seq"]
            line = describe(self._bridge.playlist, event)
            if line is None:
                continue
            self.lines.insert(0, line)
            item = QListWidgetItem(line_text(line))  # the plain text, for screen readers
            item.setData(LINE_ROLE, line)
            self.insertItem(0, item)
        while self.count() > MAX_LINES:
            self.takeItem(self.count() - 1)
        del self.lines[MAX_LINES:]

    def texts(self) -> list[str]:
        return [line.text for line in self.lines]
