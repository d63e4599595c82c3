"""The console by keyboard alone on a real X server with a real window manager (issue 10,
items 8 and 16): Xvfb, openbox, and xdotool typing as a hand does, no mouse at all.

The app runs in its own process (tests/ui/console_desktop_app.py: the real window on the
fake engine, a session started); it reports which widget has the focus, so Tab is pressed
until the wanted one has it, as a person watching the focus ring would. What the app did is
read from its journal on disk.
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
from tests.desktop import (
    WAIT_S,
    require_tools,
    start_openbox,
    start_x_server,
    stop,
    wait_for,
    xvfb_command,
)

REPO = Path(__file__).resolve().parents[2]
APP = Path(__file__).with_name("console_desktop_app.py")
MAX_TABS = 80


class Desk:
    """The X display, the app's reports and xdotool."""

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
        self.reports: queue.Queue[dict] = queue.Queue()
        self.last: dict = {}
        self.app: subprocess.Popen | None = None

    def run(self, *args: str) -> str:
        return subprocess.run(
            args, env=self.env, capture_output=True, text=True, timeout=30
        ).stdout.strip()

    def key(self, *keys: str) -> None:
        self.run("xdotool", "key", *keys)

    def type(self, text: str) -> None:
        self.run("xdotool", "type", "--delay", "30", text)

    def active_window(self) -> int | None:
        answer = self.run("xdotool", "getactivewindow")
        return int(answer) if answer.isdigit() else None

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
                    self.reports.put(json.loads(line))

        threading.Thread(target=read, daemon=True).start()

    def _drain(self, timeout_s: float) -> None:
        try:
            self.last = self.reports.get(timeout=timeout_s)
            while True:
                self.last = self.reports.get_nowait()
        except queue.Empty:
            if self.app.poll() is not None:
                pytest.fail("the app exited: " + (self.root / "app.err").read_text()[-2000:])

    def focus(self) -> str | None:
        self._drain(0.2)
        return self.last.get("focus")

    def first_report(self) -> dict:
        deadline = time.monotonic() + WAIT_S
        while not self.last and time.monotonic() < deadline:
            self._drain(0.5)
        assert self.last, "the app never reported"
        return self.last

    def tab_to(self, name: str) -> None:
        for _ in range(MAX_TABS):
            if self.focus() == name:
                return
            self.key("Tab")
            wait_for("the focus to move", lambda: not self.reports.empty(), 5.0)
        pytest.fail(f"Tab never reached {name} (at {self.last.get('focus')})")

    def journal(self) -> list[dict]:
        return list(read_journal(self.last["journal"]).events)

    def count(self, event_type: str) -> int:
        return [event["type"] for event in self.journal()].count(event_type)


@contextlib.contextmanager
def desk(tmp_path: Path) -> Iterator[Desk]:
    server, display = start_x_server(xvfb_command("1366x768"))
    place = manager = None
    try:
        place = Desk(display, tmp_path)
        manager = start_openbox(place.env)
        place.start_app()
        yield place
    finally:
        stop(place.app if place else None, manager, server)


def test_the_console_by_keyboard_alone_under_a_window_manager(tmp_path):
    require_tools("Xvfb", "openbox", "xdotool", "xprop")
    with desk(tmp_path) as place:
        console = place.first_report()["console"]
        wait_for("the console to be active", lambda: place.active_window() == console)

        # Space on a focused side-effect button logs it; the patient's sound plays on.
        place.tab_to("side_effect_dizziness")
        place.key("space")
        wait_for("the side effect", lambda: place.count("side_effect") == 1)
        # Enter on a focused button presses it too.
        place.tab_to("side_effect_anxiety")
        place.key("Return")
        wait_for("the second side effect", lambda: place.count("side_effect") == 2)
        # Space on a focused command button presses that button, not Pause.
        place.tab_to("button_calm_down")
        place.key("space")
        wait_for("calm down", lambda: place.count("calm_down") == 1)
        assert place.count("audio_paused") == 0

        # A note: typed (its letters are letters), added with Enter, and then the keys are
        # commands again (C undoes the calm down) and Space pauses, with nothing focused.
        place.tab_to("note_text")
        place.type("asleep")
        place.key("Return")
        wait_for("the note", lambda: place.count("note") == 1)
        assert [e["text"] for e in place.journal() if e["type"] == "note"] == ["asleep"]
        place.key("c")
        wait_for("calm down undone", lambda: place.count("calm_down_undone") == 1)
        place.key("space")
        wait_for("the pause", lambda: place.count("audio_paused") == 1)
        # Escape leaves the note field with the draft kept: C acts again.
        place.tab_to("note_text")
        place.type("cuff")
        place.key("Escape")
        place.key("c")
        wait_for("calm down again", lambda: place.count("calm_down") == 2)
        assert place.count("note") == 1
        assert place.count("side_effect") == 2  # nothing fired twice
