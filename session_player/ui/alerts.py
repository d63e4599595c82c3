"""Alerts from the engine (device lost, file broken, unexpected silence) and the patient's call.

An alert appears at once, with a slow fade (never a flash, never blinking), in muted red,
and stays until the clinician acknowledges it: a problem that disappears by itself may
never have been seen. The patient's call shows here too, quietly, until answered.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from session_player.ui import theme
from session_player.ui.fades import fade_in

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
        title_label = QLabel(title)
        title_label.setProperty("role", role)
        text = QLabel(message)
        text.setWordWrap(True)
        self.button = QPushButton(button_text)
        self.button.setObjectName(name + "_button")
        self.button.clicked.connect(on_click)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(title_label)
        words.addWidget(text)
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
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
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
                lambda _=False, a=alert.id: self._bridge.run("acknowledge_alert", a),
            )
        if state.patient_call_pending:
            wanted["call"] = (
                "The patient is calling",
                "They pressed Call on their screen. Answer when you are with them.",
                "Answered (A)",
                lambda _=False: self._bridge.run("answer_patient_call"),
            )
        for key in list(self._cards):
            if key not in wanted:
                card = self._cards.pop(key)
                self._layout.removeWidget(card)
                card.deleteLater()
        for key, (title, message, button, slot) in wanted.items():
            if key in self._cards:
                continue
            name = "alert_call" if key == "call" else f"alert_{key}"
            tone = "call" if key == "call" else "warning"
            card = AlertCard(title, message, button, slot, name=name, tone=tone)
            self._cards[key] = card
            self._layout.addWidget(card)
            fade_in(card, theme.SLOW_FADE_MS)
        self.setVisible(bool(self._cards))
