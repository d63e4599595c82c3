"""``play`` honours the patient's course as the app does: the preferences recorded for the
alias take out of the playlist what they exclude (said, item by item, before the sound
starts), and ``--resume`` applies the course its session was started with, from the journal.
Last time's volume and soundscape are not taken over: in the app a clinician confirms them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from session_player.record.course import find_course
from session_player.record.course_playlist import (
    CourseChoice,
    apply_course,
    reapply_course,
    with_playlist,
)


def apply_preferences(loaded, alias: str, sessions_dir: str | None, say: Callable) -> dict | None:
    """Put the alias's preferences into ``loaded`` (an ``app.services.LoadedPlaylist``);
    returns what to journal in session_started (None when they change nothing)."""
    choice = CourseChoice.from_course(find_course(sessions_dir, alias))
    if choice.preferences_problem:
        print(
            f"session-player: warning: the preferences of {alias!r} cannot be read, so none "
            f"are applied: {choice.preferences_problem}",
            file=sys.stderr,
        )
    if choice.changes_nothing:
        return None
    applied = apply_course(loaded.playlist, choice)
    loaded.result = with_playlist(loaded.result, applied.playlist)
    count = len(applied.removed)
    say(f"preferences of {alias}: {count} item{'s' if count != 1 else ''} of the playlist removed")
    for removal in applied.removed:
        say(f"  {removal}")
    return choice.to_journal()


def reapply_for_resume(loaded, journal_path) -> None:
    """The course the session was started with, as its journal says, into ``loaded``."""
    loaded.result = reapply_course(loaded.result, journal_path)
