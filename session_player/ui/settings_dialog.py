"""The clinic's settings: the PIN that guards the patient view's unlock, and the default dim
level (the one every session starts at; the console's slider adjusts one session only)."""

from __future__ import annotations

from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QVBoxLayout,
)

from session_player.ui import theme
from session_player.ui.clinic_rows import ClinicRows
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
        self.clinic = ClinicRows(form)  # name, room, report paper: clinic.json
        self._add_listening_rows(form, settings.output_device)
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

    def _add_listening_rows(self, form: QFormLayout, device: str) -> None:
        # The listening dose's settings live in listening.json (Qt-free: the report reads them
        # too), per output device: the one chosen for sessions, else the default's entry.
        from session_player.record.listening_dose import (
            MAX_CALIBRATION_DB_SPL,
            MIN_CALIBRATION_DB_SPL,
        )
        from session_player.record.listening_settings import (
            MAX_WARN_PERCENT,
            MIN_WARN_PERCENT,
            load_listening_settings,
        )

        self._listening = load_listening_settings()
        self._listening_device = device
        self.headphones_level = QDoubleSpinBox()
        self.headphones_level.setObjectName("settings_headphones_db_spl")
        self.headphones_level.setAccessibleName("Headphones' level at full scale, dB SPL")
        self.headphones_level.setRange(MIN_CALIBRATION_DB_SPL, MAX_CALIBRATION_DB_SPL)
        self.headphones_level.setDecimals(1)
        self.headphones_level.setSuffix(" dB SPL")
        level = self._listening.calibration_for(device) if device else None
        self.headphones_level.setValue(level or self._listening.default_db_spl)
        self.dose_warn = QDoubleSpinBox()
        self.dose_warn.setObjectName("settings_dose_warn_percent")
        self.dose_warn.setAccessibleName("Warn at this share of the weekly listening allowance")
        self.dose_warn.setRange(MIN_WARN_PERCENT, MAX_WARN_PERCENT)
        self.dose_warn.setDecimals(0)
        self.dose_warn.setSuffix(" %")
        self.dose_warn.setValue(self._listening.warn_percent)
        which = f"“{device}”" if device else "the default output (and any without its own figure)"
        hint = QLabel(
            f"For {which}: the level at the ear of a full-scale tone, from a measurement or "
            "the headphones' sensitivity. The console warns while a session would pass the "
            "share of the weekly allowance (WHO/ITU-T H.870: 80 dB(A) for 40 h) set below."
        )
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        self.listening_problem = QLabel(self._listening.problem or "")
        self.listening_problem.setObjectName("settings_listening_problem")
        self.listening_problem.setProperty("role", "warning")
        self.listening_problem.setWordWrap(True)
        form.addRow("Headphone level", self.headphones_level)
        form.addRow("", hint)
        form.addRow("Dose warning", self.dose_warn)
        form.addRow("", self.listening_problem)

    def _save_listening(self) -> bool:
        """Write listening.json if a value changed; False (and why, shown) if it failed."""
        from session_player.record.listening_settings import save_listening_settings

        device, old = self._listening_device, self._listening
        level = self.headphones_level.value()
        updated = old.with_warn_percent(self.dose_warn.value())
        if device:
            if level != old.calibration_for(device):
                updated = updated.with_device(device, level)
        elif level != old.default_db_spl:
            from dataclasses import replace

            updated = replace(updated, default_db_spl=level)
        if updated == old:
            return True  # nothing changed: the file is left as it is
        try:
            save_listening_settings(updated)
        except (OSError, ValueError) as exc:
            self.listening_problem.setText(f"The listening settings were not saved: {exc}")
            return False
        self._listening = updated
        return True

    def _save(self) -> None:
        self._settings.unlock_pin = self.pin.text()
        self._settings.dim_level = self.dim.value() / 100
        if not self.clinic.save():
            return  # the dialog stays open and says why
        if not self._save_listening():
            return
        self.accept()
