"""Who has the keyboard, on a real X server with a real window manager (issue 10, item 17).

Two screens side by side (Xorg's dummy driver, one wide virtual screen cut into two RandR
monitors): the patient's window must never take the keyboard, at the start, after P or
after a patient's tap, so D, C and A keep working on the console. One screen (Xvfb): while
the full-screen patient view is up, Alt+Tab must not bring the console back; only the
2-second hold on the corner does.

The app runs in its own process (tests/ui/patient_desktop_app.py: the real window on the
fake engine, a session started), xdotool gives the input as a hand does, the window
manager (openbox) decides focus and stacking, and the X server says which window is active
and which are mapped. What the app did is read from its journal on disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from session_player.session.journal import read_journal
from tests.desktop import WAIT_S, require_tools, start_openbox, start_x_server, stop, wait_for

REPO = Path(__file__).resolve().parents[2]
APP = Path(__file__).with_name("patient_desktop_app.py")
XORG_CONFIG = Path(__file__).with_name("patient_xorg_dummy.conf")  # 2646x1024, one screen


class Desktop:
    def __init__(self, display: str, root: Path) -> None:
        runtime = root / "runtime"
        runtime.mkdir(mode=0o700)
        self.env = {
            **os.environ,
            "DISPLAY": display,
            "XDG_RUNTIME_DIR": str(runtime),
            "QT_QPA_PLATFORM": "xcb",
            "SDL_AUDIODRIVER": "dummy",
            "PYTHONPATH": str(REPO),
        }
        self.env.pop("QT_SCALE_FACTOR", None)
        self.root = root
        self.lines: queue.Queue[dict] = queue.Queue()
        self.app: subprocess.Popen | None = None

    def run(self, *args: str) -> str:
        done = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=30)
        return done.stdout.strip()

    def xdotool(self, *args: str) -> str:
        return self.run("xdotool", *args)

    def active_window(self) -> int | None:
        answer = self.xdotool("getactivewindow")
        return int(answer) if answer.isdigit() else None

    def viewable(self, window: int) -> bool:
        return "IsViewable" in self.run("xwininfo", "-id", str(window))

    def start_app(self) -> None:
        self.app = subprocess.Popen(
            [sys.executable, str(APP), str(self.root / "app")],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=open(self.root / "app.err", "w"),  # noqa: SIM115 - closed with the process
            text=True,
        )

        def read() -> None:
            for line in self.app.stdout:
                with contextlib.suppress(ValueError):
                    self.lines.put(json.loads(line))

        threading.Thread(target=read, daemon=True).start()

    def next_report(self, **wanted) -> dict:
        """The app's next line saying ``wanted`` (it prints one when the view comes or goes)."""
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.app.poll() is not None:
                    pytest.fail("the app exited: " + (self.root / "app.err").read_text()[-2000:])
                continue
            if all(line.get(key) == value for key, value in wanted.items()):
                return line
        pytest.fail(f"the app never reported {wanted}")

    def click(self, point: list[int]) -> None:
        self.xdotool("mousemove", str(point[0]), str(point[1]), "click", "1")


def journal_types(report: dict) -> list[str]:
    return [event["type"] for event in read_journal(report["journal"]).events]


def wait_for_event(report: dict, event_type: str, count: int = 1) -> None:
    wait_for(
        f"{event_type} in the journal",
        lambda: journal_types(report).count(event_type) >= count,
    )


@contextlib.contextmanager
def desktop(tmp_path: Path, server_command: list[str], after_start=None) -> Iterator[Desktop]:
    server, display = start_x_server(server_command)
    place = manager = None
    try:
        place = Desktop(display, tmp_path)
        if after_start is not None:
            after_start(place)
        manager = start_openbox(place.env)
        place.start_app()
        yield place
    finally:
        stop(place.app if place else None, manager, server)


