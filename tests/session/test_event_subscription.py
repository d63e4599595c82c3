"""Views learn of new events from the timeline itself, in order, once each (issue 11)."""

from __future__ import annotations

from session_player.session.journal import read_journal
from session_player.session.recovery import resume_timeline

MINUTE = 60.0


def test_subscribers_get_every_new_event_once_and_in_order(make_timeline, clock):
    timeline = make_timeline()
    batches: list[list[dict]] = []
    timeline.subscribe_events(batches.append)
    timeline.start("A")
    timeline.mark_dose_given()
    clock.advance(11 * MINUTE)  # onset (10m) ends on its own
    timeline.tick()
    timeline.add_note("calm")
    seen = [event for batch in batches for event in batch]
    journal = read_journal(timeline.journal_path).events
    assert [e["seq"] for e in seen] == [e["seq"] for e in journal]
    assert [e["type"] for e in seen][:2] == ["session_started", "dose_given"]
    assert "phase_started" in [e["type"] for e in seen]
    assert timeline.events() == tuple(journal)


def test_a_late_subscriber_gets_what_happened_first_then_only_what_is_new(timeline):
    timeline.mark_dose_given()
    first: list[list[dict]] = []
    timeline.subscribe_events(first.append)  # initial: everything so far
    assert [e["type"] for e in first[0]] == ["session_started", "dose_given"]
    later: list[list[dict]] = []
    unsubscribe = timeline.subscribe_events(later.append, initial=False)
    timeline.add_note("x")
    assert [e["type"] for batch in later for e in batch] == ["note"]
    unsubscribe()
    timeline.add_note("y")
    assert len([e for batch in later for e in batch]) == 1
    assert [e["type"] for batch in first[1:] for e in batch] == ["note", "note"]


def test_a_resumed_session_offers_its_replayed_events_too(timeline, clock, playlist):
    timeline.mark_dose_given()
    path = timeline.journal_path
    timeline.close()
    clock.advance(5.0)
    resumed = resume_timeline(playlist, path, clock, clock.wall)
    events: list[list[dict]] = []
    resumed.subscribe_events(events.append)
    types = [e["type"] for batch in events for e in batch]
    assert types[:2] == ["session_started", "dose_given"]
    assert types[-1] == "session_resumed"


def test_a_broken_subscriber_does_not_stop_the_session(make_timeline):
    def broken(events):
        raise RuntimeError("a view's bug")

    timeline = make_timeline()
    timeline.subscribe_events(broken)
    timeline.start("A")
    assert timeline.state().status == "settling"
