"""The launch's second process (``session_player.app.start_helper``): it answers what the worker
thread would, and whatever goes wrong with it, the app does the work itself as before."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from session_player.app import start_helper
from session_player.app.live_port import LiveEnginePort
from session_player.app.start_helper import StartHelper, helper_command
from session_player.launch.start_check import ValidationCache, check_structure, validate_structure
from session_player.launch.unfinished_json import unfinished_from_json

from .conftest import TIMEOUT_MS, clinic_window
from .test_resume import crashed_session
from .test_startup import shown

pytestmark = pytest.mark.usefixtures("audio_dummy")


@pytest.fixture
def audio_dummy(monkeypatch):
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    monkeypatch.delenv(start_helper.DISABLE_ENV, raising=False)


@pytest.fixture
def data(tmp_path, clinic) -> Path:
    """A sessions folder with one unfinished session in it."""
    from session_player.session.clock import FakeClock

    folder = tmp_path / "data"
    crashed_session(folder, clinic, FakeClock(start_s=1000.0))
    return folder


def ask(helper: StartHelper, playlist: str | None, deadline_s: float | None = None):
    answers: list = []
    helper.request(playlist, answers.append, deadline_s)
    limit = time.monotonic() + 20
    while not answers and time.monotonic() < limit:
        time.sleep(0.01)
    assert answers, "no answer"
    return answers[0]


def test_the_helper_answers_what_this_process_would(tmp_path, clinic, data):
    cache_dir = tmp_path / "cache"
    port = LiveEnginePort(sessions_dir=str(data))
    for name in ("test-infusion.yaml", "broken.yaml", "missing.yaml"):
        playlist = str(clinic / name)
        for _launch in range(2):  # validated and stored, then from the cache
            helper = StartHelper.spawn(helper_command(str(data), str(cache_dir)))
            answer = ask(helper, playlist)
            helper.close()
            check = start_helper_check(answer, playlist)
            assert check.same_answer(validate_structure(playlist))
            assert check.same_answer(check_structure(playlist, ValidationCache(cache_dir)))
            assert answer["devices"]["value"] == port.output_devices()
            unfinished = unfinished_from_json(answer["unfinished"]["value"])
            assert unfinished == port.unfinished_sessions() and len(unfinished) == 1


def start_helper_check(answer, playlist):
    from session_player.launch.start_check import PlaylistCheck

    value = answer["structure"]["value"]
    assert value["playlist"] == playlist
    return PlaylistCheck.from_json(value["check"])


def test_without_a_request_the_helper_ends(tmp_path):
    helper = StartHelper.spawn(helper_command(str(tmp_path / "data"), str(tmp_path / "cache")))
    answer = ask(helper, None)
    assert "structure" not in answer or answer["structure"] is None
    assert answer["devices"]["value"] and answer["unfinished"]["value"] == []
    process = helper._process
    process.wait(10)  # exits on its own after answering
    helper.close()


def test_the_helper_never_outlives_the_app(tmp_path):
    helper = StartHelper.spawn([sys.executable, "-c", "import time; time.sleep(60)"])
    process = helper._process
    helper.close()
    assert process.poll() is not None  # killed and reaped
    # A real helper whose app is gone before asking: its stdin ends, it answers nobody, ends.
    command = helper_command(str(tmp_path / "data"), str(tmp_path / "cache"))
    orphan = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    orphan.stdin.close()
    orphan.stdout.read()
    assert orphan.wait(20) == 0


def test_the_child_process_is_started_waited_for_and_killed():
    from session_player.app.start_helper import ChildProcess

    child = ChildProcess.start(
        [
            sys.executable,
            "-c",
            "import sys; sys.stdout.write(sys.stdin.read().upper()); sys.exit(3)",
        ]
    )
    child.stdin.write(b"heard\n")
    child.stdin.close()
    assert child.stdout.read() == b"HEARD\n"
    assert child.wait(10) == 3 and child.poll() == 3
    child.stdout.close()
    sleeper = ChildProcess.start([sys.executable, "-c", "import time; time.sleep(60)"])
    with pytest.raises(TimeoutError):
        sleeper.wait(0.05)
    assert sleeper.poll() is None
    sleeper.kill()
    assert sleeper.wait(10) == -9
    with pytest.raises(OSError):
        ChildProcess.start(["/nonexistent/python", "-c", "pass"])


def test_turned_off_or_unable_to_start(monkeypatch):
    monkeypatch.setenv(start_helper.DISABLE_ENV, "0")
    assert StartHelper.spawn() is None
    monkeypatch.delenv(start_helper.DISABLE_ENV)
    assert StartHelper.spawn(["/nonexistent/python"]) is None


# --- through the window: the same screen, whatever the helper does ----------------------------


def launch(qtbot, qsettings, clinic, data, cache_dir, helper, playlist=None):
    window = _window(qtbot, qsettings, clinic, data, cache_dir, helper, playlist)
    checks: list = []
    start = window.start_screen
    start.validated.connect(checks.append)
    at_ready: list = []  # what the screen says when it is complete (the follow-up then runs)
    window.start_ready.connect(
        lambda: (
            at_ready.append(shown(start))
            if threading.current_thread() is threading.main_thread()  # queued, never direct
            else at_ready.append("on the helper's thread")
        )
    )
    window.show()
    qtbot.waitUntil(lambda: window.is_start_ready, timeout=TIMEOUT_MS)
    seen = {
        "screen": at_ready[0],
        "first": checks[0],
        "devices": [start.device.itemText(i) for i in range(start.device.count())],
        "page": window.stack.currentWidget() is window.resume_offer,
        "offer": [
            window.resume_offer.list.item(i).text() for i in range(window.resume_offer.list.count())
        ],
    }
    qtbot.waitUntil(lambda: start.result.audio_checked, timeout=TIMEOUT_MS)
    seen["full"] = start.result
    window.close()
    return seen


def same(a: dict, b: dict) -> None:
    assert a["screen"] == b["screen"]
    assert a["first"].same_answer(b["first"])
    assert a["full"].same_answer(b["full"]) and a["full"].audio_checked
    assert (a["devices"], a["page"], a["offer"]) == (b["devices"], b["page"], b["offer"])


@pytest.mark.parametrize("name", ["test-infusion.yaml", "broken.yaml"])
def test_the_window_shows_the_same_with_the_helper(qtbot, qsettings, clinic, data, tmp_path, name):
    playlist = clinic / name
    cache_dir = tmp_path / "cache"
    here = launch(qtbot, qsettings, clinic, data, cache_dir, None, playlist)
    helper = StartHelper.spawn(helper_command(str(data), str(cache_dir)))
    there = launch(qtbot, qsettings, clinic, data, cache_dir, helper, playlist)
    same(there, here)
    assert there["first"].from_cache  # validated afresh here after start_ready
    assert there["page"] and len(there["offer"]) == 1
    assert helper._process.poll() is not None


BROKEN_HELPERS = {
    "crashes": "import sys; sys.exit(3)",
    "garbage": "print('Hello from the pygame community'); print('{not json')",
    "not a document": "import marshal, sys; sys.stdout.buffer.write(marshal.dumps([1, 2]))",
    "a part fails": (
        "import marshal, sys; sys.stdin.buffer.read(); sys.stdout.buffer.write(marshal.dumps({"
        "'devices': {'error': 'SDL says no'}, 'unfinished': {'error': 'OSError'}, "
        "'structure': {'error': 'ValueError'}}))"
    ),
    "wrong shapes": (
        "import marshal, sys; sys.stdin.buffer.read(); sys.stdout.buffer.write(marshal.dumps({"
        "'devices': {'value': [1, 2]}, 'unfinished': {'value': [{'alias': 'x'}]}, "
        "'structure': {'value': {'playlist': '/elsewhere.yaml', 'check': {}}}}))"
    ),
    "cut short": (
        "import marshal, sys; sys.stdin.buffer.read(); sys.stdout.buffer.write(marshal.dumps({"
        "'devices': {'value': ['Speakers']}, 'unfinished': {'value': []}})[:-3])"
    ),
    "hangs": "import time; time.sleep(60)",
}


@pytest.mark.parametrize("how", sorted(BROKEN_HELPERS))
def test_a_broken_helper_costs_only_time(
    qtbot, qsettings, clinic, data, tmp_path, monkeypatch, caplog, how
):
    monkeypatch.setattr(start_helper, "DEADLINE_S", 0.5)
    playlist = clinic / "test-infusion.yaml"
    cache_dir = tmp_path / "cache"
    here = launch(qtbot, qsettings, clinic, data, cache_dir, None, playlist)
    helper = StartHelper.spawn([sys.executable, "-c", BROKEN_HELPERS[how]])
    there = launch(qtbot, qsettings, clinic, data, cache_dir, helper, playlist)
    same(there, here)
    assert helper._process.poll() is not None  # reaped
    assert not [r for r in caplog.records if r.levelno >= 40]


def test_the_app_starts_and_ends_its_helper(tmp_path):
    """The real launch: the helper runs beside the window, and is gone when the app is."""
    env = dict(
        os.environ,
        SDL_AUDIODRIVER="dummy",
        QT_QPA_PLATFORM="offscreen",
        SESSION_PLAYER_STARTUP_PROBE="1",
        HOME=str(tmp_path),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    env.pop(start_helper.DISABLE_ENV, None)
    code = (
        "import sys, session_player.app.start_helper as h\n"
        "spawned = []\n"
        "real = h.StartHelper.spawn.__func__\n"
        "def spawn(cls, command=None):\n"
        "    helper = real(cls, command)\n"
        "    spawned.append(helper)\n"
        "    return helper\n"
        "h.StartHelper.spawn = classmethod(spawn)\n"
        "from session_player.app.composition_root import run_app\n"
        "code = run_app()\n"
        "print('helper', spawned[0].pid, spawned[0]._process.poll(), flush=True)\n"
        "sys.exit(code)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    lines = run.stdout.splitlines()
    assert any(line.startswith("startup-probe ") for line in lines)
    helper_line = [line for line in lines if line.startswith("helper ")][0]
    assert helper_line.split()[2] != "None"  # reaped before the app returned


def _window(qtbot, qsettings, clinic, data, cache_dir, helper, playlist, launch_results=None):
    from session_player.ui.main_window import MainWindow
    from session_player.ui.settings import AppSettings

    port = LiveEnginePort(sessions_dir=str(data))
    if launch_results is None:
        return clinic_window(
            qtbot,
            qsettings,
            clinic,
            port,
            playlist,
            validation_cache=ValidationCache(cache_dir),
            helper=helper,
        )
    window = MainWindow(
        port,
        AppSettings(qsettings),
        bundled_folder=clinic,
        demo_playlist=clinic / "test-infusion.yaml",
        initial_playlist=str(playlist),
        validation_cache=ValidationCache(cache_dir),
        launch_results=launch_results,
    )
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    return window


def test_the_window_is_complete_when_first_shown(qtbot, qsettings, clinic, data, tmp_path):
    """The helper is asked for the playlist while the window is built; its answer, in before
    the window is shown, is on the start screen at the first paint. Ready waits for the show."""
    playlist = clinic / "test-infusion.yaml"
    cache_dir = tmp_path / "cache"
    here = launch(qtbot, qsettings, clinic, data, cache_dir, None, playlist)
    helper = StartHelper.spawn(helper_command(str(data), str(cache_dir)))
    window = _window(qtbot, qsettings, clinic, data, cache_dir, helper, playlist)
    ready: list = []
    window.start_ready.connect(lambda: ready.append(window.isVisible()))
    assert window.launch_results.deliver_if_ready(20.0)
    start = window.start_screen
    assert start.result is not None and start.result.from_cache
    assert start.devices_ready and window.unfinished_checked
    assert not window.is_start_ready and not ready  # not on the screen yet
    window.show_first()
    assert window.is_start_ready and ready == [True]  # at once, on the show
    assert window.focusWidget() is start.alias  # the one field always typed in
    assert shown(start) == here["screen"]
    assert window.stack.currentWidget() is window.resume_offer  # the unfinished session
    qtbot.waitUntil(lambda: start.result.audio_checked, timeout=TIMEOUT_MS)
    assert start.result.same_answer(here["full"])


def test_asked_early_for_another_playlist_the_window_checks_its_own(
    qtbot, qsettings, clinic, data, tmp_path
):
    from session_player.ui.launch_results import LaunchResults

    cache_dir = tmp_path / "cache"
    broken = clinic / "broken.yaml"
    here = launch(qtbot, qsettings, clinic, data, cache_dir, None, broken)
    helper = StartHelper.spawn(helper_command(str(data), str(cache_dir)))
    results = LaunchResults(helper)
    results.ask_early(str((clinic / "test-infusion.yaml").resolve()))  # not what is shown
    window = _window(qtbot, qsettings, clinic, data, cache_dir, None, broken, results)
    results.setParent(window)
    window.show()
    start = window.start_screen
    qtbot.waitUntil(lambda: window.is_start_ready, timeout=TIMEOUT_MS)
    assert shown(start) == here["screen"]
    assert not start.result.ok and start.result.problems
    assert start.devices_ready  # the helper's other answers were used
