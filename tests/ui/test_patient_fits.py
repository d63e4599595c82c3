"""The patient view fits a small logical screen (issue 10, item 18): at 2x scaling on a
1920x1080 screen (``QT_SCALE_FACTOR=2``) Qt lays the window out in 960x540 logical pixels,
and the view must fit them whole (Call on the screen), every label inside its button, with
the playlist that offers the most soundscapes.

``test_at_2x_scaling_on_1920x1080`` runs the view in a child process at that scale factor
on an offscreen 1920x1080 screen; the in-process test checks the same layout at 960x540.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractButton

from session_player.ui.patient_button import MIN_PATIENT_PT, TEXT_FLAGS
from session_player.ui.patient_scene import PatientScene
from session_player.ui.patient_view import PatientView
from tests.ui.test_patient_view import Recorder

REPO = Path(__file__).resolve().parents[2]
# The longest patient list among the bundled playlists (playlists/soundscape-only.yaml).
CHOICES = (
    ("garden", "Night garden"),
    ("rain", "Rain"),
    ("ocean", "Ocean waves"),
    ("wind", "Wind in the trees"),
    ("drone", "Warm drone"),
)
SCENE = PatientScene("Wind in the trees", CHOICES, call_pending=True, current_id="wind")


def layout_problems(view: PatientView) -> list[str]:
    """What does not fit: the view beyond its window, a target off it, a label over its edge."""
    problems = []
    area = view.rect()
    hint = view.minimumSizeHint()
    if hint.height() > area.height() or hint.width() > area.width():
        problems.append(
            f"the view needs {hint.width()}x{hint.height()}, has {area.width()}x{area.height()}"
        )
    buttons = [b for b in view.findChildren(QAbstractButton) if b.isVisible()]
    for button in buttons:
        where = QRect(button.mapTo(view, button.rect().topLeft()), button.size())
        if not area.contains(where):
            problems.append(f"{button.objectName()} at {where.getRect()} is off the screen")
        # The font and the area the button paints its text with (getattr: the same check
        # reads a button from before fitted_font existed).
        font = getattr(button, "fitted_font", button.font)()
        inside = getattr(button, "text_rect", button.rect)()
        text = QFontMetrics(font).boundingRect(inside, int(TEXT_FLAGS), button.text())
        if text.width() > inside.width() or text.height() > inside.height():
            problems.append(f"{button.objectName()}: {button.text()!r} overflows its button")
        if font.pointSizeF() < MIN_PATIENT_PT:
            problems.append(f"{button.objectName()}: {font.pointSizeF()} pt is too small")
    for i, one in enumerate(buttons):
        for other in buttons[i + 1 :]:
            if one.geometry().intersects(other.geometry()) and one.parent() is other.parent():
                problems.append(f"{one.objectName()} overlaps {other.objectName()}")
    return problems


def test_the_view_fits_960x540_logical_pixels(qtbot):
    view = PatientView(Recorder())
    qtbot.addWidget(view, before_close_func=lambda w: w.allow_close())
    view.set_scene(SCENE)
    view.resize(960, 540)
    view.show()
    qtbot.waitExposed(view)
    assert view.size().width() == 960 and view.size().height() == 540
    assert layout_problems(view) == []


CHILD = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from session_player.ui import theme
    theme.apply(app)
    from session_player.ui.patient_view import PatientView
    from tests.ui.test_patient_fits import SCENE, layout_problems
    from tests.ui.test_patient_view import Recorder
    view = PatientView(Recorder())
    view.set_scene(SCENE)
    screen = app.primaryScreen()
    view.setGeometry(screen.geometry())
    view.show_full_screen()
    for _ in range(20):
        app.processEvents()
    print(json.dumps({
        "screen": [screen.geometry().width(), screen.geometry().height()],
        "ratio": screen.devicePixelRatio(),
        "view": [view.width(), view.height()],
        "problems": layout_problems(view),
    }))
    view.allow_close()
    """
)


def test_at_2x_scaling_on_1920x1080(tmp_path):
    # The offscreen platform's screen, as a 1920x1080 laptop panel.
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "laptop",
                        "x": 0,
                        "y": 0,
                        "width": 1920,
                        "height": 1080,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        )
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "QT_SCALE_FACTOR": "2",
        "PYTHONPATH": str(REPO),
    }
    run = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["ratio"] == 2.0 and result["screen"] == [960, 540], result
    assert result["view"] == [960, 540], result
    assert result["problems"] == [], result["problems"]
