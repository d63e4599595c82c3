"""A stack of screens (start, pre-flight, console, summary) that changes with a slow fade.

Only the page on show sets the window's minimum size. A plain QStackedWidget takes the
largest minimum of all its pages, hidden ones too, so one wide page (the pre-flight at 150 %)
kept the console wider than the screen, and its right-hand buttons out of view.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLayout, QStackedWidget, QWidget

from session_player.ui import theme


class FadingStack(QStackedWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The stacked layout's own minimum is the largest page's: not a constraint here.
        self.layout().setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        page = self.currentWidget()
        if page is None:
            return QSize(0, 0)
        return page.minimumSizeHint().expandedTo(page.minimumSize())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        page = self.currentWidget()
        return page.sizeHint() if page is not None else QSize(0, 0)

    def show_page(self, page: QWidget, *, fade_ms: int = theme.FADE_MS) -> None:
        if self.indexOf(page) < 0:
            self.addWidget(page)
        if self.currentWidget() is page:
            return
        self.setCurrentWidget(page)
        if fade_ms > 0 and self.isVisible():
            from session_player.ui.fades import fade_in  # its animation classes: not at start

            fade_in(page, fade_ms)

    def remove_page(self, page: QWidget | None) -> None:
        if page is not None and self.indexOf(page) >= 0:
            self.removeWidget(page)
            page.deleteLater()
