"""Session folders and finding the sessions a crash left unfinished."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

from session_player.session.clock import FakeClock
from session_player.session.store import (
    SessionStore,
    alias_slug,
    default_base_dir,
    find_unfinished_sessions,
)


def test_alias_slug() -> None:
    assert alias_slug("Room 2 / Pt A") == "room-2-pt-a"
    assert alias_slug("  ") == "session"
    assert alias_slug("Ünïcode ✓ name") == "n-code-name"
    assert len(alias_slug("x" * 200)) == 40


def test_default_base_dir_is_the_user_data_dir() -> None:
    assert default_base_dir().name == "session-player"


def test_session_folder_name_and_permissions(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "data")
    clock = FakeClock()
    first = store.create_journal("Pt A", clock.wall())
    second = store.create_journal("Pt A", clock.wall())  # same second, same alias
    assert first.folder.parent == tmp_path / "data" / "sessions"
    assert first.folder.name.endswith("-pt-a") and first.folder.name[8] == "-"
    assert second.folder.name == first.folder.name + "-2"
    assert first.path.name == "journal.jsonl"
    if sys.platform != "win32":
        assert stat.S_IMODE(store.sessions_dir.stat().st_mode) == 0o700
        assert stat.S_IMODE(first.folder.stat().st_mode) == 0o700


def test_find_unfinished_sessions_newest_first(tmp_path: Path, make_timeline, clock) -> None:
    base = tmp_path / "data"
    assert find_unfinished_sessions(base) == []
    older = make_timeline()
    older.start("older")
    clock.advance(3600)
    ended = make_timeline()
    ended.start("ended")
    ended.end_session(reason="test")
    clock.advance(3600)
    newer = make_timeline()
    newer.start("newer")
    # A folder whose first event never made it to the disk: nothing to resume.
    broken = base / "sessions" / "20260101-000000-broken"
    broken.mkdir()
    (broken / "journal.jsonl").write_bytes(b'{"seq":1,"type":"session_st')
    found = find_unfinished_sessions(base)
    assert [s.alias for s in found] == ["newer", "older"]
    assert found[0].journal_path == newer.journal_path
    assert found[0].event_count == 1 and not found[0].torn_tail
    assert SessionStore(base).unfinished() == found


def test_ended_sessions_are_passed_over_without_parsing_them(
    tmp_path: Path, make_timeline, clock, monkeypatch
) -> None:
    """A clinic's history is hundreds of journals; the look at launch parses only those that
    are not plainly ended. A note quoting the end event is not an end; nor is a torn one."""
    from session_player.session import store

    base = tmp_path / "data"
    for name in ("one", "two", "three"):
        done = make_timeline()
        done.start(name)
        clock.advance(60)
        done.end_session(reason="test")
    quoting = make_timeline()
    quoting.start("quoting")
    quoting.add_note('the log said "type":"session_ended" and {"type":"session_ended"}')
    clock.advance(60)
    torn = make_timeline()
    torn.start("torn")
    with open(torn.journal_path, "ab") as journal:  # the end event cut off by a crash
        journal.write(b'{"seq":99,"type":"session_ended","wall":"2026-01-01T00:0')
    parsed: list[str] = []
    real = store.read_journal

    def counting(path, data=None):
        parsed.append(Path(path).parent.name)
        return real(path, data)

    monkeypatch.setattr(store, "read_journal", counting)
    found = find_unfinished_sessions(base)
    assert [s.alias for s in found] == ["torn", "quoting"]
    assert found[0].torn_tail
    assert len(parsed) == 2  # the three ended ones were never parsed
