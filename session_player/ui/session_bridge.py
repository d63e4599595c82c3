"""The Qt side of one running session: timeline changes as signals, commands with refusals.

The timeline calls its subscribers on whatever thread made the change (the audio thread may
raise an alert); emitting a Qt signal from there queues it to the GUI thread, so views only
ever run on the GUI thread. A display timer ticks the engine a few times a second and
publishes the running clocks (time since dose, the now-line), which by design do not trigger
the timeline's change notifications.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from session_player.session.commands import CommandRefused
from session_player.session.journal import read_journal
from session_player.ui import theme
from session_player.ui.ports import SessionPort


class SessionBridge(QObject):
    """Owns nothing but a subscription and a timer; views take it and connect to it."""

    changed = Signal(object)  # SessionState, on every discrete change
    ticked = Signal(object)  # SessionState, on every display tick (running clocks)
    events_added = Signal(list)  # new journal events (dicts), in order
    refused = Signal(str, str)  # command, reason (for the console's status line)
    done = Signal(str, str)  # command, message

    def __init__(self, engine: SessionPort, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.timeline = engine.timeline
        self.playlist = self.timeline.playlist
        self._seen_seq = 0
        self._state = self.timeline.state()
        self.changed.connect(self._remember)
        # Not initial: the first state is read above, synchronously, for the views' setup.
        self._unsubscribe = self.timeline.subscribe(self.changed.emit, initial=False)
        self._timer = QTimer(self)
        self._timer.setInterval(theme.GLIDE_MS)
        self._timer.timeout.connect(self.poll)

    @property
    def state(self):
        return self._state

    def _remember(self, state) -> None:
        self._state = state
        self._read_new_events()

    def start(self) -> None:
        self._timer.start()
        self.poll()

    def stop(self) -> None:
        self._timer.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def poll(self) -> None:
        """One display tick: let the engine advance, then publish the running clocks."""
        self.engine.tick()
        self._state = self.timeline.state()
        self._read_new_events()
        self.ticked.emit(self._state)

    def run(self, command: str, *args, **kwargs):
        """Call a timeline command; a refusal becomes ``refused`` (never an exception in a slot)."""
        try:
            result = getattr(self.timeline, command)(*args, **kwargs)
        except CommandRefused as refusal:
            self.refused.emit(command, refusal.reason)
            self._read_new_events()
            return None
        message = getattr(result, "message", "")
        self.done.emit(command, message)
        self._read_new_events()
        return result

    def _read_new_events(self) -> None:
        # The journal is the record of what happened, automatic transitions included; it is
        # small (hundreds of lines), and read only when its last seq moved.
        if self.timeline.last_seq <= self._seen_seq:
            return
        path = self.timeline.journal_path
        if path is None:
            return
        try:
            contents = read_journal(path)
        except OSError:
            return
        new = [event for event in contents.events if event["seq"] > self._seen_seq]
        if new:
            self._seen_seq = new[-1]["seq"]
            self.events_added.emit(new)

    def all_events(self) -> list[dict]:
        path = self.timeline.journal_path
        if path is None:
            return []
        try:
            return list(read_journal(path).events)
        except OSError:
            return []
