"""A playlist's validation problems as a list; clicking one shows the place in the file.

Therapists write playlists by hand, so the start screen must say exactly where a problem is
(line and column, as editors count them) and show the line in context, without sending the
clinician to a terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from session_player.playlist.problems import Problem
from session_player.ui import qt_values, theme

if TYPE_CHECKING:
    from PySide6.QtWidgets import QPlainTextEdit


class ProblemsView(QWidget):
    """The list of problems and, below it, the source around the selected one.

    The source view (a text editor) is built when a problem is first selected: most
    playlists have no problems, and the start screen is on the screen sooner without it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._main_file = ""
        self._problems: list[Problem] = []
        self.list = QListWidget(self)
        self.list.setObjectName("problems_list")
        self.list.setAccessibleName("Problems in the playlist")
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(self._show_row)
        self.list.itemClicked.connect(lambda item: self._show_row(self.list.row(item)))
        self._source: QPlainTextEdit | None = None
        self.place = QLabel(self)
        self.place.setProperty("role", "hint")
        self.place.hide()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.list, 1)
        self._layout.addWidget(self.place)

    @property
    def source(self) -> QPlainTextEdit:
        """The playlist file, scrolled to the selected problem (built when first needed)."""
        if self._source is None:
            from PySide6.QtWidgets import QPlainTextEdit

            source = QPlainTextEdit(self)
            source.setObjectName("problem_source")
            source.setAccessibleName("The playlist file at the selected problem")
            source.setReadOnly(True)
            source.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            mono = theme.font(theme.CONSOLE_SMALL_PT)
            mono.setFamilies(["DejaVu Sans Mono", "Noto Mono", "Menlo", "Consolas", "monospace"])
            source.setFont(mono)
            source.hide()
            self._layout.addWidget(source, 1)
            self._source = source
        return self._source

    def set_problems(self, main_file: str, problems: list[Problem]) -> None:
        self._main_file = str(main_file)
        self._problems = list(problems)
        self.list.clear()
        if self._source is not None:
            self._source.hide()
        self.place.hide()
        # Resolved once per file, not once per problem: a playlist whose 5,000 files are
        # missing has 5,000 problems, and this runs on the GUI thread.
        resolved: dict[str, Path] = {}

        def resolve(path: str) -> Path:
            if path not in resolved:
                resolved[path] = Path(path).resolve()
            return resolved[path]

        main = resolve(self._main_file)
        for problem in self._problems:
            where = f"{problem.position.line}:{problem.position.col}"
            if resolve(problem.path) != main:
                where = f"{Path(problem.path).name} {where}"
            item = QListWidgetItem(f"{where}  {problem.severity.value}: {problem.message}")
            item.setToolTip(problem.format())
            colour = theme.WARNING if problem.is_error else theme.TEXT_DIM
            item.setForeground(QColor(colour))
            self.list.addItem(item)

    def show_problem(self, row: int) -> None:
        self.list.setCurrentRow(row)

    def _show_row(self, row: int) -> None:
        from PySide6.QtGui import QTextCursor, QTextFormat
        from PySide6.QtWidgets import QTextEdit

        if not 0 <= row < len(self._problems):
            return
        problem = self._problems[row]
        try:
            text = Path(problem.path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            self.source.hide()
            return
        self.source.setPlainText(text)
        block = self.source.document().findBlockByLineNumber(max(0, problem.position.line - 1))
        cursor = QTextCursor(block)
        cursor.movePosition(
            QTextCursor.MoveOperation.Right,
            QTextCursor.MoveMode.MoveAnchor,
            max(0, min(problem.position.col - 1, block.length() - 1)),
        )
        self.source.setTextCursor(cursor)
        highlight = QTextEdit.ExtraSelection()
        highlight.format.setBackground(QColor("#3a2417" if problem.is_error else "#2f2519"))
        highlight.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        highlight.cursor = QTextCursor(block)
        self.source.setExtraSelections([highlight])
        self.source.centerCursor()
        self.place.setText(
            f"{Path(problem.path).name}, line {problem.position.line}, "
            f"column {problem.position.col}"
        )
        self.place.show()
        self.source.show()

    def current_line(self) -> int:
        """The 1-based line the source view shows (for tests and screen readers)."""
        return self.source.textCursor().blockNumber() + 1

    def current_column(self) -> int:
        return self.source.textCursor().positionInBlock() + 1

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() in (qt_values.KEY_RETURN, qt_values.KEY_ENTER):
            self._show_row(self.list.currentRow())
        super().keyPressEvent(event)
