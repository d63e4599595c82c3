"""After a crash (a journal left without session_ended) the app offers to resume, and the
console comes back at the right point of the arc."""

from __future__ import annotations

from PySide6.QtCore import Qt

from session_player.engine.null_engine import NullEnginePort
from session_player.engine.ports import SessionRequest
from session_player.playlist.loader import load_playlist
from session_player.session import command_table as commands
from session_player.session.clock import FakeClock
from session_player.session.journal import read_journal

MINUTE = 60.0


def crashed_session(store, clinic, clock: FakeClock) -> str:
    """A session run up to 12 minutes after the dose, then abandoned mid-flight."""
    path = clinic / "test-infusion.yaml"
    port = NullEnginePort(store, clock=clock)
    engine = port.start_session(
        SessionRequest(str(path), load_playlist(path), alias="Grey Owl", device="Headphones")
    )
    timeline = engine.timeline
    clock.advance(2 * MINUTE)
    timeline.mark_dose_given()
    for _ in range(12 * 6):  # the display timer ticking every 10 s (writes the heartbeat)
        clock.advance(10)
        timeline.tick()
    timeline.add_note("last thing before the crash")
    # The process dies here: nothing else is written (closing the fd is all the OS does).
    timeline.close()
    return str(timeline.journal_path)


def test_resume_offer_and_the_arc_where_it_should_be(tmp_path, make_window, clinic, qtbot):
    store = tmp_path / "data"
    first = FakeClock(start_s=1000.0)
    journal = crashed_session(store, clinic, first)
    assert not [e for e in read_journal(journal).events if e["type"] == "session_ended"]

    # The app starts again 3 minutes later, with a new monotonic clock.
    away_s = 3 * MINUTE
    second = FakeClock(start_s=50.0, wall_start_s=first.wall() + away_s)
    window = make_window(NullEnginePort(store, clock=second))
    offer = window.resume_offer
    # Looked for on a worker at launch: the offer comes over the start screen at once.
    qtbot.waitUntil(lambda: window.stack.currentWidget() is offer)
    assert offer.list.count() == 1 and "Grey Owl" in offer.list.item(0).text()
    qtbot.mouseClick(offer.resume, Qt.MouseButton.LeftButton)

    # The press shows at once; the resume follows after the repaint.
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.console)
    bridge = window.bridge
    state = bridge.state
    assert state.dose_given and state.phase_id == "peak"  # onset (10m) ended while away
    assert abs(state.time_since_dose_s - (12 * MINUTE + away_s)) < 2.0
    texts = window.console.log.texts()
    assert texts[0].startswith("Resumed after 3m")
    assert "Peak started" in texts
    assert "Note: last thing before the crash" in texts
    assert not window.console.actions.dose.isEnabled()
    # It goes on normally and is no longer offered once it has ended.
    bridge.run(commands.END, "test over")
    assert not NullEnginePort(store, clock=second).unfinished_sessions()


def test_not_now_goes_to_the_start_screen(tmp_path, make_window, clinic, qtbot):
    store = tmp_path / "data"
    clock = FakeClock()
    crashed_session(store, clinic, clock)
    window = make_window(NullEnginePort(store, clock=clock))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.resume_offer)
    qtbot.mouseClick(window.resume_offer.later, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.start_screen
