"""Before Qt starts: check the system libraries its xcb platform needs on a Linux desktop.

Without them Qt aborts with "could not load the Qt platform plugin xcb", which tells a
clinic's IT person nothing. We look for the libraries first and print the exact command.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable

# library name for ctypes.util.find_library -> Debian/Ubuntu package that provides it: every
# library PySide6's libqxcb.so loads outside glibc (`ldd` on it). tools/system-packages.txt,
# which `make run` installs from, names the same; tests/test_system_packages.py keeps both.
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-image": "libxcb-image0",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-randr": "libxcb-randr0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-render": "libxcb-render0",
    "xcb-shape": "libxcb-shape0",
    "xcb-shm": "libxcb-shm0",
    "xcb-sync": "libxcb-sync1",
    "xcb-util": "libxcb-util1",
    "xcb-xfixes": "libxcb-xfixes0",
    "xcb-xkb": "libxcb-xkb1",
    "xcb": "libxcb1",
    "X11-xcb": "libx11-xcb1",
    "X11": "libx11-6",
    "Xau": "libxau6",
    "Xdmcp": "libxdmcp6",
    "xkbcommon": "libxkbcommon0",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "EGL": "libegl1",
    "GL": "libgl1",
    "GLX": "libglx0",
    "GLdispatch": "libglvnd0",
    "fontconfig": "libfontconfig1",
    "freetype": "libfreetype6",
    "png16": "libpng16-16",
    "brotlidec": "libbrotli1",
    "brotlicommon": "libbrotli1",
    "expat": "libexpat1",
    "z": "zlib1g",
    "glib-2.0": "libglib2.0-0",
    "gthread-2.0": "libglib2.0-0",
    "pcre2-8": "libpcre2-8-0",
    "dbus-1": "libdbus-1-3",
    "systemd": "libsystemd0",
    "cap": "libcap2",
    "gcrypt": "libgcrypt20",
    "gpg-error": "libgpg-error0",
    "lz4": "liblz4-1",
    "lzma": "liblzma5",
    "zstd": "libzstd1",
    "bsd": "libbsd0",
    "md": "libmd0",
    "stdc++": "libstdc++6",
    "gcc_s": "libgcc-s1",
}


# The ABI that ``ldconfig -p`` names for this machine's libraries (as ctypes.util reads it).
_LDCONFIG_ABI = {"x86_64": "x86-64", "aarch64": "AArch64", "ppc64le": "64bit"}


def missing_qt_packages(
    find: Callable[[str], str | None] | None = None, folders: list[str] | None = None
) -> list[str]:
    """Debian package names for the libraries Qt's xcb platform needs but cannot find.

    First in the linker's standard folders (one listing each); only the names not there
    are looked up with ``find`` (by default the linker's cache, through ``ldconfig -p``:
    about 10 ms of every launch on a desktop, when it ran for all of them).
    """
    wanted = [library for library in XCB_LIBRARIES if not _in_folders(library, folders)]
    if wanted and find is None:
        find = library_finder()
    missing = [XCB_LIBRARIES[library] for library in wanted if find(library) is None]
    return list(dict.fromkeys(missing))  # one package can hold two of the libraries


def standard_library_folders() -> list[str]:
    """Where the dynamic linker looks without being told: this machine's multiarch folders
    (``x86_64-linux-gnu`` on Debian), then the 64-bit and plain ones."""
    arch = getattr(sys.implementation, "_multiarch", None)
    folders = [f"/usr/lib/{arch}", f"/lib/{arch}"] if arch else []
    return folders + ["/usr/lib64", "/lib64", "/usr/lib", "/lib"]


_folder_libraries: dict[str, frozenset[str]] = {}  # folder -> the libraries in it ("libEGL")


def _in_folders(library: str, folders: list[str] | None) -> bool:
    for folder in standard_library_folders() if folders is None else folders:
        names = _folder_libraries.get(folder)
        if names is None:
            try:
                listing = os.listdir(folder)
            except OSError:
                listing = []
            # "libEGL.so.1.1.0" -> "libEGL"; a name without ".so" is no shared library.
            names = frozenset(n.partition(".so")[0] for n in listing if ".so" in n)
            _folder_libraries[folder] = names
        if f"lib{library}" in names:
            return True
    return False


def library_finder(ldconfig_listing: str | None = None) -> Callable[[str], str | None]:
    """``ctypes.util.find_library``, reading the linker's cache once instead of once a name.

    ``find_library`` runs ``ldconfig -p`` for every name it looks up (nine here: a fifth of
    the app's start on a desktop). The listing is read once and searched; a name it lacks
    is looked up by ``find_library`` itself, which knows the other places to look.
    """
    if ldconfig_listing is None:
        ldconfig_listing = _ldconfig_listing()
    abi = _LDCONFIG_ABI.get(os.uname().machine if hasattr(os, "uname") else "", "")
    found: dict[str, str] = {}
    line = re.compile(r"^\s*(lib\S+?)\.so(?:\.\S*)?\s+\(([^)]*)\)\s*=>\s*(\S+)", re.MULTILINE)
    for match in line.finditer(ldconfig_listing):
        if abi in match.group(2):
            found.setdefault(match.group(1)[3:], match.group(3))

    def find(name: str) -> str | None:
        if name in found:
            return found[name]
        import ctypes.util

        return ctypes.util.find_library(name)

    return find


def _ldconfig_listing() -> str:
    import subprocess

    for ldconfig in ("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"):
        try:
            run = subprocess.run(
                [ldconfig, "-p"], capture_output=True, text=True, timeout=5, check=False
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if run.returncode == 0:
            return run.stdout
    return ""


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
