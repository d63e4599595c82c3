"""Hold phase (H): holding an ``end: advance`` phase past its planned end, and releasing it.

In the test playlist onset (10m, end: advance) has ``max_hold: 10m``; peak has none, and
observation is the last phase.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from session_player.session import command_table as commands
from session_player.session.journal import read_journal

MINUTE = 60.0


def advance(clock, bridge, seconds: float) -> None:
    """Move the fake clock on in display-timer steps, as if the time had passed."""
    while seconds > 0:
        step = min(10.0, seconds)
        clock.advance(step)
        seconds -= step
        bridge.poll()


def event_types(bridge) -> list[str]:
    return [e["type"] for e in read_journal(bridge.timeline.journal_path).events]


def test_h_holds_the_phase_and_releases_it(make_window, port, clock, clinic, flow, qtbot):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    hold = console.actions.hold
    button = console.buttons["hold_phase"]
    assert not hold.isEnabled()  # settling: no phase to hold yet
    console.actions.dose.trigger()
    assert hold.isEnabled() and hold.text() == "Hold phase" and not hold.isChecked()
    width = button.sizeHint().width()

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_H)
    state = bridge.state
    assert state.can_release_hold and not state.holding
    assert hold.text() == "Release hold" and hold.isChecked() and button.isChecked()
    assert button.sizeHint().width() == width  # the buttons beside it do not move
    assert "Onset held" in console.status.text()
    assert "held" in console.arc.next_text(state)
    assert console.log.texts()[0] == "Onset held: plays on past its planned end (at most 10m more)"

    advance(clock, bridge, 10 * MINUTE + 5)  # past the planned end: it holds
    state = bridge.state
    assert state.phase_id == "onset" and state.holding
    assert "holds: advance when ready" in console.arc.next_text(state)
    assert "Onset reached its planned end: holds until you advance" in console.log.texts()

    qtbot.keyClick(window, Qt.Key.Key_H)  # release: past the planned end, peak starts now
    state = bridge.state
    assert state.phase_id == "peak" and not state.can_release_hold
    assert event_types(bridge)[-2:] == ["hold_released", "phase_started"]
    assert console.log.texts()[:2] == [
        "Peak started (hold released)",
        "Hold on Onset released: the next phase starts",
    ]
    assert not hold.isEnabled() and hold.text() == "Hold phase"  # peak has no max_hold


def test_a_release_before_the_planned_end_lets_it_end_on_time(
    make_window, port, clock, clinic, flow
):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    console.actions.dose.trigger()
    advance(clock, bridge, 2 * MINUTE)
    console.actions.hold.trigger()
    console.actions.hold.trigger()
    assert bridge.state.phase_id == "onset" and not bridge.state.can_release_hold
    assert console.log.texts()[0] == "Hold on Onset released: it ends on time"
    assert "ends on time" in console.status.text()
    advance(clock, bridge, 8 * MINUTE + 5)
    assert bridge.state.phase_id == "peak"


def test_hold_is_off_where_the_playlist_does_not_allow_it(make_window, port, clinic, flow):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    console.actions.dose.trigger()
    console.actions.advance.trigger()  # peak: no max_hold
    assert not console.actions.hold.isEnabled()
    console.actions.advance.trigger()  # observation: the last phase
    assert bridge.state.is_last_phase and not console.actions.hold.isEnabled()
    # Even if asked directly, the refusal is said, not raised.
    bridge.run(commands.HOLD)
    assert "last phase" in console.status.text()
