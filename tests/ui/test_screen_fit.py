"""Every screen fits the laptops clinics have (issue 10, item 15).

1366×768 at 100 % and 1280×800 at 150 % (``QT_SCALE_FACTOR=1.5``: a logical screen of
853×533), each less a window manager's title bar (and a panel on the first). Qt lays out in
logical pixels with fonts in points, so a window of the logical size here is laid out exactly
as on the scaled screen. At 150 % the console used to be wider than the screen: Vitals,
Patient view, Louder and the status line were cut off, and the arc's right end too.

"Fits" means: the window may be that small (its minimum size is not larger), and no button,
field or line of text reaches past its right edge; what is taller than the screen scrolls
vertically inside the page (the console's body, the pre-flight's checks), never sideways.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QLineEdit,
    QWidget,
)

from session_player.engine.null_engine import NullEnginePort
from session_player.session import command_table as commands
from session_player.session.clock import FakeClock
from tests.ui.test_resume import crashed_session

SCREENS = {
    "1366x768": (1366, 700),  # less the title bar and a panel
    "1280x800@150": (853, 500),  # 1280×800 / 1.5, less the title bar
}


def settle(qtbot) -> None:
    qtbot.wait(20)
    for _ in range(3):
        QApplication.processEvents()


def clipped_sideways(root: QWidget) -> list[str]:
    """Visible buttons, fields and labels of ``root`` that reach past the visible width of
    the window or of the scroll area they are in."""
    window = root.window()
    problems = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, QAbstractButton | QLabel | QLineEdit):
            continue
        if not widget.isVisible() or widget.width() <= 0:
            continue
        rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        limit = window.width()
        parent = widget.parentWidget()
        while parent is not None and parent is not window:
            if isinstance(parent, QAbstractScrollArea):
                viewport = parent.viewport()
                limit = min(limit, viewport.mapTo(window, QPoint(viewport.width(), 0)).x())
            parent = parent.parentWidget()
        if rect.right() + 1 > limit:
            name = widget.objectName() or type(widget).__name__
            text = getattr(widget, "text", lambda: "")()
            problems.append(f"{name} {text[:30]!r}: right edge {rect.right() + 1} > {limit}")
    return problems


def assert_fits(qtbot, window, size, page: QWidget) -> None:
    window.resize(*size)
    settle(qtbot)
    assert window.width() == size[0] and window.height() == size[1], window.size()
    hint = window.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1], hint
    assert not clipped_sideways(page), "\n".join(clipped_sideways(page))


@pytest.mark.parametrize("size", SCREENS.values(), ids=SCREENS.keys())
def test_start_and_preflight_fit(make_window, port, clinic, flow, qtbot, size):
    window = make_window(port)
    flow.wait_validated(window.start_screen, clinic / "test-infusion.yaml")
    qtbot.waitUntil(lambda: window.start_screen.devices_ready)
    assert_fits(qtbot, window, size, window.start_screen)
    flow.through_start(window, clinic / "test-infusion.yaml")
    assert_fits(qtbot, window, size, window.preflight)
    # The way on stays in view without scrolling: Back and Start; the next thing to do, the
    # headphone test, is scrolled into view.
    settle(qtbot)
    viewport = window.preflight.checks_scroll.viewport()
    play = window.preflight.play_test
    top = play.mapTo(viewport, QPoint(0, 0)).y()
    assert top >= 0 and top + play.height() <= viewport.height(), (top, viewport.height())
    for button in (window.preflight.back, window.preflight.start):
        bottom = button.mapTo(window, QPoint(0, button.height())).y()
        assert bottom <= size[1], button.text()


@pytest.mark.parametrize("size", SCREENS.values(), ids=SCREENS.keys())
def test_console_fits_with_the_vitals_card_open(make_window, port, clinic, flow, qtbot, size):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    console.actions.dose.trigger()
    bridge.run(commands.PATIENT_CALLED)  # the call banner too
    console.vitals.open_for_entry()
    assert_fits(qtbot, window, size, console)
    body = console.scroll.widget()
    assert body.minimumSizeHint().width() <= console.scroll.viewport().width()
    # Every command, the status line and the arc's right end are within the width.
    right = window.width()
    for name, button in console.buttons.items():
        if button.isVisible():
            assert button.mapTo(window, QPoint(button.width(), 0)).x() <= right, name
    for widget in (console.status, console.arc, console.now_playing):
        assert widget.mapTo(window, QPoint(widget.width(), 0)).x() <= right


@pytest.mark.parametrize("size", SCREENS.values(), ids=SCREENS.keys())
def test_resume_offer_fits(tmp_path, make_window, clinic, qtbot, size):
    store = tmp_path / "data"
    first = FakeClock(start_s=1000.0)
    crashed_session(store, clinic, first)
    second = FakeClock(start_s=50.0, wall_start_s=first.wall() + 180)
    window = make_window(NullEnginePort(store, clock=second))
    offer = window.resume_offer
    qtbot.waitUntil(lambda: window.stack.currentWidget() is offer)
    assert_fits(qtbot, window, size, offer)


@pytest.mark.parametrize("size", SCREENS.values(), ids=SCREENS.keys())
def test_settings_dialog_fits(make_window, port, qtbot, size):
    window = make_window(port)
    window.resize(*size)
    dialog = window.open_settings()
    qtbot.waitExposed(dialog)
    settle(qtbot)
    hint = dialog.minimumSizeHint().expandedTo(dialog.minimumSize())
    assert hint.width() <= size[0] and hint.height() <= size[1], hint
    dialog.resize(min(dialog.width(), size[0]), min(dialog.height(), size[1]))
    settle(qtbot)
    assert dialog.width() <= size[0] and dialog.height() <= size[1]
    assert not clipped_sideways(dialog), "\n".join(clipped_sideways(dialog))
    dialog.reject()
