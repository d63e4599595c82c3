"""Settings: the clinic's name, room and report paper, typed and chosen with real input,
saved to clinic.json (owner-only) where the report and ``session-player report`` read them."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from session_player.record.clinic_settings import load_clinic_settings
from session_player.ui.settings_dialog import SettingsDialog
from tests.ui.keyboard_helpers import activate, press, type_text


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


def _open_settings_by_click(window, qtbot) -> SettingsDialog:
    window.show()
    qtbot.waitExposed(window)
    activate(qtbot, window)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.mouseClick(window.start_screen.settings_button, Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    qtbot.waitExposed(dialog)
    return dialog


def _type_into(qtbot, dialog, field, text: str) -> None:
    activate(qtbot, dialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    assert field.hasFocus()
    press(dialog, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(dialog, text)


def _click_save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.findChild(QPushButton, "settings_save"), Qt.MouseButton.LeftButton)


def test_the_clinic_and_the_paper_are_saved_for_the_reports(config_home, make_window, port, qtbot):
    window = make_window(port)
    dialog = _open_settings_by_click(window, qtbot)
    rows = dialog.clinic
    assert rows.name.text() == "" and rows.paper.currentText() == "A4"
    _type_into(qtbot, dialog, rows.name, "Harbour Clinic")
    _type_into(qtbot, dialog, rows.room, "Treatment room 2")
    press(dialog, Qt.Key.Key_Tab)  # from the room to the paper
    assert rows.paper.hasFocus()
    press(dialog, Qt.Key.Key_Down)  # a closed combo box steps to the next item: Letter
    assert rows.paper.currentText() == "Letter"
    qtbot.mouseClick(rows.archival, Qt.MouseButton.LeftButton)
    _click_save(qtbot, dialog)

    assert not dialog.isVisible()
    path = config_home / "session-player" / "clinic.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = load_clinic_settings(path)
    assert (saved.clinic_name, saved.room, saved.paper, saved.archival) == (
        "Harbour Clinic",
        "Treatment room 2",
        "letter",
        True,
    )
    # Opened again, the dialog shows what was saved.
    again = _open_settings_by_click(window, qtbot)
    assert again.clinic.name.text() == "Harbour Clinic"
    assert again.clinic.paper.currentText() == "Letter" and again.clinic.archival.isChecked()


def test_an_unchanged_dialog_writes_no_file_and_a_damaged_one_is_said(
    config_home, make_window, port, qtbot
):
    window = make_window(port)
    dialog = _open_settings_by_click(window, qtbot)
    _click_save(qtbot, dialog)
    assert not (config_home / "session-player" / "clinic.json").exists()

    folder = config_home / "session-player"
    folder.mkdir(parents=True)
    (folder / "clinic.json").write_text(json.dumps(["not", "an", "object"]))
    dialog = _open_settings_by_click(window, qtbot)
    assert "is not a JSON object" in dialog.clinic.problem.text()
