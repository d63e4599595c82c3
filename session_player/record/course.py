"""A patient's course of sessions, read from the journals in the data folder by alias.

Patients come for a series (six infusions is common). For the start screen this finds, for
one alias, every earlier session (newest first) with what the next session may take over
when the clinician confirms it: the soundscape chosen last, the volume last set, and the
notes; and for the history view, what happened in each (when, which playlist, how it
ended, vital signs, side effects, notes).

Rehearsals are never part of a patient's course (they live in ``rehearsals/``, and one
copied into ``sessions/`` is still skipped by its ``session_started`` event). A damaged
journal still counts, with what could be read and how many lines could not.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from session_player.record.preferences import (
    Preferences,
    PreferencesError,
    PreferenceStore,
    alias_key,
)
from session_player.session.clock import wall_from_iso
from session_player.session.journal import JOURNAL_NAME, read_journal
from session_player.session.store import SESSIONS_FOLDER, alias_slug, default_base_dir

# "20260101-104207-blue-heron" or "…-blue-heron-2" (two sessions started in one second)
_FOLDER = re.compile(r"^\d{8}-\d{6}-(?P<slug>.+)$")
FIRST_LINE_BYTES = 64 * 1024


@dataclass(frozen=True)
class PastSession:
    """One earlier session of the patient, as its journal tells it."""

    folder: Path
    journal_path: Path
    alias: str
    started_wall: str
    playlist_title: str
    playlist_path: str | None
    start_notes: str  # what was typed on the start screen (route, dose; notes)
    notes: tuple[str, ...] = ()  # notes taken during the session, in order
    ended_wall: str | None = None
    end_reason: str | None = None
    dose_wall: str | None = None
    last_soundscape: str | None = None  # the id last chosen (by the patient or clinician)
    last_volume_db: float | None = None  # the volume last set (None: never changed)
    vitals_count: int = 0
    side_effects: tuple[str, ...] = ()  # kinds, without the ones withdrawn as mistakes
    unreadable_lines: int = 0  # lines skipped (damage), a torn tail included

    @property
    def finished(self) -> bool:
        return self.ended_wall is not None

    @property
    def started_s(self) -> float:
        try:
            return wall_from_iso(self.started_wall)
        except ValueError:
            return 0.0


@dataclass(frozen=True)
class Course:
    """Everything known about one alias: earlier sessions (newest first), preferences."""

    alias: str
    sessions: tuple[PastSession, ...] = ()
    preferences: Preferences | None = None
    preferences_problem: str | None = None  # the preferences file exists but is unreadable
    base_dir: Path = field(default_factory=Path)

    @property
    def last(self) -> PastSession | None:
        return self.sessions[0] if self.sessions else None

    def last_soundscape(self) -> str | None:
        """The soundscape chosen last in the newest session that chose one."""
        return next((s.last_soundscape for s in self.sessions if s.last_soundscape), None)

    def last_volume_db(self) -> float | None:
        return next((s.last_volume_db for s in self.sessions if s.last_volume_db is not None), None)

    def last_notes(self) -> str:
        """The newest session's start notes (what the team wrote last time)."""
        return self.sessions[0].start_notes if self.sessions else ""


def _candidate_folders(sessions_dir: Path, alias: str) -> list[Path]:
    """Folders whose name may belong to ``alias`` (its slug, maybe with -2, -3…)."""
    slug = alias_slug(alias_key(alias))
    found = []
    try:
        entries = list(sessions_dir.iterdir())
    except OSError:
        return []
    for folder in entries:
        match = _FOLDER.match(folder.name)
        if match is None:
            continue
        tail = match.group("slug")
        if tail == slug or re.fullmatch(re.escape(slug) + r"-\d+", tail):
            found.append(folder)
    return found


