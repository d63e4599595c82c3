"""What each layer of the mix is playing now, in one line under the arc.

"Music: Slow Tide 3:12 / 6:40 · Soundscape: Rain · Voice: — · Volume ▮▮▮▮▯ −10 dB". The
clinician checks it at a glance when the patient asks "what is this?" or when a voice cue
is playing (its words are shown, so the team knows what the patient has just heard).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from session_player.engine.ports import LayerNowPlaying
from session_player.playlist.durations import format_clock
from session_player.session.record import MIN_VOLUME_DB
from session_player.ui import theme
from session_player.ui.elided_label import ElidedLabel

LAYER_NAMES = {"music": "Music", "soundscape": "Soundscape", "voice": "Voice", "bells": "Bell"}
VOLUME_BARS = 8
ROW_SPACING_PX = 28  # between the layers' columns


def layer_text(item: LayerNowPlaying) -> str:
    if not item.title:
        return "—"
    text = item.title
    if item.position_s is not None and item.duration_s:
        text += f"  {format_clock(item.position_s)} / {format_clock(item.duration_s)}"
    return text


def volume_bars(volume_db: float, limit_db: float) -> str:
    """▮▮▮▮▯▯▯▯: the bar scale runs from −40 dB to the playlist's maximum."""
    low = -40.0
    span = max(1.0, limit_db - low)
    filled = round(max(0.0, min(1.0, (volume_db - low) / span)) * VOLUME_BARS)
    return "▮" * filled + "▯" * (VOLUME_BARS - filled)


class NowPlaying(QFrame):
    def __init__(self, bridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("now_playing")
        self.setProperty("role", "card")
        self._bridge = bridge
        self._values: dict[str, QLabel] = {}
        self._columns: list[QVBoxLayout] = []  # each layer's heading and value
        self._density = theme.NORMAL_DENSITY
        row = QHBoxLayout(self)
        row.setContentsMargins(*self._density.card_margins_px)
        row.setSpacing(ROW_SPACING_PX)
        for layer in ("music", "soundscape", "voice"):
            row.addLayout(
                self._column(layer, LAYER_NAMES[layer]), 3 if layer != "soundscape" else 2
            )
        self.volume = ElidedLabel()
        # Room for its longest words, so the level is never cut to "-1…".
        self.volume.setMinimumWidth(
            self.volume.fontMetrics().horizontalAdvance("▮" * VOLUME_BARS + "  -40 dB (max)") + 8
        )
        self.volume.setObjectName("volume_display")
        self.volume.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        volume_column = QVBoxLayout()
        volume_column.setSpacing(2)
        title = QLabel("Volume")
        title.setProperty("role", "hint")
        self.volume.setAccessibleName("Volume")
        title.setAlignment(Qt.AlignmentFlag.AlignRight)
        volume_column.addWidget(title)
        volume_column.addWidget(self.volume)
        self._columns.append(volume_column)
        row.addLayout(volume_column, 2)
        bridge.ticked.connect(self.refresh)
        bridge.changed.connect(self.refresh)
        self.refresh(bridge.state)

    def _column(self, layer: str, title: str) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(2)
        heading = QLabel(title)
        heading.setProperty("role", "hint")
        # Fixed lines (the voice's transcript two, the rest one), cut with "…" and whole in
        # the tooltip: a transcript that wrapped to a third line pushed every command
        # button below down by a line while the clinician reached for one.
        value = ElidedLabel("—", lines=2 if layer == "voice" else 1)
        value.setObjectName(f"now_{layer}")
        self._values[layer] = value
        column.addWidget(heading)
        column.addWidget(value)
        self._columns.append(column)
        return column

    def set_density(self, density: theme.ConsoleDensity, *, min_height_px: int = 0) -> None:
        """Compact (a short screen): less room around the same lines, the card no lower
        than ``min_height_px`` (an alert card floats over this one and must show whole).
        Each heading stays above its value: beside it, on one line, the card was no lower
        (the alert's height is the floor) and the values lost their room ("Rain" became
        "…" at 853 px)."""
        if density == self._density:
            return
        self._density = density
        compact = density is theme.COMPACT_DENSITY
        self.layout().setContentsMargins(*density.card_margins_px)
        self.layout().setSpacing(20 if compact else ROW_SPACING_PX)
        for column in self._columns:
            column.setSpacing(0 if compact else 2)
        self.setMinimumHeight(min_height_px if compact else 0)

    def text_of(self, layer: str) -> str:
        return self._values[layer].text()

    def refresh(self, state) -> None:
        items = {item.layer: item for item in self._bridge.engine.now_playing()}
        for layer, label in self._values.items():
            item = items.get(layer)
            text = layer_text(item) if item is not None else "—"
            if layer == "voice" and not (item and item.title) and "bells" in items:
                bell = items["bells"]
                text = f"Bell: {bell.title}" if bell.title else "—"
            if label.text() != text:
                label.setText(text)
        words = f"{volume_bars(state.volume_db, state.max_volume_db)}  {state.volume_db:g} dB"
        if state.silenced:
            words = "faded to silence"
        elif state.paused:
            words = "paused"
        elif state.live and not state.can_louder:
            words += " (max)"
        if state.volume_db <= MIN_VOLUME_DB + 1e-6:
            words = "muted"
        if self.volume.text() != words:
            self.volume.setText(words)
        theme.set_role(self.volume, "secondary" if (state.silenced or state.paused) else None)
