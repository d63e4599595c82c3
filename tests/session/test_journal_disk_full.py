"""The data folder's disk full mid-session (issue 10/6): the session goes on, the journal
holds its events and says so while it lasts (not saving since when, how many wait), writes
them all in order once there is room, each marked with when it was written; ``play`` says
it while it lasts and when it clears; the summary lists what was written late."""

from __future__ import annotations

import errno

import pytest

from session_player.session.journal import read_journal
from session_player.session.record_saving import REMIND_EVERY_S, SavingReporter, banner_lines
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline
from session_player.ui.summary_model import build_summary
from tests.full_disk import fill, small_tmpfs
from tests.session.conftest import make_playlist


def _no_space(fd, data):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_the_journal_says_since_when_it_is_not_saved_and_marks_what_was_late(dosed, clock):
    assert dosed.journal_saving.saving
    journal = dosed._journal  # the open journal: its writer is where a test plays the disk
    journal.write_bytes = _no_space
    clock.advance(30)
    dosed.calm_down()  # the patient still gets the calm down
    assert dosed.state().calm
    saving = dosed.journal_saving
    assert not saving.saving and saving.error and "No space left" in saving.error
    first_wall = saving.since_wall
    assert saving.since_session_s == pytest.approx(90.0)
    waiting = saving.waiting
    assert waiting >= 2  # the calm down and the alert that says the journal fails
    clock.advance(60)
    dosed.add_note("taken on paper: BP 128/84")
    dosed.tick()  # tried again: still full
    later = dosed.journal_saving
    assert later.since_wall == first_wall and later.waiting == waiting + 1
    lines = banner_lines(later)
    assert lines is not None and "NOT being saved since" in lines[0]
    assert f"{waiting + 1} events waiting" in lines[0] and "paper" in lines[1]

    journal.write_bytes = None  # the disk has room again
    clock.advance(120)
    dosed.tick()
    saving = dosed.journal_saving
    assert saving.saving and saving.waiting == 0 and saving.written_late == waiting + 1
    assert banner_lines(saving) is None
    events = read_journal(dosed.journal_path).events
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    late = [e for e in events if "written_late_wall" in e]
    assert [e["type"] for e in late] == ["calm_down", "alert_raised", "note"]
    assert late[0]["written_late_s"] == pytest.approx(180.0)
    assert late[-1]["written_late_s"] == pytest.approx(120.0)
    assert all("written_late_wall" not in e for e in events if e not in late)

    # Written on time again: nothing more is marked.
    dosed.add_note("after")
    assert "written_late_wall" not in read_journal(dosed.journal_path).events[-1]

    summary = build_summary(dosed.playlist, list(read_journal(dosed.journal_path).events))
    assert len(summary.written_late) == 3
    assert "3m late" in summary.written_late[0] and "written " in summary.written_late[0]


def test_a_real_full_disk_holds_the_events_and_writes_them_when_room_comes_back(tmp_path, clock):
    with small_tmpfs(tmp_path / "full") as folder:
        timeline = SessionTimeline(make_playlist(), SessionStore(folder), clock, clock.wall)
        timeline.start("Room 2 / Pt A", "a full disk")
        clock.advance(60)
        timeline.skip_vitals("pre-dose", "taken on paper")
        timeline.mark_dose_given()
        filler = fill(folder)
        notes = 0
        # The journal's last page may still hold a few lines: write until the disk refuses.
        while timeline.journal_saving.saving and notes < 200:
            clock.advance(5)
            timeline.add_note(f"note {notes} " + "x" * 200)
            notes += 1
        saving = timeline.journal_saving
        assert not saving.saving, "the disk never filled"
        assert "No space left on device" in saving.error
        assert [a.kind for a in timeline.state().open_alerts] == ["journal_failed"]
        clock.advance(30)
        timeline.calm_down()
        assert timeline.state().calm  # the session goes on
        waiting = timeline.journal_saving.waiting

        filler.unlink()  # someone frees space
        clock.advance(10)
        timeline.tick()
        assert timeline.journal_saving.saving
        events = read_journal(timeline.journal_path).events
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        late = [e for e in events if "written_late_wall" in e]
        assert len(late) == waiting and late[-1]["type"] == "calm_down"
        timeline.close()


def test_play_says_it_while_it_lasts_and_when_it_clears(dosed, clock):
    said: list[str] = []
    reporter = SavingReporter(said.append, clock)
    reporter.observe(dosed.journal_saving)
    assert said == []  # nothing to say while it is saved
    dosed._journal.write_bytes = _no_space
    dosed.add_note("one")
    reporter.observe(dosed.journal_saving)
    assert len(said) == 1 and said[0].startswith("RECORD The record is NOT being saved since")
    assert "paper" in said[0]
    clock.advance(REMIND_EVERY_S / 2)
    dosed.add_note("two")
    reporter.observe(dosed.journal_saving)
    assert len(said) == 1  # not a line every quarter second
    clock.advance(REMIND_EVERY_S / 2)
    reporter.observe(dosed.journal_saving)
    assert len(said) == 2 and said[1].startswith("RECORD still NOT being saved since")
    assert "3 events waiting" in said[1]
    dosed._journal.write_bytes = None
    dosed.tick()
    reporter.observe(dosed.journal_saving)
    assert said[2] == (
        "RECORD The record is saved again: 3 events written late, each marked in the journal "
        "with the time it was written."
    )


def test_closing_with_events_still_waiting_says_so(dosed, caplog):
    dosed._journal.write_bytes = _no_space
    dosed.add_note("never written")
    dosed.close()
    assert any("could not be written before closing" in r.getMessage() for r in caplog.records)
