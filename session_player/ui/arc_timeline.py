"""The session's arc on the console: phases as bands, cue and check marks, a gliding now-line.

Painted by hand from an ``ArcLayout`` (see ``arc_model``): one glance says where the session
is, what comes next (a voice cue, a bell, a blood-pressure check) and how long until the next
phase. The now-line moves a little at every display tick, so it glides rather than jumps.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from session_player.playlist.durations import format_clock
from session_player.ui import theme
from session_player.ui.arc_model import ArcLayout, arc_layout

SIDE_MARGIN = 16
MARK_GLYPH_PX = 12  # a mark's triangle or square, above its word
SUMMARY_GAP_PX = 24  # between the summary's two texts: they never touch
CROWDED_GAP_PX = 40  # a crowded mark's word may reach this far past the next mark
TOOLTIP_REACH_PX = 10  # the marks named in the tooltip: this close to the pointer
TICK_STEPS_S = (300, 600, 900, 1800, 3600)


def label_initial(label: str) -> str:
    return (label.strip()[:1] + "…") if label.strip() else "…"


def band_text(label: str, metrics, width_px: float) -> str:
    """A phase's name in its band: whole, else shortened as a person would ("Observ.",
    "Obs."), else its initial. Never a bare "…", which named nothing."""
    if metrics.horizontalAdvance(label) <= width_px:
        return label
    for length in range(len(label) - 1, 2, -1):
        short = label[:length].rstrip() + "."
        if metrics.horizontalAdvance(short) <= width_px:
            return short
    return label[:1]


class ArcTimeline(QWidget):
    """Paints the arc; ``update_from(state)`` on every tick and change."""

    def __init__(self, bridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("arc_timeline")
        self.setAccessibleName("Session arc")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._bridge = bridge
        self._density: theme.ConsoleDensity | None = None
        self.set_density(theme.NORMAL_DENSITY)
        self._layout: ArcLayout | None = None
        self._state = None
        self.summary_text = ""
        self.band_texts: list[str] = []  # as last painted (what a person reads)
        self.mark_labels: list[str] = []
        self.mark_label_rects: list[tuple[int, float, float]] = []
        # The summary line's two texts as last painted: (text, left, right) each.
        self.summary_rects: list[tuple[str, float, float]] = []
        bridge.ticked.connect(self.update_from)
        bridge.changed.connect(self.update_from)
        self.update_from(bridge.state)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self._layout is not None:
            # Whole names of the phase and of the marks under the pointer: a crowded word
            # is cut short on the arc, never lost.
            x = event.pos().x()
            if event.pos().y() >= self.height() - self._footer_height:
                # The summary line whole: its right half may be cut with "…" when narrow.
                QToolTip.showText(event.globalPos(), self.summary_text, self)
                return True
            names = [
                mark.label or mark.kind
                for mark in self._layout.marks
                if abs(self._x(mark.at_s) - x) <= TOOLTIP_REACH_PX
            ]
            names += [
                band.label
                for band in self._layout.bands
                if self._x(band.start_s) <= x < self._x(band.end_s)
            ]
            if names:
                QToolTip.showText(event.globalPos(), "\n".join(names), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def set_density(self, density: theme.ConsoleDensity) -> None:
        """The arc's rows for the screen (see ``theme.console_density``): one fixed height
        per density, whatever the session shows, so nothing under the arc moves."""
        if density == self._density:
            return
        self._density = density
        self._band_top = density.arc_ticks_px
        self._band_height = density.arc_band_px
        self._marks_top = self._band_top + self._band_height + density.arc_marks_gap_px
        # A mark and two rows of words (a crowded mark's word goes to the second row).
        self._labels_px = density.arc_labels_px
        self._footer_height = density.arc_footer_px
        self.setFixedHeight(self._marks_top + self._labels_px + self._footer_height)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(900, self.height())

    def update_from(self, state) -> None:
        self._state = state
        self._layout = arc_layout(self._bridge.playlist, state)
        self.summary_text = self._summary(state)
        self.setAccessibleDescription(self.summary_text)
        self.update()

    # --- words -------------------------------------------------------------------------------

    @staticmethod
    def since_dose_text(state) -> str:
        if state.time_since_dose_s is None:
            return f"Settling {format_clock(state.session_s or 0)} · dose not given yet"
        return f"+{format_clock(state.time_since_dose_s)} since dose"

    @staticmethod
    def next_text(state) -> str:
        name = state.phase_name or ""
        if state.status == "ended":
            return "Session ended"
        if state.status == "settling":
            return "Press Dose given (D) when the dose is given"
        if state.paused:
            suffix = " · audio paused"
        else:
            suffix = ""
        if state.holding:
            text = f"{name} holds: advance when ready"
            if state.hold_left_s is not None:
                text += f" (advances by itself in {format_clock(state.hold_left_s)})"
            return text + suffix
        if state.time_to_next_phase_s is not None and state.can_release_hold:
            # Held by the clinician: it will not end at its planned end, it will hold there.
            left = format_clock(state.time_to_next_phase_s)
            return f"{name} held · holds in {left}, until you advance{suffix}"
        if state.time_to_next_phase_s is not None:
            return f"{name} ends in {format_clock(state.time_to_next_phase_s)}{suffix}"
        if state.observation_left_s:
            return f"{name} · {format_clock(state.observation_left_s)} to the minimum observation"
        return f"{name} · may end when ready{suffix}"

    def _summary(self, state) -> str:
        return f"{self.since_dose_text(state)} · {self.next_text(state)}"

    # --- painting ----------------------------------------------------------------------------

    def _x(self, seconds: float) -> float:
        layout = self._layout
        width = self.width() - 2 * SIDE_MARGIN
        span = max(1.0, layout.axis_end_s - layout.axis_start_s)
        return SIDE_MARGIN + (seconds - layout.axis_start_s) / span * width

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if self._layout is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_ticks(painter)
        self._paint_bands(painter)
        self._paint_marks(painter)
        self._paint_now(painter)
        self._paint_footer(painter)
        painter.end()

    def _paint_ticks(self, painter: QPainter) -> None:
        layout = self._layout
        width = self.width() - 2 * SIDE_MARGIN
        span = layout.axis_end_s - layout.axis_start_s
        step = next((s for s in TICK_STEPS_S if s / span * width >= 70), TICK_STEPS_S[-1])
        top = self._band_top
        painter.setFont(theme.font(theme.CONSOLE_SMALL_PT - 1))
        painter.setPen(theme.qcolor(theme.TEXT_DIM))
        t = 0.0
        while t <= layout.axis_end_s:
            x = self._x(t)
            label = "dose" if t == 0 else f"{int(t // 60)}m"
            text = QRectF(x - 40, max(0, top - 28), 80, min(20, top - 4))
            painter.drawText(text, Qt.AlignmentFlag.AlignCenter, label)
            painter.drawLine(QPointF(x, max(text.bottom(), top - 8)), QPointF(x, top - 2))
            t += step

    def _paint_bands(self, painter: QPainter) -> None:
        font = theme.font(theme.CONSOLE_PT)
        top = self._band_top
        self.band_texts = []
        for position, band in enumerate(self._layout.bands):
            left, right = self._x(band.start_s), self._x(band.end_s)
            rect = QRectF(left + 1, top, max(2.0, right - left - 2), self._band_height)
            colour = theme.PHASE_BAND_COLOURS[position % len(theme.PHASE_BAND_COLOURS)]
            fill = theme.qcolor(colour, 0.55 if band.when == "past" else 1.0)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 6, 6)
            if band.when == "current":
                painter.setBrush(Qt.BrushStyle.NoBrush)
                pen = QPen(theme.qcolor(theme.ACCENT_DIM), 2)
                if band.holding:
                    pen.setStyle(Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 6, 6)
            font.setWeight(QFont.Weight.DemiBold if band.when == "current" else QFont.Weight.Normal)
            painter.setFont(font)
            painter.setPen(theme.qcolor(theme.TEXT if band.when == "current" else theme.TEXT_DIM))
            text = band_text(band.label, painter.fontMetrics(), rect.width() - 12)
            self.band_texts.append(text)
            painter.drawText(rect.adjusted(8, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_marks(self, painter: QPainter) -> None:
        self.mark_labels: list[str] = []  # as painted, in the marks' order (for tests)
        self.mark_label_rects: list[tuple[int, float, float]] = []  # (row, left, right)
        painter.setFont(theme.font(theme.CONSOLE_SMALL_PT - 1))
        metrics = painter.fontMetrics()
        free_from = {0: -1e9, 1: -1e9}  # label rows: where the next label may start
        band_top, band_bottom = self._band_top, self._band_top + self._band_height
        marks_top = self._marks_top
        marks = self._layout.marks
        for number, mark in enumerate(marks):
            x = self._x(mark.at_s)
            next_x = self._x(marks[number + 1].at_s) if number + 1 < len(marks) else 1e9
            if mark.kind == "minimum":
                pen = QPen(theme.qcolor(theme.TEXT_DIM), 1, Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.drawLine(QPointF(x, band_top - 4), QPointF(x, band_bottom + 4))
                label, colour = "min. observation", theme.TEXT_DIM
            elif mark.kind == "vitals":
                colour = theme.OK if mark.done else (theme.WARNING if mark.due else theme.TEXT)
                label = ("✓ " if mark.done else "") + mark.label
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(theme.qcolor(colour))
                painter.drawRoundedRect(QRectF(x - 5, marks_top, 10, 10), 2, 2)
            else:
                colour = theme.TEXT_DIM
                label = mark.label
                path = QPainterPath()
                path.moveTo(x, marks_top)
                path.lineTo(x - 5, marks_top + 9)
                path.lineTo(x + 5, marks_top + 9)
                path.closeSubpath()
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(theme.qcolor(colour))
                painter.drawPath(path)
            width = metrics.horizontalAdvance(label)
            # Centred under the mark, but kept inside the widget near either edge.
            left = min(max(x - width / 2, 2.0), self.width() - width - 4.0)
            row = 0 if left > free_from[0] else 1
            if left <= free_from[row]:
                # Crowded: start the word at the mark, in the row with more room, cut with
                # "…" to the room it has (a vanished word said nothing had been planned).
                # Its room ends where the next mark's word would start, so a word never
                # drifts far from its mark; too close for any of it, its initial ("L…").
                row = 0 if free_from[0] <= free_from[1] else 1
                left = max(free_from[row] + 1, x - 4.0)
                room = min(self.width() - 4.0, next_x + CROWDED_GAP_PX) - left
                label = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(room))
                if not label.strip("…"):
                    label = label_initial(mark.label)
                width = metrics.horizontalAdvance(label)
            self.mark_labels.append(label)
            self.mark_label_rects.append((row, left, left + width))
            top = marks_top + MARK_GLYPH_PX + row * (metrics.height() + 1)
            painter.setPen(theme.qcolor(colour))
            painter.drawText(
                QRectF(left - 2, top, width + 4, metrics.height()),
                Qt.AlignmentFlag.AlignCenter,
                label,
            )
            free_from[row] = left + width + 10

    def _paint_now(self, painter: QPainter) -> None:
        state = self._state
        x = self._x(self._layout.now_s)
        pen = QPen(theme.qcolor(theme.ACCENT), 3)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        top, bottom = self._band_top, self._band_top + self._band_height
        painter.drawLine(QPointF(x, top - 6), QPointF(x, bottom + 6))
        if state is not None and state.status == "settling":
            return
        painter.setBrush(theme.qcolor(theme.ACCENT))
        painter.drawEllipse(QPointF(x, top - 6), 4, 4)

    def _paint_footer(self, painter: QPainter) -> None:
        state = self._state
        self.summary_rects = []
        if state is None:
            return
        top = self.height() - self._footer_height
        rect = QRectF(SIDE_MARGIN, top, self.width() - 2 * SIDE_MARGIN, self._footer_height)
        middle = Qt.AlignmentFlag.AlignVCenter
        since = self.since_dose_text(state)
        since_font = theme.font(self._density.arc_since_pt, weight=QFont.Weight.DemiBold)
        since_width = QFontMetrics(since_font).horizontalAdvance(since)
        painter.setFont(since_font)
        painter.setPen(theme.qcolor(theme.ACCENT))
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | middle, since)
        self.summary_rects.append((since, rect.left(), rect.left() + since_width))
        # What comes next, right-aligned in the room the time leaves: cut with "…" when
        # narrow (whole in the tooltip and the accessible description), never drawn over
        # the time ("Settling 0:03 · dose not given yet" under "Press Dose given (D)...").
        font = theme.font(theme.CONSOLE_PT)
        metrics = QFontMetrics(font)
        room = int(rect.width() - since_width - SUMMARY_GAP_PX)
        following = self.next_text(state)
        if metrics.horizontalAdvance(following) > room:
            following = metrics.elidedText(following, Qt.TextElideMode.ElideRight, max(0, room))
        if following:
            width = metrics.horizontalAdvance(following)
            painter.setFont(font)
            painter.setPen(theme.qcolor(theme.TEXT))
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight | middle, following)
            self.summary_rects.append((following, rect.right() - width, rect.right()))
