"""Unfinished sessions as JSON: how the start helper process sends them to the window's.

Reading them back imports the session package only when there is one (the usual launch has
none, and the start screen must not wait for imports it does not need).
"""

from __future__ import annotations

_PATH_FIELDS = ("folder", "journal_path")  # UnfinishedSession's Path fields


def unfinished_to_json(sessions) -> list[dict]:
    import dataclasses

    out = []
    for session in sessions:
        entry = dataclasses.asdict(session)
        for name in _PATH_FIELDS:
            entry[name] = str(entry[name])
        out.append(entry)
    return out


def unfinished_from_json(entries: list) -> list:
    if not entries:
        return []  # the usual case: no need to import the session package for it
    from pathlib import Path

    from session_player.session.store import UnfinishedSession

    sessions = []
    for entry in entries:
        values = dict(entry)
        for name in _PATH_FIELDS:
            values[name] = Path(values[name])
        sessions.append(UnfinishedSession(**values))
    return sessions
