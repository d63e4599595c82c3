"""Rehearsals from the command line: ``--rehearsal [SPEED]`` for the app, and
``play --rehearsal SPEED``, which runs the real timeline without any sound device."""

from __future__ import annotations

import json
import textwrap

import pytest

from session_player.cli import main as cli
from session_player.cli.rehearsal_args import rehearsal_from_args
from session_player.session.rehearsal import REHEARSALS_FOLDER
from session_player.session.store import find_unfinished_sessions

PLAYLIST = """
title: Short rehearsal
route: IV
phases:
  - id: onset
    duration: 1m
  - id: peak
    duration: 2m
  - id: observation
    duration: 10m
clinical:
  minimum_observation: 30m
"""


@pytest.mark.parametrize(
    ("args", "speed", "rest"),
    [
        (["--rehearsal", "x.yaml"], 30.0, ["x.yaml"]),
        (["--rehearsal", "60", "x.yaml"], 60.0, ["x.yaml"]),
        (["x.yaml", "--rehearsal", "12x"], 12.0, ["x.yaml"]),
        (["--rehearsal=90", "x.yaml"], 90.0, ["x.yaml"]),
        (["x.yaml"], None, ["x.yaml"]),
    ],
)
def test_the_app_takes_rehearsal_and_an_optional_speed(args, speed, rest) -> None:
    assert rehearsal_from_args(args) == (speed, rest)


def test_the_app_refuses_a_speed_out_of_range(capsys) -> None:
    assert cli.main(["--rehearsal=5000", "x.yaml"]) == 2
    assert "rehearsal speed" in capsys.readouterr().err


def test_play_rehearsal_runs_silently_on_the_scaled_clock_and_is_journaled_apart(
    tmp_path, capsys, monkeypatch
) -> None:
    # No sound device at all: SDL is never asked for one (a driver that fails proves it).
    monkeypatch.setenv("SDL_AUDIODRIVER", "no-such-driver")
    playlist = tmp_path / "short.yaml"
    playlist.write_text(textwrap.dedent(PLAYLIST).lstrip(), "utf-8")
    data = tmp_path / "data"
    code = cli.main(
        [
            "play",
            str(playlist),
            "--rehearsal",
            "240",
            "--dose-at",
            "10s",
            "--stop-after",
            "4m",
            "--sessions-dir",
            str(data),
            "--quiet-keys",
            "--alias",
            "training",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Rehearsal ×240 (no sound) started" in out
    assert "Peak" in out
    folders = list((data / REHEARSALS_FOLDER).iterdir())
    assert len(folders) == 1
    with open(folders[0] / "journal.jsonl", encoding="utf-8") as stream:
        events = [json.loads(line) for line in stream if line.strip()]
    assert events[0]["rehearsal"] == {"speed": 240.0}
    dose = next(e for e in events if e["type"] == "dose_given")
    # --dose-at is on the rehearsal's clock (10 s of it, not 10 s of the real one: the
    # 1-minute onset is over long before 4 minutes of the real clock have passed).
    assert dose["dose_session_s"] >= 10.0
    assert [e["phase_id"] for e in events if e["type"] == "phase_started"] == [
        "peak",
        "observation",
    ]
    ended = events[-1]
    assert ended["type"] == "session_ended"
    assert not (data / "sessions").exists() or not find_unfinished_sessions(data)


def test_play_rehearsal_is_never_resumed(tmp_path, capsys) -> None:
    playlist = tmp_path / "short.yaml"
    playlist.write_text(textwrap.dedent(PLAYLIST).lstrip(), "utf-8")
    code = cli.main(["play", str(playlist), "--rehearsal", "30", "--resume", "--quiet-keys"])
    assert code == 2
    assert "never resumed" in capsys.readouterr().err
