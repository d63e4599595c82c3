"""A read-only table of the record that is always shown whole: no scrolling, no cut text.

The summary scrolls as a page. A table inside it must neither scroll on its own nor cut a
cell ("Systolic > 140; …"), nor hold the keyboard (Tab would walk its cells instead of
leaving for the discharge checklist). So:

- short columns (times, names) take their full width; the other columns share what is left
  in proportion to their text and wrap their words, never narrower than their longest word;
- the table is as tall as its rows at that width, recomputed whenever the width changes;
- it is one Tab stop, never a trap: Tab brings it into view (the page scrolls to it, its
  border shows the focus) and the next Tab leaves it, as there is nothing in it to operate.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from session_player.ui import theme

CELL_PADDING_PX = 14  # the style's margins around a cell's text, both sides together
# A cell draws its text inside the grid line: a column exactly as wide as the delegate's size
# hint wraps its longest line. A few pixels more keep it on one line.
GRID_SLACK_PX = 4


class RecordTable(QTableWidget):
    def __init__(
        self,
        headers: list[str],
        *,
        fit_columns: tuple[int, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(0, len(headers), parent)
        self._fit_columns = set(fit_columns)
        self._fitting = False
        self.setHorizontalHeaderLabels(headers)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setTabKeyNavigation(False)  # Tab leaves the table instead of walking its cells
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setStretchLastSection(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_rows(self, rows: list[list[str]], *, warn: set[tuple[int, int]] = frozenset()) -> None:
        """Replace the rows; the cells in ``warn`` (row, column) take the warning colour."""
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                if (r, c) in warn:
                    item.setForeground(QColor(theme.WARNING))
                self.setItem(r, c, item)
        self._fit()
        self.updateGeometry()

    # --- geometry ----------------------------------------------------------------------------

    def _cell_texts(self, column: int) -> list[str]:
        return [self.item(r, column).text() for r in range(self.rowCount()) if self.item(r, column)]

    def _padding_px(self, column: int) -> int:
        """What the style adds around a cell's text (margins, grid line), as the delegate says."""
        texts = self._cell_texts(column)
        if not texts:
            return CELL_PADDING_PX
        longest = max(self.fontMetrics().horizontalAdvance(text) for text in texts)
        return max(self.sizeHintForColumn(column) - longest, CELL_PADDING_PX)

    def _natural_width(self, column: int) -> int:
        """The width of the column's longest text on one line, its header's included."""
        header = self.horizontalHeader().sectionSizeHint(column)
        cells = self.sizeHintForColumn(column) + GRID_SLACK_PX if self.rowCount() else 0
        return max(header, cells)

    def _narrowest_width(self, column: int) -> int:
        """A fit column's full text; a wrapping column's longest word (words never break)."""
        if column in self._fit_columns:
            return self._natural_width(column)
        header_item = self.horizontalHeaderItem(column)
        words = [word for text in self._cell_texts(column) for word in text.split()]
        metrics = self.fontMetrics()
        widest = max((metrics.horizontalAdvance(word) for word in words), default=0)
        header_words = header_item.text().split() if header_item else []
        header_metrics = self.horizontalHeader().fontMetrics()
        header_widest = max((header_metrics.horizontalAdvance(w) for w in header_words), default=0)
        # The header does not wrap: it keeps its whole width.
        return max(
            widest + self._padding_px(column) + GRID_SLACK_PX,
            self.horizontalHeader().sectionSizeHint(column) if header_widest else 0,
        )

    def _frame_px(self) -> int:
        return 2 * self.frameWidth()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        width = sum(self._narrowest_width(c) for c in range(self.columnCount()))
        return QSize(width + self._frame_px(), self._height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        width = sum(self._natural_width(c) for c in range(self.columnCount()))
        return QSize(width + self._frame_px(), self._height())

    def _height(self) -> int:
        header = self.horizontalHeader().sizeHint().height()
        rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
        return header + rows + self._frame_px()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Share the width among the columns, then let each row be as tall as its text."""
        if self._fitting:
            return
        self._fitting = True
        try:
            available = max(self.width() - self._frame_px(), 0)
            columns = range(self.columnCount())
            widths = {c: self._narrowest_width(c) for c in columns}
            wrapping = [c for c in columns if c not in self._fit_columns]
            spare = available - sum(widths.values())
            if spare > 0 and wrapping:
                # What is left goes to the wrapping columns, those that lack least first: a
                # column that can show its text on one line does, and the rest share.
                lacking = {c: max(self._natural_width(c) - widths[c], 0) for c in wrapping}
                waiting = sorted(wrapping, key=lambda c: lacking[c])
                while waiting:
                    share = spare // len(waiting)
                    column = waiting.pop(0)
                    given = min(lacking[column], share)
                    widths[column] += given
                    spare -= given
                # Whatever is still spare goes to the last column, so the grid ends at the edge.
                widths[wrapping[-1]] += max(spare, 0)
            for c in columns:
                self.setColumnWidth(c, widths[c])
            self.resizeRowsToContents()
            height = self._height()
            if self.height() != height:
                self.setFixedHeight(height)
        finally:
            self._fitting = False
