"""The one Qt object a report needs outside the app: a ``QGuiApplication`` (fonts, painting).

``session-player report`` draws the PDF without a window, and without a display at all: Qt
then draws offscreen. Here, so that the command line itself never imports Qt.
"""

from __future__ import annotations

import os


def ensure_gui_app(name: str):
    """The running ``QGuiApplication``, or a new one (offscreen when there is no display)."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication([name])
