"""Music dropped from the file manager onto a phase of the timeline.

Files or folders (a folder's files in name order) dropped on a phase are added to that
phase's music: after the music item they were dropped on, or at the end of its list. Every
file is checked first (``studio.edits.check_music_drop``: it must decode as audio); a file
that is not audio (a cover image, a text file) is refused with a message naming it, and the
others are still added, never silently dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject

from session_player.session.schedule import SETTLING

if TYPE_CHECKING:
    from session_player.ui.studio.studio_window import StudioWindow
    from session_player.ui.studio.timeline_view import TimelineCanvas


class _DropFilter(QObject):
    def __init__(self, canvas: TimelineCanvas, window: StudioWindow) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self.window = window

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if event.mimeData().hasUrls() and self._target_at(event.position().x()) is not None:
                event.acceptProposedAction()
            else:
                event.ignore()
            return True
        if kind == QEvent.Type.Drop:
            self._drop(event)
            return True
        return False

    def _target_at(self, x: float) -> tuple[str, int | None] | None:
        """(target, insert index or None for the end) for a drop at ``x``."""
        window = self.window
        session_map = window.session_map
        playlist = window.document.playlist if window.document is not None else None
        if session_map is None or playlist is None or window.read_only:
            return None
        time_s = self.canvas.time_at(x)
        phase = None
        for span in session_map.spans_at(time_s, "phase"):
            if span.kind in ("phase", "settling") and span.start_s <= time_s < span.end_s:
                phase = span
        if phase is None:
            return None
        index = phase.phase_index
        target = "settling" if index == SETTLING else playlist.phases[index].id
        for span in session_map.spans_at(time_s, "music"):
            path = span.yaml_path or ()
            if span.phase_index == index and len(path) >= 2 and path[-2] == "items":
                return target, int(path[-1]) + 1
        return target, None

    def _drop(self, event) -> None:
        place = self._target_at(event.position().x())
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if place is None or not paths:
            event.ignore()
            if self.window.read_only:
                self.window.status.setText("This playlist is open read-only: nothing was added.")
            return
        event.acceptProposedAction()
        target, index = place
        self.window.apply_dropped(target, index, paths)


def install_drop_target(canvas: TimelineCanvas, window: StudioWindow) -> None:
    canvas.setAcceptDrops(True)
    canvas.installEventFilter(_DropFilter(canvas, window))
