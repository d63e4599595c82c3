"""The journal file: durable appends, private files, tolerant reading, torn tails."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from session_player.session import journal as journal_module
from session_player.session.journal import (
    Journal,
    JournalBusy,
    JournalError,
    read_heartbeat,
    read_journal,
)

pytestmark = pytest.mark.real_fsync
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def _write_events(path: Path, count: int) -> Journal:
    journal = Journal.create(path)
    for number in range(count):
        journal.append("note", {"session_s": float(number), "text": f"note {number}"})
    return journal


def test_each_append_is_one_line_written_and_fsynced_before_it_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(journal_module.os, "fsync", counting_fsync)
    journal = Journal.create(tmp_path / "s" / "journal.jsonl")
    synced.clear()  # creating fsyncs the folder
    for number in range(3):
        event = journal.append("note", {"text": f"line {number}\nwith a newline"})
        assert event["seq"] == number + 1
        # Durable when append returns: fsynced, and the line is complete on disk.
        assert len(synced) == number + 1
        lines = journal.path.read_bytes().split(b"\n")
        assert json.loads(lines[number])["seq"] == number + 1
    text = journal.path.read_text("ascii")
    assert text.count("\n") == 3 and text.endswith("\n")
    assert [e["text"] for e in read_journal(journal.path).events][0] == "line 0\nwith a newline"


def test_keys_start_with_seq_and_type_and_reserved_keys_are_refused(tmp_path: Path) -> None:
    journal = Journal.create(tmp_path / "journal.jsonl")
    journal.append("note", {"session_s": 1.0})
    assert journal.path.read_text().startswith('{"seq":1,"type":"note",')
    with pytest.raises(ValueError, match="reserved"):
        journal.append("note", {"seq": 7})
    with pytest.raises(ValueError):
        journal.append("note", {"x": float("nan")})  # NaN is not JSON


@posix_only
def test_files_and_folders_are_private(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        journal = Journal.create(tmp_path / "base" / "sessions" / "one" / "journal.jsonl")
        journal.append("note", {})
        journal.write_heartbeat({"wall": "x"})
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal.folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((journal.folder / "alive.json").stat().st_mode) == 0o600


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    _write_events(tmp_path / "journal.jsonl", 1).close()
    with pytest.raises(FileExistsError):
        Journal.create(tmp_path / "journal.jsonl")


def test_a_torn_last_line_is_reported_ignored_and_cut_on_reopening(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    _write_events(path, 3).close()
    good_size = path.stat().st_size
    with open(path, "ab") as stream:
        stream.write(b'{"seq":4,"type":"note","text":"cut sho')  # the crash
    contents = read_journal(path)
    assert [e["seq"] for e in contents.events] == [1, 2, 3]
    assert contents.torn_tail and contents.torn_bytes == path.stat().st_size - good_size
    assert contents.problems == ()

    journal, reopened = Journal.open_append(path)
    assert reopened.torn_tail and path.stat().st_size == good_size
    event = journal.append("note", {"text": "after the crash"})
    assert event["seq"] == 4
    contents = read_journal(path)
    assert [e["seq"] for e in contents.events] == [1, 2, 3, 4]
    assert not contents.torn_tail and contents.problems == ()


@pytest.mark.parametrize(
    "tail",
    [
        b'{"seq":4,"type":"note"}',  # complete JSON but no newline: the write did not finish
        b"\x00\x00\x00\x00\x00",  # zero-filled block after a power cut
        b'{"seq":4,"ty\n',  # invalid JSON, even with a newline
        b"garbage\n\x00\x00",
    ],
)
def test_torn_tails_of_every_shape(tmp_path: Path, tail: bytes) -> None:
    path = tmp_path / "journal.jsonl"
    _write_events(path, 2).close()
    with open(path, "ab") as stream:
        stream.write(tail)
    contents = read_journal(path)
    assert [e["seq"] for e in contents.events] == [1, 2]
    assert contents.torn_tail and contents.torn_bytes == len(tail)
    journal, _ = Journal.open_append(path)
    journal.append("note", {})
    assert [e["seq"] for e in read_journal(path).events] == [1, 2, 3]


def test_a_corrupt_line_in_the_middle_is_skipped_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    _write_events(path, 4).close()
    lines = path.read_bytes().split(b"\n")
    lines[1] = b'{"seq":2,"type":"no#te"' + b"\xff"  # damaged bytes
    lines[2] = b"[1, 2, 3]"  # JSON, but not an event
    path.write_bytes(b"\n".join(lines))
    contents = read_journal(path)
    assert [e["seq"] for e in contents.events] == [1, 4]
    assert [p.line_no for p in contents.problems] == [2, 3]
    assert "not valid JSON" in contents.problems[0].message
    assert not contents.torn_tail


def test_a_repeated_seq_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    _write_events(path, 2).close()
    first = path.read_bytes().split(b"\n")[0]
    with open(path, "ab") as stream:
        stream.write(first + b"\n")
        stream.write(b'{"seq":3,"type":"note"}\n')
    contents = read_journal(path)
    assert [e["seq"] for e in contents.events] == [1, 2, 3]
    assert "seq 1 after 2" in contents.problems[0].message


def test_an_empty_file_has_no_events(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_bytes(b"")
    contents = read_journal(path)
    assert contents.events == () and not contents.torn_tail and contents.last_seq == 0


def test_a_failed_write_leaves_no_fragment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journal = _write_events(tmp_path / "journal.jsonl", 1)
    size = journal.path.stat().st_size
    real_write = os.write

    def half_write(fd: int, data: bytes) -> int:
        real_write(fd, bytes(data[:5]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(journal_module.os, "write", half_write)
    with pytest.raises(JournalError, match="No space left"):
        journal.append("note", {"text": "lost"})
    monkeypatch.undo()
    assert journal.path.stat().st_size == size
    assert journal.append("note", {})["seq"] == 2
    assert [e["seq"] for e in read_journal(journal.path).events] == [1, 2]


def test_heartbeat_is_overwritten_and_read_back(tmp_path: Path) -> None:
    journal = _write_events(tmp_path / "journal.jsonl", 1)
    assert read_heartbeat(tmp_path) is None
    journal.write_heartbeat({"seq": 1, "wall": "a long first value"})
    journal.write_heartbeat({"seq": 2, "wall": "b"})  # shorter: no leftover of the first
    assert read_heartbeat(tmp_path) == {"seq": 2, "wall": "b"}
    (tmp_path / "alive.json").write_text("{broken")
    assert read_heartbeat(tmp_path) is None


@posix_only
def test_a_journal_has_one_writer_at_a_time(tmp_path: Path) -> None:
    journal = _write_events(tmp_path / "journal.jsonl", 1)
    with pytest.raises(JournalBusy, match="open in another Session Player process"):
        Journal.open_append(journal.path)
    journal.close()  # a crash releases the lock the same way
    reopened, _ = Journal.open_append(journal.path)
    reopened.close()


def test_a_closed_journal_refuses_to_write(tmp_path: Path) -> None:
    with _write_events(tmp_path / "journal.jsonl", 1) as journal:
        pass
    with pytest.raises(JournalError, match="closed"):
        journal.append("note", {})
