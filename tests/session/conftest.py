"""Shared fixtures for the session tests: a test playlist, a fake clock, a timeline factory."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from session_player.playlist.model import Playlist
from session_player.session.clock import FakeClock
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline

MINUTE = 60.0

# Phases: onset 10m (extendable twice by 5m; the clinician may hold it for up to 10m), peak
# 20m hold + max_hold 15m (own soundscape ocean), return 15m hold without max_hold,
# observation 60m (the last phase).
PLAYLIST_DATA: dict = {
    "title": "Test session",
    "route": "IV",
    "soundscapes": {
        "rain": {"name": "Rain", "layers": [{"bed": "rain.ogg"}]},
        "forest": {"name": "Forest", "layers": [{"bed": "forest.ogg"}]},
        "ocean": {"name": "Ocean", "layers": [{"bed": "ocean.ogg"}]},
        "ground": {"name": "Grounding", "layers": [{"bed": "ground.ogg"}]},
    },
    "patient": {
        "soundscapes": ["rain", "forest"],
        "default": "rain",
        "phases": ["settling", "onset", "return"],
    },
    "calm_down": {"music_db": -12, "soundscape": "ground", "fade": "5s"},
    "levels": {"default_volume_db": -6, "max_volume_db": -2},
    "transitions": {"phase_crossfade": "10s", "fade_in": "4s"},
    "settling": {"music": {"items": ["settle.ogg"], "loop": True}},
    "phases": [
        {
            "id": "onset",
            "duration": "10m",
            "max_extend": "10m",
            "extend_step": "5m",
            "max_hold": "10m",
            "music": {"items": ["a.ogg"]},
        },
        {
            "id": "peak",
            "duration": "20m",
            "end": "hold",
            "max_hold": "15m",
            "soundscape": "ocean",
            "crossfade": "20s",
        },
        {"id": "return", "name": "Coming back", "duration": "15m", "end": "hold"},
        {"id": "observation", "duration": "60m", "max_extend": "30m", "extend_step": "10m"},
    ],
    "clinical": {
        "vitals": [{"at": "pre-dose"}, {"at": "40m"}, {"at": "discharge"}],
        "minimum_observation": "2h",
    },
}


def make_playlist(**changes: object) -> Playlist:
    """The test playlist, with top-level keys replaced (``phases=[...]``, ``patient={...}``)."""
    data = copy.deepcopy(PLAYLIST_DATA)
    data.update(copy.deepcopy(changes))
    return Playlist.model_validate(data)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_fsync: really fsync journal writes in this test")


@pytest.fixture(autouse=True)
def _fast_fsync(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip the disk flush in timeline tests: it costs milliseconds per event on a busy disk.

    Durability itself is tested with the real ``os.fsync`` (``test_journal.py``, marked
    ``real_fsync``) and by killing a real subprocess (``test_crash_recovery.py``).
    """
    if request.node.get_closest_marker("real_fsync") is None:
        monkeypatch.setattr(os, "fsync", lambda fd: None)


@pytest.fixture
def build_playlist() -> Callable[..., Playlist]:
    """``build_playlist(phases=[...])``: the test playlist with top-level keys replaced."""
    return make_playlist


@pytest.fixture
def playlist_data() -> dict:
    return copy.deepcopy(PLAYLIST_DATA)


@pytest.fixture
def playlist() -> Playlist:
    return make_playlist()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "data")


@pytest.fixture
def make_timeline(store: SessionStore, clock: FakeClock) -> Callable[..., SessionTimeline]:
    def make(playlist: Playlist | None = None, **kwargs: object) -> SessionTimeline:
        return SessionTimeline(
            playlist or make_playlist(), store, clock, clock.wall, seed=1234, **kwargs
        )

    return make


@pytest.fixture
def timeline(make_timeline: Callable[..., SessionTimeline]) -> SessionTimeline:
    """A timeline in settling (started, dose not given)."""
    tl = make_timeline()
    tl.start("Room 2 / Pt A", "first session")
    return tl


@pytest.fixture
def dosed(timeline: SessionTimeline, clock: FakeClock) -> SessionTimeline:
    """A timeline 60 s after start, with the dose given then (onset running).

    The pre-dose baseline was skipped, so it is not due any more (it would otherwise stay
    due after the dose until recorded or skipped).
    """
    clock.advance(60)
    if any(check.at == "pre-dose" for check in timeline.playlist.clinical.vitals):
        timeline.skip_vitals("pre-dose", "taken on paper")
    timeline.mark_dose_given()
    return timeline


@pytest.fixture
def advance(clock: FakeClock) -> Callable[[SessionTimeline, float], list[dict]]:
    """``advance(timeline, seconds)``: move the clock and tick, as the GUI's timer would."""

    def move(timeline: SessionTimeline, seconds: float) -> list[dict]:
        clock.advance(seconds)
        return timeline.tick()

    return move