def read_past_session(journal_path: Path) -> PastSession | None:
    """The session a journal holds; None if it holds no patient's session (a rehearsal,
    nothing durably started) or cannot be read at all."""
    try:
        contents = read_journal(journal_path)
    except OSError:
        return None
    events = contents.events
    if not events or events[0]["type"] != "session_started":
        return None
    first = events[0]
    if isinstance(first.get("rehearsal"), dict):
        return None
    notes: list[str] = []
    side_effects: dict[int, str] = {}
    withdrawn: set[int] = set()
    soundscape = None
    volume = None
    vitals = 0
    ended = None
    dose_wall = None
    for event in events:
        kind = event["type"]
        if kind == "note" and isinstance(event.get("text"), str):
            notes.append(event["text"])
        elif kind == "soundscape_chosen" and isinstance(event.get("soundscape_id"), str):
            soundscape = event["soundscape_id"]
        elif kind == "volume_set" and isinstance(event.get("volume_db"), int | float):
            volume = float(event["volume_db"])
        elif kind == "vitals_recorded":
            vitals += 1
        elif kind == "side_effect":
            side_effects[int(event["seq"])] = str(event.get("kind", ""))
        elif kind == "side_effect_withdrawn":
            withdrawn.add(int(event.get("side_effect_seq", 0)))
        elif kind == "dose_given":
            dose_wall = event.get("dose_wall", event.get("wall"))
        elif kind == "session_ended":
            ended = event
    return PastSession(
        folder=journal_path.parent,
        journal_path=journal_path,
        alias=str(first.get("alias", "")),
        started_wall=str(first.get("wall", "")),
        playlist_title=str(first.get("playlist_title") or ""),
        playlist_path=first.get("playlist_path"),
        start_notes=str(first.get("notes") or ""),
        notes=tuple(notes),
        ended_wall=None if ended is None else str(ended.get("wall", "")),
        end_reason=None if ended is None else ended.get("reason"),
        dose_wall=dose_wall,
        last_soundscape=soundscape,
        last_volume_db=volume,
        vitals_count=vitals,
        side_effects=tuple(k for seq, k in side_effects.items() if seq not in withdrawn),
        unreadable_lines=len(contents.problems) + (1 if contents.torn_tail else 0),
    )


def find_course(base_dir: str | os.PathLike | None, alias: str) -> Course:
    """The course of ``alias``: its earlier sessions, newest first, and its preferences."""
    base = Path(base_dir) if base_dir is not None else default_base_dir()
    key = alias_key(alias)
    sessions = []
    for folder in _candidate_folders(base / SESSIONS_FOLDER, alias):
        past = read_past_session(folder / JOURNAL_NAME)
        if past is not None and alias_key(past.alias) == key:
            sessions.append(past)
    # Compare instants, not texts: two sessions may straddle a change of UTC offset (DST).
    sessions.sort(key=lambda s: (s.started_s, s.folder.name), reverse=True)
    preferences = None
    problem = None
    try:
        preferences = PreferenceStore(base).load(alias)
    except PreferencesError as exc:
        problem = str(exc)
    return Course(
        alias=" ".join(alias.split()),
        sessions=tuple(sessions),
        preferences=preferences,
        preferences_problem=problem,
        base_dir=base,
    )


def known_aliases(base_dir: str | os.PathLike | None) -> list[str]:
    """Every alias with a session in the data folder, most recent first (for completion).

    Reads only each journal's first line: a clinic's history is hundreds of journals.
    """
    base = Path(base_dir) if base_dir is not None else default_base_dir()
    latest: dict[str, tuple[str, str]] = {}  # key -> (folder name, alias as written)
    try:
        folders = sorted((base / SESSIONS_FOLDER).iterdir(), key=lambda p: p.name)
    except OSError:
        return []
    for folder in folders:
        try:
            with open(folder / JOURNAL_NAME, "rb") as stream:
                line = stream.readline(FIRST_LINE_BYTES)
            first = json.loads(line.decode("utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if not isinstance(first, dict) or first.get("type") != "session_started":
            continue
        if isinstance(first.get("rehearsal"), dict):
            continue
        alias = " ".join(str(first.get("alias", "")).split())
        if alias:
            latest[alias_key(alias)] = (folder.name, alias)
    return [alias for _name, alias in sorted(latest.values(), reverse=True)]
