"""A layout that places widgets left to right and wraps them onto a new line when out of room.

The console's command buttons change their words with the session ("Calm down" becomes
"Undo calm down", "Pause" becomes "Resume"). In a plain row their widths add up to the
window's minimum width, so a longer word made the whole window grow, past the edge of a
1366-pixel laptop screen. In this layout the minimum width is the widest single button and
the row wraps instead; the height follows the width (``heightForWidth``).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, *, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    # --- QLayout's item list -------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    # --- sizes -----------------------------------------------------------------------------

    def spacing(self) -> int:
        return self._spacing

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # Everything on one line: what the layout would like when there is room.
        visible = [item for item in self._items if not item.isEmpty()]
        margins = self.contentsMargins()
        width = sum(item.sizeHint().width() for item in visible)
        width += self._spacing * max(0, len(visible) - 1)
        height = max((item.sizeHint().height() for item in visible), default=0)
        return QSize(
            width + margins.left() + margins.right(), height + margins.top() + margins.bottom()
        )

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Place the items in ``rect`` (or only measure); returns the height used.

        An item wider than the whole line gets the line's width (a label then cuts its
        words), never more: it would reach past the window's edge. Items shorter than their
        line sit in its middle (a slider beside a heading).
        """
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y = area.x(), area.y()
        line: list[tuple[QLayoutItem, int, QSize]] = []
        line_height = 0

        def place(line, top: int, height: int) -> None:
            for item, left, size in line:
                offset = (height - size.height()) // 2
                item.setGeometry(QRect(QPoint(left, top + offset), size))

        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            size = QSize(min(hint.width(), max(1, area.width())), hint.height())
            if x > area.x() and x + size.width() > area.right() + 1:
                if move:
                    place(line, y, line_height)
                line = []
                x = area.x()
                y += line_height + self._spacing
                line_height = 0
            line.append((item, x, size))
            x += size.width() + self._spacing
            line_height = max(line_height, size.height())
        if move:
            place(line, y, line_height)
        return y + line_height - rect.y() + margins.bottom()
