"""``session-player [PLAYLIST]``: the app starts on the playlist named, whatever else is there."""

from __future__ import annotations

import pytest

from session_player import app, cli


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
    monkeypatch.setattr(app, "run_app", lambda playlist=None: started.append(playlist) or 0)
    assert cli.main(argv) == 0
    assert started == [playlist]


def test_a_sub_command_is_not_taken_for_a_playlist(monkeypatch, capsys):
    monkeypatch.setattr(app, "run_app", lambda playlist=None: pytest.fail("the app started"))
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert "session-player" in capsys.readouterr().out
