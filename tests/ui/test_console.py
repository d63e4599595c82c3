"""The console's commands, alerts, patient view wiring and pre-flight, one behaviour each."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from session_player.engine.null_engine import NullEnginePort
from session_player.session import command_table as commands
from session_player.session.journal import read_journal
from session_player.ui import theme
from session_player.ui.checklist_item import ItemState

MINUTE = 60.0


def events_of(bridge, kind: str) -> list[dict]:
    return [e for e in read_journal(bridge.timeline.journal_path).events if e["type"] == kind]


def test_volume_never_goes_above_the_cap(make_window, port, clinic, flow, qtbot):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    for _ in range(10):
        console.actions.volume_up.trigger()
    assert bridge.state.volume_db == -4.0  # levels.max_volume_db
    assert not console.actions.volume_up.isEnabled()
    assert "(max)" in console.now_playing.volume.text()
    assert all(
        e["volume_db"] <= -4.0 and e["requested_db"] <= -4.0
        for e in events_of(bridge, "volume_set")
    )
    bridge.run(commands.SET_VOLUME_CAP, -8.0)
    assert bridge.state.volume_db == -8.0
    window.patient_view.findChild(QAbstractButton, "louder").click()  # disabled: nothing
    assert bridge.state.volume_db == -8.0
    console.actions.volume_down.trigger()
    assert bridge.state.volume_db == -10.0


def test_commands_and_their_toggles(make_window, port, clock, clinic, flow):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    actions = console.actions
    assert not actions.extend.isEnabled() and not actions.advance.isEnabled()  # settling
    actions.dose.trigger()
    assert actions.extend.text() == "Extend +5m" and actions.extend.isEnabled()
    actions.extend.trigger()
    assert bridge.state.phase_length_s == 15 * MINUTE
    assert not actions.extend.isEnabled()  # max_extend used up
    actions.pause.trigger()
    assert bridge.state.paused and actions.pause.text() == "Resume"
    assert console.buttons["pause_audio"].isChecked()
    actions.pause.trigger()
    assert not bridge.state.paused
    actions.fade.trigger()
    assert bridge.state.silenced and actions.fade.text() == "Fade back"
    actions.fade.trigger()
    assert not bridge.state.silenced
    actions.advance.trigger()
    assert bridge.state.phase_id == "peak"
    ocean = next(a for a in actions.soundscape_menu.actions() if a.data() == "ocean")
    ocean.trigger()
    assert bridge.state.soundscape_id == "ocean"
    assert events_of(bridge, "soundscape_chosen")[-1]["by"] == "clinician"
    # Every action shows its shortcut on its button.
    for name, button in console.buttons.items():
        if button.action.shortcut().toString():
            assert button._hint.text(), name


def test_refused_commands_say_why(make_window, port, clinic, flow):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    bridge.run(commands.ADVANCE)
    assert "dose" in console.status.text().lower()
    assert console.status.property("role") == "warning"


def test_end_after_the_minimum_needs_no_reason(make_window, port, clock, clinic, flow, qtbot):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    console.actions.dose.trigger()
    clock.advance(61 * MINUTE)
    bridge.poll()
    assert bridge.state.can_end
    dialog = console.open_end_dialog()
    assert not dialog.needs_reason and dialog.confirm.isEnabled()
    assert dialog.cancel.isDefault()  # Enter keeps the session going
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.summary is not None)
    assert events_of(bridge, "session_ended")[0]["early"] is False


def test_alerts_appear_and_stay_until_acknowledged(make_window, port, clock, clinic, flow, qtbot):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    assert not console.alerts.cards() and not console.alerts.isVisible()
    # Raised by the audio layer from its own thread: the bridge queues it to the GUI thread.
    import threading

    thread = threading.Thread(
        target=bridge.timeline.raise_alert, args=("device_lost", "Headphones disconnected")
    )
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(console.alerts.cards()))
    (card,) = console.alerts.cards().values()
    assert "Headphones disconnected" in card.accessibleName()
    clock.advance(10 * MINUTE)
    bridge.poll()
    assert card.isVisible()  # does not go away by itself
    qtbot.mouseClick(card.button, Qt.MouseButton.LeftButton)
    assert not console.alerts.cards() and not bridge.state.open_alerts


def test_patient_view_from_the_console(make_window, port, clock, clinic, flow, qtbot, settings):
    settings.unlock_pin = "1234"
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    console.actions.patient_view.trigger()
    patient = window.patient_view
    qtbot.waitUntil(patient.isVisible)
    # Choosing in settling (allowed) goes to the journal as the patient's choice.
    patient.findChild(QAbstractButton, "soundscape_ocean").click()
    assert bridge.state.soundscape_id == "ocean"
    assert events_of(bridge, "soundscape_chosen")[-1]["by"] == "patient"
    assert patient.findChild(QWidget, "soundscape_name").text() == "Ocean waves"
    # The peak allows no choice: the buttons go.
    console.actions.dose.trigger()
    clock.advance(10 * MINUTE + 1)
    bridge.poll()
    visible = {
        b.objectName()
        for b in patient.findChildren(QAbstractButton)
        if b.isVisible() and b.isEnabled()
    }
    assert visible == {"quieter", "louder", "call"}
    # Call: shown on the console, never a sound in the patient's headphones.
    patient.findChild(QAbstractButton, "call").click()
    assert bridge.state.patient_call_pending and port.engines[-1].patient_calls == 1
    assert "call" in console.alerts.cards()
    # Dim level from the console: this session only, the clinic's default stays.
    console.dim.setValue(10)
    qtbot.waitUntil(lambda: abs(patient.dim_level - 0.10) < 1e-6, timeout=3000)
    assert settings.dim_level == theme.DEFAULT_DIM_LEVEL
    # Unlock: hold the corner, then the PIN; the console comes back (one screen).
    target = patient.findChild(QWidget, "unlock_target")
    qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=QPoint(36, 36))
    qtbot.waitUntil(lambda: patient.findChild(QWidget, "pin_pad").isVisible(), timeout=4000)
    qtbot.mouseRelease(target, Qt.MouseButton.LeftButton, pos=QPoint(36, 36))
    for digit in "1234":
        patient.findChild(QAbstractButton, f"pin_{digit}").click()
    qtbot.waitUntil(lambda: not patient.isVisible(), timeout=3000)  # after its fade
    qtbot.mouseClick(console.alerts.cards()["call"].button, Qt.MouseButton.LeftButton)
    assert not bridge.state.patient_call_pending


def test_two_screens_put_the_patient_view_on_the_second(make_window, port, clinic, flow, qtbot):
    window = make_window(port)
    # A stand-in second screen: the offscreen platform has one.
    window._second_screen = QApplication.primaryScreen
    flow.start_session(window, clinic / "test-infusion.yaml")
    qtbot.waitUntil(lambda: window.patient_view.isVisible())
    window.hide_patient_view()  # unlocking keeps it up: it has its own screen
    assert window.patient_view.isVisible()


def test_preflight_override_is_journaled(make_window, tmp_path, clock, clinic, flow, qtbot):
    port = NullEnginePort(tmp_path / "data", clock=clock, devices=["Headphones (USB audio)"])
    window = make_window(port)
    flow.through_start(window, clinic / "test-infusion.yaml")
    port.absent.add("Headphones (USB audio)")
    preflight = window.preflight
    preflight.device_retry.click()
    assert preflight.device.state is ItemState.FAILED
    assert "not connected" in preflight.device.detail.text()
    qtbot.mouseClick(preflight.device_override, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(preflight.headphones_override, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: preflight.loudness.state is ItemState.DONE)
    assert preflight.start.isEnabled()
    qtbot.mouseClick(preflight.start, Qt.MouseButton.LeftButton)
    notes = [e["text"] for e in events_of(window.bridge, "note")]
    assert any(n.startswith("Pre-flight device: continued anyway") for n in notes), notes
    assert any(n.startswith("Pre-flight headphones: continued anyway") for n in notes), notes
    assert window.console.output.property("role") == "warning"


def test_loudness_runs_in_a_worker_with_progress(make_window, tmp_path, clock, clinic, flow, qtbot):
    port = NullEnginePort(tmp_path / "data", clock=clock, loudness_delay_s=0.15)
    window = make_window(port)
    flow.through_start(window, clinic / "test-infusion.yaml")
    bar = window.preflight.loudness.progress
    # The GUI thread stays free: the bar moves while the measuring runs.
    qtbot.waitUntil(lambda: bar.isVisible() and 0 < bar.value() < bar.maximum(), timeout=5000)
    qtbot.waitUntil(lambda: window.preflight.loudness.state is ItemState.DONE, timeout=5000)
    assert "LUFS" in window.preflight.loudness.detail.text()


def test_loudness_failure_blocks_the_start(make_window, tmp_path, clock, clinic, flow, qtbot):
    port = NullEnginePort(tmp_path / "data", clock=clock, loudness_error="music.wav: no audio")
    window = make_window(port)
    flow.through_start(window, clinic / "test-infusion.yaml")
    preflight = window.preflight
    qtbot.waitUntil(lambda: preflight.loudness.state is ItemState.FAILED, timeout=5000)
    assert "no audio" in preflight.loudness.detail.text()
    preflight.play_test.click()
    preflight.heard.click()
    assert not preflight.start.isEnabled()


def test_settings_recents_and_first_run(make_window, port, clinic, settings, flow, qtbot):
    window = make_window(port)
    start = window.start_screen
    # First run: the demo playlist is preselected.
    assert start.playlists.currentItem().data(Qt.ItemDataRole.UserRole) == str(
        (clinic / "test-infusion.yaml").resolve()
    )
    flow.through_start(window, clinic / "test-infusion.yaml")
    assert settings.recent_playlists[0] == str((clinic / "test-infusion.yaml").resolve())
    assert settings.output_device == "Headphones (USB audio)"
    window.resize(1111, 777)
    window.shutdown()
    assert settings.window_geometry is not None


def test_theme_has_no_pure_white_anywhere(qapp):
    colours = list(theme.ALL_COLOURS.values()) + list(theme.PHASE_BAND_COLOURS)
    from PySide6.QtGui import QColor, QPalette

    palette = qapp.palette()
    for group in (
        QPalette.ColorGroup.Active,
        QPalette.ColorGroup.Disabled,
        QPalette.ColorGroup.Inactive,
    ):
        for role in QPalette.ColorRole:
            if role in (QPalette.ColorRole.NColorRoles,):
                continue
            colours.append(palette.color(group, role).name())
    for value in colours:
        colour = QColor(value)
        assert max(colour.red(), colour.green(), colour.blue()) < 0xE0, value
    sheet = theme.stylesheet().lower()
    assert "#fff" not in sheet and "white" not in sheet
    assert f"{theme.CONSOLE_PT}pt" not in sheet.split("qwidget {", 1)[1].split("}", 1)[0]


def test_a_session_that_cannot_start_says_why(make_window, port, clinic, flow, monkeypatch):
    window = make_window(port)
    flow.through_start(window, clinic / "test-infusion.yaml")

    def refuse(request):
        raise OSError("the sessions folder is read-only")

    monkeypatch.setattr(port, "start_session", refuse)
    preflight = window.preflight
    flow.qtbot.waitUntil(lambda: preflight.loudness.state is ItemState.DONE)
    preflight.play_test.click()
    preflight.heard.click()
    preflight.start.click()
    assert window.console is None and window.stack.currentWidget() is preflight
    assert "read-only" in preflight.reason.text()


def test_skipping_a_check_needs_a_reason(make_window, port, clinic, flow, qtbot):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    prompt = console.vitals
    assert prompt.isVisible() and "Baseline" in prompt.heading.text()
    qtbot.mouseClick(prompt.skip_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(prompt.skip_confirm, Qt.MouseButton.LeftButton)  # no reason yet
    assert prompt.isVisible() and "reason" in prompt.flags.text()
    qtbot.keyClicks(prompt.skip_reason, "cuff not available yet")
    qtbot.keyClick(prompt.skip_reason, Qt.Key.Key_Return)
    assert not prompt.isVisible()
    (skipped,) = events_of(bridge, "vitals_skipped")
    assert skipped["check"] == "Baseline" and skipped["reason"] == "cuff not available yet"


def test_an_implausible_reading_is_refused_in_the_prompt(make_window, port, clinic, flow, qtbot):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    prompt = console.vitals
    qtbot.keyClicks(prompt.fields["systolic"], "999")
    qtbot.keyClick(prompt.fields["systolic"], Qt.Key.Key_Return)
    assert prompt.isVisible() and "not a plausible reading" in prompt.flags.text()
    assert not events_of(bridge, "vitals_recorded")


def test_the_headphone_test_says_when_it_has_played(
    make_window, tmp_path, clock, clinic, flow, qtbot
):
    port = NullEnginePort(tmp_path / "data", clock=clock, headphone_test_s=0.3)
    window = make_window(port)
    flow.through_start(window, clinic / "test-infusion.yaml")
    preflight = window.preflight
    qtbot.waitUntil(lambda: preflight.loudness.state is ItemState.DONE)
    assert QApplication.focusWidget() is preflight.play_test  # the next thing to do
    qtbot.mouseClick(preflight.play_test, Qt.MouseButton.LeftButton)
    assert preflight.headphones.state is ItemState.RUNNING
    assert "Playing" in preflight.headphones.detail.text()
    qtbot.waitUntil(lambda: preflight.headphones.state is ItemState.PENDING, timeout=3000)
    assert preflight.headphones.detail.text().startswith("Played. Did the patient hear")
    assert preflight.play_test.text() == "▶ Play again"
    qtbot.mouseClick(preflight.heard, Qt.MouseButton.LeftButton)
    assert preflight.headphones.state is ItemState.DONE and preflight.start.isEnabled()
