"""The patient's course on the start screen, the pre-flight and the patient view (issue 13,
item 5), through the real app with real input: an alias with earlier sessions offers last
time's soundscape, volume and notes (applied only when the clinician confirms), a history
lists every session, and the team's preferences take out of the session what they exclude.
"""

from __future__ import annotations

import os
import stat

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QCheckBox, QMenu, QPushButton

from session_player.playlist.loader import load_playlist
from session_player.record.preferences import Preferences, PreferenceStore
from session_player.session.journal import read_journal
from session_player.session.timeline import SessionTimeline
from tests.ui.conftest import TIMEOUT_MS
from tests.ui.test_patient_input import open_patient_view

LEFT = Qt.MouseButton.LeftButton


def earlier_session(port, clinic, alias="Blue Heron", *, note="liked the ocean"):
    """A finished session of ``alias`` in the port's data folder, as a day earlier."""
    playlist = load_playlist(clinic / "test-infusion.yaml", check_audio=False).playlist
    timeline = SessionTimeline(
        playlist, port.store, port.clock, port.wall_clock, playlist_path=clinic / "x.yaml"
    )
    timeline.start(alias, "IV 0.5 mg/kg; first of six")
    port.clock.advance(60)
    timeline.mark_dose_given()
    port.clock.advance(60)
    timeline.choose_soundscape("ocean", by="patient")
    timeline.set_volume(-7.0, by="patient")
    timeline.add_note(note)
    timeline.end_session("test")
    timeline.close()
    port.clock.jump_wall(24 * 3600)


def type_alias(qtbot, window, clinic, alias="Blue Heron"):
    """Select the test playlist, wait for its check, then type the alias into its field."""
    start = window.start_screen
    start.select_playlist(clinic / "test-infusion.yaml")
    qtbot.waitUntil(
        lambda: start.result is not None and not start.checking_audio, timeout=TIMEOUT_MS
    )
    qtbot.waitUntil(lambda: start.devices_ready, timeout=TIMEOUT_MS)
    qtbot.mouseClick(start.alias, LEFT)
    qtbot.keyClicks(start.alias, alias)
    return start


def wait_for_card(qtbot, start, alias="Blue Heron"):
    qtbot.waitUntil(
        lambda: (
            start.course_card is not None
            and start.course_card.isVisible()
            and start.course_card.course is not None
            and start.course_card.course.alias == alias
        ),
        timeout=TIMEOUT_MS,
    )
    return start.course_card


def continue_and_start(qtbot, window, flow):
    start = window.start_screen
    qtbot.keyClick(start.alias, Qt.Key.Key_Return)  # Enter in the field continues
    assert window.stack.currentWidget() is window.preflight
    flow.through_preflight(window)
    return window.bridge


def started_event(bridge) -> dict:
    return read_journal(bridge.timeline.journal_path).events[0]


def test_last_time_is_offered_and_applied_only_when_confirmed(
    make_window, port, clinic, flow, qtbot
):
    earlier_session(port, clinic)
    window = make_window(port)
    start = type_alias(qtbot, window, clinic)
    card = wait_for_card(qtbot, start)
    assert "1 earlier session" in card.heading.text()
    last = card.last_time.text()
    assert "Ocean waves" in last and "-7 dB" in last and "first of six" in last
    assert not card.applied.isVisible()

    qtbot.mouseClick(card.use_button, LEFT)
    assert start.notes.text() == "IV 0.5 mg/kg; first of six"
    assert card.applied.isVisible() and "Ocean waves" in card.applied.text()
    # Undo takes it back, notes too, and a second click confirms again.
    qtbot.mouseClick(card.undo_button, LEFT)
    assert not card.applied.isVisible() and card.use_button.isVisible()
    assert start.notes.text() == ""
    qtbot.mouseClick(card.use_button, LEFT)
    assert start.notes.text() == "IV 0.5 mg/kg; first of six"

    qtbot.keyClick(start.alias, Qt.Key.Key_Return)
    notice = window.preflight.course_notice
    assert notice.isVisible()
    assert "Starts with the soundscape “Ocean waves”" in notice.text.text()
    assert "Starts at -7 dB" in notice.text.text()
    flow.through_preflight(window)
    bridge = window.bridge
    state = bridge.timeline.state()
    assert state.volume_db == -7.0
    assert state.soundscape_id == "ocean"
    course = started_event(bridge)["course"]
    assert course["start_volume_db"] == -7.0 and course["start_soundscape"] == "ocean"


def test_nothing_of_last_time_applies_without_the_clinicians_confirmation(
    make_window, port, clinic, flow, qtbot
):
    earlier_session(port, clinic)
    window = make_window(port)
    start = type_alias(qtbot, window, clinic)
    wait_for_card(qtbot, start)
    bridge = continue_and_start(qtbot, window, flow)
    state = bridge.timeline.state()
    assert state.volume_db == -10.0  # the playlist's own default
    assert state.soundscape_id == "rain"
    assert "course" not in started_event(bridge)
    assert start.notes.text() == ""


