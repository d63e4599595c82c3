"""The app explains missing Qt system libraries instead of showing Qt's plugin error."""

import ctypes.util
import os

from session_player.launch import platform_check
from session_player.launch.platform_check import (
    explain_missing_libraries,
    has_display,
    library_finder,
    missing_qt_packages,
    uses_xcb,
)


def test_missing_libraries_are_named_with_their_packages():
    def find(name):
        return None if name == "xcb-cursor" else f"lib{name}.so"

    assert missing_qt_packages(find, folders=[]) == ["libxcb-cursor0"]
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


def test_the_linker_cache_is_read_once_and_find_library_asks_the_rest(monkeypatch):
    """find_library runs ldconfig for each name; the finder reads its listing once."""
    abi = platform_check._LDCONFIG_ABI.get(os.uname().machine, "")
    other = "libc6" if abi else "none-such"  # an entry for another architecture
    listing = (
        "\t1234 libs found in cache `/etc/ld.so.cache'\n"
        f"\tlibxcb-cursor.so.0 (libc6,{abi}) => /lib/x/libxcb-cursor.so.0\n"
        f"\tlibEGL_mesa.so.0 (libc6,{abi}) => /lib/x/libEGL_mesa.so.0\n"
        f"\tlibxcb-render-util.so.0 (libc6,{abi}, OS ABI: Linux 3.2.0) => /lib/x/r.so.0\n"
        f"\tlibfontconfig.so.1 ({other}) => /lib/i386/libfontconfig.so.1\n"
    )
    asked = []
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: asked.append(name))
    find = library_finder(listing)
    assert find("xcb-cursor") == "/lib/x/libxcb-cursor.so.0"
    assert find("xcb-render-util") == "/lib/x/r.so.0"
    assert find("EGL") is None  # libEGL_mesa is another library
    if abi:
        assert find("fontconfig") is None  # only for another architecture
    assert asked == (["EGL", "fontconfig"] if abi else ["EGL"])
    packages = missing_qt_packages(find, folders=[])
    assert "libxcb-cursor0" not in packages and "libegl1" in packages


def test_libraries_in_the_standard_folders_need_no_linker_cache(tmp_path):
    """A library file in a folder the linker searches is enough; only the others are
    looked up (ldconfig), so a desktop with all of them does not run it at all."""
    for name in ("libxcb-cursor.so.0", "libEGL.so.1.1.0", "libxcb-icccm.so.4.0.0"):
        (tmp_path / name).touch()
    (tmp_path / "libxcb-shape-extra.so.0").touch()  # another library: not xcb-shape
    asked: list[str] = []

    def find(name):
        asked.append(name)
        return None if name == "xcb-shape" else f"/lib/lib{name}.so"

    assert missing_qt_packages(find, folders=[str(tmp_path)]) == ["libxcb-shape0"]
    assert not {"xcb-cursor", "EGL", "xcb-icccm"} & set(asked) and "xcb-shape" in asked
    everything = [f"lib{name}.so.1" for name in platform_check.XCB_LIBRARIES]
    full = tmp_path / "full"
    full.mkdir()
    for name in everything:
        (full / name).touch()
    assert missing_qt_packages(lambda name: asked.append(name), folders=[str(full)]) == []
