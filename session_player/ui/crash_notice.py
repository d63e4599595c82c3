"""The window the supervisor shows when it stops restarting an app that keeps dying.

Run in a process of its own (forked by ``session_player.app.supervisor``), so that it does not
depend on the app's windows, which may be what crashes. In the room's colours, without the
platform's icon (a bright disc on a dark screen); the default button starts Session Player
again, which then offers the unfinished session for resuming by hand.

``SESSION_PLAYER_NOTICE_PROBE=1`` (for tests, as the startup probe is for the bench): once
the window is shown, print ``crash-notice-shown`` and its text, then close as if "Close"
was pressed.
"""

from __future__ import annotations

import os

PROBE_ENV = "SESSION_PLAYER_NOTICE_PROBE"
EXIT_START_AGAIN = 0
EXIT_CLOSE = 1


def show_crash_notice(title: str, message: str) -> int:
    """``EXIT_START_AGAIN`` or ``EXIT_CLOSE``, as the clinician chose."""
    from session_player.launch.platform_check import has_display

    if not has_display():
        return EXIT_CLOSE  # the supervisor printed the message on stderr already
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from session_player.ui import theme

    app = QApplication.instance() or QApplication(["session-player", "-style", theme.STYLE])
    app.setApplicationName("Session Player")
    theme.apply(app, style_chosen=True)
    box = QMessageBox()
    box.setObjectName("crash_notice")
    box.setWindowTitle(title)
    box.setIcon(QMessageBox.Icon.NoIcon)
    box.setText(title)
    box.setInformativeText(message)
    start = box.addButton("Start Session Player", QMessageBox.ButtonRole.AcceptRole)
    close = box.addButton("Close", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(start)
    if os.environ.get(PROBE_ENV):

        def report() -> None:
            text = box.informativeText().replace("\n", " ")
            print("crash-notice-shown", box.isVisible(), text, flush=True)
            close.click()

        QTimer.singleShot(0, lambda: QTimer.singleShot(0, report))
    box.exec()
    return EXIT_START_AGAIN if box.clickedButton() is start else EXIT_CLOSE
