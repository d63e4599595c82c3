"""The Qt side of one running session: timeline changes as signals, commands with refusals.

The timeline calls its subscribers on whatever thread made the change (the audio thread may
raise an alert); emitting a Qt signal from there queues it to the GUI thread, so views only
ever run on the GUI thread. A display timer ticks the engine a few times a second and
publishes the running clocks (time since dose, the now-line), which by design do not trigger
the timeline's change notifications. New journal events reach the views the same way, by
the timeline's event subscription (never by re-reading the journal file).

Commands are rows of the session's command table (``session/command_table.py``), run here so
that a refusal becomes a signal instead of an exception in a slot.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from session_player.engine.ports import SessionPort
from session_player.session.command_table import SessionCommand
from session_player.session.commands import CommandRefused
from session_player.ui import theme


class SessionBridge(QObject):
    """Owns nothing but a subscription and a timer; views take it and connect to it."""

    changed = Signal(object)  # SessionState, on every discrete change
    ticked = Signal(object)  # SessionState, on every display tick (running clocks)
    events_added = Signal(list)  # new journal events (dicts), in order (from start(): all)
    refused = Signal(str, str)  # command, reason (for the console's status line)
    done = Signal(str, str)  # command, message

    def __init__(self, engine: SessionPort, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.timeline = engine.timeline
        self.playlist = self.timeline.playlist
        self._unsubscribe_events = None
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

    def start(self) -> None:
        # Every event so far at once (the views are connected by now), then each new batch.
        self._unsubscribe_events = self.timeline.subscribe_events(self.events_added.emit)
        self._timer.start()
        self.poll()

    def stop(self) -> None:
        self._timer.stop()
        for unsubscribe in (self._unsubscribe, self._unsubscribe_events):
            if unsubscribe is not None:
                unsubscribe()
        self._unsubscribe = self._unsubscribe_events = None

    def poll(self) -> None:
        """One display tick: let the engine advance, then publish the running clocks."""
        self.engine.tick()
        self._state = self.timeline.state()
        self.ticked.emit(self._state)

    def run(self, row: SessionCommand, *args, **kwargs):
        """Run a row of the command table on the timeline; a refusal becomes ``refused``
        (never an exception in a slot)."""
        name = row.command_name(self._state)
        try:
            result = row(self.timeline, *args, **kwargs)
        except CommandRefused as refusal:
            self.refused.emit(refusal.command or name, refusal.reason)
            return None
        if result is None:  # nothing to do (Louder at the limit)
            return None
        self.done.emit(getattr(result, "command", "") or name, getattr(result, "message", ""))
        return result

    def all_events(self) -> list[dict]:
        return list(self.timeline.events())
