"""The studio's edit panel: what is selected on the timeline, and the common edits on it.

Every control here makes one edit object of ``session_player.studio.edits`` and hands it to
the window (``StudioWindow.apply_edit``), which applies, saves and reports it; nothing here
writes YAML. What can be done:

- a phase: its duration (``12m``, ``1h 30m``: Enter sets it) and its end (advance on time /
  hold for the clinician);
- a music item: move it earlier / later (also Alt+Up / Alt+Down on the timeline), remove it
  (also Delete);
- a voice cue or a bell: remove it (Delete);
- at the cursor: place a bell (B) or a voice cue (V) in the phase under the cursor, at the
  cursor's time from that phase's start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from session_player.playlist.durations import format_duration
from session_player.session.schedule import SETTLING
from session_player.ui.studio.session_map import Span

if TYPE_CHECKING:
    from session_player.ui.studio.studio_window import StudioWindow


class EditPanel(QWidget):
    def __init__(self, window: StudioWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.span: Span | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        self.selected = QLabel("Select an item on the timeline.", self)
        self.selected.setObjectName("selected_item")
        self.selected.setWordWrap(True)
        layout.addWidget(self.selected)

        self.phase_box = QGroupBox("Phase", self)
        form = QFormLayout(self.phase_box)
        self.duration = QLineEdit(self.phase_box)
        self.duration.setObjectName("phase_duration")
        self.duration.setPlaceholderText("12m")
        self.duration.setAccessibleName("Phase duration")
        form.addRow("Duration (Enter)", self.duration)
        self.end = QComboBox(self.phase_box)
        self.end.setObjectName("phase_end")
        self.end.addItem("advance on time", "advance")
        self.end.addItem("hold for the clinician", "hold")
        form.addRow("At its end", self.end)
        layout.addWidget(self.phase_box)

        self.item_box = QGroupBox("Item", self)
        row = QHBoxLayout(self.item_box)
        self.earlier = QPushButton("Earlier  Alt+↑", self.item_box)
        self.later = QPushButton("Later  Alt+↓", self.item_box)
        self.remove = QPushButton("Remove  Del", self.item_box)
        for button in (self.earlier, self.later, self.remove):
            row.addWidget(button)
        layout.addWidget(self.item_box)

        self.cue_box = QGroupBox("At the cursor", self)
        cues = QFormLayout(self.cue_box)
        self.bell = QComboBox(self.cue_box)
        self.bell.setObjectName("bell_choice")
        self.place_bell = QPushButton("Place bell  B", self.cue_box)
        self.place_bell.setObjectName("place_bell")
        bell_row = QHBoxLayout()
        bell_row.addWidget(self.bell, 1)
        bell_row.addWidget(self.place_bell)
        cues.addRow("Bell", bell_row)
        self.voice = QComboBox(self.cue_box)
        self.voice.setObjectName("voice_choice")
        self.place_voice = QPushButton("Place voice  V", self.cue_box)
        self.place_voice.setObjectName("place_voice")
        voice_row = QHBoxLayout()
        voice_row.addWidget(self.voice, 1)
        voice_row.addWidget(self.place_voice)
        cues.addRow("Voice", voice_row)
        layout.addWidget(self.cue_box)
        layout.addStretch(1)

        self.duration.returnPressed.connect(self._set_duration)
        self.end.activated.connect(self._set_end)
        self.earlier.clicked.connect(lambda: self.move_span(self.span, -1))
        self.later.clicked.connect(lambda: self.move_span(self.span, 1))
        self.remove.clicked.connect(lambda: self.remove_span(self.span))
        self.place_bell.clicked.connect(self.place_bell_at_cursor)
        self.place_voice.clicked.connect(self.place_voice_at_cursor)
        for text, key, slot in (
            ("Place bell at cursor", "B", self.place_bell_at_cursor),
            ("Place voice cue at cursor", "V", self.place_voice_at_cursor),
        ):
            action = QAction(text, window)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            window.addAction(action)
        self.show_span(None)

    def set_editable(self, editable: bool) -> None:
        for widget in (self.phase_box, self.item_box, self.cue_box):
            widget.setEnabled(editable)
        playlist = self.window.document.playlist if self.window.document is not None else None
        for combo, ids in (
            (self.bell, sorted(playlist.bells) if playlist else []),
            (self.voice, sorted(playlist.voices) if playlist else []),
        ):
            current = combo.currentText()
            combo.clear()
            combo.addItems(ids)
            if current in ids:
                combo.setCurrentText(current)

    # --- the selection ---------------------------------------------------------------------
    def show_span(self, span: Span | None) -> None:
        self.span = span
        if span is None:
            self.selected.setText("Select an item on the timeline.")
        else:
            text = f"<b>{span.label}</b>"
            if span.detail:
                text += f"<br>{span.detail}"
            for problem in span.problems:
                text += (
                    f"<br>line {problem.position.line}: {problem.severity.value}: {problem.message}"
                )
            self.selected.setText(text)
        phase = self._phase_of(span) if span is not None and span.lane == "phase" else None
        self.phase_box.setVisible(phase is not None)
        if phase is not None:
            self.duration.setText(format_duration(phase.duration))
            self.end.setCurrentIndex(0 if phase.end == "advance" else 1)
        self.item_box.setVisible(span is not None and span.kind in ("music", "voice", "bell"))
        movable = span is not None and span.kind == "music"
        self.earlier.setVisible(movable)
        self.later.setVisible(movable)

    def _phase_of(self, span: Span):
        playlist = self.window.document.playlist if self.window.document is not None else None
        if playlist is None or span.phase_index is None or span.phase_index == SETTLING:
            return None
        return playlist.phases[span.phase_index]

    def _target(self, phase_index: int | None) -> str | None:
        playlist = self.window.document.playlist if self.window.document is not None else None
        if playlist is None or phase_index is None:
            return None
        return "settling" if phase_index == SETTLING else playlist.phases[phase_index].id

    # --- edits -----------------------------------------------------------------------------
    def _set_duration(self) -> None:
        from session_player.studio.edits import SetPhaseDuration

        phase = self._phase_of(self.span) if self.span is not None else None
        if phase is not None:
            self.window.apply_edit(SetPhaseDuration(phase.id, self.duration.text().strip()))

    def _set_end(self, _index: int) -> None:
        from session_player.studio.edits import SetPhaseEnd

        phase = self._phase_of(self.span) if self.span is not None else None
        if phase is not None and self.end.currentData() != phase.end:
            self.window.apply_edit(SetPhaseEnd(phase.id, self.end.currentData()))

    def move_span(self, span: Span | None, direction: int) -> None:
        from session_player.studio.edits import MoveMusicItem

        index = _item_index(span, "items")
        target = self._target(span.phase_index) if span is not None else None
        if index is None or target is None:
            return
        self.window.apply_edit(MoveMusicItem(target, index, index + direction))

    def remove_span(self, span: Span | None) -> None:
        from session_player.studio.edits import RemoveCue, RemoveMusicItem

        if span is None:
            return
        target = self._target(span.phase_index)
        if target is None:
            return
        if span.kind == "music" and (index := _item_index(span, "items")) is not None:
            self.window.apply_edit(RemoveMusicItem(target, index))
        elif span.kind == "voice" and (index := _item_index(span, "voice")) is not None:
            self.window.apply_edit(RemoveCue(target, "voice", index))
        elif span.kind == "bell" and (index := _item_index(span, "bells")) is not None:
            self.window.apply_edit(RemoveCue(target, "bells", index))

    def _cursor_place(self) -> tuple[str, float] | None:
        """(target, seconds from its start) of the phase under the cursor."""
        session_map = self.window.session_map
        if session_map is None:
            return None
        cursor = self.window.canvas.cursor_s
        for span in session_map.spans_at(cursor, "phase"):
            if span.kind in ("phase", "settling") and span.start_s <= cursor < span.end_s:
                target = self._target(span.phase_index)
                if target is not None:
                    # Snapped to a round step no finer than a pixel: a click at "about 5
                    # minutes" on the whole session is 5m, not 5m1s.
                    pixel_s = 1.0 / self.window.canvas.px_per_s
                    step = next((s for s in (1, 5, 10, 15, 30, 60) if s >= pixel_s), 60)
                    return target, round((cursor - span.start_s) / step) * step
        self.window.status.setText("Put the cursor inside a phase to place a cue there.")
        return None

    def place_bell_at_cursor(self) -> None:
        from session_player.studio.edits import PlaceBell

        place = self._cursor_place()
        if place is None or self.window.read_only:
            return
        if not self.bell.currentText():
            self.window.status.setText("This playlist defines no bells (bells: in the file).")
            return
        self.window.apply_edit(
            PlaceBell(place[0], format_duration(place[1]), self.bell.currentText())
        )

    def place_voice_at_cursor(self) -> None:
        from session_player.studio.edits import PlaceVoiceCue

        place = self._cursor_place()
        if place is None or self.window.read_only:
            return
        if not self.voice.currentText():
            self.window.status.setText("This playlist defines no voices (voices: in the file).")
            return
        self.window.apply_edit(
            PlaceVoiceCue(place[0], format_duration(place[1]), cue=self.voice.currentText())
        )


def _item_index(span: Span | None, key: str) -> int | None:
    if span is None or span.yaml_path is None or len(span.yaml_path) < 2:
        return None
    if span.yaml_path[-2] == key and isinstance(span.yaml_path[-1], int):
        return span.yaml_path[-1]
    return None
