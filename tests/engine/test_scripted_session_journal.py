"""The scripted session (the studio's timeline, the offline render) journals to a throw-away
folder without fsyncs (tests/session/test_journal_durability.py)."""

from __future__ import annotations

import os
from pathlib import Path

from session_player.engine.scripted_session import run_script
from session_player.playlist.loader import load_playlist
from session_player.session import journal as journal_module

PLAYLIST = Path(__file__).resolve().parents[2] / "playlists" / "intranasal-esketamine.yaml"


def test_the_scripted_session_never_fsyncs_its_throw_away_journal(monkeypatch):
    calls: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(journal_module.os, "fsync", fsync)
    result = load_playlist(PLAYLIST)
    session = run_script(result.playlist, (), 120.0)
    assert session.end_s > 7000  # the whole two-hour arc was played out
    assert len(session.schedule.phases) >= 4  # its phases reached the audio schedule
    assert calls == []
