"""Journal rows never overlap when the column narrows (issue 10, item 13): each row is
laid out again at the new width, as tall as its wrapped words."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from session_player.session import command_table as commands

WORDS = (
    "patient asked for quieter music and a blanket, then settled and slept for a while",
    "short",
    "the escort has arrived and is waiting outside in the car park with a wheelchair",
)


def rows_fit(log) -> list[str]:
    delegate = log.itemDelegate()
    metrics = QFontMetrics(delegate._font)
    problems = []
    previous_bottom = None
    for row in range(log.count()):
        index = log.model().index(row, 0)
        rect = log.visualRect(index)
        line = index.data(Qt.ItemDataRole.UserRole)
        area = delegate._text_rect(rect)
        needed = metrics.boundingRect(area, int(Qt.TextFlag.TextWordWrap), line.text).height()
        if needed > area.height():
            problems.append(f"cut: {line.text[:30]} ({needed} > {area.height()})")
        if rect.right() >= log.viewport().width() + 1:
            problems.append(f"wider than the column: {line.text[:30]}")
        if previous_bottom is not None and rect.top() <= previous_bottom:
            problems.append(f"overlaps the row above: {line.text[:30]}")
        previous_bottom = rect.bottom()
    return problems


def test_rows_are_laid_out_again_when_the_column_narrows(make_window, port, clinic, flow, qtbot):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    window.resize(1600, 1000)
    for words in WORDS * 4:  # enough lines for the scroll bar to appear
        bridge.run(commands.ADD_NOTE, words)
    qtbot.wait(50)
    log = console.log
    assert not rows_fit(log), rows_fit(log)
    for width in (1366, 1100, 853):
        window.resize(width, 600)
        qtbot.wait(50)
        QApplication.processEvents()
        assert not rows_fit(log), (width, rows_fit(log))
