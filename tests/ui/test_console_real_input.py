"""Every console command through the window, as a person gives it: key presses to the window
(shortcuts and focus decide) and clicks at the buttons' places, checked in the journal.
The vitals form by keyboard alone; side effects tapped, undone, and a tap on a button that
had just moved (issue 10: "How the app is tested from now on", items 16 and 17)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from session_player.session import command_table as commands
from session_player.ui.click_guard import ARRIVAL_GUARD_S
from session_player.ui.side_effects import UNDO_WINDOW_S
from session_player.ui.summary_model import build_summary
from tests.ui.keyboard_helpers import (
    AIM_S,
    activate,
    click_at,
    focused,
    journal_of,
    journal_types,
    press,
    type_text,
)

KEY = Qt.Key
MINUTE = 60.0

# (key, button, journal event it writes): in an order the session allows each one.
COMMANDS = (
    (KEY.Key_D, "dose_given", "dose_given"),
    (KEY.Key_E, "extend_phase", "phase_extended"),
    (KEY.Key_H, "hold_phase", "phase_held"),
    (KEY.Key_H, "hold_phase", "hold_released"),
    (KEY.Key_C, "calm_down", "calm_down"),
    (KEY.Key_C, "calm_down", "calm_down_undone"),
    (KEY.Key_F, "fade_to_silence", "faded_to_silence"),
    (KEY.Key_F, "fade_to_silence", "faded_back"),
    (KEY.Key_Space, "pause_audio", "audio_paused"),
    (KEY.Key_Space, "pause_audio", "audio_resumed"),
    (KEY.Key_Minus, "volume_down", "volume_set"),
    (KEY.Key_Plus, "volume_up", "volume_set"),
    (KEY.Key_N, "advance_phase", "phase_started"),
)


@pytest.fixture
def session(make_window, port, clinic, flow, qtbot):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    activate(qtbot, window)
    return window, console, bridge


def _count(bridge, kind: str) -> int:
    return journal_types(bridge).count(kind)


def test_every_command_by_its_key(session, qtbot):
    window, console, bridge = session
    for key, _button, kind in COMMANDS:
        before = _count(bridge, kind)
        press(window, key)
        assert _count(bridge, kind) == before + 1, (key, kind)
    assert journal_of(bridge, "phase_started")[-1]["phase_id"] == "peak"
    # S opens the soundscape menu; the arrow keys and Enter choose in it.
    press(window, KEY.Key_S)
    menu = console.actions.soundscape_menu
    qtbot.waitUntil(menu.isVisible)
    press(window, KEY.Key_Down)
    press(window, KEY.Key_Return)
    qtbot.waitUntil(lambda: not menu.isVisible())
    assert journal_of(bridge, "soundscape_chosen")[-1]["by"] == "clinician"
    # A: the patient's call (from the patient view) is answered from the console.
    bridge.run(commands.PATIENT_CALLED)
    press(window, KEY.Key_A)
    assert _count(bridge, "patient_call_answered") == 1
    # Ctrl+E asks first; Escape keeps the session going.
    press(window, KEY.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = console.end_dialog
    assert dialog is not None and dialog.isVisible()
    press(dialog, KEY.Key_Escape)
    assert not dialog.isVisible()
    assert "session_ended" not in journal_types(bridge)
    assert bridge.state.status == "running"


def test_every_command_by_a_click_on_its_button(session, qtbot, clock):
    window, console, bridge = session
    for _key, name, kind in COMMANDS:
        before = _count(bridge, kind)
        # A person's eyes go back to the patient between two commands: a display tick sees
        # any button that the last command's message moved, and the clinician aims anew.
        bridge.poll()
        clock.advance(AIM_S)
        click_at(qtbot, window, console.buttons[name], clock, bridge)
        assert _count(bridge, kind) == before + 1, (name, kind)
    click_at(qtbot, window, console.buttons["choose_soundscape"], clock, bridge)
    menu = console.actions.soundscape_menu
    qtbot.waitUntil(menu.isVisible)
    ocean = next(a for a in menu.actions() if a.data() == "ocean")
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(ocean).center())
    assert journal_of(bridge, "soundscape_chosen")[-1]["soundscape_id"] == "ocean"
    bridge.run(commands.PATIENT_CALLED)
    clock.advance(1.0)  # the Answer call button has just appeared: a second to aim
    bridge.poll()
    click_at(qtbot, window, console.buttons["answer_patient_call"], clock, bridge)
    assert _count(bridge, "patient_call_answered") == 1
    click_at(qtbot, window, console.buttons["end_session"], clock, bridge)
    assert console.end_dialog is not None and console.end_dialog.isVisible()


def test_the_patient_view_by_its_key(session, qtbot):
    window, console, bridge = session
    press(window, KEY.Key_D)
    press(window, KEY.Key_P)
    qtbot.waitUntil(window.patient_view.isVisible)


def test_vitals_by_keyboard_alone(session, qtbot):
    window, console, bridge = session
    press(window, KEY.Key_V)
    prompt = console.vitals
    qtbot.waitUntil(lambda: prompt.fields["systolic"].hasFocus())
    type_text(window, "128/84")  # the slash moves on to the diastolic by itself
    press(window, KEY.Key_Tab)
    type_text(window, "72")
    press(window, KEY.Key_Tab)
    type_text(window, "98")
    press(window, KEY.Key_Return)
    (reading,) = journal_of(bridge, "vitals_recorded")
    assert (reading["systolic"], reading["diastolic"], reading["heart_rate"], reading["spo2"]) == (
        128,
        84,
        72,
        98,
    )
    assert not prompt.isVisible() or reading["check"]  # a due check was done, or it closed
    assert focused() is None or not isinstance(focused(), type(prompt.fields["systolic"]))
    press(window, KEY.Key_C)  # the keys are commands again
    assert bridge.state.calm


def test_vitals_escape_cancels_an_unscheduled_reading(session, qtbot):
    window, console, bridge = session
    bridge.run(commands.VITALS, 120, 80, 70, 99)  # the baseline is done: nothing is due now
    press(window, KEY.Key_V)
    prompt = console.vitals
    qtbot.waitUntil(lambda: prompt.fields["systolic"].hasFocus())
    type_text(window, "150")
    press(window, KEY.Key_Escape)
    qtbot.waitUntil(lambda: not prompt.isVisible())
    assert len(journal_of(bridge, "vitals_recorded")) == 1  # nothing more recorded
    press(window, KEY.Key_V)  # opened again: empty, not the cancelled "150"
    qtbot.waitUntil(lambda: prompt.fields["systolic"].hasFocus())
    assert prompt.fields["systolic"].text() == ""


# --- item 17: a tap can be undone, and a button that just moved ignores a click ----------------


def test_a_tapped_side_effect_can_be_undone_as_a_correction(session, qtbot, clock):
    window, console, bridge = session
    effects = console.side_effects
    places = {kind: b.geometry() for kind, b in effects.buttons.items()}
    body = console.scroll.widget()  # the page under the scroll area: scrolling moves it whole
    card_height = effects.height()
    note_at = console.note.mapTo(body, console.note.rect().topLeft())
    click_at(qtbot, window, effects.buttons["dizziness"], clock, bridge)
    (logged,) = journal_of(bridge, "side_effect")
    assert effects.undo.isVisible() and "Dizziness" in effects.logged.text()
    assert {kind: b.geometry() for kind, b in effects.buttons.items()} == places  # room kept
    QApplication.processEvents()  # any layout the Undo line's appearing asked for
    assert effects.height() == card_height
    assert console.note.mapTo(body, console.note.rect().topLeft()) == note_at
    clock.advance(1.0)
    bridge.poll()
    click_at(qtbot, window, effects.undo, clock, bridge)
    (withdrawn,) = journal_of(bridge, "side_effect_withdrawn")
    assert withdrawn["side_effect_seq"] == logged["seq"] and withdrawn["kind"] == "dizziness"
    assert len(journal_of(bridge, "side_effect")) == 1  # history kept, corrected
    assert any("Side effect undone" in text for text in console.log.texts())
    assert not effects.undo.isEnabled()
    summary = build_summary(bridge.playlist, bridge.all_events())
    assert summary.side_effects[0].endswith("dizziness  (undone: logged by mistake)")
    click_at(qtbot, window, effects.undo, clock)  # a second tap undoes nothing more
    assert len(journal_of(bridge, "side_effect_withdrawn")) == 1
    clock.advance(UNDO_WINDOW_S)
    bridge.poll()
    assert not effects.undo.isVisible()
    assert {kind: b.geometry() for kind, b in effects.buttons.items()} == places


def test_a_click_on_a_button_that_just_moved_under_the_pointer_is_ignored(session, qtbot, clock):
    window, console, bridge = session
    effects = console.side_effects
    button = effects.buttons["anxiety"]
    click_at(qtbot, window, button, clock, bridge)  # scrolled into view, aimed, tapped: logged
    assert len(journal_of(bridge, "side_effect")) == 1
    clock.advance(1.0)
    # The page scrolls by a few rows (a wheel nudge): the buttons move under the pointer.
    bar = console.scroll.verticalScrollBar()
    assert bar.value() >= 40
    bar.setValue(bar.value() - 40)
    QApplication.processEvents()
    centre = button.mapTo(window, button.rect().center())
    qtbot.mouseClick(window.childAt(centre), Qt.MouseButton.LeftButton, pos=button.rect().center())
    assert len(journal_of(bridge, "side_effect")) == 1  # not logged: it had just moved
    clock.advance(ARRIVAL_GUARD_S)
    bridge.poll()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(journal_of(bridge, "side_effect")) == 2  # settled: a click counts again


def test_a_button_that_just_appeared_ignores_a_click(session, qtbot, clock):
    window, console, bridge = session
    answer = console.buttons["answer_patient_call"]
    assert not answer.isVisible()
    bridge.run(commands.PATIENT_CALLED)
    qtbot.waitUntil(answer.isVisible)
    click_at(qtbot, window, answer)
    assert "patient_call_answered" not in journal_types(bridge)
    clock.advance(ARRIVAL_GUARD_S)
    click_at(qtbot, window, answer)
    assert "patient_call_answered" in journal_types(bridge)
    press(window, KEY.Key_A)  # answered already: the key does nothing more
    assert journal_types(bridge).count("patient_call_answered") == 1