def two_monitors(place: Desktop) -> None:
    """The wide screen as two monitors side by side: a 1366x768 laptop and a 1280x1024."""
    output = wait_for(
        "the dummy output",
        lambda: next(
            (line.split()[0] for line in place.run("xrandr").splitlines() if " connected" in line),
            None,
        ),
    )
    place.run("xrandr", "--setmonitor", "left", "1366/344x768/194+0+0", output)
    place.run("xrandr", "--setmonitor", "right", "1280/338x1024/270+1366+0", "none")
    assert "Monitors: 2" in place.run("xrandr", "--listmonitors")


def test_on_two_screens_the_console_keeps_the_keyboard(tmp_path):
    require_tools("Xorg", "openbox", "xdotool", "xrandr", "xprop", "xwininfo")
    if not Path("/usr/lib/xorg/modules/drivers/dummy_drv.so").exists():
        pytest.skip("needs xserver-xorg-video-dummy (tools/install-system-deps.sh suite)")
    server = [
        "Xorg",
        "-config",
        str(XORG_CONFIG),
        "-noreset",
        "-nolisten",
        "tcp",
        "-logfile",
        str(tmp_path / "xorg.log"),
    ]
    with desktop(tmp_path, server, after_start=two_monitors) as place:
        report = place.next_report(patient_visible=True)
        assert report["screens"] == 2
        console, patient, targets = report["console"], report["patient"], report["targets"]
        assert targets["call"][0] > 1366  # the patient's window is on the right-hand screen
        # At the start the console has the keyboard.
        wait_for("the console to be active", lambda: place.active_window() == console)

        # The patient taps: a soundscape, Louder, Call. The console keeps the keyboard.
        for name, event_type in (
            ("soundscape_ocean", "soundscape_chosen"),
            ("louder", "volume_set"),
            ("call", "patient_called"),
        ):
            place.click(targets[name])
            wait_for_event(report, event_type)
            assert place.active_window() == console, f"after a tap on {name}"
        assert place.active_window() != patient

        # P (the patient view again) and then the clinician's keys, typed on the console.
        place.xdotool("key", "p")
        place.xdotool("key", "d")
        wait_for_event(report, "dose_given")
        place.xdotool("key", "a")
        wait_for_event(report, "patient_call_answered")
        place.xdotool("key", "c")
        wait_for_event(report, "calm_down")
        assert place.active_window() == console
        assert place.viewable(patient)


def test_on_one_screen_alt_tab_does_not_bring_the_console_up(tmp_path):
    require_tools("Xvfb", "openbox", "xdotool", "xprop", "xwininfo")
    server = ["Xvfb", "-screen", "0", "1366x768x24", "-nolisten", "tcp"]
    with desktop(tmp_path, server) as place:
        first = place.next_report(patient_visible=False)
        console, patient = first["console"], first["patient"]
        wait_for("the console to be active", lambda: place.active_window() == console)
        place.xdotool("key", "p")
        report = place.next_report(patient_visible=True)
        targets = report["targets"]
        wait_for("the console to be hidden", lambda: not place.viewable(console))
        assert place.active_window() == patient

        # Alt+Tab, then the clinician's keys: none of it reaches the console.
        place.xdotool("key", "alt+Tab")
        place.xdotool("key", "d", "space")
        # A tap after them: once it is journaled, the keys before it have been handled.
        place.click(targets["call"])
        wait_for_event(report, "patient_called")
        assert not place.viewable(console)
        assert place.active_window() == patient
        assert "dose_given" not in journal_types(report)
        assert "audio_paused" not in journal_types(report)

        # Only the hold on the corner brings the console back, with the keyboard.
        corner = targets["unlock_target"]
        place.xdotool("mousemove", str(corner[0]), str(corner[1]), "mousedown", "1")
        try:
            wait_for("the console after the hold", lambda: place.viewable(console))
        finally:
            place.xdotool("mouseup", "1")
        wait_for("the console to be active", lambda: place.active_window() == console)
        place.xdotool("key", "d")
        wait_for_event(report, "dose_given")
