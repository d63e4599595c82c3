"""The launch: the start screen answers from the validation cache as it would by validating,
holds what it does not show until it is complete, and builds nothing it does not need."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtCore import Qt

from session_player.app.qt_app import DEMO_PLAYLIST
from session_player.engine.null_engine import NullEnginePort
from session_player.launch.start_check import ValidationCache, validate_structure
from session_player.ui import qt_values
from session_player.ui import start_screen as start_module

from .conftest import TIMEOUT_MS, clinic_window


def open_window(qtbot, qsettings, clinic, port, cache, playlist: Path | None = None):
    """The window and the steps of its check (recorded from before it shows)."""
    window = clinic_window(qtbot, qsettings, clinic, port, playlist, validation_cache=cache)
    steps = first_steps(window.start_screen)
    window.show()
    qtbot.waitExposed(window)
    return window, steps


def shown(start) -> dict:
    """What the start screen says about the playlist, as the clinician reads it."""
    details = start.details
    return {
        "status": start.status.text(),
        "details": [details.title.text(), details.description.text()]
        + [label.text() for label in details._values.values()],
        "details_shown": not details.isHidden(),
        "problems": [
            start.problems.list.item(i).text() for i in range(start.problems.list.count())
        ],
        "reason": start.reason.text(),
    }


def first_steps(start) -> list:
    """Record each step of the check and what the screen said right after it."""
    steps: list = []
    start.validated.connect(lambda check: steps.append((check, shown(start))))
    return steps


def wait_done(qtbot, window) -> None:
    start = window.start_screen
    qtbot.waitUntil(
        lambda: window.is_start_ready and start.result is not None and not start.checking_audio,
        timeout=TIMEOUT_MS,
    )


def test_the_cache_shows_what_validating_shows(qtbot, qsettings, clinic, tmp_path):
    cache = ValidationCache(tmp_path / "cache")
    for playlist in (clinic / "test-infusion.yaml", clinic / "broken.yaml"):
        seen = []
        for _launch in range(2):
            port = NullEnginePort(tmp_path / "data")
            window, steps = open_window(qtbot, qsettings, clinic, port, cache, playlist)
            wait_done(qtbot, window)
            seen.append(steps[0] if steps else None)
            window.close()
        (first_check, first_screen), (cached_check, cached_screen) = seen
        assert not first_check.from_cache and cached_check.from_cache
        assert cached_check.same_answer(first_check)
        assert cached_screen == first_screen


def test_what_is_not_shown_waits_for_the_start_screen(
    qtbot, qsettings, clinic, tmp_path, monkeypatch
):
    """With the structure from the cache, validating afresh and the audio check wait until the
    outputs are listed and the unfinished sessions looked for (start_ready)."""
    playlist = clinic / "test-infusion.yaml"
    cache = ValidationCache(tmp_path / "cache")
    validate_structure(str(playlist.resolve()), cache)
    calls: list[str] = []
    real_check = start_module._check

    def check(path, *, check_audio, cache=None, fresh=False):
        calls.append("audio" if check_audio else "fresh" if fresh else "structure")
        return real_check(path, check_audio=check_audio, cache=cache, fresh=fresh)

    monkeypatch.setattr(start_module, "_check", check)
    release = threading.Event()

    class SlowPort(NullEnginePort):
        def unfinished_sessions(self):
            release.wait(10)
            return super().unfinished_sessions()

    window, _steps = open_window(qtbot, qsettings, clinic, SlowPort(tmp_path / "data"), cache)
    start = window.start_screen
    qtbot.waitUntil(lambda: start.result is not None and start.devices_ready, timeout=TIMEOUT_MS)
    assert start.result.from_cache and start.details.isVisible()
    qtbot.wait(200)
    assert calls == ["structure"] and not window.is_start_ready
    assert start.reason.text() == "Checking the audio files…"
    release.set()
    wait_done(qtbot, window)
    assert calls == ["structure", "fresh", "audio"]
    assert start.result.audio_checked and start.result.load_result is not None


def test_a_wrong_cache_entry_is_corrected(qtbot, qsettings, clinic, tmp_path):
    playlist = clinic / "test-infusion.yaml"
    cache = ValidationCache(tmp_path / "cache")
    truth = validate_structure(str(playlist.resolve()), cache)
    (entry,) = cache.cache_dir.glob("*.json")
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["check"]["ok"] = False
    data["check"]["problems"].append([str(playlist), 3, 1, "error", "not really a problem"])
    entry.write_text(json.dumps(data), encoding="utf-8")

    window, steps = open_window(qtbot, qsettings, clinic, NullEnginePort(tmp_path / "data"), cache)
    start = window.start_screen
    wait_done(qtbot, window)
    checks = [check for check, _screen in steps]
    assert checks[0].from_cache and not checks[0].ok  # what the damaged entry said...
    assert [c.from_cache for c in checks[1:]] == [False, False]  # ...then validated afresh
    assert checks[1].same_answer(truth) and start.result.ok
    assert not start.problems.isVisible()
    assert cache.lookup(str(playlist.resolve())).same_answer(truth)  # the cache is right again


def test_qt_values_are_qts():
    assert Qt.ItemDataRole.UserRole.value == qt_values.USER_ROLE
    assert Qt.AlignmentFlag.AlignLeft.value == qt_values.ALIGN_LEFT
    assert Qt.AlignmentFlag.AlignRight.value == qt_values.ALIGN_RIGHT
    assert Qt.AlignmentFlag.AlignTop.value == qt_values.ALIGN_TOP
    assert Qt.AlignmentFlag.AlignVCenter.value == qt_values.ALIGN_VCENTER
    assert Qt.ScrollBarPolicy.ScrollBarAlwaysOff.value == qt_values.SCROLL_BAR_ALWAYS_OFF
    assert Qt.Key.Key_Return.value == qt_values.KEY_RETURN
    assert Qt.Key.Key_Enter.value == qt_values.KEY_ENTER


def test_the_values_take_effect(qtbot, make_window, port):
    start = make_window(port).start_screen
    assert start.reason.alignment() == Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert start.right_scroll.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert start.open_button.shortcut().toString() == "Ctrl+O"


def test_a_launch_loads_only_what_the_start_screen_shows(tmp_path):
    """At start_ready, on the real port with the demo's check in the cache: no numpy, no
    pydantic, no playlist model, no session page, no Python enums for Qt's namespace
    (about 20 ms; see ui/qt_values.py) and no Python QStyle (about 10 ms), and the app's
    style is still Fusion."""
    cache = tmp_path / "cache"
    validate_structure(str(DEMO_PLAYLIST.resolve()), ValidationCache(cache))
    code = f"""
