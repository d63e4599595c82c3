"""The real app on a real desktop, driven by the keyboard alone, from the start screen to
the summary: Xvfb, the openbox window manager, and key presses sent by xdotool.

This is the test a clinician's hands would make. Nothing in it calls into the app: keys go
to the X server, the window manager decides which window has the focus, and Qt's focus
chain, default buttons and shortcuts decide what each key does. What happened is read where
a person or the clinic reads it: the window's title, screenshots, and the session journal.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from tests.desktop import desktop

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "playlists" / "iv-infusion-40min.yaml"


def journal_events(data_home: Path) -> list[dict]:
    journals = sorted((data_home / "session-player" / "sessions").glob("*/journal.jsonl"))
    if not journals:
        return []
    events = []
    for line in journals[-1].read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError):  # a line being written
            events.append(json.loads(line))
    return events


def wait_for_event(data_home: Path, kind: str, timeout_s: float = 30.0) -> dict:
    """Wait until the journal holds an event of ``kind`` (a guard, not a measure)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = [event for event in journal_events(data_home) if event.get("type") == kind]
        if found:
            return found[-1]
        time.sleep(0.2)
    types = [event.get("type") for event in journal_events(data_home)]
    raise AssertionError(f"no {kind!r} in the journal; it has {types}")


def test_a_whole_session_by_keyboard_under_a_window_manager(tmp_path):
    with desktop(tmp_path) as screen:
        app = subprocess.Popen(
            [sys.executable, "-m", "session_player", str(DEMO)],
            env=screen.env,
            cwd=ROOT,
            stdout=open(tmp_path / "app.log", "wb"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
        )
        data_home = tmp_path / "data"
        try:
            # --- the start screen has the focus in the alias field; Enter continues once
            # the playlist's audio has been checked (until then Enter does nothing).
            screen.wait_for_title("Start — Session Player")
            screen.type("Blue Heron")
            deadline = time.monotonic() + 60
            while "Pre-flight" not in screen.active_title():
                assert time.monotonic() < deadline, screen.screenshot("start-stuck")
                screen.key("Return")
                time.sleep(0.5)
            screen.screenshot("preflight")

            # --- pre-flight: Space plays the headphone test (it has the focus), Tab and
            # Space confirm it, and Enter starts once every check has settled.
            screen.key("space")
            time.sleep(1.0)
            screen.key("Tab", "space")
            screen.wait_for_title("Pre-flight (ready to start)")
            screen.key("Return")
            screen.wait_for_title("Console — Session Player")
            started = wait_for_event(data_home, "session_started")
            assert started["alias"] == "Blue Heron"
            screen.screenshot("console-settling")

            # --- the baseline vitals, typed as a clinician types them: V, "118/76", Tab...
            screen.key("v")
            screen.type("118/76")
            screen.key("Tab")
            screen.type("72")
            screen.key("Tab")
            screen.type("98")
            screen.key("Return")
            vitals = wait_for_event(data_home, "vitals_recorded")
            assert (vitals["systolic"], vitals["diastolic"]) == (118, 76), vitals

            # --- the dose (D): time zero; then pause and resume with Space from the console
            screen.key("d")
            wait_for_event(data_home, "dose_given")
            screen.screenshot("console-onset")

            # --- end early: Ctrl+E asks for a reason; typing it and pressing Enter ends the
            # session with that reason (it used to close the dialog as "Keep going").
            screen.key("ctrl+e")
            time.sleep(1.0)
            screen.type("patient asked to stop")
            screen.key("Return")
            ended = wait_for_event(data_home, "session_ended")
            assert ended["early"] and ended["reason"] == "patient asked to stop", ended
            screen.wait_for_title("Summary — Session Player")
            screen.screenshot("summary")

            # --- Alt+F4, as a window manager closes a window: the app closes by itself
            # (no session runs any more), and it journaled the close.
            screen.key("alt+F4")
            assert app.wait(30) == 0, (tmp_path / "app.log").read_text(errors="replace")
        finally:
            if app.poll() is None:
                app.kill()
                app.wait()

        # The patient heard the session: the disk driver's file holds sound, not silence.
        raw = np.fromfile(tmp_path / "device.raw", dtype="<f4")
        assert raw.size > 48_000 * 2, "the device was given less than a second of audio"
        assert float(np.abs(raw).max()) > 1e-3, "the device was given only silence"
        log = (tmp_path / "app.log").read_text(errors="replace")
        assert "Traceback" not in log, log
