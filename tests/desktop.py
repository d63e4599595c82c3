"""A real desktop for end-to-end tests: Xvfb, the openbox window manager, and xdotool.

The app runs as a user runs it (its own process, Qt's xcb platform, SDL's disk audio
driver), and the test gives it input the way a hand does: key presses that the X server
delivers to whichever window has the focus, so the window manager, Qt's focus chain,
default buttons and shortcuts decide what happens. The test reads what happened from what a
person sees (window titles, screenshots) and from the session's journal on disk.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

NEEDED = ("Xvfb", "openbox", "xdotool", "import")


def require_desktop_tools() -> None:
    """Skip outside CI when a tool is missing; in CI (CI=true) a missing tool is a failure."""
    missing = [tool for tool in NEEDED if shutil.which(tool) is None]
    if not missing:
        return
    message = f"the desktop test needs {', '.join(missing)} (tools/install-system-deps.sh)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _start_xvfb(size: str) -> tuple[subprocess.Popen, str]:
    """Xvfb on a display number it picks itself (-displayfd), so parallel runs never clash."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    number = b""
    with os.fdopen(read_end, "rb") as stream:
        while not number.endswith(b"\n"):
            chunk = stream.read(1)
            if not chunk:
                server.kill()
                raise RuntimeError("Xvfb exited before it named its display")
            number += chunk
    return server, f":{number.decode().strip()}"


@dataclass
class Desktop:
    """One X display with a window manager, and what the tests do on it."""

    display: str
    root: Path
    env: dict[str, str]
    shots: list[Path] = field(default_factory=list)

    def run(self, *args: str, timeout_s: float = 30.0) -> str:
        done = subprocess.run(
            args, env=self.env, capture_output=True, text=True, timeout=timeout_s, check=False
        )
        return done.stdout.strip()

    def key(self, *keys: str) -> None:
        """Keys pressed on the keyboard: the X server sends them to the focused window."""
        for name in keys:
            self.run("xdotool", "key", "--clearmodifiers", name)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        self.run("xdotool", "type", "--delay", "40", text)

    def active_title(self) -> str:
        return self.run("xdotool", "getactivewindow", "getwindowname")

    def visible_titles(self) -> list[str]:
        ids = self.run("xdotool", "search", "--onlyvisible", "--name", "Session Player")
        return [self.run("xdotool", "getwindowname", wid) for wid in ids.split()]

    def wait_for_title(self, text: str, timeout_s: float = 60.0) -> str:
        """Wait until the active window's title contains ``text`` (a guard, not a measure)."""
        deadline = time.monotonic() + timeout_s
        title = ""
        while time.monotonic() < deadline:
            title = self.active_title()
            if text in title:
                return title
            time.sleep(0.2)
        shot = self.screenshot(f"timeout-{len(self.shots)}")
        raise AssertionError(f"no window titled {text!r} (active: {title!r}; see {shot})")

    def screenshot(self, name: str) -> Path:
        time.sleep(0.8)  # pages fade in over 400-800 ms (DESIGN.md): the picture after it
        path = self.root / f"{name}.png"
        self.run("import", "-window", "root", str(path))
        self.shots.append(path)
        return path


@contextlib.contextmanager
def desktop(tmp_path: Path, size: str = "1366x768") -> Iterator[Desktop]:
    """Xvfb + openbox, and an environment for the app with every folder under ``tmp_path``."""
    require_desktop_tools()
    server, display = _start_xvfb(size)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QT_", "SDL_", "XDG_", "PULSE_"))
    }
    env.update(
        DISPLAY=display,
        HOME=str(tmp_path / "home"),
        XDG_RUNTIME_DIR=str(runtime),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        QT_QPA_PLATFORM="xcb",
        SDL_AUDIODRIVER="disk",
        SDL_DISKAUDIOFILE=str(tmp_path / "device.raw"),
    )
    (tmp_path / "home").mkdir()
    wm = subprocess.Popen(
        ["openbox", "--sm-disable"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    here = Desktop(display=display, root=tmp_path, env=env)
    try:
        # openbox is managing the screen once it names itself on the root window.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if "_NET_SUPPORTING_WM_CHECK(WINDOW)" in here.run(
                "xprop", "-root", "_NET_SUPPORTING_WM_CHECK"
            ):
                break
            time.sleep(0.1)
        yield here
    finally:
        for process in (wm, server):
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
