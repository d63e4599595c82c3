"""Fixtures for the UI tests: a headless Qt, a small clinic (playlists + real audio files),
the real timeline on a ``FakeClock`` behind ``NullEnginePort``, and settings in a temp file.

Exceptions raised inside Qt slots and virtual methods fail the test: pytest-qt captures them
by default (``qt_no_exception_capture`` is never set here; ``test_qt_exceptions_fail`` proves
it), and a session subscriber that fails is logged by the timeline, which fails the test too.
"""

from __future__ import annotations

import logging
import os
import textwrap
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QSettings, Qt  # noqa: E402

from session_player.app.qt_app import build_window  # noqa: E402
from session_player.engine.null_engine import NullEnginePort  # noqa: E402
from session_player.session.clock import FakeClock  # noqa: E402
from session_player.ui import theme  # noqa: E402
from session_player.ui.checklist_item import ItemState  # noqa: E402
from session_player.ui.settings import AppSettings  # noqa: E402
from tests.wav_tones import write_tone  # noqa: E402

TIMEOUT_MS = 15_000

PLAYLIST = """
title: Test infusion
route: IV
soundscapes:
  rain: {name: Rain, layers: [{bed: audio/bed.wav}]}
  ocean: {name: Ocean waves, layers: [{bed: audio/bed.wav}]}
  drone: {name: Warm drone, layers: [{bed: audio/bed.wav}]}
voices:
  welcome: {file: audio/voice.wav, text: Welcome. Let your breath settle.}
bells:
  bowl: {file: audio/bell.wav}
levels: {default_volume_db: -10, max_volume_db: -4}
patient:
  soundscapes: [rain, ocean, drone]
  default: rain
  phases: [settling, onset, observation]
calm_down: {music_db: -12, soundscape: drone, fade: 4s}
settling:
  music: {items: [audio/music.wav], loop: true}
phases:
  - id: onset
    duration: 10m
    music: {items: [audio/music.wav], loop: true}
    voice: [{at: 2m, cue: welcome}]
    bells: [{at: start, bell: bowl}]
    max_extend: 5m
    max_hold: 10m
  - id: peak
    duration: 15m
    soundscape: drone
    music: {items: [audio/music.wav], loop: true}
  - id: observation
    duration: 5m
    end: hold
    music: {items: [audio/music.wav], loop: true}
clinical:
  vitals:
    - {at: pre-dose, label: Baseline}
    - {at: 20m, label: Mid}
    - {at: discharge, label: Discharge}
  thresholds: {systolic_max: 140}
  minimum_observation: 1h
  discharge_checklist: [Alert and oriented, Escort present]
"""

# Line 5 has a typo'd key, so the problem sits at a known line and column.
INVALID = PLAYLIST.replace(
    "phases:\n  - id: onset\n    duration: 10m", "phases:\n  - id: onset\n    duraton: 10m"
)


@pytest.fixture(scope="session")
def clinic(tmp_path_factory) -> Path:
    """A folder with a valid and an invalid playlist and the small audio files they use."""
    folder = tmp_path_factory.mktemp("clinic")
    audio = folder / "audio"
    audio.mkdir()
    for name, seconds, frequency in (
        ("music", 3, 220),
        ("bed", 2, 110),
        ("voice", 1, 330),
        ("bell", 1, 660),
    ):
        write_tone(audio / f"{name}.wav", seconds, frequency)
    (folder / "test-infusion.yaml").write_text(textwrap.dedent(PLAYLIST).lstrip(), "utf-8")
    (folder / "broken.yaml").write_text(textwrap.dedent(INVALID).lstrip(), "utf-8")
    return folder


@pytest.fixture(scope="session", autouse=True)
def themed_app(qapp):
    theme.apply(qapp)
    return qapp


@pytest.fixture(autouse=True)
def no_failed_subscribers(caplog):
    """A view that raises while handling a session change fails the test."""
    caplog.set_level(logging.ERROR, logger="session_player")
    yield
    failures = [
        r
        for r in caplog.records
        if r.name.startswith("session_player") and r.levelno >= logging.ERROR
    ]
    assert not failures, [r.getMessage() for r in failures]


@pytest.fixture
def qsettings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def settings(qsettings) -> AppSettings:
    return AppSettings(qsettings)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def port(tmp_path, clock) -> NullEnginePort:
    return NullEnginePort(tmp_path / "data", clock=clock)


def clinic_window(qtbot, qsettings, clinic, port, playlist: Path | None = None, **options):
    """The main window on the test clinic's playlists (not shown yet); ``options`` go to
    ``build_window`` (a validation cache, a start helper)."""
    window = build_window(
        port,
        qsettings=qsettings,
        playlist=str(playlist) if playlist else None,
        bundled_folder=clinic,
        demo_playlist=clinic / "test-infusion.yaml",
        **options,
    )
    # Before qtbot closes the window: close the session, or closing would ask "are you
    # sure?" in a modal box that nobody answers.
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    return window


@pytest.fixture
def make_window(qtbot, qsettings, clinic):
    def make(port, *, playlist: Path | None = None):
        window = clinic_window(qtbot, qsettings, clinic, port, playlist)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


class Flow:
    """Steps shared by the tests: through the start screen and the pre-flight."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot

    def wait_validated(self, start, path: Path) -> None:
        wanted = str(Path(path).resolve())
        # Until the full check (structure, then every audio file decoded) is shown.
        self.qtbot.waitUntil(
            lambda: (
                start.result is not None
                and not start.checking_audio
                and str(Path(start.result.source).resolve()) == wanted
            ),
            timeout=TIMEOUT_MS,
        )

    def through_start(self, window, playlist: Path, alias: str = "Blue Heron") -> None:
        start = window.start_screen
        start.select_playlist(playlist)
        self.wait_validated(start, playlist)
        self.qtbot.waitUntil(lambda: start.devices_ready, timeout=TIMEOUT_MS)
        start.alias.setText(alias)
        assert start.start_button.isEnabled(), start.reason.text()
        self.qtbot.mouseClick(start.start_button, Qt.MouseButton.LeftButton)
        assert window.stack.currentWidget() is window.preflight

    def through_preflight(self, window) -> None:
        preflight = window.preflight
        self.qtbot.waitUntil(lambda: preflight.loudness.state is ItemState.DONE, timeout=TIMEOUT_MS)
        self.qtbot.mouseClick(preflight.play_test, Qt.MouseButton.LeftButton)
        self.qtbot.mouseClick(preflight.heard, Qt.MouseButton.LeftButton)
        assert preflight.start.isEnabled(), preflight.reason.text()
        self.qtbot.mouseClick(preflight.start, Qt.MouseButton.LeftButton)
        assert window.console is not None

    def start_session(self, window, playlist: Path, alias: str = "Blue Heron"):
        self.through_start(window, playlist, alias)
        self.through_preflight(window)
        return window.console, window.bridge


@pytest.fixture
def flow(qtbot) -> Flow:
    return Flow(qtbot)
