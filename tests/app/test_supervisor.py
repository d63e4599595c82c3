"""The supervisor's decisions, with real forked children that die the way apps die.

Each child here is a function run in a process forked by the supervisor; it ends with
``os._exit`` or a signal, never by returning (a child that returned would go on running
this test). What a restarted child was asked to do is written to a file for the test.
The whole app under the supervisor is in ``test_supervisor_app.py``.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from session_player.app import supervisor
from session_player.app.supervisor import RestartPolicy, Supervisor
from session_player.launch import supervisor_state
from session_player.session.journal import Journal


class FakeClock:
    def __init__(self, now_s: float = 100.0) -> None:
        self.now_s = now_s

    def __call__(self) -> float:
        return self.now_s


@pytest.fixture
def runtime(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "runtime"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    monkeypatch.delenv(supervisor_state.STATE_ENV, raising=False)
    monkeypatch.delenv(supervisor_state.RESTART_ENV, raising=False)
    return folder


def journal(tmp_path: Path, *, ended: bool = False, started: dict | None = None) -> str:
    path = tmp_path / "sessions" / "s1" / "journal.jsonl"
    with Journal.create(path) as writer:
        writer.append("session_started", started or {"alias": "A"})
        if ended:
            writer.append("session_ended", {"reason": None})
    return str(path)


class Children:
    """The apps the supervisor starts, one behaviour per launch, in order."""

    def __init__(self, tmp_path: Path, behaviours: list) -> None:
        self.behaviours = behaviours
        self.launches = tmp_path / "launches.jsonl"

    def __call__(self, args: list[str]) -> int:
        number = len(self.launched())  # the launches before this one
        request = supervisor_state.restart_request()
        with open(self.launches, "a", encoding="utf-8") as out:
            out.write(json.dumps({"args": args, "restart": request}) + "\n")
        try:
            self.behaviours[number](supervisor_state.state_path())
        finally:
            os._exit(70)  # a behaviour that forgot to end: never back into the test

    def launched(self) -> list[dict]:
        if not self.launches.exists():
            return []
        return [json.loads(line) for line in self.launches.read_text().splitlines()]


def in_session(journal_path: str, screen: str, then):
    def behaviour(state_path: str) -> None:
        supervisor_state.write_state(state_path, journal_path, screen)
        then()

    return behaviour


def killed(*_args) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def exits(code: int):
    return lambda *_args: os._exit(code)


def test_an_app_killed_during_a_session_is_restarted_to_resume_it_on_the_same_screen(
    tmp_path, runtime
):
    path = journal(tmp_path)
    children = Children(tmp_path, [in_session(path, "patient", killed), exits(0)])
    sup = Supervisor(children, ["demo.yaml"], wall_clock=lambda: 1_800_000_000.0)
    assert sup.run() == 0
    first, second = children.launched()
    assert first == {"args": ["demo.yaml"], "restart": None}
    assert second["args"] == ["demo.yaml"]
    assert second["restart"] == {
        "journal_path": path,
        "screen": "patient",
        "crashed_wall": 1_800_000_000.0,
        "reason": "killed by signal 9 (SIGKILL)",
        "restart": 1,
    }
    assert not list(runtime.rglob("*.json"))  # the state file goes with the supervisor


@pytest.mark.parametrize(
    ("behaviour", "code"),
    [
        (exits(0), 0),  # a normal exit, even mid-session ("Close and stop the sound")
        (exits(3), 3),  # no session open: nothing for the patient to miss
        (killed, -9),
    ],
)
def test_no_restart_without_a_running_session_or_after_a_normal_exit(
    tmp_path, runtime, behaviour, code
):
    children = Children(tmp_path, [behaviour])
    sup = Supervisor(children, [])
    assert sup.run() == code
    assert len(children.launched()) == 1


def test_a_normal_exit_with_a_session_open_is_not_restarted(tmp_path, runtime):
    children = Children(tmp_path, [in_session(journal(tmp_path), "console", exits(0))])
    sup = Supervisor(children, [])
    assert sup.run() == 0
    assert len(children.launched()) == 1


def test_a_crash_after_the_session_ended_is_not_restarted(tmp_path, runtime):
    ended = journal(tmp_path, ended=True)
    children = Children(tmp_path, [in_session(ended, "console", killed)])
    sup = Supervisor(children, [])
    assert sup.run() == -9
    assert len(children.launched()) == 1


def test_a_crashed_rehearsal_is_not_restarted(tmp_path, runtime):
    """A rehearsal is never resumed (no patient, no sound): restarting would only bring
    back the start screen behind the trainer's back."""
    rehearsal = journal(tmp_path, started={"alias": "Training", "rehearsal": {"speed": 30.0}})
    children = Children(tmp_path, [in_session(rehearsal, "console", killed)])
    sup = Supervisor(children, [])
    assert sup.run() == -9
    assert len(children.launched()) == 1


