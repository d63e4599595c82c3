"""Is a session using this playlist? Then the studio opens it read-only.

A session that has started and not ended (running now, or crashed and waiting to be resumed)
has a journal without ``session_ended`` naming the playlist it plays. Editing that file
would change what a resume plays, and what the record says was played: the studio refuses,
says why, and shows the playlist read-only.
"""

from __future__ import annotations

from pathlib import Path

from session_player.session.store import find_unfinished_sessions


def session_using(playlist: str | Path, sessions_base_dir: str | Path | None = None) -> str | None:
    """A sentence naming the session that uses ``playlist``, or None when none does."""
    wanted = _resolved(playlist)
    try:
        unfinished = find_unfinished_sessions(sessions_base_dir)
    except OSError:
        return None
    for session in unfinished:
        if session.playlist_path and _resolved(session.playlist_path) == wanted:
            started = session.started_wall[11:16] or session.started_wall
            alias = f' "{session.alias}"' if session.alias else ""
            return (
                f"A session{alias} (started {started}) uses this playlist and has not ended: "
                "opened read-only. Edit it once that session has ended."
            )
    return None


def _resolved(path: str | Path) -> str:
    try:
        return str(Path(path).expanduser().resolve())
    except OSError:
        return str(path)
