"""The app explains missing Qt system libraries instead of showing Qt's plugin error."""

from session_player.platform_check import (
    explain_missing_libraries,
    has_display,
    missing_qt_packages,
    uses_xcb,
)


def test_missing_libraries_are_named_with_their_packages():
    def find(name):
        return None if name == "xcb-cursor" else f"lib{name}.so"

    assert missing_qt_packages(find) == ["libxcb-cursor0"]
    message = explain_missing_libraries(["libxcb-cursor0"])
    assert "sudo apt-get install libxcb-cursor0" in message


def test_xcb_is_detected_from_the_environment():
    assert uses_xcb({"DISPLAY": ":0"}, "linux")
    assert not uses_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not uses_xcb({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not uses_xcb({"DISPLAY": ":0"}, "darwin")


def test_no_display_is_noticed():
    assert not has_display({}, "linux")
    assert has_display({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert has_display({}, "win32")
