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
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

NEEDED = ("Xvfb", "openbox", "xdotool", "xprop", "import")
WAIT_S = 30.0  # how long to wait for something before failing (a loaded CI machine)


def require_tools(*tools: str) -> None:
    """Skip outside CI when a tool is missing; in CI (CI=true) a missing tool is a failure:
    .ci/run installs them all (tools/system-packages.txt), so a skip there would hide a gap."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    message = f"needs {', '.join(missing)} (tools/install-system-deps.sh suite)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def require_desktop_tools() -> None:
    require_tools(*NEEDED)


def wait_for(what: str, condition: Callable[[], object], timeout_s: float = WAIT_S):
    """Poll until ``condition`` is true and return its value: a wait for an event, never a
    speed figure (the timeout only turns a hang into a failure)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def start_x_server(command: list[str]) -> tuple[subprocess.Popen, str]:
    """An X server (Xvfb, or Xorg with the dummy driver) on a display it picks itself
    (-displayfd), so parallel runs never clash; returns it and its display name."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [*command, "-displayfd", str(write_end)],
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
                pytest.fail(f"{command[0]} exited before it named its display")
            number += chunk
    return server, f":{number.decode().strip()}"


def xvfb_command(size: str) -> list[str]:
    return ["Xvfb", "-screen", "0", f"{size}x24", "-nolisten", "tcp"]


def start_openbox(env: dict[str, str], attempts: int = 3) -> subprocess.Popen:
    """openbox on ``env``'s display, returned once it manages the screen (it names itself on
    the root window): focus, Alt+Tab, stacking and full screen then behave as on a desktop.

    A window manager that exits before it manages the screen is started again (at most
    ``attempts`` times); what it said is in the failure."""

    def managing() -> bool:
        done = subprocess.run(
            ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"],
            env=env,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return "window id" in done.stdout

    said = ""
    for _attempt in range(attempts):
        # Its words go to a file, not a pipe nobody reads (a full pipe would block it).
        with tempfile.TemporaryFile("w+") as words:
            manager = subprocess.Popen(
                ["openbox", "--sm-disable"], env=env, stdout=subprocess.DEVNULL, stderr=words
            )
            deadline = time.monotonic() + WAIT_S
            while time.monotonic() < deadline and manager.poll() is None:
                if managing():
                    return manager
                time.sleep(0.05)
            if manager.poll() is None:
                stop(manager)
            words.seek(0)
            said = words.read()
    pytest.fail(f"openbox did not manage the screen ({attempts} tries): {said[-500:]}")


def stop(*processes: subprocess.Popen | None) -> None:
    """Terminate, then kill what does not stop; in the order given (the app before its X)."""
    for process in processes:
        if process is None or process.poll() is not None:
            continue
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
    server, display = start_x_server(xvfb_command(size))
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
    manager = None
    try:
        manager = start_openbox(env)
        yield Desktop(display=display, root=tmp_path, env=env)
    finally:
        stop(manager, server)
