"""Closing the app mid-session: the journal says so (the sound stopped, the session not ended).

The window is closed as a window manager closes it (a close event to the window), and the
"are you sure?" box is answered with a click on its button, as a person answers it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from session_player.session import command_table as commands
from session_player.session.journal import read_journal


def answer_close_box(qtbot, button: QMessageBox.StandardButton) -> QTimer:
    """Click ``button`` of the confirm box once it is up (it runs its own event loop)."""
    timer = QTimer()
    timer.setInterval(20)

    def click_when_shown() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "confirm_close":
            timer.stop()
            qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)

    timer.timeout.connect(click_when_shown)
    timer.start()
    return timer


def test_close_and_stop_the_sound_leaves_a_closing_entry(make_window, port, clinic, flow, qtbot):
    window = make_window(port)
    _console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    journal = bridge.timeline.journal_path
    timer = answer_close_box(qtbot, QMessageBox.StandardButton.Close)
    window.close()
    assert not timer.isActive()  # the box was shown and answered
    assert not window.isVisible()
    events = read_journal(journal).events
    closing = [e for e in events if e["type"] == "note" and "closed during" in e["text"]]
    assert len(closing) == 1 and events[-1] is closing[0]
    assert "not ended and can be resumed" in closing[0]["text"]
    assert not [e for e in events if e["type"] == "session_ended"]


def test_keeping_the_session_open_journals_nothing(make_window, port, clinic, flow, qtbot):
    window = make_window(port)
    _console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    before = len(read_journal(bridge.timeline.journal_path).events)
    answer_close_box(qtbot, QMessageBox.StandardButton.Cancel)
    window.close()
    assert window.isVisible() and bridge.state.status == "settling"
    assert len(read_journal(bridge.timeline.journal_path).events) == before


def test_closing_with_events_the_full_disk_refused_warns_even_after_the_end(
    qtbot, qsettings, clinic, clock, tmp_path, flow
):
    """Events held in memory while the disk is full are lost when the app closes: the box
    says how many, even once the session has ended (its end may be among them)."""
    from session_player.engine.null_engine import NullEnginePort
    from tests.full_disk import fill, small_tmpfs
    from tests.ui.conftest import clinic_window

    with small_tmpfs(tmp_path / "full") as folder:
        port = NullEnginePort(folder / "data", clock=clock)
        window = clinic_window(qtbot, qsettings, clinic, port)
        window.show()
        qtbot.waitExposed(window)
        _console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
        filler = fill(folder)
        presses = 0
        while bridge.timeline.journal_saving.saving and presses < 100:
            bridge.run(commands.ADD_NOTE, f"note {presses}")
            presses += 1
        bridge.run(commands.END, "patient well")
        qtbot.waitUntil(lambda: window.summary is not None)
        waiting = bridge.timeline.journal_saving.waiting
        assert waiting >= 2

        seen = {}

        def read_and_keep_open() -> None:
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox) and box.objectName() == "confirm_close":
                seen["text"] = box.text() + " " + box.informativeText()
                qtbot.mouseClick(
                    box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton
                )

        timer = QTimer()
        timer.setInterval(20)
        timer.timeout.connect(read_and_keep_open)
        timer.start()
        window.close()
        timer.stop()
        assert f"{waiting} events of this session could not be written" in seen["text"]
        assert window.isVisible()  # kept open: nothing lost
        filler.unlink()  # space again: the held events reach the disk, closing asks nothing
        clock.advance(5)
        qtbot.waitUntil(lambda: bridge.timeline.journal_saving.waiting == 0)
