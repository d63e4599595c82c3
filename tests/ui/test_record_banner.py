"""The console says, for as long as it lasts, that the record is not being saved (a full
disk), and what to do; it clears once the waiting events are written, without moving a
command button; the summary lists the events written late (issue 10/6)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from session_player.engine.null_engine import NullEnginePort
from session_player.ui.record_banner import QUIET_TEXT
from session_player.ui.summary import SummaryScreen
from tests.full_disk import fill, small_tmpfs
from tests.ui.conftest import TIMEOUT_MS, clinic_window


def _button_places(console) -> dict[str, tuple[int, int, int, int]]:
    places = {}
    for name, button in console.buttons.items():
        top_left = button.mapTo(console, button.rect().topLeft())
        places[name] = (top_left.x(), top_left.y(), button.width(), button.height())
    return places


def test_a_full_disk_shows_a_steady_banner_until_the_record_is_written(
    qtbot, qsettings, clinic, clock, tmp_path, flow, caplog
):
    with small_tmpfs(tmp_path / "full") as folder:
        port = NullEnginePort(folder / "data", clock=clock)
        window = clinic_window(qtbot, qsettings, clinic, port)
        window.show()
        qtbot.waitExposed(window)
        console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
        banner = console.record_banner
        assert banner.headline.text() == QUIET_TEXT and not banner.failing
        height = banner.height()
        card = banner.parentWidget()  # the journal's card: the banner's place in it is fixed
        note_at = console.note.mapTo(card, console.note.rect().topLeft())

        filler = fill(folder)
        QTest.keyClick(window, Qt.Key.Key_D)  # dose given
        presses = 0
        # The journal's last page may take a few more lines: calm down and back until the
        # disk refuses one (each press is an event).
        while bridge.timeline.journal_saving.saving and presses < 100:
            QTest.keyClick(window, Qt.Key.Key_C)
            presses += 1
        assert not bridge.timeline.journal_saving.saving, "the disk never filled"
        qtbot.waitUntil(lambda: banner.failing, timeout=TIMEOUT_MS)
        assert "NOT being saved since" in banner.headline.text()
        assert "(disk full)" in banner.headline.text() and "waiting" in banner.headline.text()
        assert "vital signs" in banner.advice.text() and "paper" in banner.advice.text()
        # One fixed height in both states: nothing below it moves when it comes or goes.
        assert banner.isVisible() and banner.height() == height
        assert console.note.mapTo(card, console.note.rect().topLeft()) == note_at

        # It stays while it lasts: more commands, more events waiting, the same banner.
        QTest.keyClick(window, Qt.Key.Key_C)
        clock.advance(120)
        qtbot.wait(2 * bridge._timer.interval())
        assert banner.failing and "events waiting" in banner.headline.text()
        places = _button_places(console)

        # The session's summary, shown now, says what is not in the record yet.
        early = SummaryScreen(bridge)
        qtbot.addWidget(early)
        assert "not in the record yet: the disk is still full" in early.late.text()
        assert not early.late.isHidden()

        filler.unlink()  # someone frees space on the disk
        clock.advance(5)
        qtbot.waitUntil(lambda: not banner.failing, timeout=TIMEOUT_MS)
        assert banner.headline.text() == QUIET_TEXT
        assert banner.height() == height and _button_places(console) == places
        assert bridge.timeline.journal_saving.written_late >= 2

        # That summary follows: the events are in the record now, each said late.
        qtbot.waitUntil(
            lambda: "not in the record yet" not in early.late.text(), timeout=TIMEOUT_MS
        )
        summary = SummaryScreen(bridge)
        qtbot.addWidget(summary)
        summary.show()
        assert summary.late.isVisible()
        rows = summary.late.text().splitlines()
        assert len(rows) == bridge.timeline.journal_saving.written_late
        assert all(" — written " in row and row.endswith(" late") for row in rows)
        window.shutdown()
    # The journal's failure is logged as an error, as it should be: expected here.
    assert any("No space left on device" in r.getMessage() for r in caplog.records)
    caplog.clear()
