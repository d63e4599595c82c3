"""The session journal: an append-only JSON Lines file that survives crashes.

One event per line, ASCII only (``\\n`` in a note is escaped), written with a single
``os.write`` and made durable with ``os.fsync`` before ``append`` returns: an event whose
``append`` returned is on the disk, whatever happens next. Files are created ``0600``.

A crash (or power loss) can leave a **torn tail**: a last line without its newline, or
garbage (invalid JSON, zero bytes) after the last good line. Reading detects it, reports it
and ignores it; reopening for append truncates it, so the next event starts on a clean line
instead of being glued to the fragment. A bad line *between* good lines (disk corruption,
a hand edit) is skipped and reported, and reading goes on.

Every event starts with the same keys, in this order::

    {"seq": 12, "type": "phase_started", "mono_s": ..., "wall": "2026-…+01:00",
     "session_s": ..., "dose_s": ..., ...payload}

``seq`` counts from 1 without gaps. Which times mean what is the timeline's business (see
``timeline.py``); this module only checks that ``seq`` and ``type`` are there.

When the disk refuses a write (full, removed), ``HeldEvents`` keeps the events in order and
writes them as soon as it can, each marked ``written_late_wall`` (when it reached the disk)
and ``written_late_s`` (how long after it happened); ``JournalSaving`` says meanwhile that
the record is not being saved, since when, and how many events wait.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from session_player.session.clock import wall_iso

FILE_MODE = 0o600
FOLDER_MODE = 0o700
JOURNAL_NAME = "journal.jsonl"
HEARTBEAT_NAME = "alive.json"
HEARTBEAT_BYTES = 512
RESERVED_KEYS = ("seq", "type")


class JournalError(Exception):
    """The journal cannot be written (disk full, folder removed…); the message says why."""


class JournalBusy(JournalError):
    """Another process has this journal open: two writers would interleave their events."""


def _lock_exclusively(fd: int, path: Path) -> None:
    # An advisory lock held while the journal is open. The kernel drops it when the process
    # dies, even by SIGKILL, so a crashed session can be resumed at once; a second app
    # window resuming the same session is refused instead of writing duplicate seqs.
    try:
        import fcntl
    except ImportError:  # Windows: no fcntl; a second writer is not detected there
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        raise JournalBusy(f"{path} is open in another Session Player process") from exc


@dataclass(frozen=True)
class JournalProblem:
    line_no: int  # 1-based line in the file
    message: str


@dataclass(frozen=True)
class JournalContents:
    """What a journal file holds, read tolerantly."""

    path: Path
    events: tuple[dict, ...]
    problems: tuple[JournalProblem, ...] = ()  # skipped lines in the middle
    torn_tail: bool = False  # the file ends with a fragment that was ignored
    torn_bytes: int = 0  # size of that fragment
    valid_length: int = 0  # bytes up to the newline of the last good line

    @property
    def last_seq(self) -> int:
        return self.events[-1]["seq"] if self.events else 0

    def of_type(self, event_type: str) -> list[dict]:
        return [event for event in self.events if event["type"] == event_type]


def encode_event(event: dict) -> bytes:
    # allow_nan=False: NaN is not JSON, and a NaN time would poison the replay.
    return (
        json.dumps(event, ensure_ascii=True, separators=(",", ":"), allow_nan=False) + "\n"
    ).encode("ascii")


def _parse_line(raw: bytes) -> tuple[dict | None, str]:
    """The event on one line (without its newline), or None and why not."""
    if not raw.strip():
        return None, "empty line"
    try:
        event = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return None, f"not valid JSON ({exc})"
    if not isinstance(event, dict):
        return None, "not a JSON object"
    seq = event.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        return None, "no valid seq"
    if not isinstance(event.get("type"), str):
        return None, "no event type"
    return event, ""


def has_complete_event(data: bytes, event_type: str) -> bool:
    """Whether a journal's bytes hold a whole, valid line whose event is ``event_type``,
    found without parsing the rest (the look for unfinished sessions skips every ended one
    this way: a clinic's history is hundreds of journals).

    Events are written compactly with every string escaped (``encode_event``), so the
    bytes ``"type":"<event_type>"`` come from an event's own key, or a nested one, never
    from inside a note; the line holding them is parsed to be sure.
    """
    marker = b'"type":' + json.dumps(event_type).encode("ascii")
    at = data.rfind(marker)
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        if end >= 0:  # a line without its newline is torn: it does not count
            event, _why = _parse_line(data[start:end])
            if event is not None and event["type"] == event_type:
                return True
        at = data.rfind(marker, 0, start)
    return False


def read_journal(path: str | os.PathLike, data: bytes | None = None) -> JournalContents:
    """Every good event of a journal, in order, tolerating a torn tail and bad lines.

    ``data``: its bytes, if they have been read already."""
    path = Path(path)
    if data is None:
        data = path.read_bytes()
    # (start offset, line bytes, ended by a newline?)
    lines: list[tuple[int, bytes, bool]] = []
    start = 0
    while start < len(data):
        newline = data.find(b"\n", start)
        if newline < 0:
            lines.append((start, data[start:], False))
            break
        lines.append((start, data[start:newline], True))
        start = newline + 1

    parsed: list[tuple[int, dict | None, str]] = []
    for line_no, (_offset, raw, complete) in enumerate(lines, start=1):
        event, why = _parse_line(raw) if complete else (None, "no newline at the end")
        parsed.append((line_no, event, why))

    # The torn tail: every line after the last good one (all of them bad). A bad line with a
    # good line after it is corruption in the middle, not a crash artefact.
    last_good = max((i for i, (_, event, _) in enumerate(parsed) if event is not None), default=-1)
    valid_length = 0
    if last_good >= 0:
        offset, raw, _ = lines[last_good]
        valid_length = offset + len(raw) + 1

    events: list[dict] = []
    problems: list[JournalProblem] = []
    for line_no, event, why in parsed[: last_good + 1]:
        if event is None:
            problems.append(JournalProblem(line_no, f"skipped: {why}"))
        elif events and event["seq"] <= events[-1]["seq"]:
            # A line written twice (or copied by hand): the first one counts.
            problems.append(
                JournalProblem(line_no, f"skipped: seq {event['seq']} after {events[-1]['seq']}")
            )
        else:
            events.append(event)
    torn_bytes = len(data) - valid_length
    return JournalContents(
        path=path,
        events=tuple(events),
        problems=tuple(problems),
        torn_tail=torn_bytes > 0,
        torn_bytes=torn_bytes,
        valid_length=valid_length,
    )


def _fsync_folder(folder: Path) -> None:
    # A new file is durable only once its folder entry is: fsync the folder (POSIX only).
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` (and parents) and make it readable by its owner only."""
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    # mkdir's mode is filtered by the umask; chmod says exactly what we mean.
    with contextlib.suppress(OSError):
        os.chmod(folder, FOLDER_MODE)


class Journal:
    """One open journal file, appended to by one writer."""

    # How bytes reach the file: ``os.write`` when None. A test puts a writer that fails
    # (ENOSPC) here to play a full disk where it cannot mount one.
    write_bytes: Callable[[int, memoryview], int] | None = None

    def __init__(self, path: Path, fd: int, last_seq: int, durable: bool = True) -> None:
        self.path = path
        # False only for a journal thrown away at once (a preview's scripted session, see
        # SessionStore): nobody needs it after a crash, and 50 fsyncs made the studio's
        # refresh of a 5,000-item playlist wait on the disk (bench/studio.py).
        self.durable = durable
        self._fd: int | None = fd
        self._last_seq = last_seq
        self._heartbeat_fd: int | None = None

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike, *, durable: bool = True) -> Journal:
        """A new, empty journal (its folder is created ``0700``); refuses to overwrite one.
        ``durable=False``: never fsynced (a throw-away preview's journal only)."""
        path = Path(path)
        make_private_folder(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, FILE_MODE)
        _lock_exclusively(fd, path)
        with contextlib.suppress(OSError, AttributeError):
            os.fchmod(fd, FILE_MODE)  # the umask may have removed bits; never added any
        if durable:
            _fsync_folder(path.parent)
        return cls(path, fd, last_seq=0, durable=durable)

    @classmethod
    def open_append(cls, path: str | os.PathLike) -> tuple[Journal, JournalContents]:
        """Reopen an existing journal after a crash: read it, cut a torn tail, go on appending."""
        path = Path(path)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        _lock_exclusively(fd, path)  # before reading: the other writer may be mid-append
        try:
            contents = read_journal(path)
            if contents.torn_tail:
                os.ftruncate(fd, contents.valid_length)
                os.fsync(fd)
        except OSError:
            os.close(fd)
            raise
        return cls(path, fd, last_seq=contents.last_seq), contents

    # --- writing ---------------------------------------------------------------------------

    @property
    def last_seq(self) -> int:
        return self._last_seq

    @property
    def folder(self) -> Path:
        return self.path.parent

    def append(self, event_type: str, fields: dict) -> dict:
        """Write one event durably and return it with its ``seq``; raises ``JournalError``."""
        if self._fd is None:
            raise JournalError(f"the journal {self.path} is closed")
        clash = [key for key in RESERVED_KEYS if key in fields]
        if clash:
            raise ValueError(f"event fields may not use the reserved keys {clash}")
        event = {"seq": self._last_seq + 1, "type": event_type, **fields}
        data = encode_event(event)
        size_before = os.fstat(self._fd).st_size
        try:
            view = memoryview(data)
            write = os.write if self.write_bytes is None else self.write_bytes
            while view:  # os.write may write less than asked (rare on files, but allowed)
                written = write(self._fd, view)
                view = view[written:]
            if self.durable:
                os.fsync(self._fd)
        except OSError as exc:
            # Leave no fragment behind, so a later append starts on a clean line.
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, size_before)
            raise JournalError(f"could not write to the journal {self.path}: {exc}") from exc
        self._last_seq = event["seq"]
        return event

    def write_heartbeat(self, data: dict) -> None:
        """Overwrite ``alive.json`` beside the journal: the last moment the app was known alive.

        Not fsynced and not part of the record: it only tells, after a crash, how long the
        app was away (the journal may have been quiet for a long time before the crash).
        It is rewritten in place, padded to a fixed size, because it is written every few
        seconds for hours; a write torn by a crash leaves bad JSON, which reads as "no
        heartbeat" and makes the away time an upper bound. Nothing worse.
        """
        text = json.dumps(data, allow_nan=False).encode("ascii")
        if len(text) > HEARTBEAT_BYTES:
            return
        try:
            if self._heartbeat_fd is None:
                self._heartbeat_fd = os.open(
                    self.folder / HEARTBEAT_NAME, os.O_WRONLY | os.O_CREAT, FILE_MODE
                )
            padded = text.ljust(HEARTBEAT_BYTES)  # JSON allows trailing spaces
            os.lseek(self._heartbeat_fd, 0, os.SEEK_SET)
            os.write(self._heartbeat_fd, padded)
        except OSError:
            pass  # advisory only

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._heartbeat_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._heartbeat_fd)
            self._heartbeat_fd = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_heartbeat(folder: str | os.PathLike) -> dict | None:
    """The last ``write_heartbeat`` data of a session folder, or None if missing or damaged."""
    try:
        data = json.loads((Path(folder) / HEARTBEAT_NAME).read_text("ascii"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True)
class JournalSaving:
    """Whether the record keeps up with the session: what the console's banner and ``play``
    say while the disk refuses the journal's writes."""

    saving: bool = True
    since_wall: str | None = None  # when the first event that could not be written happened
    since_session_s: float | None = None
    waiting: int = 0  # events kept in memory, in order, until the disk takes them
    error: str | None = None  # why, in the system's words ("No space left on device")
    written_late: int = 0  # events of this run written late so far (marked in the journal)


class HeldEvents:
    """The journal's events in order, held while the disk refuses them.

    The session goes on while its disk is full (a patient's calm down must not wait for a
    disk): an event that cannot be written waits here, with every later one behind it, and
    all are written, in order, at the next ``flush`` that succeeds. An event written late
    says so in the record: ``written_late_wall`` (when it reached the disk, ISO 8601) and
    ``written_late_s`` (seconds on the session clock after it happened).
    """

    def __init__(self, journal: Journal, wall_clock: Callable[[], float]) -> None:
        self._journal = journal
        self._wall_clock = wall_clock
        self._events: list[dict] = []
        self._error: str | None = None
        self._failed_first: dict | None = None  # the first event of this outage
        self._late_up_to_seq = 0  # events up to this seq waited through a failed write
        self._written_late = 0

    @property
    def journal(self) -> Journal:
        return self._journal

    @property
    def next_seq(self) -> int:
        return self._journal.last_seq + len(self._events) + 1

    @property
    def error(self) -> str | None:
        """Why the last write failed; None while the journal keeps up."""
        return self._error

    def add(self, event: dict, now_session_s: float) -> None:
        """Hold ``event`` (with its ``seq``) behind the others and try to write them all."""
        self._events.append(event)
        self.flush(now_session_s)

    def flush(self, now_session_s: float) -> bool:
        """Write what waits, in order; True when nothing waits any more."""
        while self._events:
            event = self._events[0]
            fields = {k: v for k, v in event.items() if k not in RESERVED_KEYS}
            # Late: it waited through a failed write (not one that came as the disk got room).
            late = event["seq"] <= self._late_up_to_seq
            if late:
                fields["written_late_wall"] = wall_iso(self._wall_clock())
                fields["written_late_s"] = max(0.0, now_session_s - float(event["session_s"]))
            try:
                written = self._journal.append(event["type"], fields)
            except JournalError as exc:
                self._error = str(exc)
                if self._failed_first is None:
                    self._failed_first = event
                self._late_up_to_seq = self._events[-1]["seq"]
                return False
            if late:
                # The record keeps what was written; the state's copy learns it too.
                event.update(
                    written_late_wall=written["written_late_wall"],
                    written_late_s=written["written_late_s"],
                )
                self._written_late += 1
            self._events.pop(0)
        self._error = None
        self._failed_first = None
        return True

    @property
    def saving(self) -> JournalSaving:
        first = self._failed_first
        if first is None:
            return JournalSaving(written_late=self._written_late)
        return JournalSaving(
            saving=False,
            since_wall=first.get("wall"),
            since_session_s=first.get("session_s"),
            waiting=len(self._events),
            error=self._error,
            written_late=self._written_late,
        )
