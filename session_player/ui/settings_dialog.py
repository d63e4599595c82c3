"""The clinic's settings: the PIN that guards the patient view's unlock, and the default dim
level (the one every session starts at; the console's slider adjusts one session only)."""

from __future__ import annotations

from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QVBoxLayout,
)

from session_player.ui import theme
from session_player.ui.settings import AppSettings


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        self.setWindowTitle("Settings")
        self._settings = settings
        self.pin = QLineEdit(settings.unlock_pin)
        self.pin.setObjectName("settings_pin")
        self.pin.setAccessibleName("Unlock PIN for the patient view")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setValidator(QRegularExpressionValidator(r"^\d{0,8}$"))
        self.pin.setPlaceholderText("No PIN: press and hold only")
        pin_hint = QLabel(
            "Leaving the patient view takes a 2-second hold on its top-left corner, then this "
            "PIN if one is set. Digits only."
        )
        pin_hint.setProperty("role", "hint")
        pin_hint.setWordWrap(True)
        self.dim = QSlider()
        self.dim.setOrientation(self.dim.orientation().Horizontal)
        self.dim.setObjectName("settings_dim")
        self.dim.setAccessibleName("Default brightness of the patient view")
        self.dim.setRange(round(theme.MIN_DIM_LEVEL * 100), round(theme.MAX_DIM_LEVEL * 100))
        self.dim.setValue(round(settings.dim_level * 100))
        dim_hint = QLabel(
            "The clinic's default: every session starts at this brightness. The console's "
            "slider changes it for one session only. Even at its brightest, no pixel of the "
            f"patient view is lighter than {theme.MAX_DIM_LEVEL:.0%} grey."
        )
        dim_hint.setProperty("role", "hint")
        dim_hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Unlock PIN", self.pin)
        form.addRow("", pin_hint)
        form.addRow("Patient screen (default)", self.dim)
        form.addRow("", dim_hint)
        save = QPushButton("Save")
        save.setObjectName("settings_save")
        save.setProperty("role", "primary")
        save.clicked.connect(self._save)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.setMinimumWidth(620)

    def _save(self) -> None:
        self._settings.unlock_pin = self.pin.text()
        self._settings.dim_level = self.dim.value() / 100
        self.accept()
