"""One line of the pre-flight checklist: a state mark, a title, a detail and its buttons."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from session_player.ui import theme
from session_player.ui.flow_layout import FlowLayout


class ItemState(Enum):
    PENDING = ("○", theme.TEXT_DIM, "not done yet")
    RUNNING = ("◌", theme.ACCENT, "in progress")
    DONE = ("✓", theme.OK, "done")
    FAILED = ("!", theme.WARNING, "needs attention")
    OVERRIDDEN = ("→", theme.ACCENT_DIM, "continued anyway")

    @property
    def mark(self) -> str:
        return self.value[0]

    @property
    def colour(self) -> str:
        return self.value[1]

    @property
    def spoken(self) -> str:
        return self.value[2]


class ChecklistItem(QFrame):
    """A card with a mark (○ ✓ ! →), a title, a detail line, an optional progress bar."""

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"check_{key}")
        self.setProperty("role", "card")
        self.key = key
        self.state = ItemState.PENDING
        self._title = title
        self.mark = QLabel()
        self.mark.setFixedWidth(36)
        self.mark.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.mark.setFont(theme.font(theme.CONSOLE_HEADING_PT))
        self.title = QLabel(title)
        self.title.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setProperty("role", "secondary")
        self.detail.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.progress.hide()
        # Under the words, wrapping onto a second line when narrow: beside them, three
        # buttons made the pre-flight wider than a 150 % laptop screen and squeezed the
        # detail into a column too narrow to read.
        self.buttons = FlowLayout(spacing=8)

        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.title)
        text.addWidget(self.detail)
        text.addWidget(self.progress)
        text.addLayout(self.buttons)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 14, 10)
        row.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        self.set_state(ItemState.PENDING)

    def add_button(self, text: str, name: str, *, role: str | None = None) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        if role:
            button.setProperty("role", role)
        self.buttons.addWidget(button)
        return button

    def set_state(self, state: ItemState, detail: str | None = None) -> None:
        self.state = state
        self.mark.setText(state.mark)
        self.mark.setStyleSheet(f"color: {state.colour}; background: transparent;")
        if detail is not None:
            self.detail.setText(detail)
        self.progress.setVisible(state is ItemState.RUNNING)
        self.setAccessibleName(f"{self._title}: {state.spoken}. {self.detail.text()}")

    def set_progress(self, fraction: float, detail: str = "") -> None:
        self.progress.setValue(round(max(0.0, min(1.0, fraction)) * 1000))
        if detail:
            self.detail.setText(detail)

    @property
    def settled(self) -> bool:
        """Done, or explicitly continued without: the session may start."""
        return self.state in (ItemState.DONE, ItemState.OVERRIDDEN)
