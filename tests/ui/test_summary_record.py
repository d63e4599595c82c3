"""The summary and the discharge, as the record the clinic keeps and as a clinician uses them.

Driven by real input (clicks at the widgets, keys to the focused widget), and measured at
the logical sizes of the clinic's laptop screens.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QStyle,
    QTableWidget,
)

from session_player.session import command_table as commands
from session_player.session.journal import read_journal

MINUTE = 60.0
# (screen width, height, scale): the most common clinic laptop, and a small high-DPI one.
LAPTOP_SCREENS = [(1366, 768, 1.0), (1280, 800, 1.5)]
TITLE_BAR_AND_PANEL_PX = 40  # logical pixels a window manager keeps for itself


def events_of(bridge, kind: str) -> list[dict]:
    return [e for e in read_journal(bridge.timeline.journal_path).events if e["type"] == kind]


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press to whatever has the keyboard focus, as a person's key press goes."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, key, modifier)


def type_text(qtbot, text: str) -> None:
    """Typing, each key to the focused widget (a field may move the focus on, as "/" does)."""
    for char in text:
        target = QApplication.focusWidget()
        assert target is not None, "nothing has the keyboard focus"
        qtbot.keyClicks(target, char)


def click(qtbot, widget) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def ended_session(window, flow, clinic, clock, qtbot, *, mid: bool = True, baseline: bool = True):
    """A session that ran 27 minutes past the dose and ended early; its summary showing."""
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    if baseline:
        bridge.run(commands.VITALS, 118, 76, 72, 98)
    clock.advance(4 * MINUTE)
    bridge.run(commands.DOSE)
    clock.advance(21 * MINUTE)
    bridge.poll()
    if mid:
        bridge.run(commands.VITALS, 152, 88, 110, 97)  # flagged: systolic above 140
    bridge.run(commands.LOG_SIDE_EFFECT, "nausea/vomiting", "brief, settled with a sip of water")
    clock.advance(6 * MINUTE)
    bridge.poll()
    bridge.run(commands.END, "patient well, transferred to the recovery room")
    qtbot.waitUntil(lambda: window.summary is not None)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window.summary, bridge


def table_rows(table: QTableWidget) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def enter_discharge_vitals(qtbot, summary) -> None:
    fields = summary.discharge_vitals.fields
    click(qtbot, fields["systolic"])
    type_text(qtbot, "124/80")
    press(qtbot, Qt.Key.Key_Return)


# --- item 2: a reading entered on the summary is in its table ---------------------------------


def test_the_discharge_reading_joins_the_vitals_table(
    make_window, port, clinic, flow, clock, qtbot
):
    summary, bridge = ended_session(make_window(port), flow, clinic, clock, qtbot)
    assert [row[1] for row in table_rows(summary.vitals_table)] == ["Baseline", "Mid"]
    enter_discharge_vitals(qtbot, summary)
    assert [e["check"] for e in events_of(bridge, "vitals_recorded")][-1] == "Discharge"
    rows = table_rows(summary.vitals_table)
    assert [row[1] for row in rows] == ["Baseline", "Mid", "Discharge"]
    assert rows[-1][2] == "BP 124/80"
    assert any("Vitals (Discharge)" in row[2] for row in table_rows(summary.events))


# --- item 3: checks due and never done ----------------------------------------------------------


def test_checks_never_done_are_listed_as_not_done_with_their_due_time(
    make_window, port, clinic, flow, clock, qtbot
):
    summary, _bridge = ended_session(
        make_window(port), flow, clinic, clock, qtbot, mid=False, baseline=False
    )
    rows = table_rows(summary.vitals_table)
    assert ["due before the dose", "Baseline", "not done", "missed"] in rows
    assert ["due +20:00", "Mid", "not done", "missed"] in rows
    assert not any(row[1] == "Discharge" for row in rows)  # due now, asked for beside
    assert [c.label for c in summary.summary.missed_checks] == ["Baseline", "Mid"]
    # The card asks for the discharge check first (the checklist waits for it), then for
    # the missed ones; a missed check taken late on the summary is no longer missed.
    assert summary.discharge_vitals.heading.text().startswith("Vitals due: Discharge")
    enter_discharge_vitals(qtbot, summary)
    assert "Baseline" in summary.discharge_vitals.heading.text()
    enter_discharge_vitals(qtbot, summary)
    rows = table_rows(summary.vitals_table)
    assert ["due before the dose", "Baseline", "not done", "missed"] not in rows
    assert any(row[1] == "Baseline" and row[2] == "BP 124/80" for row in rows)


# --- item 4 and item 18: the discharge checklist ------------------------------------------------


def test_the_checklist_counter_follows_every_tick(make_window, port, clinic, flow, clock, qtbot):
    summary, _bridge = ended_session(make_window(port), flow, clinic, clock, qtbot)
    status = summary.discharge.status
    first, second = summary.checks
    assert status.text().startswith("0 of 2 ticked.")
    click(qtbot, first)
    assert status.text().startswith("1 of 2 ticked.")
    click(qtbot, second)
    assert status.text().startswith("All 2 ticked.")
    click(qtbot, second)
    assert status.text().startswith("1 of 2 ticked.")
    click(qtbot, second)
    assert status.text().startswith("All 2 ticked.")


def test_discharge_waits_for_the_discharge_vitals(make_window, port, clinic, flow, clock, qtbot):
    summary, bridge = ended_session(make_window(port), flow, clinic, clock, qtbot)
    for box in summary.checks:
        click(qtbot, box)
    button = summary.discharge.button
    assert not button.isEnabled()
    assert "Record or skip the Discharge vital signs first." in summary.discharge.status.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not [e for e in events_of(bridge, "note") if "Discharge" in e["text"]]
    enter_discharge_vitals(qtbot, summary)
    assert button.isEnabled()
    assert "Ready to record the discharge." in summary.discharge.status.text()
    click(qtbot, button)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # a second press records nothing more
    notes = [e for e in events_of(bridge, "note") if e["text"].startswith("Discharge checklist")]
    assert len(notes) == 1
    assert summary.discharge.status.text() == "✓ Discharge recorded in the journal."


# --- item 16: the whole summary by keyboard -----------------------------------------------------


def tab_chain(qtbot, summary, key, steps: int) -> list:
    seen = []
    for _ in range(steps):
        shift = Qt.KeyboardModifier.ShiftModifier
        press(qtbot, key, shift if key == Qt.Key.Key_Backtab else Qt.KeyboardModifier.NoModifier)
        focused = QApplication.focusWidget()
        assert focused is not None and summary.isAncestorOf(focused), focused
        seen.append(focused)
    return seen


def test_tab_reaches_everything_on_the_summary_and_space_and_enter_operate_it(
    make_window, port, clinic, flow, clock, qtbot
):
    summary, bridge = ended_session(make_window(port), flow, clinic, clock, qtbot)
    press(qtbot, Qt.Key.Key_Tab)
    forward = tab_chain(qtbot, summary, Qt.Key.Key_Tab, 30)
    views = record_views(summary)
    assert len(views) == 3  # phases, vital signs, events
    wanted = [
        *views,
        summary.discharge_vitals.fields["systolic"],
        *summary.checks,
        summary.new_session,
    ]
    for widget in wanted:
        assert widget in forward, widget.objectName()
    # One Tab leaves a table: no stop follows itself.
    assert all(a is not b for a, b in zip(forward, forward[1:], strict=False))
    backward = tab_chain(qtbot, summary, Qt.Key.Key_Backtab, 30)
    for widget in wanted:
        assert widget in backward, widget.objectName()

    # Space ticks the box with the focus, Enter the next one; the counter follows.
    while QApplication.focusWidget() is not summary.checks[0]:
        press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Space)
    assert summary.checks[0].isChecked()
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is summary.checks[1]
    press(qtbot, Qt.Key.Key_Return)
    assert summary.checks[1].isChecked()
    assert summary.discharge.status.text().startswith("All 2 ticked.")
    # The discharge vitals by keyboard, then Record discharge with Enter.
    while QApplication.focusWidget() is not summary.discharge_vitals.fields["systolic"]:
        press(qtbot, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    type_text(qtbot, "124/80")
    press(qtbot, Qt.Key.Key_Return)
    assert events_of(bridge, "vitals_recorded")[-1]["check"] == "Discharge"
    button = summary.discharge.button
    for _ in range(30):
        if QApplication.focusWidget() is button:
            break
        press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is button
    press(qtbot, Qt.Key.Key_Return)
    notes = [e for e in events_of(bridge, "note") if e["text"].startswith("Discharge checklist")]
    assert len(notes) == 1


# --- items 5 and 15: nothing cut, nothing scrolling sideways, on the clinic's laptops ------------


def record_views(summary) -> list[QAbstractItemView]:
    """The summary's tables and lists (their headers are item views too: not those)."""
    return [
        view
        for view in summary.findChildren(QAbstractItemView)
        if view.isVisible() and not isinstance(view, QHeaderView)
    ]


