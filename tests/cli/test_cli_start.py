"""``session-player [PLAYLIST]``: the app starts on the playlist named, whatever else is there."""

from __future__ import annotations

import pytest

from session_player.app import composition_root as app
from session_player.cli import main as cli


@pytest.mark.parametrize(
    ("argv", "playlist"),
    [
        ([], None),
        (["demo.yaml"], "demo.yaml"),
        (["--fullscreen-patient", "demo.yaml"], "demo.yaml"),
        (["demo.yaml", "other.yaml"], "demo.yaml"),
        (["--fullscreen-patient"], None),
    ],
)
def test_the_app_starts_on_the_first_argument_that_is_not_an_option(monkeypatch, argv, playlist):
    started: list = []

    def run_app(playlist=None, *, rehearsal_speed=None, null_engine=False):
        started.append((playlist, rehearsal_speed))
        return 0

    monkeypatch.setattr(app, "run_app", run_app)
    assert cli.main(argv) == 0
    assert started == [(playlist, None)]


@pytest.mark.parametrize(
    ("argv", "playlist", "speed"),
    [
        (["--rehearsal", "demo.yaml"], "demo.yaml", 30.0),
        (["--rehearsal", "60", "demo.yaml"], "demo.yaml", 60.0),
        (["--rehearsal=10", "demo.yaml"], "demo.yaml", 10.0),
    ],
)
def test_a_rehearsal_starts_on_its_playlist_at_its_speed(monkeypatch, argv, playlist, speed):
    started: list = []

    def run_app(playlist=None, *, rehearsal_speed=None, null_engine=False):
        started.append((playlist, rehearsal_speed))
        return 0

    monkeypatch.setattr(app, "run_app", run_app)
    assert cli.main(argv) == 0
    assert started == [(playlist, speed)]


def test_a_sub_command_is_not_taken_for_a_playlist(monkeypatch, capsys):
    monkeypatch.setattr(app, "run_app", lambda playlist=None: pytest.fail("the app started"))
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert "session-player" in capsys.readouterr().out


def test_the_null_engine_is_chosen_by_its_option(monkeypatch):
    started: list = []

    def run_app(playlist=None, *, rehearsal_speed=None, null_engine=False):
        started.append((playlist, null_engine))
        return 0

    monkeypatch.setattr(app, "run_app", run_app)
    assert cli.main(["--null-engine", "demo.yaml"]) == 0
    assert cli.main(["demo.yaml"]) == 0
    assert started == [("demo.yaml", True), ("demo.yaml", False)]
