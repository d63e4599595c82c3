"""Start the GUI: the QApplication, the theme, the settings and the main window.

Called by the composition root (``session_player/app/composition_root.py``) with the engine port it built;
everything the UI needs arrives here as an argument, nothing is looked up globally.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from session_player.app.gui_interpreter import settle_for_the_event_loop
from session_player.launch import supervisor_state
from session_player.launch.start_check import ValidationCache
from session_player.ui import theme
from session_player.ui.main_window import MainWindow
from session_player.ui.settings import AppSettings

if TYPE_CHECKING:
    from session_player.app.start_helper import StartHelper
    from session_player.engine.ports import EnginePort

REPO = Path(__file__).resolve().parents[2]
BUNDLED_PLAYLISTS = REPO / "playlists"
DEMO_PLAYLIST = BUNDLED_PLAYLISTS / "iv-infusion-40min.yaml"
STARTUP_PROBE_ENV = "SESSION_PLAYER_STARTUP_PROBE"
STARTUP_PROBE_PREFIX = "startup-probe"
# How long the window waits for the start helper's answer before it is first shown: the
# answer usually came long before; on a first launch (no validation cache) it takes longer,
# and the window shows "Checking…" meanwhile, as without the helper.
LAUNCH_ANSWER_WAIT_S = 0.03


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    style_chosen = app is None
    if app is None:
        # Fusion through Qt's own option rather than setStyle(): setStyle returns the style,
        # and Python's QStyle type costs ~10 ms at launch (600 enum values).
        args = list(argv if argv is not None else sys.argv[:1])
        app = QApplication([*args, "-style", theme.STYLE])
    app.setApplicationName("Session Player")
    app.setOrganizationName("session-player")
    app.setApplicationDisplayName("Session Player")
    theme.apply(app, style_chosen=style_chosen)
    return app


def build_window(
    port: EnginePort,
    *,
    qsettings: QSettings | None = None,
    playlist: str | None = None,
    bundled_folder: Path = BUNDLED_PLAYLISTS,
    demo_playlist: Path = DEMO_PLAYLIST,
    validation_cache: ValidationCache | None = None,
    helper: StartHelper | None = None,
) -> MainWindow:
    # QSettings() with no arguments: the platform's usual place, named after the app.
    settings = AppSettings(qsettings if qsettings is not None else QSettings())
    launch_results = None
    if helper is not None:
        from session_player.ui.launch_results import LaunchResults

        launch_results = LaunchResults(helper)
    window = MainWindow(
        port,
        settings,
        bundled_folder=bundled_folder,
        demo_playlist=demo_playlist,
        initial_playlist=playlist or None,
        validation_cache=validation_cache,
        launch_results=launch_results,
    )
    if launch_results is not None:
        launch_results.setParent(window)
    return window


def run(
    port: EnginePort,
    *,
    playlist: str | None = None,
    argv: list[str] | None = None,
    helper: StartHelper | None = None,
    rehearsal_speed: float | None = None,
) -> int:
    """``rehearsal_speed``: rehearse ``playlist`` at that speed as soon as it is checked.

    ``helper``: the start helper process, spawned before Qt was imported for ``port``
    (a ``LiveEnginePort`` on the platform's folders) and the default validation cache
    (``session_player.app.start_helper``); None: the worker thread does all."""
    app = make_app(argv)
    # Structure checks are cached in the user's cache folder (see session_player.launch.start_check).
    window = build_window(
        port, playlist=playlist, validation_cache=ValidationCache(), helper=helper
    )
    if rehearsal_speed is not None:
        window.start_screen.rehearse_when_ready(rehearsal_speed)
    if os.environ.get(STARTUP_PROBE_ENV):
        install_startup_probe(app, window)
    if window.launch_results is not None:
        # Usually in by now: then the window is painted once, complete, rather than shown
        # with "Checking…" and filled in a moment later.
        window.launch_results.deliver_if_ready(LAUNCH_ANSWER_WAIT_S)
    window.show_first()
    restart = supervisor_state.restart_request()
    if restart is not None:
        # The supervisor restarted us after a crash mid-session: resume it now, before the
        # first paint, so the patient view (if it was showing) is the first thing drawn.
        window.resume_after_crash(restart)
    if os.environ.get(STARTUP_PROBE_ENV):
        # The first turn of the event loop after show(): the window is up, painted.
        QTimer.singleShot(0, lambda: _print_probe(f"{STARTUP_PROBE_PREFIX}-shown"))
    settle_for_the_event_loop()
    return app.exec()


def _print_probe(prefix: str) -> None:
    # Then this process's CPU time so far: steadier than the wall clock on a busy machine.
    print(f"{prefix} {time.monotonic():.6f} {time.process_time():.6f}", flush=True)


def install_startup_probe(app: QApplication, window: MainWindow) -> None:
    """For ``bench/startup.py``: report when the app is ready for the clinician, then quit.

    Ready means: the window is shown, the first playlist's structure has been checked
    (validated, or the answer of an identical earlier validation read from the validation
    cache) and shown on the start screen with every problem, its output devices are listed,
    the look for an unfinished session to resume is done (``MainWindow.start_ready``), and
    the event loop has nothing left to do
    (two zero-timers in a row run only after the events already posted, paints included).
    Prints ``startup-probe <time.monotonic()>``; the monotonic clock is shared by every
    process on the machine, so the bench compares it with the moment it spawned us.
    """
    start = window.start_screen
    reported = False

    def report() -> None:
        _print_probe(STARTUP_PROBE_PREFIX)
        app.quit()

    def check(*_args) -> None:
        nonlocal reported
        if reported or start.result is None or not window.is_start_ready:
            return
        reported = True
        QTimer.singleShot(0, lambda: QTimer.singleShot(0, report))

    start.validated.connect(check)
    window.start_ready.connect(check)
