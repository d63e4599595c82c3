"""The app with a session running, for the console's keyboard test on a real X server and
window manager (tests/ui/test_console_keyboard_desktop.py).

The real main window on ``NullEnginePort`` (the real timeline and journal, no sound device),
a session started through ``start_session``. It prints one JSON line each time the focus
moves: the console's X window id, the journal, and the object name of the widget that has
the keyboard focus, so that the test can press Tab (with xdotool) until the widget it wants
is reached, as a person watching the focus ring does.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication


def main(folder: str) -> int:
    from session_player.app.qt_app import build_window
    from session_player.engine.null_engine import NullEnginePort
    from session_player.engine.ports import SessionRequest
    from session_player.playlist.loader import load_playlist
    from session_player.ui import theme
    from tests.ui.conftest import PLAYLIST
    from tests.wav_tones import write_tone

    root = Path(folder)
    (root / "audio").mkdir(parents=True, exist_ok=True)
    for name, seconds, frequency in (("music", 3, 220), ("bed", 2, 110), ("voice", 1, 330)):
        write_tone(root / "audio" / f"{name}.wav", seconds, frequency)
    write_tone(root / "audio" / "bell.wav", 1, 660)
    playlist = root / "test-infusion.yaml"
    playlist.write_text(textwrap.dedent(PLAYLIST).lstrip(), "utf-8")

    app = QApplication(sys.argv[:1])
    theme.apply(app)
    port = NullEnginePort(root / "data")
    window = build_window(
        port,
        qsettings=QSettings(str(root / "settings.ini"), QSettings.Format.IniFormat),
        bundled_folder=root,
        demo_playlist=playlist,
    )
    window.show_first()

    def report(*_args) -> None:
        if window.bridge is None:
            return
        focused = QApplication.focusWidget()
        line = {
            "console": int(window.winId()),
            "journal": str(window.bridge.timeline.journal_path),
            "focus": focused.objectName() if focused is not None else None,
            "active": QApplication.activeWindow() is window,
        }
        print(json.dumps(line), flush=True)

    def start() -> None:
        request = SessionRequest(
            playlist_path=str(playlist),
            load_result=load_playlist(playlist),
            alias="Blue Heron",
            device=port.output_devices()[0],
        )
        window.start_session(request)
        app.focusChanged.connect(report)
        report()

    QTimer.singleShot(300, start)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
