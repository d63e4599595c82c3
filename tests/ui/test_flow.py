"""The whole clinician flow, launch to summary, on the real timeline driven by a FakeClock."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from session_player.session import command_table as commands
from session_player.session.journal import read_journal
from session_player.ui.checklist_item import ItemState

MINUTE = 60.0


def key(qtbot, widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press as the clinician makes it: to the focused widget of the active window."""
    widget.window().activateWindow()
    target = QApplication.focusWidget() or widget
    qtbot.keyClick(target, key, modifier)


def test_whole_session_from_launch_to_summary(qtbot, make_window, port, clock, clinic, flow):
    window = make_window(port)
    start = window.start_screen

    # --- an invalid playlist: its problems are listed with line:col and it cannot start
    broken = clinic / "broken.yaml"
    start.select_playlist(broken)
    flow.wait_validated(start, broken)
    start.alias.setText("Blue Heron")
    assert not start.start_button.isEnabled()
    assert "errors" in start.reason.text()
    problems = start.problems
    assert problems.isVisible() and problems.list.count() >= 1
    first = start.result.problems[0]
    text = problems.list.item(0).text()
    assert text.startswith(f"{first.position.line}:{first.position.col}"), text
    assert "duraton" in " ".join(problems.list.item(i).text() for i in range(problems.list.count()))
    rect = problems.list.visualItemRect(problems.list.item(0))
    qtbot.mouseClick(problems.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert problems.source.isVisible()
    assert problems.current_line() == first.position.line
    assert problems.current_column() == first.position.col

    # --- the valid playlist; an alias is required
    good = clinic / "test-infusion.yaml"
    start.select_playlist(good)
    flow.wait_validated(start, good)
    assert start.result.ok
    start.alias.clear()
    assert not start.start_button.isEnabled() and "alias" in start.reason.text()
    qtbot.keyClicks(start.alias, "Blue Heron")
    assert start.start_button.isEnabled()
    qtbot.mouseClick(start.start_button, Qt.MouseButton.LeftButton)

    # --- pre-flight: start is possible only once every item is settled
    preflight = window.preflight
    assert window.stack.currentWidget() is preflight
    assert not preflight.start.isEnabled()
    qtbot.waitUntil(lambda: preflight.loudness.state is ItemState.DONE, timeout=15_000)
    assert preflight.files.state is ItemState.DONE and preflight.device.state is ItemState.DONE
    assert not preflight.start.isEnabled()  # the headphone test is still to do
    flow.through_preflight(window)
    assert port.headphone_tests == ["Headphones (USB audio)"]
    console, bridge = window.console, window.bridge
    assert window.stack.currentWidget() is console
    assert bridge.state.status == "settling"

    # --- the baseline check is due before the dose: typed "118/76" in one go
    assert console.vitals.isVisible() and "Baseline" in console.vitals.heading.text()
    fields = console.vitals.fields
    qtbot.keyClicks(fields["systolic"], "118/")
    assert fields["systolic"].text() == "118" and fields["diastolic"].hasFocus()
    qtbot.keyClicks(fields["diastolic"], "76")
    qtbot.keyClicks(fields["heart_rate"], "72")
    qtbot.keyClicks(fields["spo2"], "98")
    qtbot.keyClick(fields["spo2"], Qt.Key.Key_Return)
    assert not bridge.state.due_vitals
    assert not console.vitals.isVisible()

    # --- dose given with its shortcut (D): time zero
    clock.advance(4 * MINUTE)
    key(qtbot, console, Qt.Key.Key_D)
    assert bridge.state.dose_given and bridge.state.phase_id == "onset"
    assert not console.actions.dose.isEnabled()  # only before the dose

    # --- automatic phase change, driven by the fake clock
    clock.advance(10 * MINUTE + 1)
    bridge.poll()
    assert bridge.state.phase_id == "peak"
    assert "Peak started" in console.log.texts()[0]
    assert "Peak ends in" in console.arc.summary_text
    assert console.now_playing.text_of("soundscape") == "Warm drone"

    # --- the 20-minute check: a flagged systolic, shown while typing and in the log
    clock.advance(10 * MINUTE)
    bridge.poll()
    assert console.vitals.isVisible() and "Mid" in console.vitals.heading.text()
    qtbot.keyClicks(console.vitals.fields["systolic"], "152")
    assert console.vitals.fields["systolic"].property("flag") == "true"
    assert "above 140" in console.vitals.flags.text()
    qtbot.keyClicks(console.vitals.fields["diastolic"], "88")
    assert console.vitals.fields["diastolic"].property("flag") == "false"
    qtbot.keyClick(console.vitals.fields["diastolic"], Qt.Key.Key_Return)
    assert not console.vitals.isVisible()
    assert console.log.lines[0].flagged
    assert "Systolic 152 mmHg is above 140" in console.log.lines[0].text

    # --- one-tap side effect and a free note
    qtbot.mouseClick(console.side_effects.buttons["nausea/vomiting"], Qt.MouseButton.LeftButton)
    assert console.log.texts()[0] == "Side effect: nausea/vomiting"
    qtbot.keyClicks(console.note.field, "asked for a blanket")
    qtbot.keyClick(console.note.field, Qt.Key.Key_Return)
    assert console.log.texts()[0] == "Note: asked for a blanket"

    # --- calm down (C) and its undo (C again)
    key(qtbot, console, Qt.Key.Key_C)
    assert bridge.state.calm and bridge.state.soundscape_id == "drone"
    assert console.buttons["calm_down"].isChecked()
    assert console.actions.calm.text() == "Undo calm down"
    key(qtbot, console, Qt.Key.Key_C)
    assert not bridge.state.calm

    # --- the last phase, then the end: refused before the minimum, allowed with a reason
    clock.advance(6 * MINUTE)
    bridge.poll()
    assert bridge.state.phase_id == "observation"
    assert not bridge.state.can_end
    assert bridge.run(commands.END) is None  # the timeline itself refuses
    key(qtbot, console, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = console.end_dialog
    assert dialog is not None and dialog.isVisible() and dialog.needs_reason
    assert "minimum observation" in dialog.explanation.text()
    assert dialog.confirm.isEnabled()  # pressed without a reason, it says one is needed
    qtbot.keyClicks(dialog.reason, "patient well, transferred to recovery room")
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)

    # --- the summary
    qtbot.waitUntil(lambda: window.summary is not None, timeout=15_000)
    summary = window.summary
    assert window.stack.currentWidget() is summary
    assert bridge.state.status == "ended"
    assert summary.summary.end_reason.startswith("ended early: patient well")
    assert [p.name for p in summary.summary.phases] == ["Onset", "Peak", "Observation"]
    assert summary.vitals_table.rowCount() == 2
    assert summary.vitals_table.item(1, 3).text() == "Systolic > 140"
    assert any("Warm drone" in line for line in summary.summary.played)
    # Discharge: its check is due now, and the checklist is recorded once complete.
    assert summary.discharge_vitals.isVisible()
    assert not summary.discharge.button.isEnabled()
    for box in summary.checks:
        box.setChecked(True)
    assert not summary.discharge.button.isEnabled()  # the discharge vitals come first
    qtbot.keyClicks(summary.discharge_vitals.fields["systolic"], "124/")
    qtbot.keyClicks(summary.discharge_vitals.fields["diastolic"], "80")
    qtbot.keyClick(summary.discharge_vitals.fields["diastolic"], Qt.Key.Key_Return)
    assert summary.vitals_table.rowCount() == 3  # the discharge reading joins the table
    qtbot.mouseClick(summary.discharge.button, Qt.MouseButton.LeftButton)
    events = read_journal(bridge.timeline.journal_path).events
    types = [event["type"] for event in events]
    assert types[0] == "session_started" and "session_ended" in types
    assert events[-1]["type"] == "note"
    assert events[-1]["text"].startswith("Discharge checklist complete")
    ended = next(event for event in events if event["type"] == "session_ended")
    assert ended["early"] and ended["reason"].startswith("patient well")

    # --- and a new session starts from the start screen
    qtbot.mouseClick(summary.new_session, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.start_screen
    assert window.console is None and start.alias.text() == ""


def test_the_structure_shows_first_and_continue_waits_for_the_audio(
    make_window, port, clinic, qtbot, monkeypatch
):
    """Validation in two steps: the structure at once, then every audio file decoded."""
    import threading

    from session_player.ui import start_screen as start_module

    release = threading.Event()
    real_check = start_module._check

    def slow_audio(path, *, check_audio, **options):
        if check_audio:
            release.wait(5)
        return real_check(path, check_audio=check_audio, **options)

    monkeypatch.setattr(start_module, "_check", slow_audio)
    window = make_window(port)
    start = window.start_screen
    qtbot.waitUntil(lambda: start.result is not None)
    assert start.checking_audio and start.details.isVisible()
    assert "checking the audio files" in start.status.text()
    start.alias.setText("Blue Heron")
    assert not start.start_button.isEnabled()
    assert start.reason.text() == "Checking the audio files…"
    release.set()
    qtbot.waitUntil(lambda: not start.checking_audio)
    assert start.start_button.isEnabled() and start.result.load_result.audio
    assert "checking" not in start.status.text()
