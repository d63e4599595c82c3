"""Start the GUI: the QApplication, the theme, the settings and the main window.

Called by the composition root (``session_player/app.py``) with the engine port it built;
everything the UI needs arrives here as an argument, nothing is looked up globally.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from session_player.ui import theme
from session_player.ui.main_window import MainWindow
from session_player.ui.ports import EnginePort
from session_player.ui.settings import AppSettings

REPO = Path(__file__).resolve().parents[2]
BUNDLED_PLAYLISTS = REPO / "playlists"
DEMO_PLAYLIST = BUNDLED_PLAYLISTS / "iv-infusion-40min.yaml"


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Session Player")
    app.setOrganizationName("session-player")
    app.setApplicationDisplayName("Session Player")
    theme.apply(app)
    return app


def build_window(
    port: EnginePort,
    *,
    qsettings: QSettings | None = None,
    playlist: str | None = None,
    bundled_folder: Path = BUNDLED_PLAYLISTS,
    demo_playlist: Path = DEMO_PLAYLIST,
) -> MainWindow:
    # QSettings() with no arguments: the platform's usual place, named after the app.
    settings = AppSettings(qsettings if qsettings is not None else QSettings())
    window = MainWindow(port, settings, bundled_folder=bundled_folder, demo_playlist=demo_playlist)
    if playlist:
        window.start_screen.select_playlist(playlist)
    return window


def run(port: EnginePort, *, playlist: str | None = None, argv: list[str] | None = None) -> int:
    app = make_app(argv)
    window = build_window(port, playlist=playlist)
    window.show()
    return app.exec()
