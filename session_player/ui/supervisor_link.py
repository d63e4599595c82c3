"""The main window's side of the supervisor: what to resume, and on which screen, after a crash.

The window tells the link when a session opens and closes and which screen the room sees;
the link keeps the supervisor's state file (``session_player.launch.supervisor_state``) up to
date. Without a supervisor (``--no-supervisor``, tests) there is no link and nothing is
written. A write that fails is logged: the session goes on, it is only the automatic
restart that would not know about it, and the clinician is told so (``on_failure``: the
main window raises a console alert), since they would otherwise count on it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from session_player.launch import supervisor_state

log = logging.getLogger(__name__)


class SupervisorLink:
    def __init__(self, path: str) -> None:
        self.path = path
        self._journal_path: str | None = None
        self._screen = "console"
        # Told why, once per session, when the state file cannot be written.
        self.on_failure: Callable[[str], None] | None = None
        self._failure_told = False

    @classmethod
    def from_environment(cls) -> SupervisorLink | None:
        path = supervisor_state.state_path()
        return cls(path) if path else None

    @property
    def screen(self) -> str:
        return self._screen

    def session_opened(self, journal_path: str) -> None:
        self._journal_path = str(journal_path)
        self._screen = "console"
        self._failure_told = False
        self._write()

    def screen_shown(self, screen: str) -> None:
        if screen == self._screen:
            return
        self._screen = screen
        self._write()

    def session_closed(self) -> None:
        if self._journal_path is None:
            return
        self._journal_path = None
        self._screen = "console"
        try:
            supervisor_state.clear_state(self.path)
        except OSError:
            log.warning("cannot remove the supervisor's state file %s", self.path, exc_info=True)

    def forget(self) -> None:
        """The session the supervisor asked for was not resumed (ended meanwhile, gone, or
        refused): a later crash must not resume it behind the clinician's back."""
        self._journal_path = None
        self._screen = "console"
        try:
            supervisor_state.clear_state(self.path)
        except OSError:
            log.warning("cannot remove the supervisor's state file %s", self.path, exc_info=True)

    def _write(self) -> None:
        if self._journal_path is None:
            return
        try:
            supervisor_state.write_state(self.path, self._journal_path, self._screen)
        except OSError as error:
            log.warning(
                "cannot write the supervisor's state file %s: after a crash the session "
                "would not be resumed by itself",
                self.path,
                exc_info=True,
            )
            if self.on_failure is not None and not self._failure_told:
                self._failure_told = True
                self.on_failure(error.strerror or str(error))
