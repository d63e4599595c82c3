"""Alerts from the engine (device lost, file broken, unexpected silence) and the patient's call.

An alert appears at once, with a slow fade (never a flash, never blinking), in muted red,
and stays until the clinician acknowledges it: a problem that disappears by itself may
never have been seen. The patient's call shows here too, quietly, until answered.

The cards float over the now-playing card (``overlay``), the least urgent thing on the
console and one nothing is pressed on, right above the commands: a card that took room of
its own pushed the arc and every command button down by 60 px as it appeared, and put the
wrong button under a hand already on its way. Cards sit side by side (the call first, then
the oldest alert), their words on one line each, cut with "…" and whole in the tooltip;
more than fit say "+2 more", and each one acknowledged makes room for the next.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from session_player.session import command_table as commands
from session_player.ui import theme
from session_player.ui.elided_label import ElidedLabel
from session_player.ui.fades import fade_in

MAX_CARDS_SHOWN = 2  # side by side in the strip; the rest are counted ("+2 more")

KIND_TITLES = {
    "device_lost": "Output device lost",
    "file_broken": "Audio file problem",
    "unexpected_silence": "Unexpected silence",
    "journal_failed": "Journal cannot be written",
    "device_absent": "Output device not connected",
    "device_fallback": "Playing on another output",
    "device_restored": "Output device back",
    "underrun": "A gap in the sound",
    "render_error": "Audio could not be prepared",
    "app_restarted": "The app restarted",
    "crash_protection_off": "No automatic restart",
}


TONES = {
    # A fault: muted red. The patient's call is not a fault: the warm accent, quieter.
    "warning": (theme.WARNING_BG, theme.WARNING, "warning"),
    "call": ("#211a12", theme.ACCENT_DIM, "accent"),
}


class AlertCard(QFrame):
    def __init__(
        self, title: str, message: str, button_text: str, on_click, *, name: str, tone: str
    ):
        super().__init__()
        self.setObjectName(name)
        background, border, role = TONES[tone]
        self.setStyleSheet(
            f"QFrame#{name} {{ background-color: {background};"
            f" border: 1px solid {border}; border-radius: 10px; }}"
        )
        self.setAccessibleName(f"{title}: {message}")
        self.setToolTip(f"{title}: {message}")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        title_label = ElidedLabel(title, min_width_px=80)
        title_label.setProperty("role", role)
        self.message = ElidedLabel(message, min_width_px=80)
        self.button = QPushButton(button_text)
        self.button.setObjectName(name + "_button")
        self.button.clicked.connect(on_click)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(title_label)
        words.addWidget(self.message)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 14, 8)
        row.addLayout(words, 1)
        row.addWidget(self.button)


class AlertsPanel(QWidget):
    def __init__(self, bridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alerts")
        self._bridge = bridge
        self._cards: dict[object, AlertCard] = {}
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._target: QWidget | None = None
        self.more = QLabel()
        self.more.setObjectName("alerts_more")
        self.more.setProperty("role", "warning")
        self.more.hide()
        self._layout.addWidget(self.more)
        # The height of one card, measured once on a card like the real ones.
        sample = AlertCard("Title", "Message", "Acknowledge", lambda: None, name="m", tone="call")
        sample.ensurePolished()
        self._card_height_px = sample.sizeHint().height()
        sample.deleteLater()
        self.setFixedHeight(self._card_height_px)
        bridge.changed.connect(self.update_from)
        self.update_from(bridge.state)

    def cards(self) -> dict[object, AlertCard]:
        return dict(self._cards)

    def update_from(self, state) -> None:
        wanted: dict[object, tuple[str, str, str, object]] = {}
        for alert in state.open_alerts:
            title = KIND_TITLES.get(alert.kind, alert.kind.replace("_", " ").capitalize())
            wanted[alert.id] = (
                title,
                alert.message,
                "Acknowledge",
                lambda _=False, a=alert.id: self._bridge.run(commands.ACKNOWLEDGE_ALERT, a),
            )
        if state.patient_call_pending:
            wanted["call"] = (
                "The patient is calling",
                "They pressed Call on their screen. Answer when you are with them.",
                "Answered (A)",
                lambda _=False: self._bridge.run(commands.ANSWER_CALL),
            )
        for key in list(self._cards):
            if key not in wanted:
                card = self._cards.pop(key)
                self._layout.removeWidget(card)
                card.deleteLater()
        # The call first (the patient is waiting), then the alerts in the order they came.
        order = sorted(wanted, key=lambda key: key != "call")
        shown = order[:MAX_CARDS_SHOWN]
        for key in shown:
            if key in self._cards:
                continue
            title, message, button, slot = wanted[key]
            name = "alert_call" if key == "call" else f"alert_{key}"
            tone = "call" if key == "call" else "warning"
            card = AlertCard(title, message, button, slot, name=name, tone=tone)
            self._cards[key] = card
        for key in list(self._cards):
            if key not in shown:  # pushed out by the call: it comes back when there is room
                card = self._cards.pop(key)
                self._layout.removeWidget(card)
                card.deleteLater()
        for position, key in enumerate(shown):
            card = self._cards[key]
            is_new = card.parent() is not self
            self._layout.insertWidget(position, card, 1)
            if is_new:  # in its place first, then the fade (never a window of its own)
                fade_in(card, theme.SLOW_FADE_MS)
        hidden = len(order) - len(shown)
        self.more.setText(f"+{hidden} more" if hidden else "")
        self.more.setVisible(hidden > 0)
        if self.parentWidget() is not None or not order:  # never a window of its own
            self.setVisible(bool(order))
        if order and self._target is not None:
            self._place()

    def overlay(self, target: QWidget) -> None:
        """Float over ``target`` (a sibling in the same layout) instead of taking room."""
        self._target = target
        self.setParent(target.parentWidget())
        target.installEventFilter(self)
        self._place()
        self.setVisible(bool(self._cards))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._target and event.type() in (QEvent.Type.Move, QEvent.Type.Resize):
            self._place()
        return False

    def _place(self) -> None:
        area = self._target.geometry()
        height = min(self._card_height_px, area.height())
        # In the middle of the card it covers, over its whole width.
        top = area.top() + (area.height() - height) // 2
        self.setGeometry(area.left(), top, area.width(), height)
        self.raise_()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(0, self._card_height_px)