def test_history_lists_every_session_with_its_summary(make_window, port, clinic, qtbot):
    earlier_session(port, clinic, note="first note")
    earlier_session(port, clinic, note="second note")
    earlier_session(port, clinic, alias="Grey Owl", note="not this patient")
    window = make_window(port)
    start = type_alias(qtbot, window, clinic)
    card = wait_for_card(qtbot, start)
    assert "2 earlier sessions" in card.heading.text()
    qtbot.mouseClick(card.history_button, LEFT)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    dialog = QApplication.activeModalWidget()
    assert dialog.objectName() == "course_history"
    assert dialog.sessions.count() == 2
    assert "Note: second note" in dialog.details.text()  # the newest first, selected
    qtbot.keyClick(dialog.sessions, Qt.Key.Key_Down)
    assert "Note: first note" in dialog.details.text()
    assert "not this patient" not in dialog.details.text()
    assert "Ocean waves" in dialog.details.text()


def test_history_saves_a_sessions_report_owner_only(make_window, port, clinic, qtbot, tmp_path):
    pytest.importorskip("session_player.report.pdf_report")
    earlier_session(port, clinic)
    window = make_window(port)
    start = type_alias(qtbot, window, clinic)
    card = wait_for_card(qtbot, start)
    qtbot.mouseClick(card.history_button, LEFT)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    dialog = QApplication.activeModalWidget()
    target = tmp_path / "reports" / "heron.pdf"
    target.parent.mkdir()
    dialog.ask_path = lambda _suggested: str(target)
    qtbot.mouseClick(dialog.report_button, LEFT)
    assert "Report saved" in dialog.message.text(), dialog.message.text()
    assert target.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_preferences_recorded_on_the_start_screen_are_honoured(
    make_window, port, clinic, flow, qtbot
):
    earlier_session(port, clinic)
    window = make_window(port)
    start = type_alias(qtbot, window, clinic)
    card = wait_for_card(qtbot, start)
    assert "No preferences recorded" in card.preferences.text()
    qtbot.mouseClick(card.preferences_button, LEFT)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    dialog = QApplication.activeModalWidget()
    assert dialog.objectName() == "preferences_dialog"
    qtbot.waitExposed(dialog)
    for name in ("avoid_bells", "dislike_ocean"):
        box = dialog.findChild(QCheckBox, name)
        # On the box itself (the row is wider than the box and its words).
        qtbot.mouseClick(box, LEFT, pos=QPoint(8, box.height() // 2))
        assert box.isChecked(), name
    qtbot.mouseClick(dialog.findChild(QPushButton, "preferences_save"), LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    saved = PreferenceStore(port.records_dir).load("Blue Heron")
    assert saved.avoid == {"bells"} and saved.disliked_soundscapes == {"ocean"}
    qtbot.waitUntil(lambda: "Preferences, applied" in card.preferences.text())
    assert "No bells" in card.preferences.text()
    assert "Not the soundscape “Ocean waves”" in card.preferences.text()

    # Last time's soundscape was Ocean: confirmed, it still does not come back.
    qtbot.mouseClick(card.use_button, LEFT)
    qtbot.keyClick(start.alias, Qt.Key.Key_Return)
    notice = window.preflight.course_notice.text.text()
    assert "remove 2 items" in notice
    assert "Onset: bell “bowl” at start (no bells)" in notice
    assert "Patient's choices: soundscape “Ocean waves” (disliked)" in notice
    assert "Starts with the soundscape" not in notice
    assert "Last time's soundscape “Ocean waves” is not used: the patient's preferences" in notice
    flow.through_preflight(window)
    bridge = window.bridge
    assert bridge.timeline.playlist.phases[0].bells == []
    notes = read_journal(bridge.timeline.journal_path).of_type("note")
    assert any("Onset: bell “bowl” at start (no bells)" in n["text"] for n in notes)
    # Nor does the console's soundscape menu (S) offer what the patient disliked.
    menu = window.console.findChild(QMenu, "soundscape_menu")
    assert [a.objectName() for a in menu.actions()] == ["soundscape_rain", "soundscape_drone"]

    # The patient view offers what is left, and a tap on it is taken.
    patient = open_patient_view(window, qtbot)
    offered = [
        b.objectName()
        for b in patient.findChildren(QAbstractButton)
        if b.objectName().startswith("soundscape_") and b.isVisible()
    ]
    assert offered == ["soundscape_rain", "soundscape_drone"]
    qtbot.mouseClick(patient.findChild(QAbstractButton, "soundscape_drone"), LEFT)
    bridge.poll()
    assert bridge.timeline.state().soundscape_id == "drone"


def test_preferences_apply_to_the_first_session_too(make_window, port, clinic, flow, qtbot):
    PreferenceStore(port.records_dir).save(
        Preferences("Grey Owl", disliked_soundscapes=frozenset({"rain"})), "2026-01-01"
    )
    window = make_window(port)
    start = type_alias(qtbot, window, clinic, alias="Grey Owl")
    card = wait_for_card(qtbot, start, alias="Grey Owl")
    assert "No earlier sessions" in card.heading.text()
    assert not card.use_button.isVisible() and not card.history_button.isVisible()
    bridge = continue_and_start(qtbot, window, flow)
    # Rain was the playlist's default: the session starts on the next one offered.
    assert bridge.timeline.state().soundscape_id == "ocean"
    assert started_event(bridge)["course"]["disliked_soundscapes"] == ["rain"]


def test_continue_before_the_lookup_still_applies_the_preferences(
    make_window, port, clinic, flow, qtbot
):
    PreferenceStore(port.records_dir).save(
        Preferences("Grey Owl", avoid=frozenset({"bells"})), "2026-01-01"
    )
    window = make_window(port)
    start = window.start_screen
    flow.through_start(window, clinic / "test-infusion.yaml", alias="Grey Owl")  # at once
    assert "Onset: bell “bowl” at start" in window.preflight.course_notice.text.text()
    flow.through_preflight(window)
    assert window.bridge.timeline.playlist.phases[0].bells == []
    assert start.course_card is None or not start.course_card.confirmed


def test_unreadable_preferences_are_said_not_ignored(make_window, port, clinic, flow, qtbot):
    store = PreferenceStore(port.records_dir)
    store.save(Preferences("Grey Owl", avoid=frozenset({"bells"})), "2026-01-01")
    store.path_for("Grey Owl").write_text("{damaged", "utf-8")
    window = make_window(port)
    start = type_alias(qtbot, window, clinic, alias="Grey Owl")
    card = wait_for_card(qtbot, start, alias="Grey Owl")
    assert "cannot be read" in card.preferences.text()
    qtbot.keyClick(start.alias, Qt.Key.Key_Return)
    notice = window.preflight.course_notice
    assert notice.isVisible() and "could not be read" in notice.text.text()


def test_an_earlier_alias_is_chosen_from_a_list_never_completed_by_itself(
    make_window, port, clinic, qtbot
):
    earlier_session(port, clinic, alias="Blue Heron")
    earlier_session(port, clinic, alias="Grey Owl")
    window = make_window(port)
    start = type_alias(qtbot, window, clinic, alias="B")
    qtbot.waitUntil(lambda: start.alias_completion is not None)
    model = start.alias_completion.model
    qtbot.waitUntil(lambda: model.stringList() == ["Grey Owl", "Blue Heron"], timeout=TIMEOUT_MS)
    qtbot.keyClicks(start.alias, "lue")
    popup = start.alias_completion.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    assert start.alias.text() == "Blue"  # offered, not filled in
    index = popup.model().index(0, 0)
    assert index.data() == "Blue Heron"
    qtbot.mouseClick(popup.viewport(), LEFT, pos=popup.visualRect(index).center())
    assert start.alias.text() == "Blue Heron"
    card = wait_for_card(qtbot, start)
    assert "1 earlier session" in card.heading.text()


def test_the_card_is_reached_by_keyboard_between_the_fields_and_continue(
    make_window, port, clinic, qtbot
):
    earlier_session(port, clinic)
    window = make_window(port)
    start = type_alias(qtbot, window, clinic)
    card = wait_for_card(qtbot, start)
    start.device.setFocus()
    order = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget().objectName())
    assert order == ["course_use_last", "course_history", "course_preferences_edit", "start_button"]
    # Back on History… by Shift+Tab, and Space opens it.
    for _ in range(2):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is card.history_button
    qtbot.keyClick(card.history_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    assert QApplication.activeModalWidget().objectName() == "course_history"


def test_last_times_notes_leave_with_the_alias_they_came_with(make_window, port, clinic, qtbot):
    earlier_session(port, clinic)
    window = make_window(port)
    start = type_alias(qtbot, window, clinic)
    card = wait_for_card(qtbot, start)
    qtbot.mouseClick(card.use_button, LEFT)
    assert start.notes.text() == "IV 0.5 mg/kg; first of six"
    # The clinician typed the wrong alias: correcting it takes the other patient's notes out.
    qtbot.mouseClick(start.alias, LEFT)
    qtbot.keyClick(start.alias, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(start.alias, "Grey Owl")
    assert start.notes.text() == ""
    card = wait_for_card(qtbot, start, alias="Grey Owl")
    assert not card.confirmed
    # Notes the clinician typed stay whatever the alias.
    qtbot.keyClicks(start.notes, "own words")
    qtbot.mouseClick(start.alias, LEFT)
    qtbot.keyClicks(start.alias, "x")
    assert start.notes.text() == "own words"
