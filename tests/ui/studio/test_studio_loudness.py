"""The loudness panel inside the studio window: Measure by a real click, and a save outside
the studio measures the changed playlist again (its new file included)."""

from __future__ import annotations

import os
import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from session_player.audio.analysis import AnalysisCache, file_sha256
from session_player.ui.studio.studio_window import StudioWindow

from .studio_files import make_studio_folder

TIMEOUT_MS = 30_000


def test_measure_in_the_studio_and_again_after_a_save_outside(qtbot, tmp_path, clinic):
    path = make_studio_folder(tmp_path, clinic)
    cache = AnalysisCache(tmp_path / "cache")
    window = StudioWindow(
        path, sessions_base_dir=tmp_path / "records", cache=cache, list_devices=lambda: []
    )
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.session_map is not None, timeout=TIMEOUT_MS)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    panel = window.loudness
    assert panel.model.rowCount() == 4 and panel.report is None
    button = panel.measure_button
    with qtbot.waitSignal(panel.finished, timeout=TIMEOUT_MS) as done:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())
    report = done.args[0]
    assert {os.path.basename(row.path) for row in report.rows} == {
        "music.wav", "voice.wav", "bed.wav", "bell.wav"
    }  # fmt: skip
    assert all(row.facts is not None for row in report.rows)
    # The studio's analysis cache knows every file now (the same folder).
    assert cache.lookup(file_sha256(tmp_path / "audio" / "bed.wav")) is not None

    # Another editor adds a file to the peak: the studio reloads and the panel measures again.
    shutil.copy(tmp_path / "audio" / "bell.wav", tmp_path / "audio" / "new-track.wav")
    text = path.read_text(encoding="utf-8")
    edited = text.replace(
        "music: {items: [audio/music.wav], loop: true}\n    bells:",
        "music: {items: [audio/music.wav, audio/new-track.wav], loop: true}\n    bells:",
    )
    assert edited != text
    temp = path.with_suffix(".tmp")
    temp.write_text(edited, encoding="utf-8")
    os.replace(temp, path)  # saved as editors save: a new file renamed over the old

    def measured_new_track() -> bool:
        rows = {os.path.basename(r.path): r for r in (panel.report.rows if panel.report else [])}
        return "new-track.wav" in rows and rows["new-track.wav"].facts is not None

    qtbot.waitUntil(measured_new_track, timeout=TIMEOUT_MS)
    assert panel.model.rowCount() == 5
    qtbot.waitUntil(lambda: not panel.cancel_button.isEnabled(), timeout=TIMEOUT_MS)
