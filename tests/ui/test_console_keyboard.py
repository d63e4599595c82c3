"""The console by keyboard alone: Space and Enter press the focused button, Space pauses only
when no button has the focus, every Tab stop shows a focus ring, and the note field gives the
keys back (issue 10, items 8 and 16). Keys go to the window, never to a slot."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from session_player.ui.note_entry import DRAFT_TEXT
from session_player.ui.typing_mode import TYPING_TEXT
from tests.ui.keyboard_helpers import (
    activate,
    click_at,
    focused,
    journal_of,
    journal_types,
    press,
    tab_to,
    type_text,
)

KEY = Qt.Key


@pytest.fixture
def session(make_window, port, clinic, flow, qtbot):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    activate(qtbot, window)
    return window, console, bridge


@pytest.mark.parametrize("key", [KEY.Key_Space, KEY.Key_Return, KEY.Key_Enter])
def test_space_and_enter_on_a_focused_side_effect_button_log_it(session, key):
    window, console, bridge = session
    button = console.side_effects.buttons["dizziness"]
    tab_to(window, button)
    press(window, key)
    assert [e["kind"] for e in journal_of(bridge, "side_effect")] == ["dizziness"]
    assert "audio_paused" not in journal_types(bridge)  # the patient's sound plays on
    assert not bridge.state.paused


@pytest.mark.parametrize("key", [KEY.Key_Space, KEY.Key_Return])
def test_space_and_enter_on_a_focused_command_button_press_it(session, key):
    window, console, bridge = session
    tab_to(window, console.buttons["calm_down"])
    press(window, key)
    assert bridge.state.calm
    assert "audio_paused" not in journal_types(bridge)
    press(window, key)  # the same button again: undo calm down
    assert not bridge.state.calm
    assert not bridge.state.paused


def test_space_on_the_focused_pause_button_pauses_once(session):
    window, console, bridge = session
    tab_to(window, console.buttons["pause_audio"])
    press(window, KEY.Key_Space)
    assert bridge.state.paused
    assert journal_types(bridge).count("audio_paused") == 1


def test_space_pauses_when_no_button_has_the_focus(session):
    window, console, bridge = session
    tab_to(window, console.log)  # the event log: a Tab stop that is not a button
    press(window, KEY.Key_Space)
    assert bridge.state.paused
    press(window, KEY.Key_Space)
    assert not bridge.state.paused
    focused().clearFocus()  # nothing focused at all (as after a note is added)
    press(window, KEY.Key_Space)
    assert bridge.state.paused


def test_a_held_enter_presses_once(session):
    window, console, bridge = session
    tab_to(window, console.side_effects.buttons["anxiety"])
    button = console.side_effects.buttons["anxiety"]
    # What a keyboard sends while Enter is held: one press, then auto-repeated presses.
    for repeat in (False, True, True):
        QApplication.sendEvent(
            button,
            QKeyEvent(
                QEvent.Type.KeyPress, KEY.Key_Return, Qt.KeyboardModifier.NoModifier, "\r", repeat
            ),
        )
    assert len(journal_of(bridge, "side_effect")) == 1


def _tab_stops(window: QWidget, console: QWidget) -> list[QWidget]:
    """Every widget the Tab key reaches in the console, once round."""
    press(window, KEY.Key_Tab)
    first = focused()
    stops = [first]
    for _ in range(200):
        press(window, KEY.Key_Tab)
        if focused() is first:
            break
        stops.append(focused())
    return [w for w in stops if w is not None and console.isAncestorOf(w)]


def test_every_tab_stop_shows_a_focus_ring(session, qtbot):
    window, console, bridge = session
    press(window, KEY.Key_V)  # the vitals form open too: its fields and its amber Save
    qtbot.waitUntil(lambda: console.vitals.isVisible())
    stops = _tab_stops(window, console)
    names = {w.objectName() for w in stops}
    assert {"button_dose_given", "vitals_save", "side_effect_dizziness", "note_text"} <= names
    assert "console_scroll" not in names  # a Tab stop that showed nothing
    for widget in stops:
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        with_focus = widget.grab().toImage()
        console.setFocus()  # the focus elsewhere, on nothing that draws a ring
        assert not widget.hasFocus()
        without_focus = widget.grab().toImage()
        assert with_focus != without_focus, f"no visible focus on {widget.objectName()}"


def test_the_amber_button_focus_ring_stands_out(session, qtbot):
    """The primary button is amber; a ring in the text's grey on it could not be seen."""
    window, console, bridge = session
    button = console.buttons["dose_given"]
    button.setFocus(Qt.FocusReason.TabFocusReason)
    focused_image = button.grab().toImage()
    console.setFocus()
    plain_image = button.grab().toImage()
    # The middle of the button, behind its words' left edge: the fill changes, not a hairline.
    changed = sum(
        focused_image.pixelColor(x, y) != plain_image.pixelColor(x, y)
        for x in range(0, button.width(), 2)
        for y in range(0, button.height(), 2)
    )
    total = len(range(0, button.width(), 2)) * len(range(0, button.height(), 2))
    assert changed > total // 2


