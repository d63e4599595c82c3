"""The resume offer says where the session will resume, and a press shows at once.

In the trial the offer did not say where the session would resume, and the click gave no
sign for up to 3 s (the journal read, the playlist loaded, the audio started on the GUI
thread), so it was clicked again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from session_player.engine.null_engine import NullEnginePort
from session_player.session.clock import FakeClock
from session_player.session.journal import read_journal
from session_player.ui.resume_offer import crash_resumed_text, resume_point_text
from tests.ui.test_resume import MINUTE, crashed_session


class WatchedPort(NullEnginePort):
    """The fake engine, noting how the offer's button looked while the resume worked."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offer = None
        self.button_during_resume: list[tuple[str, bool]] = []

    def resume_session(self, unfinished, device: str = "", **kwargs):
        button = self.offer.resume
        self.button_during_resume.append((button.text(), button.isEnabled()))
        return super().resume_session(unfinished, device, **kwargs)


def offer_window(tmp_path, make_window, clinic, qtbot, port_class=NullEnginePort):
    store = tmp_path / "data"
    first = FakeClock(start_s=1000.0)
    crashed_session(store, clinic, first)
    # The app starts again 3 minutes later: onset (10 min) ended while it was away.
    second = FakeClock(start_s=50.0, wall_start_s=first.wall() + 3 * MINUTE)
    port = port_class(store, clock=second)
    window = make_window(port)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.resume_offer)
    return window, port, second


def test_the_offer_names_the_phase_and_the_time_it_resumes_at(tmp_path, make_window, clinic, qtbot):
    window, _port, clock = offer_window(tmp_path, make_window, clinic, qtbot)
    button = window.resume_offer.resume
    # 12 minutes after the dose when it crashed, 3 minutes away: peak, 15:00.
    qtbot.waitUntil(lambda: button.text() == "Resume at Peak, 15:00 after the dose")
    # The dose clock goes on while the offer waits.
    clock.advance(65)
    qtbot.waitUntil(lambda: button.text() == "Resume at Peak, 16:05 after the dose")
    assert button.hasFocus()  # Enter or Space resumes


def test_a_press_says_resuming_at_once_and_the_work_follows(tmp_path, make_window, clinic, qtbot):
    window, port, _clock = offer_window(tmp_path, make_window, clinic, qtbot, WatchedPort)
    port.offer = offer = window.resume_offer
    qtbot.waitUntil(lambda: offer.resume.text().startswith("Resume at Peak"))
    qtbot.mouseClick(offer.resume, Qt.MouseButton.LeftButton)
    # Before anything is read or started: the button says so and cannot be pressed again.
    assert offer.resume.text() == "Resuming…"
    assert not offer.resume.isEnabled()
    assert port.button_during_resume == []
    qtbot.mouseClick(offer.resume, Qt.MouseButton.LeftButton)  # pressed again, impatient
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.console)
    # One resume, done while the button showed it.
    assert port.button_during_resume == [("Resuming…", False)]
    assert len(port.engines) == 1
    journal = read_journal(window.bridge.engine.journal_path)
    assert len(journal.of_type("session_resumed")) == 1


def test_a_resume_that_fails_gives_the_button_back(tmp_path, make_window, clinic, qtbot):
    window, _port, _clock = offer_window(tmp_path, make_window, clinic, qtbot)
    offer = window.resume_offer
    (clinic / "moved.yaml").write_bytes((clinic / "test-infusion.yaml").read_bytes())
    (clinic / "test-infusion.yaml").rename(clinic / "test-infusion.yaml.away")
    try:
        qtbot.mouseClick(offer.resume, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: offer.message.isVisible())
        assert "cannot be resumed" in offer.message.text()
        assert offer.resume.isEnabled() and offer.resume.text() != "Resuming…"
    finally:
        (clinic / "test-infusion.yaml.away").rename(clinic / "test-infusion.yaml")
        (clinic / "moved.yaml").unlink()


def test_the_words_for_the_resume_point_and_the_restart():
    assert resume_point_text("Peak", 27 * 60 + 14) == "Resume at Peak, 27:14 after the dose"
    assert resume_point_text("Settling", None) == "Resume in Settling, before the dose"
    text = crash_resumed_text(None, "Peak", 27 * 60 + 14)
    assert text == "The app stopped unexpectedly and resumed the session at Peak +27:14."
