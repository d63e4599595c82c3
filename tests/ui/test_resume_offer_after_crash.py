"""Restarted by the supervisor: the window resumes by itself, on the screen that showed.

What ``session_player.app.qt_app.run`` does with the supervisor's request, on the fake
engine and its clock (the real processes, killed with SIGKILL under a window manager, are
in ``tests/test_supervisor_app.py``).
"""

from __future__ import annotations

import json
import time

from session_player.engine.null_engine import NullEnginePort
from session_player.launch import supervisor_state
from session_player.session.clock import FakeClock
from session_player.session.journal import read_journal
from tests.ui.test_resume import MINUTE, crashed_session


def restarted_window(tmp_path, make_window, clinic, monkeypatch, screen: str):
    store = tmp_path / "data"
    first = FakeClock(start_s=1000.0)
    journal = crashed_session(store, clinic, first)
    state_file = tmp_path / "state.json"
    monkeypatch.setenv(supervisor_state.STATE_ENV, str(state_file))
    second = FakeClock(start_s=50.0, wall_start_s=first.wall() + 3 * MINUTE)
    window = make_window(NullEnginePort(store, clock=second))
    request = {"journal_path": journal, "screen": screen, "crashed_wall": first.wall()}
    assert window.resume_after_crash(request)
    return window, journal, state_file, first.wall()


def test_the_patient_view_comes_back_and_the_console_says_what_happened(
    tmp_path, make_window, clinic, qtbot, monkeypatch
):
    window, journal, state_file, crashed_wall = restarted_window(
        tmp_path, make_window, clinic, monkeypatch, "patient"
    )
    assert window.stack.currentWidget() is window.console
    qtbot.waitUntil(lambda: window.patient_view.isVisible())
    at = time.strftime("%H:%M", time.localtime(crashed_wall))
    expected = f"The app stopped unexpectedly at {at} and resumed the session at Peak +15:00."
    cards = window.console.alerts.cards()
    assert any(expected in card.accessibleName() for card in cards.values())
    # Journaled, like every alert: the record says the app restarted and where.
    alerts = read_journal(journal).of_type("alert_raised")
    assert [a["message"] for a in alerts if a["kind"] == "app_restarted"] == [expected]
    # The new process tells its supervisor about the session it now holds.
    state = json.loads(state_file.read_text())
    assert state["journal_path"] == journal and state["screen"] == "patient"


def test_the_console_comes_back_as_the_console(tmp_path, make_window, clinic, qtbot, monkeypatch):
    window, _journal, state_file, _wall = restarted_window(
        tmp_path, make_window, clinic, monkeypatch, "console"
    )
    assert window.stack.currentWidget() is window.console
    assert not window.patient_view.isVisible()
    assert json.loads(state_file.read_text())["screen"] == "console"


def test_the_console_says_when_the_automatic_restart_cannot_be_kept(
    tmp_path, make_window, port, clinic, flow, monkeypatch
):
    """The state file cannot be written (its folder is a file here): the clinician is told
    that a crash would not be resumed by itself, rather than counting on it."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv(supervisor_state.STATE_ENV, str(blocker / "state.json"))
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    titles = [card.accessibleName() for card in console.alerts.cards().values()]
    assert any(title.startswith("No automatic restart:") for title in titles), titles
    kinds = [a["kind"] for a in read_journal(bridge.timeline.journal_path).of_type("alert_raised")]
    assert kinds.count("crash_protection_off") == 1
