"""Screenshots of the real app window under Xvfb: start screen, console mid-session, patient view.

    python tools/screenshots.py                 # starts its own Xvfb on :99 (1600x1000)
    python tools/screenshots.py --display :0    # use a running X server instead

The app is the real main window (``session_player.ui.launch.build_window``) on the demo
playlist, with the real session timeline on an accelerated ``FakeClock`` behind the UI's
``FakeEnginePort`` (no sound is played). The script drives it like a clinician would: alias,
pre-flight, baseline vitals, dose, a patient choice, then to the peak with the 20-minute
vital-sign check due. Each screen is captured from the X server (``import -window root``),
as a person would see it. Settings go to a temporary folder, never the user's.

Prints the brightest pixel of the patient view (the brief: at most about 25 % grey).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SIZE = (1600, 1000)
MINUTE = 60.0


def start_xvfb(display: str) -> subprocess.Popen:
    width, height = SIZE
    process = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = Path("/tmp/.X11-unix") / f"X{display.lstrip(':')}"
    for _ in range(100):
        if socket.exists():
            return process
        time.sleep(0.05)
    process.kill()
    raise SystemExit(f"Xvfb did not start on {display}")


def brightest_fraction(path: Path) -> float:
    import numpy as np
    from PySide6.QtGui import QImage

    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), dtype=np.uint8)
    pixels = data.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width(), :3]
    return float(pixels.max()) / 255.0


class Driver:
    """The app, and the few verbs the script needs to drive it."""

    def __init__(self, out: Path) -> None:
        from PySide6.QtCore import QSettings

        from session_player.session.clock import FakeClock
        from session_player.ui.fake_engine import FakeEnginePort
        from session_player.ui.launch import DEMO_PLAYLIST, build_window, make_app

        self.out = out
        self.app = make_app([sys.argv[0]])
        self.temp = Path(tempfile.mkdtemp(prefix="session-player-shots-"))
        afternoon = datetime.now().replace(hour=14, minute=2, second=0, microsecond=0)
        self.clock = FakeClock(start_s=1000.0, wall_start_s=afternoon.timestamp())
        self.port = FakeEnginePort(self.temp / "data", clock=self.clock)
        qsettings = QSettings(str(self.temp / "settings.ini"), QSettings.Format.IniFormat)
        self.window = build_window(self.port, qsettings=qsettings, playlist=str(DEMO_PLAYLIST))
        self.window.setGeometry(0, 0, *SIZE)
        self.window.show()

    def pump(self, seconds: float) -> None:
        """Run the event loop for a while: fades finish, workers report, timers tick."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    def until(self, condition, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit("the app did not reach the expected state in time")
            self.pump(0.1)

    def advance(self, seconds: float) -> None:
        """Move the session clock on, in display-timer steps (as if time had passed)."""
        step = 10.0
        while seconds > 0:
            self.clock.advance(min(step, seconds))
            seconds -= step
            self.window.bridge.poll()
        self.pump(0.2)

    def shoot(self, name: str) -> Path:
        self.pump(1.2)  # every fade (at most 800 ms) has finished
        path = self.out / name
        if shutil.which("import") and os.environ.get("DISPLAY"):
            subprocess.run(["import", "-window", "root", str(path)], check=True)
        else:  # no X tools: grab the window itself
            self.window.grab().save(str(path))
        print(f"saved {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
        return path


def drive(out: Path) -> float:
    from PySide6.QtWidgets import QAbstractButton

    from session_player.ui.checklist_item import ItemState

    d = Driver(out)
    window = d.window
    start = window.start_screen
    d.until(lambda: start.result is not None and start.result.ok)
    start.alias.setText("Blue Heron")
    start.dose.setText("IV ketamine 0.5 mg/kg over 40 min")
    d.shoot("start.png")

    start.start_button.click()
    preflight = window.preflight
    d.until(lambda: preflight.loudness.state is ItemState.DONE)
    preflight.play_test.click()
    preflight.heard.click()
    preflight.start.click()
    d.until(lambda: window.console is not None)
    console, bridge = window.console, window.bridge

    # Settling: the baseline reading, then the dose six minutes in.
    d.advance(3 * MINUTE)
    bridge.run("record_vitals", systolic=124, diastolic=78, heart_rate=68, spo2=98)
    d.advance(3 * MINUTE)
    console.actions.dose.trigger()

    # Onset: the patient picks the ocean on their screen.
    d.advance(4 * MINUTE)
    console.actions.patient_view.trigger()
    d.pump(0.5)
    window.patient_view.findChild(QAbstractButton, "soundscape_ocean").click()
    d.pump(1.0)
    patient_shot = d.shoot("patient.png")
    window.hide_patient_view()  # what the unlock does on one screen

    # A side effect, a note, a little quieter; then on to the peak with the check due.
    d.advance(6 * MINUTE)
    console.side_effects.log("nausea/vomiting")
    d.advance(2 * MINUTE)
    bridge.run("add_note", "patient asked for quieter music")
    console.actions.volume_down.trigger()
    d.advance(8 * MINUTE + 20)
    console.vitals.fields["systolic"].setFocus()
    d.shoot("console.png")

    # The end, for the summary: the checks, past the minimum observation, discharge.
    bridge.run("record_vitals", systolic=148, diastolic=92, heart_rate=88, spo2=97)
    d.advance(20 * MINUTE)
    bridge.run("record_vitals", systolic=132, diastolic=84, heart_rate=76, spo2=98)
    d.advance(70 * MINUTE)
    console.open_end_dialog().confirm.click()
    d.until(lambda: window.summary is not None)
    for box in window.summary.checks[:5]:
        box.setChecked(True)
    d.shoot("summary.png")
    window.shutdown()
    return brightest_fraction(patient_shot)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--display", help="use this X display instead of starting Xvfb")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    xvfb = None
    if args.display:
        os.environ["DISPLAY"] = args.display
    else:
        os.environ["DISPLAY"] = ":99"
        xvfb = start_xvfb(":99")
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    try:
        fraction = drive(args.out)
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(5)
    print(f"patient view: brightest pixel {fraction:.1%} grey ({round(fraction * 255)}/255)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
