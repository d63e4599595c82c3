"""Before Qt starts: check the system libraries its xcb platform needs on a Linux desktop.

Without them Qt aborts with "could not load the Qt platform plugin xcb", which tells a
clinic's IT person nothing. We look for the libraries first and print the exact command.
"""

from __future__ import annotations

import ctypes.util
import os
import sys

# library name for ctypes.util.find_library -> Debian/Ubuntu package that provides it
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-shape": "libxcb-shape0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-image": "libxcb-image0",
    "EGL": "libegl1",
    "fontconfig": "libfontconfig1",
}


def missing_qt_packages(find=ctypes.util.find_library) -> list[str]:
    """Debian package names for the libraries Qt's xcb platform needs but cannot find."""
    return [package for library, package in XCB_LIBRARIES.items() if find(library) is None]


def uses_xcb(environ=os.environ, platform: str = sys.platform) -> bool:
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.startswith("xcb")
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def explain_missing_libraries(packages: list[str]) -> str:
    return (
        "Session Player cannot open its window: Qt needs system libraries that are missing.\n"
        f"Install them with:\n\n    sudo apt-get install {' '.join(packages)}\n\n"
        "then start Session Player again."
    )


def has_display(environ=os.environ, platform: str = sys.platform) -> bool:
    if not platform.startswith("linux"):
        return True
    if environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal", "vnc")):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))
