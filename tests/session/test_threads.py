"""The audio thread raises alerts while the GUI thread runs commands: one lock keeps order."""

from __future__ import annotations

import threading

from session_player.session.clock import FakeClock
from session_player.session.journal import read_journal
from session_player.session.recovery import resume_timeline


def test_concurrent_commands_keep_the_journal_consistent(dosed, clock) -> None:
    errors: list[BaseException] = []

    def audio_thread() -> None:
        try:
            for number in range(150):
                alert = dosed.raise_alert("file_broken", f"file {number}")
                dosed.acknowledge_alert(alert.value)
        except BaseException as exc:  # reported below: a thread's failure is otherwise silent
            errors.append(exc)

    def gui_thread() -> None:
        try:
            for number in range(150):
                dosed.set_volume(-10 - number % 20)
                dosed.tick()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=audio_thread), threading.Thread(target=gui_thread)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    events = read_journal(dosed.journal_path).events
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert sum(e["type"] == "alert_raised" for e in events) == 150
    dosed.close()
    replay_clock = FakeClock(start_s=1.0, wall_start_s=clock.wall())
    replayed = resume_timeline(dosed.playlist, dosed.journal_path, replay_clock, replay_clock.wall)
    assert replayed.state().discrete() == dosed.state().discrete()
    assert replayed.state().open_alerts == ()
