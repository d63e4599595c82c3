"""How a therapist reaches the studio: the start screen's button, and ``session-player studio``."""

from __future__ import annotations

from PySide6.QtCore import Qt

from session_player.cli.main import main
from session_player.cli.studio import open_studio
from session_player.ui.studio.studio_window import StudioWindow

TIMEOUT_MS = 20_000


def test_the_start_screen_opens_the_studio_on_the_selected_playlist(
    make_window, port, clinic, qtbot
):
    window = make_window(port)
    start = window.start_screen
    start.select_playlist(clinic / "test-infusion.yaml")
    assert start.studio_button.text() == "Studio (author playlists)"
    qtbot.mouseClick(start.studio_button, Qt.MouseButton.LeftButton)
    studio = window.studio
    assert isinstance(studio, StudioWindow)
    qtbot.addWidget(studio, before_close_func=lambda w: w.shutdown())
    assert studio.isVisible() and studio.isWindow() and studio is not window
    qtbot.waitUntil(lambda: studio.session_map is not None, timeout=TIMEOUT_MS)
    assert studio.path.resolve() == (clinic / "test-infusion.yaml").resolve()
    assert studio.title.text() == "test-infusion.yaml"
    # The start screen stays as it was: the studio is beside it, not instead of it.
    assert window.stack.currentWidget() is start


def test_the_studio_command(tmp_path, clinic, capsys, qtbot):
    assert main(["studio", str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml: no such file" in capsys.readouterr().err
    studio = open_studio(str(clinic / "test-infusion.yaml"))
    qtbot.addWidget(studio, before_close_func=lambda w: w.shutdown())
    qtbot.waitUntil(lambda: studio.session_map is not None, timeout=TIMEOUT_MS)
    assert [s.label for s in studio.session_map.spans if s.kind == "phase"] == [
        "Onset",
        "Peak",
        "Observation",
    ]
