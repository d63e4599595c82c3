"""The console's record banner: whether the session's record is being saved.

With the data folder's disk full the session goes on and the journal holds its events until
the disk has room (``session.journal.HeldEvents``). An alert says so once; this banner says
it for as long as it lasts (since when, how many events wait, what to do: note vital signs
on paper), and goes back to its quiet line once every waiting event is written.

It keeps one fixed height in both states, in a place of its own (the top of the journal's
card, below the commands): appearing or clearing, it moves nothing under a hand.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QSizePolicy, QVBoxLayout, QWidget

from session_player.session.journal import JournalSaving
from session_player.session.record_saving import banner_lines
from session_player.ui import theme
from session_player.ui.elided_label import ElidedLabel

QUIET_TEXT = "Record: every event is saved as it happens."


class RecordBanner(QFrame):
    def __init__(self, bridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("record_banner")
        self._bridge = bridge
        self.headline = ElidedLabel(QUIET_TEXT, lines=2, min_width_px=120)
        self.headline.setObjectName("record_banner_headline")
        self.advice = ElidedLabel("", lines=2, min_width_px=120)
        self.advice.setObjectName("record_banner_advice")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addWidget(self.headline)
        layout.addWidget(self.advice)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._failing: bool | None = None
        # The height of the failing state, kept in both: nothing below moves when it comes
        # or goes. Measured on the failing state's words and fonts.
        self._show(JournalSaving(saving=False, since_wall="", waiting=10, error="x"))
        for label in (self.headline, self.advice):
            label.ensurePolished()  # the theme's fonts, not the default ones
        margins = layout.contentsMargins()
        lines_px = sum(label.sizeHint().height() for label in (self.headline, self.advice))
        self.setFixedHeight(margins.top() + margins.bottom() + layout.spacing() + lines_px)
        self._show(bridge.timeline.journal_saving)
        bridge.ticked.connect(self._follow)
        bridge.changed.connect(self._follow)

    @property
    def failing(self) -> bool:
        return bool(self._failing)

    def _follow(self, _state=None) -> None:
        self._show(self._bridge.timeline.journal_saving)

    def _show(self, saving) -> None:
        lines = banner_lines(saving)
        failing = lines is not None
        if failing:
            self.headline.setText(lines[0])
            self.advice.setText(lines[1])
        if failing == self._failing:
            return
        self._failing = failing
        if failing:
            self.setStyleSheet(
                f"QFrame#record_banner {{ background-color: {theme.WARNING_BG};"
                f" border: 1px solid {theme.WARNING}; border-radius: 8px; }}"
            )
            theme.set_role(self.headline, "warning")
            theme.set_role(self.advice, None)
            self.setAccessibleName("The record is not being saved")
        else:
            self.setStyleSheet(
                "QFrame#record_banner { background: transparent; border: 1px solid transparent; }"
            )
            self.headline.setText(QUIET_TEXT)
            self.advice.setText("")
            theme.set_role(self.headline, "hint")
            theme.set_role(self.advice, "hint")
            self.setAccessibleName("The record is saved")
