"""One-tap logging of side effects, straight into the journal with its time.

Tapping is faster than typing when the patient is vomiting or frightened; the journal gets
the exact time, and the event log shows the entry at once so a double tap is visible.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout

COLUMNS = 4  # two rows: fits beside the event log on a laptop screen
SIDE_EFFECT_BUTTONS = (
    ("nausea/vomiting", "Nausea / vomiting"),
    ("dizziness", "Dizziness"),
    ("blurred vision", "Blurred vision"),
    ("anxiety", "Anxiety"),
    ("confusion", "Confusion"),
    ("raised heart rate", "Raised HR"),
    ("raised blood pressure", "Raised BP"),
)


class SideEffects(QFrame):
    def __init__(self, bridge, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("side_effects")
        self.setProperty("role", "card")
        self._bridge = bridge
        heading = QLabel("Log a side effect (one tap)")
        heading.setProperty("role", "hint")
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        for number, (kind, text) in enumerate(SIDE_EFFECT_BUTTONS):
            button = QPushButton(text)
            button.setObjectName("side_effect_" + kind.replace(" ", "_").replace("/", "_"))
            button.setAccessibleName(f"Log side effect: {text}")
            button.clicked.connect(lambda _=False, k=kind: self.log(k))
            grid.addWidget(button, number // COLUMNS, number % COLUMNS)
            self.buttons[kind] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 10)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addLayout(grid)

    def log(self, kind: str) -> None:
        self._bridge.run("log_side_effect", kind)
