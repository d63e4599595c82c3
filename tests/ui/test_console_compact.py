"""The console on a short high-DPI laptop screen: every command in view, a summary that reads.

Seen by hand at 1280×800 with ``QT_SCALE_FACTOR=1.5`` under openbox (issue 10, item 15, second
round): the window showed the header, the arc, now playing and the sound's row, but "Dose
given", Extend, Hold, Advance, Vitals, Patient view and End session needed scrolling; and
the arc's summary line drew "Settling 0:03 · dose not given yet" over "Press Dose given (D)
when the dose is given". Qt lays out in logical pixels, so a window of 853×500 (1280×800 at
150 %, less a title bar) is laid out exactly as on that screen.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel

from session_player.session import command_table as commands
from session_player.ui import theme
from tests.ui.conftest import clinic_window

SMALL_HIDPI = (853, 500)  # 1280×800 at 150 %, less a title bar
LAPTOP = (1366, 700)  # 1366×768 less a title bar and a panel
MINUTE = 60.0


def settle(qtbot) -> None:
    qtbot.wait(20)
    for _ in range(3):
        QApplication.processEvents()


def press(qtbot, window, key) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, key)


@pytest.fixture
def console_at(qtbot, qsettings, clinic, port, flow):
    """A session's console in a shown window of the given logical size."""

    def make(size):
        window = clinic_window(qtbot, qsettings, clinic, port)
        window.show()
        qtbot.waitExposed(window)
        console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
        window.resize(*size)
        settle(qtbot)
        return window, console, bridge

    return make


def summary_columns(console) -> tuple[set[int], set[int]]:
    """The pixel columns of the arc's summary line (its lowest 20 px, as painted) that hold
    amber ink (the time since the dose) and grey ink (what comes next)."""
    image = console.arc.grab().toImage()
    amber, grey = set(), set()
    for y in range(image.height() - 20, image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            red, blue = colour.red(), colour.blue()
            if red < 0x50:
                continue  # the card's ground, or too faint an edge to tell
            if red - blue > 60:
                amber.add(x)
            elif red - blue < 30:
                grey.add(x)
    return amber, grey


def assert_apart(console) -> None:
    amber, grey = summary_columns(console)
    assert amber and grey, "both texts are painted"
    # Left the time, right what comes next, with room between: no column holds both.
    assert max(amber) < min(grey), (max(amber), min(grey))
    rects = console.arc.summary_rects  # the words as painted, for the message
    assert len(rects) == 2 and rects[1][0].strip("…"), rects


@pytest.mark.parametrize("size", [SMALL_HIDPI, LAPTOP], ids=["1280x800@150", "1366x768"])
def test_the_summary_texts_never_overlap(console_at, qtbot, clock, size):
    window, console, bridge = console_at(size)
    # Settling: the two long texts of the screenshot.
    assert bridge.state.status == "settling"
    assert_apart(console)
    assert console.arc.summary_rects[0][0].startswith("Settling")
    # Held and paused, the longest "what comes next" there is.
    press(qtbot, window, Qt.Key.Key_D)
    clock.advance(2 * MINUTE)
    bridge.poll()
    press(qtbot, window, Qt.Key.Key_H)
    press(qtbot, window, Qt.Key.Key_Space)
    settle(qtbot)
    assert bridge.state.paused
    assert_apart(console)
    # At the narrowest the console may be, still apart (cut with "…", whole in the tooltip).
    window.resize(window.minimumSizeHint().width(), size[1])
    settle(qtbot)
    assert_apart(console)
    if console.arc.summary_rects[1][0].endswith("…"):
        assert console.arc.summary_text.endswith(console.arc.next_text(bridge.state))


def in_view(console, widget) -> bool:
    """``widget`` lies wholly inside the console's visible viewport (mapped to the window)."""
    window = console.window()
    viewport = console.scroll.viewport()
    view = QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size())
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return view.contains(rect)


@pytest.mark.parametrize("size", [SMALL_HIDPI, LAPTOP], ids=["1280x800@150", "1366x768"])
def test_every_command_is_in_view_without_scrolling(console_at, qtbot, size):
    window, console, bridge = console_at(size)
    press(qtbot, window, Qt.Key.Key_D)
    bridge.run(commands.PATIENT_CALLED)  # "Answered" shows too, and the call banner floats
    settle(qtbot)
    assert console.scroll.verticalScrollBar().value() == 0
    outside = [name for name, button in console.buttons.items() if not in_view(console, button)]
    assert not outside, outside
    for widget in (console.status, console.arc, console.now_playing, console.alerts):
        assert in_view(console, widget), widget.objectName()
    # The type is the console's body size, however tight the room around it.
    for button in console.buttons.values():
        assert button._label.font().pointSizeF() >= theme.CONSOLE_PT
    assert console.now_playing.volume.font().pointSizeF() >= theme.CONSOLE_PT
    # What plays keeps room for its words: a soundscape's name was cut to a bare "…".
    for layer in ("music", "soundscape"):
        label = console.now_playing.findChild(QLabel, f"now_{layer}")
        shown = " ".join(label.shown_lines()).strip("…").strip()
        assert len(shown) >= min(4, len(label.text())), (layer, label.text(), shown)
    # An alert floating over now playing shows whole (its card's own height).
    assert console.alerts.height() == console.alerts.minimumSizeHint().height()
    # The vitals, side effects and journal are below, and scroll.
    assert (
        console.side_effects.mapTo(window, QPoint(0, 0)).y()
        > console.status.mapTo(window, QPoint(0, 0)).y()
    )


def test_a_short_screen_is_compact_with_the_session_row_first(console_at):
    window, console, bridge = console_at(SMALL_HIDPI)
    assert console.density is theme.COMPACT_DENSITY
    dose, pause = console.buttons["dose_given"], console.buttons["pause_audio"]
    assert dose.mapTo(window, QPoint(0, 0)).y() < pause.mapTo(window, QPoint(0, 0)).y()
    # The header is one line: the title, the alias and the output side by side.
    tops = {console._title.mapTo(window, QPoint(0, 0)).y() // 20}
    tops |= {widget.mapTo(window, QPoint(0, 0)).y() // 20 for widget in console._header}
    assert len(tops) == 1, tops
    # A laptop screen keeps the roomier console, the sound's row first as before.
    window.resize(*LAPTOP)
    QApplication.processEvents()
    assert console.density is theme.NORMAL_DENSITY
    assert dose.mapTo(window, QPoint(0, 0)).y() > pause.mapTo(window, QPoint(0, 0)).y()
