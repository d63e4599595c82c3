"""Screenshots of the app window under Xvfb: start, pre-flight, console, patient view, summary.

    python tools/screenshots.py                 # starts its own Xvfb on :99 (1600x1000)
    python tools/screenshots.py --display :0    # use a running X server instead

Two runs of the real main window (``session_player.app.qt_app.build_window``), captured from
the X server (``import -window root``) as a person would see them. Settings and data go to
a temporary folder, never the user's.

1. **The real engine** (``LiveEnginePort``: validation, loudness analysis, the headphone
   test, the mixer and an SDL device on the ``dummy`` driver, which plays nothing) on the
   demo playlist: ``start.png`` (playlist validated, alias typed), ``preflight.png`` (every
   check done), then the session starts, the dose is given and the patient picks the ocean
   on their screen: ``patient.png``.
2. **A rehearsal** (the app's own rehearsal mode, started with the start screen's
   "Rehearse" button on the same real engine port: the real timeline on the system clock
   made ``REHEARSAL_SPEED`` times faster, no sound): a session would take an hour and a
   half, so the mid-session console (the now-line in the peak band, cues and checks as
   marks, the 20-minute vital-sign check due) and the end-of-session summary are shot from
   this run, as they happened, in about two minutes: ``console.png``, ``summary.png``.
   Both say "Rehearsal ×60", as a rehearsal always does.

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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SIZE = (1600, 1000)
MINUTE = 60.0
# The rehearsal's speed: the whole session in under two minutes, and each display tick (¼ s)
# a quarter of a minute of the arc, so every step below lands where it is meant to.
REHEARSAL_SPEED = 60


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
    """One app window on one engine port, and the few verbs the script needs to drive it."""

    def __init__(self, out: Path, port, settings_file: Path) -> None:
        from PySide6.QtCore import QSettings

        from session_player.app.qt_app import DEMO_PLAYLIST, build_window, make_app

        self.out = out
        self.app = make_app([sys.argv[0]])
        self.port = port
        qsettings = QSettings(str(settings_file), QSettings.Format.IniFormat)
        self.window = build_window(port, qsettings=qsettings, playlist=str(DEMO_PLAYLIST))
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

    def shoot(self, name: str) -> Path:
        self.pump(1.2)  # every fade (at most 800 ms) has finished
        path = self.out / name
        if shutil.which("import") and os.environ.get("DISPLAY"):
            subprocess.run(["import", "-window", "root", str(path)], check=True)
        else:  # no X tools: grab the window itself
            self.window.grab().save(str(path))
        print(f"saved {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
        return path

    def close(self) -> None:
        self.window.shutdown()
        self.window.hide()
        self.window.deleteLater()
        self.pump(0.2)


def through_start(d: Driver, alias: str = "Blue Heron") -> None:
    start = d.window.start_screen
    d.until(lambda: start.result is not None and start.result.ok and not start.checking_audio)
    d.until(lambda: start.devices_ready)
    start.alias.setText(alias)
    start.dose.setText("IV ketamine 0.5 mg/kg over 40 min")


def through_preflight(d: Driver) -> None:
    from session_player.ui.checklist_item import ItemState

    preflight = d.window.preflight
    d.until(lambda: preflight.loudness.state is ItemState.DONE, timeout_s=300)
    preflight.play_test.click()
    preflight.heard.click()
    if not preflight.start.isEnabled():
        raise SystemExit(
            f"the pre-flight does not let the session start: {preflight.reason.text()}"
        )


def real_engine(out: Path, temp: Path) -> Path:
    """start.png, preflight.png and patient.png from the app on the real engine."""
    from PySide6.QtWidgets import QAbstractButton

    from session_player.app.live_port import LiveEnginePort
    from session_player.audio.analysis import AnalysisCache

    port = LiveEnginePort(sessions_dir=str(temp / "sessions"), cache=AnalysisCache(temp))
    d = Driver(out, port, temp / "real-settings.ini")
    try:
        window = d.window
        through_start(d)
        d.shoot("start.png")
        window.start_screen.start_button.click()
        through_preflight(d)
        d.shoot("preflight.png")
        window.preflight.start.click()
        d.until(lambda: window.console is not None)
        d.pump(3.0)  # settling fades in
        window.console.actions.dose.trigger()
        d.pump(2.0)
        window.console.actions.patient_view.trigger()
        d.pump(0.5)
        window.patient_view.findChild(QAbstractButton, "soundscape_ocean").click()
        d.pump(1.0)
        return d.shoot("patient.png")
    finally:
        d.close()
        port.shutdown()


def rehearsal(out: Path, temp: Path) -> None:
    """console.png and summary.png: a whole session as a rehearsal, on the scaled clock."""
    from session_player.app.live_port import LiveEnginePort
    from session_player.audio.analysis import AnalysisCache

    port = LiveEnginePort(sessions_dir=str(temp / "rehearsal-data"), cache=AnalysisCache(temp))
    d = Driver(out, port, temp / "rehearsal-settings.ini")
    try:
        window = d.window
        start = window.start_screen
        through_start(d, alias="Training")
        start.rehearsal.set_speed(REHEARSAL_SPEED)
        start.rehearsal.button.click()
        d.until(lambda: window.console is not None)
        console, bridge = window.console, window.bridge
        timeline = bridge.timeline

        def at(session_s: float) -> None:
            """Wait, with the app running, until the rehearsal's clock reads ``session_s``."""
            d.until(lambda: timeline.now_s() >= session_s, timeout_s=30 * MINUTE)

        # Settling: the baseline reading, then the dose six minutes in.
        at(3 * MINUTE)
        bridge.run("record_vitals", systolic=124, diastolic=78, heart_rate=68, spo2=98)
        at(6 * MINUTE)
        console.actions.dose.trigger()
        dose_s = timeline.record.dose_session_s

        def after_dose(seconds: float) -> None:
            at(dose_s + seconds)

        # Onset: the patient picks the ocean; a side effect, a note, a little quieter; then
        # on into the peak, with the 20-minute check due.
        after_dose(4 * MINUTE)
        bridge.run("choose_soundscape", "ocean", by="patient")
        after_dose(10 * MINUTE)
        console.side_effects.log("nausea/vomiting")
        after_dose(12 * MINUTE)
        bridge.run("add_note", "patient asked for quieter music")
        console.actions.volume_down.trigger()
        after_dose(20 * MINUTE + 20)
        console.vitals.fields["systolic"].setFocus()
        if timeline.state().phase_id != "peak":
            raise SystemExit(f"the console is not in the peak: {timeline.state().phase_id}")
        d.shoot("console.png")

        # The end, for the summary: the checks, past the minimum observation, discharge.
        bridge.run("record_vitals", systolic=148, diastolic=92, heart_rate=88, spo2=97)
        after_dose(40 * MINUTE)
        bridge.run("record_vitals", systolic=132, diastolic=84, heart_rate=76, spo2=98)
        after_dose(100 * MINUTE + 30)
        console.open_end_dialog().confirm.click()
        d.until(lambda: window.summary is not None)
        for box in window.summary.checks[:5]:
            box.setChecked(True)
        d.shoot("summary.png")
    finally:
        d.close()
        port.shutdown()


def drive(out: Path) -> float:
    # SDL reads the driver when its audio starts: the real engine must play nothing here.
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    temp = Path(tempfile.mkdtemp(prefix="session-player-shots-"))
    try:
        patient_shot = real_engine(out, temp)
        rehearsal(out, temp)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
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
