"""The studio's loudness panel, driven by real clicks: Measure fills the table off the GUI
thread, Cancel stops the scan at once and shows what was measured."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import Qt

from session_player.audio.loudness import LoudnessCache
from session_player.media.ffmpeg import ffmpeg_exe
from session_player.playlist.loader import load_playlist
from session_player.ui.studio.loudness_panel import LoudnessPanel

TIMEOUT_MS = 30_000


def _panel(qtbot, cache_dir: Path, **options) -> LoudnessPanel:
    panel = LoudnessPanel(cache=LoudnessCache(cache_dir), **options)
    qtbot.addWidget(panel)
    panel.resize(1000, 500)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())


def test_measure_fills_the_table_and_a_row_says_where_the_file_is_used(qtbot, clinic, tmp_path):
    playlist = clinic / "test-infusion.yaml"
    document = load_playlist(playlist, check_audio=False).document
    panel = _panel(qtbot, tmp_path / "cache")
    _click(qtbot, panel.measure_button)  # nothing to measure yet: the button is disabled
    assert panel.report is None and not panel.cancel_button.isEnabled()

    panel.set_document(document, clinic)
    assert panel.model.rowCount() == 4
    assert panel.model.index(0, 1).data() == "-"  # not measured yet
    with qtbot.waitSignal(panel.finished, timeout=TIMEOUT_MS) as done:
        _click(qtbot, panel.measure_button)
        assert panel.cancel_button.isEnabled() and not panel.measure_button.isEnabled()
    report = done.args[0]
    assert not report.cancelled and len(report.rows) == 4
    cells = {panel.model.index(r, 0).data(): r for r in range(panel.model.rowCount())}
    assert set(cells) == {"audio/music.wav", "audio/bed.wav", "audio/voice.wav", "audio/bell.wav"}
    music = cells["audio/music.wav"]
    assert float(panel.model.index(music, 1).data()) < -20  # LUFS, measured
    assert panel.model.index(music, 5).data() == "pcm_s16le 8 kHz mono"
    assert panel.status.text().startswith("4 files measured")
    assert panel.progress.value() == panel.progress.maximum()
    assert panel.measure_button.isEnabled() and not panel.cancel_button.isEnabled()

    # A click on the row shows its uses below the table.
    rect = panel.table.visualRect(panel.model.index(music, 0))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert "music in settling" in panel.details.text()
    assert "music in onset" in panel.details.text()


def _noise(path: Path, seconds: float) -> None:
    command = [ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-f", "lavfi"]
    command += ["-i", f"anoisesrc=d={seconds}:c=pink:r=48000:a=0.1", "-ac", "2", str(path)]
    subprocess.run(command, check=True)


def test_cancel_stops_the_scan_and_shows_what_was_measured(qtbot, tmp_path):
    audio = tmp_path / "audio"
    audio.mkdir()
    _noise(audio / "long.flac", 600)  # seconds of decoding: the scan is still on it
    _noise(audio / "short.flac", 2)
    playlist = tmp_path / "cancel.yaml"
    playlist.write_text(
        "title: Cancel\nroute: IV\nphases:\n  - id: onset\n    duration: 20m\n"
        "    music: {items: [audio/short.flac, audio/long.flac]}\n",
        encoding="utf-8",
    )
    document = load_playlist(playlist, check_audio=False).document
    cache = tmp_path / "cache"
    panel = _panel(qtbot, cache, workers=1)  # one at a time: the long file (largest) first
    panel.set_document(document, tmp_path)
    _click(qtbot, panel.measure_button)
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=TIMEOUT_MS)  # decoding
    with qtbot.waitSignal(panel.finished, timeout=TIMEOUT_MS) as done:
        _click(qtbot, panel.cancel_button)
    report = done.args[0]
    assert report.cancelled
    assert all(row.facts is None for row in report.rows)  # neither got measured
    assert panel.status.text().startswith("Cancelled: 0 of 2 files measured")
    assert panel.measure_button.isEnabled() and not panel.cancel_button.isEnabled()
    leftover = subprocess.run(
        ["pgrep", "-f", f"ffmpeg.*{audio / 'long.flac'}"], capture_output=True
    )
    assert leftover.stdout == b""
    assert list(cache.glob("*.json")) == []  # nothing half-measured was stored

    # Measure again: it starts afresh, and a second Cancel works the same way.
    _click(qtbot, panel.measure_button)
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=TIMEOUT_MS)
    with qtbot.waitSignal(panel.finished, timeout=TIMEOUT_MS) as again:
        _click(qtbot, panel.cancel_button)
    assert again.args[0].cancelled