import os, sys
import PySide6.QtCore, PySide6.QtWidgets
from PySide6.QtCore import QSettings, QTimer
from session_player.app.live_port import LiveEnginePort
from session_player.launch.start_check import ValidationCache
from session_player.app.qt_app import build_window, make_app

app = make_app()
settings = QSettings({str(tmp_path / "settings.ini")!r}, QSettings.Format.IniFormat)
window = build_window(
    LiveEnginePort(sessions_dir={str(tmp_path / "data")!r}),
    qsettings=settings,
    validation_cache=ValidationCache({str(cache)!r}),
)

def ready():
    heavy = ("numpy", "pydantic", "yaml", "session_player.playlist.model",
             "session_player.ui.preflight", "session_player.ui.console")
    print([name for name in heavy if name in sys.modules],
          "Qt" in vars(PySide6.QtCore), "QStyle" in vars(PySide6.QtWidgets),
          window.start_screen.result.from_cache,
          window.start_screen.device.count() > 0, flush=True)
    # Asked only now (the question builds QStyle), of the style under the stylesheet.
    app.setStyleSheet("")
    print(app.style().name(), flush=True)
    os._exit(0)

window.start_ready.connect(ready)
window.show_first()
QTimer.singleShot(20_000, lambda: os._exit(3))
app.exec()
"""
    env = dict(os.environ, SDL_AUDIODRIVER="dummy", QT_QPA_PLATFORM="offscreen")
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines[-2:] == ["[] False False True True", "fusion"]
