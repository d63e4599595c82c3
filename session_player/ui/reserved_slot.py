"""A place on the console kept for a card that comes and goes (the vital-signs prompt).

When the vitals card closed, the side-effect buttons under it jumped up by 95 px, just as
the clinician reached for one. The slot keeps the card's room whether it shows or not, and
says in that room, quietly, what will appear there and how to bring it up.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget


class ReservedSlot(QWidget):
    def __init__(self, card: QWidget, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card = card
        policy = card.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        policy.setVerticalPolicy(QSizePolicy.Policy.Fixed)
        card.setSizePolicy(policy)
        self.placeholder = QLabel(placeholder)
        self.placeholder.setObjectName(f"{card.objectName()}_placeholder")
        self.placeholder.setProperty("role", "hint")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        # Both in one cell: the placeholder under the card, seen only while the card is hidden.
        grid.addWidget(self.placeholder, 0, 0)
        grid.addWidget(card, 0, 0)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        card.installEventFilter(self)
        self._sync()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.card and event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            self._sync()
        return False

    def _sync(self) -> None:
        self.placeholder.setVisible(self.card.isHidden())
