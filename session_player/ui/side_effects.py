"""One-tap logging of side effects, straight into the journal with its time.

Tapping is faster than typing when the patient is vomiting or frightened; the journal gets
the exact time, and the event log shows the entry at once so a double tap is visible.

A tap can miss: the button under the pointer may have moved a moment before (see
``click_guard``, which ignores such a press), or the hand simply slips. So for
``UNDO_WINDOW_S`` after each tap a line under the buttons names what was logged, with an
Undo that journals a correction (``side_effect_withdrawn``): history is never deleted. The
line's room is always kept, so nothing moves when it appears or goes.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from session_player.session import command_table as commands
from session_player.session.clock import SYSTEM_CLOCK, Clock
from session_player.ui.click_guard import ArrivalGuard

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
UNDO_WINDOW_S = 20.0  # long enough to notice a wrong entry in the log, short enough to stay tidy


class SideEffects(QFrame):
    def __init__(self, bridge, parent=None, *, clock: Clock = SYSTEM_CLOCK) -> None:
        super().__init__(parent)
        self.setObjectName("side_effects")
        self.setProperty("role", "card")
        self._bridge = bridge
        self._clock = clock
        self._last: tuple[int, str] | None = None  # the seq and words of the last tap's entry
        self._row_since_s = 0.0  # when the line under the buttons last changed
        heading = QLabel("Log a side effect (one tap)")
        heading.setProperty("role", "hint")
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        self.guards: list[ArrivalGuard] = []
        for number, (kind, text) in enumerate(SIDE_EFFECT_BUTTONS):
            button = QPushButton(text)
            button.setObjectName("side_effect_" + kind.replace(" ", "_").replace("/", "_"))
            button.setAccessibleName(f"Log side effect: {text}")
            button.clicked.connect(lambda _=False, k=kind, t=text: self.log(k, t))
            grid.addWidget(button, number // COLUMNS, number % COLUMNS)
            self.buttons[kind] = button
            self.guards.append(ArrivalGuard(button, clock))

        self.logged = QLabel()
        self.logged.setObjectName("side_effect_logged")
        self.logged.setProperty("role", "secondary")
        self.undo = QPushButton("Undo")
        self.undo.setObjectName("side_effect_undo")
        self.undo.setProperty("role", "quiet")
        self.undo.setAccessibleName("Undo the side effect just logged")
        self.undo.clicked.connect(self._undo)
        self.guards.append(ArrivalGuard(self.undo, clock))
        self._undo_row = QWidget()
        undo_layout = QHBoxLayout(self._undo_row)
        undo_layout.setContentsMargins(0, 0, 0, 0)
        undo_layout.addWidget(self.logged, 1)
        undo_layout.addWidget(self.undo)
        policy = self._undo_row.sizePolicy()
        policy.setVerticalPolicy(QSizePolicy.Policy.Fixed)
        policy.setRetainSizeWhenHidden(True)  # its room is kept: nothing moves
        self._undo_row.setSizePolicy(policy)
        self._undo_row.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 10)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addLayout(grid)
        layout.addWidget(self._undo_row)
        bridge.ticked.connect(self._on_tick)

    def log(self, kind: str, text: str | None = None) -> None:
        result = self._bridge.run(commands.LOG_SIDE_EFFECT, kind)
        if result is None or result.seq is None:
            return
        self._last = (result.seq, text or kind)
        self._row_since_s = self._clock()
        self.logged.setText(f"Logged: {text or kind}")
        self.undo.setText("Undo")
        self.undo.setEnabled(True)
        self._undo_row.show()

    def _undo(self) -> None:
        if self._last is None:
            return
        seq, text = self._last
        if self._bridge.run(commands.WITHDRAW_SIDE_EFFECT, seq) is not None:
            self._last = None
            self._row_since_s = self._clock()
            self.logged.setText(f"Undone: {text} (kept in the journal as a correction)")
            self._let_go_of_focus()
            self.undo.setEnabled(False)

    def _let_go_of_focus(self) -> None:
        # A disabled or hidden Undo would hand its focus to the next button, where a stray
        # Enter logs something: nothing has the focus instead.
        if self.undo.hasFocus():
            self.undo.clearFocus()

    def _on_tick(self, _state=None) -> None:
        for guard in self.guards:
            guard.sample()
        if self._undo_row.isHidden():
            return
        if self._clock() - self._row_since_s >= UNDO_WINDOW_S:
            self._let_go_of_focus()
            self._last = None
            self._undo_row.hide()
