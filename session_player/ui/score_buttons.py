"""A row of large buttons, one per score (MOAA/S 0..5, a dissociation rating 0..10): one tap
records it.

One tap is one command, so a double tap must not record twice: after a tap the row ignores
presses for ``REPEAT_GUARD_S`` (the card may already show the next due check's row in the
same place, and the second tap of a double tap would score that check). Keys (Tab to a
button, Space) are guarded the same way. Time comes from an injectable clock.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from session_player.session.clock import SYSTEM_CLOCK, Clock

REPEAT_GUARD_S = 0.6  # as the console's arrival guard: longer than a double tap
BUTTON_MIN_PX = 40  # large enough to hit in the dark with the eyes on the patient


class ScoreRow(QWidget):
    scored = Signal(int)

    def __init__(
        self,
        scale: str,
        caption: str,
        scores: range,
        tooltips: dict[int, str] | None = None,
        *,
        clock: Clock = SYSTEM_CLOCK,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"score_row_{scale}")
        self.scale = scale
        self._clock = clock
        self._tapped_s: float | None = None
        self.ignored_taps = 0  # taps kept from recording twice (for the tests)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.caption = QLabel(caption)
        self.caption.setProperty("role", "secondary")
        layout.addWidget(self.caption)
        self.buttons: dict[int, QPushButton] = {}
        for score in scores:
            button = QPushButton(str(score))
            button.setObjectName(f"score_{scale}_{score}")
            words = (tooltips or {}).get(score, "")
            button.setAccessibleName(f"{caption} {score}" + (f": {words}" if words else ""))
            button.setToolTip(words)
            button.setMinimumSize(BUTTON_MIN_PX, BUTTON_MIN_PX)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, s=score: self._tap(s))
            layout.addWidget(button, 1)
            self.buttons[score] = button

    def _tap(self, score: int) -> None:
        now_s = self._clock()
        if self._tapped_s is not None and now_s - self._tapped_s < REPEAT_GUARD_S:
            self.ignored_taps += 1
            return
        self._tapped_s = now_s
        self.scored.emit(score)
