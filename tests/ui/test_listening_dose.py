"""The listening dose on the console and in Settings, through real input: Louder pressed on
the window turns the steady dose line into a warning past the clinic's share (one height,
no blinking), Quieter turns it back; the settings dialog writes the headphones' level and
the share to listening.json, owner-only."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFrame, QPushButton

from session_player.record.listening_settings import load_listening_settings
from session_player.ui.settings_dialog import SettingsDialog
from tests.ui.keyboard_helpers import activate, press, type_text

KEY = Qt.Key
DEVICE = "Headphones (USB audio)"  # the fake port's first device: the session's output


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


def _write_listening(config_home: Path, data: dict) -> None:
    folder = config_home / "session-player"
    folder.mkdir(parents=True)
    (folder / "listening.json").write_text(json.dumps(data), "utf-8")


def test_louder_turns_the_dose_line_into_a_steady_warning(
    config_home, make_window, port, clinic, flow, qtbot, clock
):
    _write_listening(config_home, {"headphones_db_spl": {DEVICE: 120.0}, "warn_percent": 50})
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    activate(qtbot, window)
    line = console.listening_dose
    assert line.calibration_db_spl == 120.0
    # The test playlist's loudest moment: music with the welcome cue over it (1 + 10^-0.8,
    # ducked -8 dB) and a soundscape (1): 10·log10(2.1585) = 3.342 dB over the -23 LUFS target.
    # Settling at -10 dB: 120 - 23 + 3.342 - 10 = 90.342 dB SPL, 0.43273 Pa², for the 1 h
    # minimum observation still ahead: 0.43273 Pa²h = 27 % of 1.6 Pa²h.
    assert line.text() == "Listening dose by the end: about 27 % of the week's allowance"
    assert "The console warns from 50 %" in line.toolTip()
    assert not line.warning and line.property("role") == "secondary"
    height = line.height()
    press(window, KEY.Key_Plus)  # -8 dB: 2 dB more, 0.68583 Pa² × 1 h = 43 %
    assert bridge.state.volume_db == -8.0
    assert not line.warning and "about 43 %" in line.text()
    press(window, KEY.Key_Plus)  # -6 dB: 4 dB more, 1.08697 Pa² × 1 h = 68 %
    assert bridge.state.volume_db == -6.0
    assert line.warning and line.property("role") == "warning"
    assert line.text() == "Listening dose 68 % of the week (limit 50 %): lower the volume"
    assert "By its planned end, at this volume" in line.toolTip()
    assert "check the headphones' level in Settings" in line.toolTip()
    assert line.height() == height  # nothing below it moves
    # In view with the volume buttons: on the commands card, beside the status line.
    commands = console.findChild(QFrame, "commands")
    assert commands.isAncestorOf(line) and line.y() == console.status.y()
    # Steady: the dose, then the display ticks of a minute; the line says the same throughout
    # (what played grows as what is left shrinks), so it never flickers.
    press(window, KEY.Key_D)
    shown = line.text()
    for _ in range(6):
        clock.advance(10.0)
        bridge.poll()
        assert line.text() == shown and line.warning
    press(window, KEY.Key_Minus)
    press(window, KEY.Key_Minus)
    assert bridge.state.volume_db == -10.0
    assert not line.warning and line.property("role") == "secondary"
    assert line.height() == height


def test_without_settings_the_default_calibration_applies(
    config_home, make_window, port, clinic, flow
):
    window = make_window(port)
    console, _bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    line = console.listening_dose
    # 100 - 23 + 3.342 - 10 = 70.342 dB SPL for 1 h: 0.0043273 Pa²h = 0.27 %
    assert line.calibration_db_spl == 100.0 and line.warn_percent == 50.0
    assert "about 0.27 %" in line.text() and not line.warning
    assert "100 dB SPL at full scale" in line.toolTip()


def _open_settings_by_click(window, qtbot) -> SettingsDialog:
    activate(qtbot, window)
    qtbot.mouseClick(window.start_screen.settings_button, Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def _type_into(qtbot, dialog, spin, text: str) -> None:
    qtbot.mouseClick(spin.lineEdit(), Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is spin  # the line edit gives its focus to the box
    press(dialog, KEY.Key_A, Qt.KeyboardModifier.ControlModifier)  # select what is there
    type_text(dialog, text)


def _click_save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.findChild(QPushButton, "settings_save"), Qt.MouseButton.LeftButton)


def test_the_settings_dialog_saves_the_default_level_and_the_share(
    config_home, make_window, port, qtbot
):
    window = make_window(port)
    dialog = _open_settings_by_click(window, qtbot)
    assert dialog.headphones_level.value() == 100.0 and dialog.dose_warn.value() == 50.0
    _type_into(qtbot, dialog, dialog.headphones_level, "112.5")
    _type_into(qtbot, dialog, dialog.dose_warn, "30")
    _click_save(qtbot, dialog)
    assert not dialog.isVisible()
    path = config_home / "session-player" / "listening.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = load_listening_settings(path)
    # No device chosen yet: the figure is the default, for every device without its own.
    assert saved.default_db_spl == 112.5 and saved.warn_percent == 30.0
    assert saved.headphones_db_spl == {}


def test_the_settings_dialog_keeps_a_level_per_headphone(
    config_home, make_window, port, qtbot, settings
):
    settings.output_device = DEVICE
    _write_listening(config_home, {"headphones_db_spl": {"Studio cans": 95.0}})
    window = make_window(port)
    dialog = _open_settings_by_click(window, qtbot)
    assert dialog.headphones_level.value() == 100.0  # no entry for this device yet
    _type_into(qtbot, dialog, dialog.headphones_level, "104")
    _click_save(qtbot, dialog)
    saved = load_listening_settings(config_home / "session-player" / "listening.json")
    assert saved.headphones_db_spl == {"Studio cans": 95.0, DEVICE: 104.0}
    assert saved.default_db_spl == 100.0 and saved.report_calibration_db_spl == 104.0


def test_the_dialog_leaves_the_file_alone_when_nothing_changed(
    config_home, make_window, port, qtbot
):
    window = make_window(port)
    dialog = _open_settings_by_click(window, qtbot)
    _click_save(qtbot, dialog)
    assert not dialog.isVisible()
    assert not (config_home / "session-player" / "listening.json").exists()