# --- item 8: the note field gives the keys back ----------------------------------------------


def test_after_a_note_is_added_the_keys_are_commands_again(session, qtbot):
    window, console, bridge = session
    click_at(qtbot, window, console.note.field)
    assert focused() is console.note.field
    type_text(window, "patient asleep")
    press(window, KEY.Key_Return)
    assert [e["text"] for e in journal_of(bridge, "note")] == ["patient asleep"]
    assert not console.note.field.hasFocus()
    press(window, KEY.Key_C)  # calm down, not a "c" in the field
    assert bridge.state.calm
    assert console.note.field.text() == ""


def test_after_the_add_note_button_the_keys_are_commands_again(session, qtbot):
    window, console, bridge = session
    click_at(qtbot, window, console.note.field)
    type_text(window, "asked for water")
    click_at(qtbot, window, console.note.button)
    assert [e["text"] for e in journal_of(bridge, "note")] == ["asked for water"]
    assert focused() is None  # not the button either: a Space there would add nothing
    press(window, KEY.Key_Space)
    assert bridge.state.paused


def test_escape_leaves_the_note_field_and_keeps_the_draft(session, qtbot):
    window, console, bridge = session
    click_at(qtbot, window, console.note.field)
    type_text(window, "cuff")
    press(window, KEY.Key_Escape)
    assert not console.note.field.hasFocus()
    assert console.note.field.text() == "cuff"  # kept, and said to be not in the journal
    assert console.note.hint.text() == DRAFT_TEXT
    assert not journal_of(bridge, "note")
    press(window, KEY.Key_C)
    assert bridge.state.calm
    assert console.note.field.text() == "cuff"
    click_at(qtbot, window, console.note.field)
    press(window, KEY.Key_Return)  # the draft is added later, as it was typed
    assert [e["text"] for e in journal_of(bridge, "note")] == ["cuff"]


def test_while_typing_a_hint_says_the_shortcuts_are_off(session, qtbot):
    window, console, bridge = session
    hint = console.note.hint
    calm = console.buttons["calm_down"]
    end = console.buttons["end_session"]
    assert hint.text() == "" and hint.isVisible()
    assert not calm.shortcut_off
    height = hint.height()
    click_at(qtbot, window, console.note.field)
    assert hint.text() == TYPING_TEXT and "Esc" in hint.text()
    viewport = console.scroll.viewport()  # in view, with the field scrolled to the bottom edge
    assert viewport.rect().contains(QRect(hint.mapTo(viewport, QPoint(0, 0)), hint.size()))
    assert hint.height() == height  # its room was kept: nothing under it moves
    assert calm.shortcut_off  # its key cap shows "C" crossed out
    assert not end.shortcut_off  # Ctrl+E is no letter: it still works
    press(window, KEY.Key_C)
    assert console.note.field.text() == "c" and not bridge.state.calm
    press(window, KEY.Key_Escape)
    assert hint.text() == DRAFT_TEXT and not calm.shortcut_off
    # The vitals fields are text fields too.
    press(window, KEY.Key_V)
    qtbot.waitUntil(lambda: console.vitals.fields["systolic"].hasFocus())
    assert hint.text() == TYPING_TEXT and calm.shortcut_off
    press(window, KEY.Key_Escape)  # an unscheduled reading: Escape cancels it
    assert not console.vitals.fields["systolic"].hasFocus()
    assert not calm.shortcut_off