def cut_cells(table: QTableWidget) -> list[str]:
    """The cells whose text, wrapped at their column's width, does not fit their row."""
    metrics = table.fontMetrics()
    # As the style draws an item: its text margin on both sides, and the grid line.
    margin_px = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    cut = []
    for r in range(table.rowCount()):
        for c in range(table.columnCount()):
            text = table.item(r, c).text()
            inner = table.columnWidth(c) - 2 * margin_px - 1
            longest_word = max((metrics.horizontalAdvance(w) for w in text.split()), default=0)
            wrapped = metrics.boundingRect(
                QRect(0, 0, inner, 10_000), Qt.TextFlag.TextWordWrap, text
            )
            if longest_word > inner or wrapped.height() > table.rowHeight(r):
                cut.append(text)
    return cut


@pytest.mark.parametrize(("width", "height", "scale"), LAPTOP_SCREENS)
def test_the_summary_fits_a_laptop_screen_without_sideways_scrolling_or_cut_text(
    make_window, port, clinic, flow, clock, qtbot, width, height, scale
):
    summary, _bridge = ended_session(make_window(port), flow, clinic, clock, qtbot)
    logical_width = int(width / scale)
    logical_height = int(height / scale) - TITLE_BAR_AND_PANEL_PX
    assert summary.minimumSizeHint().width() <= logical_width
    # The page itself at the screen's logical size (the window around it is not its business).
    summary.setParent(None)
    summary.resize(logical_width, logical_height)
    summary.show()
    qtbot.addWidget(summary)
    qtbot.waitExposed(summary)
    qtbot.waitUntil(lambda: summary.width() == logical_width)
    page = summary.findChild(QScrollArea)
    viewport = page.viewport()
    assert page.widget().width() <= viewport.width()
    views = record_views(summary)
    assert len(views) == 3  # phases, vital signs, events
    for view in views:
        # Shown whole: no scrolling inside the scrolling page, no cell cut.
        assert view.verticalScrollBar().maximum() == 0, view.objectName()
        assert view.horizontalScrollBar().maximum() == 0, view.objectName()
        if isinstance(view, QTableWidget):
            total = sum(view.columnWidth(c) for c in range(view.columnCount()))
            assert total <= view.viewport().width(), view.objectName()
            assert not cut_cells(view), (view.objectName(), cut_cells(view))
    assert table_rows(summary.vitals_table)[1][3] == "Systolic > 140"
    for label in summary.findChildren(QLabel):
        if not label.isVisibleTo(summary) or not label.text():
            continue
        right = label.mapTo(summary, QPoint(label.width(), 0)).x()
        assert right <= summary.width(), label.text()
        if label.wordWrap():
            assert label.height() >= label.heightForWidth(label.width()), label.text()
        else:
            assert label.width() >= label.minimumSizeHint().width(), label.text()
    # The bottom of the page ("What played", the events) is reachable by scrolling it.
    bar = page.verticalScrollBar()
    assert bar.maximum() + viewport.height() >= page.widget().height()
    assert isinstance(summary.checks[0], QCheckBox)


def test_the_summary_asks_for_the_discharge_check_before_a_missed_one(
    make_window, port, clinic, flow, clock, qtbot
):
    """The discharge checklist waits for the Discharge reading, so the card asks for it first,
    even when an earlier check (Mid, here) was missed and is still due."""
    summary, bridge = ended_session(make_window(port), flow, clinic, clock, qtbot, mid=False)
    assert [check.label for check in bridge.state.due_vitals][-1] == "Discharge"
    assert "Mid" in [check.label for check in bridge.state.due_vitals]
    assert summary.discharge_vitals.heading.text().startswith("Vitals due: Discharge")
    fields = summary.discharge_vitals.fields
    click(qtbot, fields["systolic"])
    type_text(qtbot, "120/80")
    press(qtbot, Qt.Key.Key_Return)
    recorded = events_of(bridge, "vitals_recorded")[-1]
    assert recorded["check"] == "Discharge" and recorded["systolic"] == 120
