"""The composition root of the GUI app: check the platform, build the engine port, start Qt.

Everything the windows need is built here and passed down; nothing is looked up globally.
Before Qt is imported we check for a display and for the system libraries Qt's xcb
platform needs, so a clinic's IT person gets a sentence and a command, not a plugin error.
"""

from __future__ import annotations

import os
import sys

from session_player.launch.platform_check import (
    explain_missing_libraries,
    has_display,
    missing_qt_packages,
    uses_xcb,
)

EXIT_NO_DISPLAY = 2


NULL_ENGINE_DEVICE = "No sound (null engine)"


def run_app(
    playlist: str | None = None,
    *,
    rehearsal_speed: float | None = None,
    null_engine: bool = False,
) -> int:
    """``rehearsal_speed``: start a rehearsal of ``playlist`` at that speed once it is
    checked (``session-player --rehearsal [SPEED] PLAYLIST``). ``null_engine``: the app on
    the null engine (``engine/null_engine.py``): the real session, no sound, journals kept
    apart in the data folder's ``null-engine`` folder (``session-player --null-engine``)."""
    if not has_display():
        print(
            "Session Player needs a screen, and none was found (no DISPLAY or WAYLAND_DISPLAY).\n"
            "To run a session without the window: session-player play PLAYLIST",
            file=sys.stderr,
        )
        return EXIT_NO_DISPLAY
    if uses_xcb():
        missing = missing_qt_packages()
        if missing:
            print(explain_missing_libraries(missing), file=sys.stderr)
            return EXIT_NO_DISPLAY
    if playlist is not None and not os.path.exists(playlist):
        print(f"session-player: {playlist}: no such file", file=sys.stderr)
        return EXIT_NO_DISPLAY

    # pydantic looks for plugins in every installed package's metadata when the playlist
    # model is first imported (tens of milliseconds at startup); we use none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # Before Qt is imported: a second process does the start screen's background work (the
    # structure check, the outputs, the unfinished sessions) on the other core while this
    # one imports Qt and builds the window (see session_player.app.start_helper). Its answers
    # are for the port and the validation cache on the platform's folders, as built here.
    from session_player.app.start_helper import StartHelper

    helper = None if null_engine else StartHelper.spawn()
    try:
        from session_player.app.qt_app import run

        port = _null_engine_port() if null_engine else _live_port()
        try:
            code = run(port, playlist=playlist, helper=helper, rehearsal_speed=rehearsal_speed)
        finally:
            port.shutdown()
    finally:
        if helper is not None:
            helper.close()
    # Only if this process used its outputs (the start helper may have listed them for it).
    devices = sys.modules.get("session_player.output.devices")
    if devices is not None and devices.exit_may_hang():
        # A sound driver that never returns from a write would hang SDL's shutdown; the
        # journal is already on disk, so leave without waiting for it.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _live_port():
    from session_player.app.live_port import LiveEnginePort

    return LiveEnginePort()


def _null_engine_port():
    from session_player.engine.null_engine import NullEnginePort
    from session_player.session.store import default_base_dir

    print("session-player: the null engine: no sound will play", file=sys.stderr)
    return NullEnginePort(default_base_dir() / "null-engine", devices=(NULL_ENGINE_DEVICE,))