def test_a_crash_loop_stops_after_three_restarts_and_says_why_in_a_window(tmp_path, runtime):
    path = journal(tmp_path)
    notices = tmp_path / "notice.json"

    def notice(title: str, message: str) -> int:
        notices.write_text(json.dumps([title, message]))
        os._exit(1)  # the clinician pressed Close

    clock = FakeClock()
    behaviours = [in_session(path, "console", killed) for _ in range(4)]
    children = Children(tmp_path, behaviours)
    sup = Supervisor(children, [], policy=RestartPolicy(clock=clock), show_notice=notice)
    assert sup.run() == -9
    launched = children.launched()
    assert len(launched) == 4  # the first launch and three restarts
    assert [entry["restart"]["restart"] for entry in launched[1:]] == [1, 2, 3]
    title, message = json.loads(notices.read_text())
    assert "not restarted" in title
    assert "stopped unexpectedly 4 times in 2 minutes" in message
    assert "killed by signal 9 (SIGKILL)" in message
    assert "Start Session Player again to resume the session by hand" in message


def test_after_the_notice_start_again_opens_the_app_without_resuming_by_itself(tmp_path, runtime):
    path = journal(tmp_path)
    behaviours = [in_session(path, "console", killed) for _ in range(4)] + [exits(0)]
    children = Children(tmp_path, behaviours)
    sup = Supervisor(
        children,
        [],
        policy=RestartPolicy(clock=FakeClock()),
        show_notice=lambda *_: os._exit(supervisor.EXIT_NOTICE_START_AGAIN),
    )
    assert sup.run() == 0
    launched = children.launched()
    assert len(launched) == 5
    assert launched[-1]["restart"] is None  # the resume offer, by hand


def test_restarts_are_counted_in_a_sliding_window():
    clock = FakeClock(0.0)
    policy = RestartPolicy(max_restarts=3, window_s=120.0, clock=clock)
    assert [policy.allow_restart() for _ in range(3)] == [True, True, True]
    assert not policy.allow_restart()
    clock.now_s = 119.0
    assert not policy.allow_restart()
    clock.now_s = 120.5  # the first three are older than two minutes now
    assert policy.allow_restart()


def test_the_escape_hatch_and_a_nested_launch_run_without_a_supervisor(monkeypatch, runtime):
    assert supervisor.wanted([])
    assert not supervisor.wanted(["--no-supervisor"])
    monkeypatch.setenv(supervisor.DISABLE_ENV, "1")
    assert not supervisor.wanted([])
    monkeypatch.delenv(supervisor.DISABLE_ENV)
    monkeypatch.setenv(supervisor_state.STATE_ENV, str(runtime / "x.json"))
    assert not supervisor.wanted([])


def test_the_state_file_is_replaced_whole(tmp_path):
    path = str(tmp_path / "state.json")
    supervisor_state.write_state(path, "/j/journal.jsonl", "console")
    supervisor_state.write_state(path, "/j/journal.jsonl", "patient")
    assert supervisor_state.read_state(path)["screen"] == "patient"
    assert os.listdir(tmp_path) == ["state.json"]  # no temporary file left beside it
    Path(path).write_text('{"journal_path": "/j/jour')  # not ours, or cut: ignored
    assert supervisor_state.read_state(path) is None


def test_a_state_folder_open_to_others_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / f"session-player-{os.getuid()}"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    with pytest.raises(OSError):
        supervisor.state_file_path()


def test_how_the_app_ended_in_words():
    assert supervisor.describe_exit(-signal.SIGKILL) == "killed by signal 9 (SIGKILL)"
    assert supervisor.describe_exit(-signal.SIGSEGV) == "killed by signal 11 (SIGSEGV)"
    assert supervisor.describe_exit(1) == "exited with code 1"


def test_an_app_that_dies_again_while_resuming_is_restarted_again(tmp_path, runtime):
    # The second app dies before it has reopened the session (and rewritten the state):
    # the session is still the one to resume, not forgotten in silence.
    path = journal(tmp_path)
    children = Children(tmp_path, [in_session(path, "patient", killed), killed, exits(0)])
    assert Supervisor(children, []).run() == 0
    launched = children.launched()
    assert len(launched) == 3
    assert launched[2]["restart"]["journal_path"] == path
    assert launched[2]["restart"]["screen"] == "patient"
    assert launched[2]["restart"]["restart"] == 2
