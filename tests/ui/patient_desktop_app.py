"""The app with a session running, for the desktop tests of the patient window's focus
(tests/ui/test_patient_focus_desktop.py): run under a real X server and window manager.

It builds the real main window on ``NullEnginePort`` (the real timeline and journal, no
sound device), starts a session on the test clinic's playlist through ``start_session``
(the start screen and the pre-flight are not what these tests are about), and prints one
JSON line: the X window ids and the screen centres of the patient's targets, so that the
test can click them with xdotool and ask the X server which window has the keyboard.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget


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

    def start() -> None:
        request = SessionRequest(
            playlist_path=str(playlist),
            load_result=load_playlist(playlist),
            alias="Blue Heron",
            device=port.output_devices()[0],
        )
        window.start_session(request)
        watch.start()

    def centre(widget: QWidget) -> list[int]:
        point = widget.mapToGlobal(QPoint(widget.width() // 2, widget.height() // 2))
        return [point.x(), point.y()]

    shown = [None]

    def report() -> None:
        """One line each time the patient view has come up (its fade done) or gone."""
        view = window.patient_view
        visible = view is not None and view.isVisible() and view.windowOpacity() > 0.99
        if visible == shown[0]:
            return
        shown[0] = visible
        line = {
            "console": int(window.winId()),
            "patient": int(view.winId()),
            "patient_visible": visible,
            "screens": len(QApplication.screens()),
            "journal": str(window.bridge.timeline.journal_path),
        }
        if visible:
            targets = {
                b.objectName(): centre(b)
                for b in view.findChildren(QAbstractButton)
                if b.isVisible()
            }
            targets["unlock_target"] = centre(view.findChild(QWidget, "unlock_target"))
            line["targets"] = targets
        print(json.dumps(line), flush=True)

    watch = QTimer()
    watch.setInterval(100)
    watch.timeout.connect(report)
    QTimer.singleShot(300, start)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
