"""Run by test_audition_disk.py in a fresh interpreter on SDL's disk driver (SDL reads the
driver's environment when its audio starts, once per process): open the studio, click the
time ruler, listen for a few seconds, press Space; print what happened as one JSON line.

Arguments: PLAYLIST CACHE_DIR CLICK_DOSE_S LISTEN_S [alone]

With ``alone``: the click selects the music item at CLICK_DOSE_S (in the music lane) and L
plays its file alone.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from session_player.audio.analysis import AnalysisCache
from session_player.ui import theme
from session_player.ui.studio.studio_window import StudioWindow
from session_player.ui.studio.timeline_view import RULER_PX

SAMPLE_RATE_HZ = 48000


def wait_for(app: QApplication, condition, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {condition}")
        app.processEvents()
        time.sleep(0.005)


def main() -> int:
    playlist, cache_dir, click_s, listen_s = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:5])
    alone = sys.argv[5:] == ["alone"]
    app = QApplication([])
    theme.apply(app)
    window = StudioWindow(
        Path(playlist),
        sessions_base_dir=Path(cache_dir) / "records",
        cache=AnalysisCache(cache_dir),
        list_devices=lambda: [],
    )
    window.show()
    # Until the timeline is the one built with the analysis (exact lengths): listening
    # plays that session.
    wait_for(app, lambda: window.session_map is not None and window.session_map.exact)
    canvas = window.canvas
    # Zoomed in so that a pixel is a tenth of a second, with the click point in view.
    canvas.px_per_s = 10.0
    canvas.scroll_to(click_s - 10.0)
    app.processEvents()
    x = round(canvas.x_of(click_s))
    selected = None
    if alone:
        y = round(canvas.lane_rect("music").center().y())
        QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
        selected = canvas.selected
        QTest.keyClick(canvas, Qt.Key.Key_L)
    else:
        # The mouse comes to rest on the ruler first: the mixer is positioned there meanwhile.
        QTest.mouseMove(canvas, QPoint(x, RULER_PX // 2))
        settle_until = time.monotonic() + 3.0
        wait_for(app, lambda: time.monotonic() > settle_until)
        QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x, RULER_PX // 2))
    wait_for(app, lambda: window.audition.sink is not None)
    sink = window.audition.sink
    wanted = int(listen_s * SAMPLE_RATE_HZ)
    wait_for(app, lambda: sink.device_clock().frames_delivered >= wanted)
    clock = sink.device_clock()
    alerts = [message for _kind, message in window.audition.source.alerts]
    alerts += [f"{alert.kind}: {alert.message}" for alert in sink.alerts]
    heard = window.audition.heard_dose_s()
    canvas.setFocus()
    QTest.keyClick(canvas, Qt.Key.Key_Space)
    stopped_at_once = not window.audition.playing
    window.audition.wait_stopped()
    print(
        json.dumps(
            {
                "cursor_s": canvas.cursor_s,
                "dose_at_s": window.dose_at_s,
                "frames_unprimed": clock.frames_unprimed,
                "frames_delivered": clock.frames_delivered,
                "heard_dose_s": heard,
                "stopped_at_once": stopped_at_once,
                "prepared_starts": window.audition.prepared_starts,
                "alone_file": selected.file if selected is not None else None,
                "alone_gain_db": selected.own_gain_db if selected is not None else None,
                "status": window.status.text(),
                "alerts": alerts,
            }
        )
    )
    window.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
