"""The start helper's answers, handed to the start screen and the main window.

The start screen and the main window ask for each part of the launch's background work
once (:meth:`LaunchResults.take`): the first playlist's structure check, the outputs, the
unfinished sessions. When the helper process (``session_player.app.start_helper``) has answered,
each part goes to the slot the worker thread's task would have fed, on the GUI thread; a part
it could not answer (the helper failed, timed out, or that part raised) goes to the
fallback instead, which starts the same task on the worker thread as without a helper.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from session_player.app.start_helper import StartHelper

log = logging.getLogger(__name__)


class LaunchResults(QObject):
    _answered = Signal(object)  # from the helper's reader thread: queued to the GUI thread

    def __init__(self, helper: StartHelper, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._helper = helper
        self._taken: set[str] = set()
        self._waiting: list[tuple[str, Callable, Callable[[], None]]] = []
        self._playlist: str | None = None
        self._sent = False
        self._answer: dict | None = None
        self._arrived = False
        self._answered.connect(self._on_answer)

    def take(
        self,
        part: str,
        on_value: Callable,
        on_fallback: Callable[[], None],
        *,
        playlist: str | None = None,
    ) -> bool:
        """Have the helper's answer for ``part`` go to ``on_value`` (or, if it has none, have
        ``on_fallback`` called instead); False if this part was taken already, or is asked
        for too late: then the caller does the work itself, as it would without a helper.

        "structure" needs ``playlist`` and must be taken before :meth:`send`, unless
        :meth:`ask_early` asked for that very playlist.
        """
        if part in self._taken:
            return False
        if part == "structure" and (
            not playlist or (self._sent and (self._playlist is None or playlist != self._playlist))
        ):
            return False
        self._taken.add(part)
        self._waiting.append((part, on_value, on_fallback))
        if part == "structure" and not self._sent:
            # At once: the helper answers while this process goes on building the window.
            self._playlist = playlist
            self.send()
        if self._arrived:
            self._deliver()
        return True

    def ask_early(self, playlist: str) -> None:
        """Send the request now, for the playlist the start screen is expected to show:
        the helper checks it while this process builds the window. If the start screen
        then checks another one, it checks that one itself (see :meth:`take`)."""
        if not self._sent:
            self._playlist = playlist
            self.send()

    def deliver_if_ready(self, wait_s: float) -> bool:
        """Hand the answer over now, on this thread, if it comes within ``wait_s``: before
        the window is first shown, so that it is painted once, complete. True if it was.
        Otherwise it arrives as usual, through the event loop."""
        if not self._arrived and self._sent and self._helper.wait_answer(wait_s):
            self._on_answer(self._helper.answer)
        return self._arrived

    def send(self) -> None:
        """Send the request: the playlist to check (taking "structure" sends it), or none."""
        if self._sent:
            return
        self._sent = True
        try:
            self._helper.request(self._playlist, self._answered.emit)
        except RuntimeError:
            self._on_answer(None)

    def close(self) -> None:
        self._helper.close()

    def _on_answer(self, answer: dict | None) -> None:
        if self._arrived:  # handed over already by deliver_if_ready
            return
        self._arrived = True
        self._answer = answer
        for name, level, message in (answer or {}).get("log", []):
            logging.getLogger(str(name)).log(int(level), "%s", message)
        self._deliver()

    def _deliver(self) -> None:
        waiting, self._waiting = self._waiting, []
        for part, on_value, on_fallback in waiting:
            try:
                value = self._value(part)
            except Exception:  # a malformed answer: do this part here
                log.warning("the start helper's %s cannot be used", part, exc_info=True)
                value = None
            if value is None:
                on_fallback()
            else:
                on_value(value)

    def _value(self, part: str):
        """The answer's ``part`` as the worker's task would return it; None if it has none."""
        entry = (self._answer or {}).get(part)
        if entry is None:
            return None
        value = entry["value"]
        if part == "structure":
            if value["playlist"] != self._playlist:
                return None
            from session_player.launch.start_check import PlaylistCheck

            # Marked as from the cache whatever the helper did: this process has not
            # validated it, so the follow-up validates afresh here (see StartScreen).
            return PlaylistCheck.from_json(value["check"])
        if part == "devices":
            if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
                return None
            return list(value)
        if part == "unfinished":
            from session_player.launch.unfinished_json import unfinished_from_json

            return unfinished_from_json(value)
        return None
