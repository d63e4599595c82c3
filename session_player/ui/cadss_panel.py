"""The full CADSS for a check that names it: 23 items, each scored 0-4 with one tap.

A window of its own beside the console, never modal: the console's buttons (Fade, Calm
down) stay in reach while the items are asked, and closing it keeps what was tapped until
it is saved. Save is possible once every item has a score; the total is computed by the
session from the items (``record_scale("cadss", items=...)``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from session_player.session import command_table as commands
from session_player.session.scales import CADSS_ITEM_MAX, cadss_form


class CadssPanel(QDialog):
    saved = Signal(object)  # the VitalsResult

    def __init__(self, bridge, check_key: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cadss_panel")
        self.setModal(False)
        self._bridge = bridge
        self.check_key = check_key
        form = cadss_form()
        self.setWindowTitle(f"{form.title}" + (f": {check_key}" if check_key else ""))
        hint = QLabel(
            "Score each item 0–4: "
            + ", ".join(f"{score} {words.lower()}" for score, words in form.anchors.items())
            + ". The prompts are short reminders; ask with the instrument's own wording."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        grid = QGridLayout()
        grid.setHorizontalSpacing(4)
        self.groups: list[QButtonGroup] = []
        for row, item in enumerate(form.items):
            prompt = QLabel(f"{item.id}. {item.prompt}")
            prompt.setWordWrap(True)
            grid.addWidget(prompt, row, 0)
            group = QButtonGroup(self)
            group.setExclusive(True)
            for score in range(CADSS_ITEM_MAX + 1):
                button = QPushButton(str(score))
                button.setObjectName(f"cadss_{item.id}_{score}")
                button.setCheckable(True)
                button.setAutoDefault(False)  # Enter must not score an item (see rems_form_panel)
                button.setAccessibleName(f"Item {item.id}: {score}, {form.anchors.get(score)}")
                button.setMinimumWidth(36)
                group.addButton(button, score)
                grid.addWidget(button, row, 1 + score)
            group.idClicked.connect(self._update_total)
            self.groups.append(group)
        grid.setColumnStretch(0, 1)
        items = QWidget()
        items.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidget(items)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.total = QLabel()
        self.total.setObjectName("cadss_total")
        self.message = QLabel()
        self.message.setObjectName("cadss_message")
        self.message.setProperty("role", "warning")
        self.save_button = QPushButton("Save CADSS")
        self.save_button.setObjectName("cadss_save")
        self.save_button.setProperty("role", "primary")
        self.save_button.clicked.connect(self.save)
        close = QPushButton("Close (keeps the scores)")
        close.setObjectName("cadss_close")
        close.setAutoDefault(False)
        close.clicked.connect(self.hide)
        buttons = QHBoxLayout()
        buttons.addWidget(self.total, 1)
        buttons.addWidget(close)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(640, 560)
        self._update_total()

    def scores(self) -> list[int | None]:
        return [None if group.checkedId() < 0 else group.checkedId() for group in self.groups]

    def _update_total(self, _score: int = 0) -> None:
        scores = self.scores()
        answered = [score for score in scores if score is not None]
        self.total.setText(
            f"Total {sum(answered)} of 92 · {len(answered)} of {len(scores)} items scored"
        )
        self.save_button.setEnabled(len(answered) == len(scores))

    def save(self) -> None:
        scores = self.scores()
        if any(score is None for score in scores):
            return
        result = self._bridge.run(
            commands.RECORD_SCALE, "cadss", items=scores, check_label=self.check_key
        )
        if result is None:
            self.message.setText("Not saved; see the console's status line.")
            return
        self.saved.emit(result)
        self.close()
