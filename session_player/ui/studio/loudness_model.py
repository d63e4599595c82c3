"""The loudness report as a Qt table model: one row per file, the CLI's columns.

The cells are the command line's (``audio.loudness_report.row_cells``), so the studio and
``session-player loudness`` never disagree. A flagged row is drawn in the warning colour and
its tooltip says what each flag means for the session and where the file is used.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from session_player.audio.loudness_report import HEADERS, ReportRow, row_cells
from session_player.ui import theme

_NUMERIC_COLUMNS = {1, 2, 3, 4, 6, 7}
_Index = QModelIndex | QPersistentModelIndex


class LoudnessTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[ReportRow] = []
        self._cells: list[tuple[str, ...]] = []
        self._base_dir: str | None = None

    def set_rows(self, rows: list[ReportRow], base_dir: str | None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._base_dir = base_dir
        self._cells = [row_cells(row, base_dir) for row in self._rows]
        self.endResetModel()

    def row_at(self, row: int) -> ReportRow:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in _NUMERIC_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and row.flagged:
            return theme.qcolor(theme.WARNING)
        if role == Qt.ItemDataRole.ToolTipRole:
            return details_text(row, self._cells[index.row()][0])
        return None


def details_text(row: ReportRow, shown_path: str) -> str:
    """What a therapist needs to know about one file, in sentences, its name first (the
    table cuts a long path at its start, so the name always shows)."""
    lines = [shown_path]
    lines += [f"{flag.code}: {flag.message}" for flag in row.flags]
    if row.facts is None and not row.flags:
        lines.append("Not measured yet.")
    uses = ", ".join(use.where for use in row.uses)
    if uses:
        lines.append(f"Used as: {uses}.")
    return "\n".join(lines)
