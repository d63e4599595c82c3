"""Screenshots of the studio for the README: ``docs/screenshots/studio*.png``.

Run: ``.venv/bin/python tools/studio_screenshots.py [--display :57]``. Starts Xvfb and openbox
on that display (Qt's real xcb platform, as on a desktop), opens the studio on copies of the
demo playlists (in a temporary folder beside a link to the demo audio, so nothing in
``playlists/`` is touched) with SDL's dummy audio driver, and saves:

- ``studio.png``: the IV demo, the whole session, listening from 5 s before the peak;
- ``studio-problems.png``: the same playlist with a bell outside its phase and music that
  ends before a phase does: both marked on the timeline, the bell's problem clicked and its
  line shown.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZE = (1440, 900)


def start_display(display: str) -> list[subprocess.Popen]:
    width, height = SIZE
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = Path("/tmp/.X11-unix") / f"X{display.lstrip(':')}"
    for _ in range(100):
        if socket.exists():
            break
        time.sleep(0.05)
    else:
        xvfb.kill()
        raise SystemExit(f"Xvfb did not start on {display}")
    os.environ["DISPLAY"] = display
    openbox = subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # until it manages the screen
    return [openbox, xvfb]


def demo_copy(folder: Path) -> Path:
    """The demo playlists in ``folder/playlists`` with ``folder/assets`` linked to the demo's."""
    shutil.copytree(ROOT / "playlists", folder / "playlists")
    (folder / "assets").symlink_to(ROOT / "assets")
    return folder / "playlists"


def with_problems(playlists: Path) -> Path:
    text = (playlists / "iv-infusion-40min.yaml").read_text("utf-8")
    # A bell 20 minutes into a 15-minute peak: a typo for 2m, say.
    text = text.replace(
        "    voice:\n      - at: 4m\n        cue: let-go\n",
        "    voice:\n      - at: 4m\n        cue: let-go\n    bells:\n      - at: 20m\n"
        "        bell: singing-bowl\n",
        1,
    )
    assert "at: 20m" in text
    path = playlists / "iv-infusion-draft.yaml"
    path.write_text(text, "utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--display", default=":57")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    processes = start_display(args.display)
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    os.environ.pop("QT_QPA_PLATFORM", None)
    try:
        with tempfile.TemporaryDirectory() as temp:
            playlists = demo_copy(Path(temp))
            draft = with_problems(playlists)
            shoot(playlists / "iv-infusion-40min.yaml", draft, out, Path(temp))
    finally:
        for process in processes:
            process.terminate()
            process.wait(5)
    return 0


def shoot(demo: Path, draft: Path, out: Path, temp: Path) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from session_player.app.qt_app import make_app
    from session_player.audio.analysis import AnalysisCache
    from session_player.ui.studio.studio_window import StudioWindow
    from session_player.ui.studio.timeline_view import RULER_PX

    app = make_app()

    def wait_for(condition, timeout_s: float = 120.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit("timed out")
            app.processEvents()
            time.sleep(0.01)

    def settle(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def open_window(path: Path) -> StudioWindow:
        window = StudioWindow(
            path,
            sessions_base_dir=temp / "records",
            cache=AnalysisCache(),
            list_devices=lambda: ["Headphones (USB)"],
        )
        window.resize(*SIZE)
        window.show()
        wait_for(lambda: window.analysis is not None and window.session_map is not None)
        wait_for(lambda: window.shown_text is not None)
        settle(0.5)
        return window

    window = open_window(demo)
    canvas = window.canvas
    peak = next(s for s in window.session_map.spans if s.kind == "phase" and s.label == "Peak")
    QTest.mouseClick(
        canvas,
        Qt.MouseButton.LeftButton,
        pos=QPoint(round(canvas.x_of(peak.start_s - 5.0)), RULER_PX // 2),
    )
    wait_for(lambda: window.audition.playing)
    settle(2.5)
    music = next(
        s for s in window.session_map.spans if s.kind == "music" and s.start_s > peak.start_s
    )
    QTest.mouseMove(canvas, canvas.span_rect(music).center().toPoint())
    settle(0.5)
    window.grab().save(str(out / "studio.png"))
    window.shutdown()
    window.close()

    window = open_window(draft)
    problems = window.problems
    row = next(
        r
        for r in range(problems.list.count())
        if "outside its phase" in problems.list.item(r).text()
    )
    rect = problems.list.visualItemRect(problems.list.item(row))
    QTest.mouseClick(problems.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    bell = next(s for s in window.session_map.spans if s.kind == "bell" and s.problems)
    QTest.mouseClick(
        window.canvas,
        Qt.MouseButton.LeftButton,
        pos=window.canvas.span_rect(bell).center().toPoint(),
    )
    QTest.mouseMove(window.canvas, window.canvas.span_rect(bell).center().toPoint())
    settle(0.5)
    window.grab().save(str(out / "studio-problems.png"))
    window.shutdown()
    window.close()


if __name__ == "__main__":
    sys.exit(main())
