"""A session's journal is fsynced at every event; a preview's throw-away journal (the scripted
session behind the studio's timeline and the offline render) is not: it goes with its
temporary folder, and its fsyncs made the studio's refresh wait on the disk."""

from __future__ import annotations

import os

from session_player.session import journal as journal_module
from session_player.session.journal import read_journal
from session_player.session.store import SessionStore


def counting_fsync(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(journal_module.os, "fsync", fsync)
    return calls


def test_a_sessions_journal_is_fsynced_at_every_event(tmp_path, monkeypatch):
    calls = counting_fsync(monkeypatch)
    journal = SessionStore(tmp_path).create_journal("river", 1_800_000_000.0)
    before = len(calls)
    journal.append("note", {"text": "one"})
    journal.append("note", {"text": "two"})
    assert len(calls) == before + 2
    journal.close()


def test_a_throw_away_journal_is_written_whole_but_never_fsynced(tmp_path, monkeypatch):
    calls = counting_fsync(monkeypatch)
    journal = SessionStore(tmp_path, durable=False).create_journal("river", 1_800_000_000.0)
    journal.append("note", {"text": "one"})
    journal.append("note", {"text": "two"})
    journal.close()
    assert calls == []
    contents = read_journal(journal.path)
    assert [event["text"] for event in contents.events] == ["one", "two"]
    assert (journal.path.stat().st_mode & 0o777) == 0o600  # still owner-only
