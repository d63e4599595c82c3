"""Layout on the screens clinics have: nothing clipped, nothing overlapping, nothing growing.

Found by driving the real app under Xvfb: the start screen's "About this session" rows were
squeezed into each other at the default window size, the console's button rows made the
window wider each time a button changed its words ("Undo calm down"), and the event log cut
off the last words of lines that wrapped.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from session_player.session import command_table as commands

LAPTOP = (1366, 700)  # a 1366×768 screen less the title bar and the panel
DESKTOP = (1600, 1000)


def settle(qtbot, window, size) -> None:
    window.resize(*size)
    qtbot.wait(50)
    QApplication.processEvents()


@pytest.mark.parametrize("size", [LAPTOP, (1360, 900), DESKTOP])
def test_start_screen_rows_wrap_without_overlapping(make_window, port, clinic, flow, qtbot, size):
    window = make_window(port)
    start = window.start_screen
    flow.wait_validated(start, clinic / "test-infusion.yaml")
    settle(qtbot, window, size)
    details = start.details
    assert details.isVisible()
    labels = [
        label for label in (details.description, *details._values.values()) if label.isVisible()
    ]
    for label in labels:
        # Tall enough for its wrapped text: never clipped at the bottom.
        assert label.height() >= label.heightForWidth(label.width()), label.text()
    tops = sorted((label.mapTo(details, label.rect().topLeft()).y(), label) for label in labels)
    for (top, label), (next_top, _next) in zip(tops, tops[1:], strict=False):
        assert top + label.height() <= next_top, label.text()
    # The window never has to be taller or wider than the laptop screen for it.
    hint = window.minimumSizeHint()
    assert hint.width() <= LAPTOP[0] and hint.height() <= LAPTOP[1]


def test_console_never_widens_the_window(make_window, port, clinic, flow, qtbot):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    settle(qtbot, window, LAPTOP)
    widths = {name: button.sizeHint().width() for name, button in console.buttons.items()}
    actions = console.actions
    actions.dose.trigger()
    for action in (actions.pause, actions.calm, actions.fade, actions.hold):
        action.trigger()  # every button now shows its longest words
    assert actions.calm.text() == "Undo calm down" and actions.hold.text() == "Release hold"
    QApplication.processEvents()
    assert window.width() == LAPTOP[0]
    assert window.minimumSizeHint().width() <= LAPTOP[0]
    assert window.minimumSizeHint().height() <= LAPTOP[1]
    for name, button in console.buttons.items():
        assert button.sizeHint().width() == widths[name], name
    # At the laptop width each row of commands fits on one line.
    session_row = ("dose_given", "extend_phase", "hold_phase", "advance_phase", "enter_vitals")
    session_row += ("patient_view", "end_session")
    sound_row = ("pause_audio", "calm_down", "fade_to_silence", "volume_down", "volume_up")
    sound_row += ("choose_soundscape",)
    for row in (session_row, sound_row):
        assert len({console.buttons[name].y() for name in row}) == 1, row


def test_event_log_lines_are_never_cut(make_window, port, clinic, flow, qtbot):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    settle(qtbot, window, LAPTOP)
    for words in (
        "patient asked for quieter music and a blanket, then settled",
        "short",
        "the escort has arrived and is waiting outside in the car park with a wheelchair",
    ):
        bridge.run(commands.ADD_NOTE, words)
    bridge.run(commands.LOG_SIDE_EFFECT, "nausea/vomiting", note="mild, passed after a few minutes")
    qtbot.wait(50)
    log = console.log
    delegate = log.itemDelegate()
    metrics = QFontMetrics(delegate._font)
    for row in range(log.count()):
        index = log.model().index(row, 0)
        area = delegate._text_rect(log.visualRect(index))
        line = index.data(Qt.ItemDataRole.UserRole)
        needed = metrics.boundingRect(area, int(Qt.TextFlag.TextWordWrap), line.text).height()
        assert needed <= area.height(), line.text
