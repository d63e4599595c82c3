"""Where sessions live on disk: one private folder per session, and finding unfinished ones.

Layout (the base folder is injectable; by default the platform's user data folder)::

    <base>/sessions/20260101-104207-room-2-pt-a/journal.jsonl   (0600)
                                               /alive.json      (heartbeat, advisory)

Folders are ``0700`` because journals hold clinical notes. The folder name starts with the
local start time so that a plain listing is in order.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from session_player.session.clock import wall_from_iso
from session_player.session.journal import (
    JOURNAL_NAME,
    Journal,
    JournalContents,
    has_complete_event,
    make_private_folder,
    read_journal,
)

APP_NAME = "session-player"
SESSIONS_FOLDER = "sessions"
MAX_SLUG_LENGTH = 40


def default_base_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def alias_slug(alias: str) -> str:
    """``Room 2 / Pt A`` → ``room-2-pt-a``: safe in a folder name on every platform."""
    slug = re.sub(r"[^a-z0-9]+", "-", alias.lower()).strip("-")
    return slug[:MAX_SLUG_LENGTH].rstrip("-") or "session"


def file_sha256(path: str | os.PathLike) -> str | None:
    """The SHA-256 of a file's bytes, or None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 16), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


@dataclass(frozen=True)
class UnfinishedSession:
    """A session whose journal has no ``session_ended``: offered for recovery at start-up."""

    folder: Path
    journal_path: Path
    alias: str
    started_wall: str  # ISO 8601, from the session_started event
    playlist_path: str | None
    playlist_sha256: str | None
    last_event_wall: str
    event_count: int
    torn_tail: bool
    problem_count: int


class SessionStore:
    """The sessions folder: creates per-session journals and lists unfinished sessions."""

    def __init__(self, base_dir: str | os.PathLike | None = None, *, durable: bool = True) -> None:
        self.base_dir = Path(base_dir) if base_dir is not None else default_base_dir()
        # False: journals that are thrown away at once (a preview), never fsynced.
        self.durable = durable

    @property
    def sessions_dir(self) -> Path:
        return self.base_dir / SESSIONS_FOLDER

    def create_journal(self, alias: str, started_wall_s: float) -> Journal:
        """A new journal in a new folder ``<YYYYmmdd-HHMMSS>-<alias-slug>``."""
        if not self.base_dir.exists():
            make_private_folder(self.base_dir)
        make_private_folder(self.sessions_dir)
        stem = f"{datetime.fromtimestamp(started_wall_s):%Y%m%d-%H%M%S}-{alias_slug(alias)}"
        for attempt in range(1, 1000):
            # Two sessions started in the same second with the same alias get -2, -3…
            name = stem if attempt == 1 else f"{stem}-{attempt}"
            folder = self.sessions_dir / name
            try:
                folder.mkdir(mode=0o700)
            except FileExistsError:
                continue
            make_private_folder(folder)
            return Journal.create(folder / JOURNAL_NAME, durable=self.durable)
        raise FileExistsError(f"too many sessions named {stem} in {self.sessions_dir}")

    def unfinished(self) -> list[UnfinishedSession]:
        return find_unfinished_sessions(self.base_dir)


def _unfinished(folder: Path, contents: JournalContents) -> UnfinishedSession | None:
    if not contents.events or contents.events[0]["type"] != "session_started":
        return None  # nothing was durably started: there is nothing to resume
    if contents.of_type("session_ended"):
        return None
    first = contents.events[0]
    if isinstance(first.get("rehearsal"), dict):
        # A rehearsal (session/rehearsal.py) copied here is still never a patient's session.
        return None
    return UnfinishedSession(
        folder=folder,
        journal_path=contents.path,
        alias=str(first.get("alias", "")),
        started_wall=str(first.get("wall", "")),
        playlist_path=first.get("playlist_path"),
        playlist_sha256=first.get("playlist_sha256"),
        last_event_wall=str(contents.events[-1].get("wall", "")),
        event_count=len(contents.events),
        torn_tail=contents.torn_tail,
        problem_count=len(contents.problems),
    )


def _epoch(iso: str) -> float:
    try:
        return wall_from_iso(iso)
    except ValueError:
        return 0.0


def find_unfinished_sessions(base_dir: str | os.PathLike | None = None) -> list[UnfinishedSession]:
    """Sessions whose journal has no ``session_ended`` event, newest first.

    A folder whose journal has no complete ``session_started`` (the app died while creating
    it) is left out: no event of it was ever acknowledged, so there is nothing to resume.
    """
    base = Path(base_dir) if base_dir is not None else default_base_dir()
    sessions_dir = base / SESSIONS_FOLDER
    if not sessions_dir.is_dir():
        return []
    found: list[UnfinishedSession] = []
    for folder in sessions_dir.iterdir():
        journal_path = folder / JOURNAL_NAME
        if not journal_path.is_file():
            continue
        try:
            data = journal_path.read_bytes()
        except OSError:
            continue
        if has_complete_event(data, "session_ended"):
            continue  # most of them: no need to parse the rest
        session = _unfinished(folder, read_journal(journal_path, data))
        if session is not None:
            found.append(session)
    # Compare instants, not texts: two sessions may straddle a change of UTC offset (DST).
    found.sort(key=lambda s: (_epoch(s.started_wall), s.folder.name), reverse=True)
    return found
