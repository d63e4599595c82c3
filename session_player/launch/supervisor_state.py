"""What the supervised app tells its supervisor, and what a restarted app is asked to do.

The supervisor (``session_player.app.supervisor``) runs the GUI as a child process. While a
session is open, the child keeps a small state file up to date: which journal it has open
and which screen the room sees (the console, or the patient view). The supervisor names
the file in ``STATE_ENV``; a child started without a supervisor writes none. Each write
goes to a temporary file first and is renamed over the old one, so the supervisor, reading
it after a crash (``kill -9``, a power blip of the GPU driver, a segfault in a library),
finds the last complete state, never half of one.

When the supervisor restarts a child to resume a session, it passes ``RESTART_ENV``: a JSON
document with the journal to resume, the screen to show, when the app died and why.

Qt-free and pygame-free: the supervisor imports this, and it must stay cheap.
"""

from __future__ import annotations

import contextlib
import os

STATE_ENV = "SESSION_PLAYER_SUPERVISOR_STATE"  # the file the child keeps up to date
RESTART_ENV = "SESSION_PLAYER_RESTART"  # JSON: the session a restarted child resumes
SCREENS = ("console", "patient")


def state_path() -> str | None:
    """The state file this process keeps, when a supervisor asked for one."""
    return os.environ.get(STATE_ENV) or None


def write_state(path: str, journal_path: str, screen: str) -> None:
    """Atomically: the session ``journal_path`` is open and ``screen`` is showing."""
    import json

    if screen not in SCREENS:
        raise ValueError(f"unknown screen {screen!r}")
    data = json.dumps({"journal_path": str(journal_path), "screen": screen, "pid": os.getpid()})
    temporary = f"{path}.{os.getpid()}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data.encode("utf-8"))
        os.fsync(fd)  # the rename must not land before the data (a power cut)
    finally:
        os.close(fd)
    os.replace(temporary, path)


def clear_state(path: str) -> None:
    """No session is open any more (ended, or closed on purpose)."""
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def read_state(path: str) -> dict | None:
    """The last state written, or None (no session open, or a file that is not ours)."""
    import json

    try:
        with open(path, encoding="utf-8") as stream:
            state = json.load(stream)
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or not isinstance(state.get("journal_path"), str):
        return None
    if state.get("screen") not in SCREENS:
        state["screen"] = "console"
    return state


def restart_request() -> dict | None:
    """What the supervisor asked this (restarted) process to resume, or None."""
    text = os.environ.get(RESTART_ENV)
    if not text:
        return None
    import json

    try:
        request = json.loads(text)
    except ValueError:
        return None
    if not isinstance(request, dict) or not isinstance(request.get("journal_path"), str):
        return None
    return request
