"""A stack of screens (start, pre-flight, console, summary) that changes with a slow fade."""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QWidget

from session_player.ui import theme


class FadingStack(QStackedWidget):
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
