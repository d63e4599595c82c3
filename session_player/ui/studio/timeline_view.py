"""The studio's timeline: the whole session on the dose clock, painted lane by lane.

A custom-painted widget rather than one widget per item: a 5,000-item playlist makes tens of
thousands of spans, and only the ones in view are looked up (``SessionMap.visible``, by
bisection) and painted, so opening and scrolling cost what the window shows, not what the
file holds.

Input (the keys work while the timeline has the focus):
- click: puts the play-from-here cursor there and selects the item under the mouse; a click
  on the time ruler along the top listens from there at once;
- Space: listen from the cursor / stop; ``]`` / ``[``: the cursor to 5 s before the next /
  previous crossfade, cue or phase change (while listening, the sound follows);
- Left / Right: the cursor by 5 s (with Shift, 1 min); Ctrl + wheel or ``+`` / ``-``: zoom
  (from the whole session down to a crossfade); wheel: scroll;
- Delete: remove the selected item; Alt+Up / Alt+Down: move it earlier / later (the studio
  window turns these into edits of the YAML file).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QScrollBar, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from session_player.playlist.durations import format_clock
from session_player.ui import theme
from session_player.ui.studio.session_map import LANE_TITLES, LANES, SessionMap, Span

GUTTER_PX = 104  # lane titles on the left
RULER_PX = 28  # dose-clock ticks along the top
LANE_PX = {"phase": 58, "music": 40, "soundscape": 34, "voice": 30, "bell": 30, "clinical": 30}
LANE_GAP_PX = 4
JUMP_LEAD_S = 5.0  # a jump lands this long before the transition, to hear it come
STEP_S = 5.0
BIG_STEP_S = 60.0
MAX_PX_PER_S = 200.0  # zoomed in far enough to see a crossfade's shape
ZOOM_STEP = 1.25

# The studio is used in daylight: the same warm palette, one step more contrast.
LANE_FILL = {
    "phase": "#3a3029",
    "music": "#4a3b2a",
    "soundscape": "#2f3a35",
    "voice": "#3d3447",
    "bell": "#47402c",
    "clinical": "#3a3a34",
}
SELECTED = theme.ACCENT
TEXT = "#cfc6bc"  # brighter than the console's text: a desk, not a dark room
SCALE_RANGE = 10  # no more than this many ruler labels per 1000 px... see _tick_step


def _tick_step(px_per_s: float) -> float:
    """A round step for the ruler's labels, at least ~90 px apart."""
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200):
        if step * px_per_s >= 90:
            return float(step)
    return 7200.0


class TimelineCanvas(QWidget):
    cursor_moved = Signal(float)  # dose-clock seconds
    listen_requested = Signal(float)  # listen from here (dose clock)
    toggle_listen = Signal()  # Space
    selection_changed = Signal(object)  # the selected Span or None
    hovered = Signal(object)  # the Span under the mouse or None
    ruler_hovered = Signal(float)  # the mouse is over the time ruler at this time
    remove_requested = Signal(object)  # Span
    move_requested = Signal(object, int)  # Span, -1 earlier / +1 later
    view_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.session_map: SessionMap | None = None
        self.px_per_s = 0.5
        self.offset_s = 0.0  # the dose-clock time at the left edge of the lanes
        self.cursor_s = 0.0
        self.playhead_s: float | None = None
        self.selected: Span | None = None
        self._hover: Span | None = None
        self._fitted = False
        self._font = theme.font(10)
        self._small = theme.font(9)
        self._tiny = theme.font(8)
        self._bold = theme.font(10, weight=QFont.Weight.DemiBold)
        self.painted_spans = 0  # how many spans the last paint drew (tests, the bench)

    # --- geometry ------------------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        height = RULER_PX + sum(LANE_PX.values()) + LANE_GAP_PX * len(LANES) + 6
        return QSize(900, height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(400, self.sizeHint().height())

    @property
    def lanes_width_px(self) -> float:
        return max(1.0, self.width() - GUTTER_PX)

    def x_of(self, time_s: float) -> float:
        return GUTTER_PX + (time_s - self.offset_s) * self.px_per_s

    def time_at(self, x: float) -> float:
        return self.offset_s + (x - GUTTER_PX) / self.px_per_s

    def lane_rect(self, lane: str) -> QRectF:
        top = RULER_PX + 2
        for name in LANES:
            if name == lane:
                return QRectF(GUTTER_PX, top, self.lanes_width_px, LANE_PX[name])
            top += LANE_PX[name] + LANE_GAP_PX
        raise KeyError(lane)

    def lane_at(self, y: float) -> str | None:
        for lane in LANES:
            rect = self.lane_rect(lane)
            if rect.top() <= y < rect.bottom() + LANE_GAP_PX:
                return lane
        return None

    def span_rect(self, span: Span) -> QRectF:
        lane = self.lane_rect(span.lane)
        left = self.x_of(span.start_s)
        width = max(2.0, (span.end_s - span.start_s) * self.px_per_s)
        if span.kind in ("extend", "hold"):
            return QRectF(left, lane.bottom() - 15, width, 14)
        if span.kind == "one_shot":
            return QRectF(left - 1, lane.bottom() - 12, 2, 7)
        if span.kind == "one_shots":
            return QRectF(left, lane.bottom() - 5, width, 3)
        if span.kind in ("voice", "bell"):
            return QRectF(left, lane.top() + 4, max(width, 6.0), lane.height() - 8)
        if span.is_point:
            return QRectF(left - 6, lane.top() + 4, 12, lane.height() - 8)
        return QRectF(
            left, lane.top() + 2, width, lane.height() - (20 if span.lane == "phase" else 4)
        )

    # --- the model ------------------------------------------------------------------------
    def set_map(self, session_map: SessionMap | None) -> None:
        previous = self.session_map
        self.session_map = session_map
        self._hover = None
        if self.selected is not None and session_map is not None:
            self.selected = _same_span(session_map, self.selected)
        else:
            self.selected = None
        if session_map is not None and (previous is None or not self._fitted):
            self.fit()
        self.selection_changed.emit(self.selected)
        self.view_changed.emit()
        self.update()

    def fit(self) -> None:
        """The whole session in view."""
        if self.session_map is None or self.width() <= GUTTER_PX:
            return
        length = max(60.0, self.session_map.end_s - self.session_map.start_s)
        self.px_per_s = self.lanes_width_px / length
        self.offset_s = self.session_map.start_s
        self._fitted = True
        self.view_changed.emit()
        self.update()

    @property
    def min_px_per_s(self) -> float:
        if self.session_map is None:
            return 0.01
        return self.lanes_width_px / max(60.0, self.session_map.end_s - self.session_map.start_s)

    def zoom(self, factor: float, around_s: float | None = None) -> None:
        around = self.cursor_s if around_s is None else around_s
        x = self.x_of(around)
        self.px_per_s = min(MAX_PX_PER_S, max(self.min_px_per_s, self.px_per_s * factor))
        self.offset_s = around - (x - GUTTER_PX) / self.px_per_s
        self._clamp_offset()
        self.view_changed.emit()
        self.update()

    def scroll_to(self, offset_s: float) -> None:
        self.offset_s = offset_s
        self._clamp_offset()
        self.view_changed.emit()
        self.update()

    @property
    def visible_s(self) -> float:
        return self.lanes_width_px / self.px_per_s

    def _clamp_offset(self) -> None:
        if self.session_map is None:
            return
        latest = max(self.session_map.start_s, self.session_map.end_s - self.visible_s)
        self.offset_s = min(max(self.offset_s, self.session_map.start_s), latest)

    def set_cursor(self, time_s: float, *, follow: bool = True) -> None:
        if self.session_map is not None:
            time_s = min(max(time_s, self.session_map.start_s), self.session_map.end_s)
        self.cursor_s = time_s
        if follow and not (self.offset_s <= time_s <= self.offset_s + self.visible_s):
            self.scroll_to(time_s - self.visible_s * 0.2)
        self.cursor_moved.emit(time_s)
        self.update()

    def set_playhead(self, time_s: float | None) -> None:
        self.playhead_s = time_s
        if time_s is not None and time_s > self.offset_s + self.visible_s:
            self.scroll_to(time_s - self.visible_s * 0.1)
        self.update()

    def jump(self, direction: int) -> float | None:
        """The cursor to JUMP_LEAD_S before the next (+1) / previous (-1) transition."""
        if self.session_map is None:
            return None
        # From where the cursor stands, the transition it leads up to is JUMP_LEAD_S ahead.
        here = self.cursor_s + JUMP_LEAD_S
        if direction > 0:
            target = self.session_map.next_transition_s(here)
        else:
            target = self.session_map.previous_transition_s(here)
        if target is None:
            return None
        self.set_cursor(target - JUMP_LEAD_S)
        return self.cursor_s

    def span_at(self, x: float, y: float) -> Span | None:
        if self.session_map is None or x < GUTTER_PX:
            return None
        lane = self.lane_at(y)
        if lane is None:
            return None
        time_s = self.time_at(x)
        slack = 4.0 / self.px_per_s
        found = [
            span
            for span in self.session_map.visible(time_s - slack, time_s + slack)
            if span.lane == lane
            and span.kind not in ("one_shot",)
            and self.span_rect(span).adjusted(-3, -1, 3, 1).contains(QPointF(x, y))
        ]
        # The smallest thing under the mouse is the one meant (a cue over a long bed).
        found.sort(key=lambda span: span.end_s - span.start_s)
        return found[0] if found else None

    # --- input ---------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or self.session_map is None:
            return super().mousePressEvent(event)
        position = event.position()
        if position.x() < GUTTER_PX:
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        time_s = self.time_at(position.x())
        self.set_cursor(time_s, follow=False)
        if position.y() < RULER_PX:
            self.listen_requested.emit(self.cursor_s)
            return
        self.selected = self.span_at(position.x(), position.y())
        self.selection_changed.emit(self.selected)
        self.update()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and event.position().x() >= GUTTER_PX:
            self.set_cursor(self.time_at(event.position().x()), follow=False)
            self.listen_requested.emit(self.cursor_s)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        position = event.position()
        if self.session_map is not None and position.y() < RULER_PX and position.x() >= GUTTER_PX:
            self.ruler_hovered.emit(self.time_at(position.x()))
        span = self.span_at(position.x(), position.y())
        if span is not self._hover:
            self._hover = span
            self.hovered.emit(span)
            self.update()
        if span is not None:
            QToolTip.showText(event.globalPosition().toPoint(), _tooltip(span), self)
        else:
            QToolTip.hideText()

    def leaveEvent(self, event) -> None:  # noqa: N802
        if self._hover is not None:
            self._hover = None
            self.hovered.emit(None)
            self.update()
        super().leaveEvent(event)

    def wheelEvent(self, event) -> None:  # noqa: N802
        delta = event.angleDelta().y() or event.angleDelta().x()
        if not delta:
            return
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            factor = ZOOM_STEP if delta > 0 else 1 / ZOOM_STEP
            self.zoom(factor, self.time_at(event.position().x()))
        else:
            self.scroll_to(self.offset_s - delta / 120 * self.visible_s * 0.1)
        event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        modifiers = event.modifiers()
        step = BIG_STEP_S if modifiers & Qt.KeyboardModifier.ShiftModifier else STEP_S
        alt = modifiers & Qt.KeyboardModifier.AltModifier
        if key == Qt.Key.Key_Space:
            self.toggle_listen.emit()
        elif key == Qt.Key.Key_BracketRight:
            self.jump(+1)
        elif key == Qt.Key.Key_BracketLeft:
            self.jump(-1)
        elif alt and key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.selected is not None:
            self.move_requested.emit(self.selected, -1 if key == Qt.Key.Key_Up else 1)
        elif key == Qt.Key.Key_Right:
            self.set_cursor(self.cursor_s + step)
        elif key == Qt.Key.Key_Left:
            self.set_cursor(self.cursor_s - step)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.zoom(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_0:
            self.fit()
        elif key == Qt.Key.Key_Home and self.session_map is not None:
            self.set_cursor(self.session_map.start_s)
        elif key == Qt.Key.Key_End and self.session_map is not None:
            self.set_cursor(self.session_map.end_s)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected is not None:
            self.remove_requested.emit(self.selected)
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.session_map is not None:
            if self.px_per_s < self.min_px_per_s or not self._fitted:
                self.fit()
            self._clamp_offset()
        self.view_changed.emit()

    # --- painting --------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), theme.qcolor(theme.SURFACE))
        self._paint_gutter(painter)
        if self.session_map is None:
            painter.setPen(theme.qcolor(theme.TEXT_DIM))
            painter.setFont(self._font)
            painter.drawText(
                self.rect().adjusted(GUTTER_PX, 0, 0, 0),
                Qt.AlignmentFlag.AlignCenter,
                "Open a playlist to see its session here.",
            )
            return
        painter.setClipRect(QRectF(GUTTER_PX, 0, self.lanes_width_px, self.height()))
        from_s, to_s = self.offset_s, self.offset_s + self.visible_s
        self._paint_ruler(painter, from_s, to_s)
        spans = self.session_map.visible(from_s, to_s)
        self.painted_spans = len(spans)
        self._paint_phase_boundaries(painter, spans)
        pixel_s = 1.0 / self.px_per_s
        last_tick_x: dict[str, float] = {}
        for span in spans:
            if span.kind == "one_shot":
                # Thousands of ticks at a wide zoom land on the same pixel: draw one.
                x = round(self.x_of(span.start_s))
                if last_tick_x.get(span.label) == x:
                    continue
                last_tick_x[span.label] = x
            self._paint_span(painter, span, pixel_s)
        self._paint_line(painter, self.cursor_s, theme.qcolor(theme.ACCENT, 0.9), 1.5)
        if self.playhead_s is not None:
            self._paint_line(painter, self.playhead_s, QColor(TEXT), 2.0)
        painter.end()

    def _paint_gutter(self, painter: QPainter) -> None:
        painter.fillRect(QRectF(0, 0, GUTTER_PX, self.height()), theme.qcolor(theme.BACKGROUND))
        painter.setFont(self._small)
        painter.setPen(theme.qcolor(theme.TEXT_DIM))
        painter.drawText(
            QRectF(8, 0, GUTTER_PX - 12, RULER_PX), Qt.AlignmentFlag.AlignVCenter, "dose clock"
        )
        painter.setFont(self._font)
        painter.setPen(QColor(TEXT))
        for lane in LANES:
            rect = self.lane_rect(lane)
            painter.drawText(
                QRectF(8, rect.top(), GUTTER_PX - 12, rect.height()),
                Qt.AlignmentFlag.AlignVCenter,
                LANE_TITLES[lane],
            )

    def _paint_ruler(self, painter: QPainter, from_s: float, to_s: float) -> None:
        painter.fillRect(
            QRectF(GUTTER_PX, 0, self.lanes_width_px, RULER_PX), theme.qcolor(theme.BACKGROUND)
        )
        step = _tick_step(self.px_per_s)
        first = math.floor(from_s / step) * step
        painter.setFont(self._small)
        pen_major = QPen(theme.qcolor(theme.BORDER), 1)
        time_s = first
        while time_s <= to_s + step:
            x = self.x_of(time_s)
            painter.setPen(pen_major)
            painter.drawLine(QPointF(x, RULER_PX - 6), QPointF(x, self.height()))
            painter.setPen(theme.qcolor(theme.ACCENT if time_s == 0 else theme.TEXT_DIM))
            label = "dose" if time_s == 0 else _signed_clock(time_s)
            painter.drawText(QPointF(x + 3, RULER_PX - 9), label)
            time_s += step

    def _paint_phase_boundaries(self, painter: QPainter, spans: list[Span]) -> None:
        pen = QPen(theme.qcolor(theme.BORDER), 1, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        for span in spans:
            if span.kind in ("phase", "settling"):
                x = self.x_of(span.start_s)
                painter.drawLine(QPointF(x, RULER_PX), QPointF(x, self.height()))

    def _paint_line(self, painter: QPainter, time_s: float, colour: QColor, width: float) -> None:
        x = self.x_of(time_s)
        painter.setPen(QPen(colour, width))
        painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))

    def _paint_span(self, painter: QPainter, span: Span, pixel_s: float) -> None:
        rect = self.span_rect(span)
        fill = QColor(LANE_FILL[span.lane])
        if span.kind in ("silence", "no_music"):
            fill = theme.qcolor(theme.BACKGROUND)
        elif span.kind == "settling":
            fill = QColor("#2e2823")
        elif span.kind in ("extend", "hold"):
            fill = theme.qcolor(theme.ACCENT_DIM, 0.6)
        if span is self._hover:
            fill = fill.lighter(125)
        if span.kind == "observation":
            pen = QPen(theme.qcolor(theme.OK), 1.5, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            x = self.x_of(span.start_s)
            painter.drawLine(QPointF(x, RULER_PX), QPointF(x, self.height()))
            self._label(painter, rect.adjusted(8, 0, 260, 0), span.label, theme.OK)
            return
        if span.kind == "vitals":
            centre = rect.center()
            diamond = QPolygonF(
                [
                    QPointF(centre.x(), rect.top()),
                    QPointF(rect.right(), centre.y()),
                    QPointF(centre.x(), rect.bottom()),
                    QPointF(rect.left(), centre.y()),
                ]
            )
            painter.setPen(QPen(QColor(TEXT), 1))
            painter.setBrush(fill.lighter(140))
            painter.drawPolygon(diamond)
            self._label(painter, rect.adjusted(14, 0, 200, 0), span.label, TEXT)
            self._flag(painter, span, rect)
            return
        if span.kind == "one_shot":
            painter.fillRect(rect, QColor("#6f8a7c"))
            return
        path = QPainterPath()
        if span.fade_in_s > pixel_s * 2 or span.fade_out_s > pixel_s * 2:
            # Fades drawn as slopes: a crossfade reads as two items leaning into each other.
            fade_in = min(span.fade_in_s * self.px_per_s, rect.width() / 2)
            fade_out = min(span.fade_out_s * self.px_per_s, rect.width() / 2)
            path.moveTo(rect.left(), rect.bottom())
            path.lineTo(rect.left() + fade_in, rect.top())
            path.lineTo(rect.right() - fade_out, rect.top())
            path.lineTo(rect.right(), rect.bottom())
            path.closeSubpath()
        else:
            path.addRoundedRect(rect, 3, 3)
        border = theme.qcolor(theme.BORDER)
        if span is self.selected:
            border = QColor(SELECTED)
        painter.setPen(QPen(border, 2 if span is self.selected else 1))
        painter.setBrush(fill)
        if span.kind == "silence":
            painter.setPen(QPen(theme.qcolor(theme.TEXT_DIM), 1, Qt.PenStyle.DotLine))
        painter.drawPath(path)
        if span.kind == "one_shots":
            return
        if span.kind not in ("extend", "hold") and rect.width() > 24:
            colour = theme.TEXT_DIM if span.kind in ("silence", "no_music") else TEXT
            font = self._bold if span.lane == "phase" else self._font
            self._label(
                painter,
                rect.adjusted(6 + min(span.fade_in_s * self.px_per_s, 30), 0, -4, 0),
                span.label,
                colour,
                font,
            )
        elif span.kind in ("extend", "hold") and rect.width() > 60:
            self._label(
                painter,
                rect.adjusted(4, 0, -2, 0),
                span.label,
                TEXT,
                self._tiny,
            )
        self._flag(painter, span, rect)

    def _flag(self, painter: QPainter, span: Span, rect: QRectF) -> None:
        """A problem is marked where it sits: a red outline and a "!" badge (never colour
        alone: the badge says it too)."""
        if not span.flagged:
            return
        painter.setPen(QPen(theme.qcolor(theme.WARNING), 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 3, 3)
        badge = QRectF(rect.left() + 2, rect.top() + 2, 14, 14)
        painter.setBrush(theme.qcolor(theme.WARNING))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(badge)
        painter.setPen(QColor(theme.BACKGROUND))
        painter.setFont(self._bold)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "!")

    def _label(self, painter, rect: QRectF, text: str, colour: str, font: QFont | None = None):
        font = font or self._font
        painter.setFont(font)
        painter.setPen(QColor(colour))
        metrics = QFontMetrics(font)
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(max(0, rect.width())))
        if shown and shown != "…":
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, shown
            )


class TimelinePanel(QWidget):
    """The canvas with its horizontal scroll bar (in tenths of a second)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = TimelineCanvas(self)
        self.scrollbar = QScrollBar(Qt.Orientation.Horizontal, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.canvas)
        layout.addWidget(self.scrollbar)
        self.canvas.view_changed.connect(self._sync_scrollbar)
        self.scrollbar.valueChanged.connect(self._scrolled)
        self._syncing = False

    def _sync_scrollbar(self) -> None:
        session_map = self.canvas.session_map
        self._syncing = True
        if session_map is None:
            self.scrollbar.setRange(0, 0)
        else:
            visible = self.canvas.visible_s
            total = session_map.end_s - session_map.start_s
            self.scrollbar.setRange(0, max(0, int((total - visible) * 10)))
            self.scrollbar.setPageStep(max(1, int(visible * 10)))
            self.scrollbar.setSingleStep(max(1, int(visible)))
            self.scrollbar.setValue(int((self.canvas.offset_s - session_map.start_s) * 10))
        self._syncing = False

    def _scrolled(self, value: int) -> None:
        if self._syncing or self.canvas.session_map is None:
            return
        self.canvas.scroll_to(self.canvas.session_map.start_s + value / 10)


def _signed_clock(time_s: float) -> str:
    if time_s < 0:
        return "−" + format_clock(-time_s)
    return "+" + format_clock(time_s)


def _tooltip(span: Span) -> str:
    lines = [f"{span.label}  ({_signed_clock(span.start_s)})"]
    if span.detail:
        lines.append(span.detail)
    for problem in span.problems:
        lines.append(f"line {problem.position.line}: {problem.severity.value}: {problem.message}")
    return "\n".join(lines)


def _same_span(session_map: SessionMap, old: Span) -> Span | None:
    """After a reload, the span that stands where the selected one stood (same YAML path)."""
    for span in session_map.spans:
        if span.yaml_path == old.yaml_path and span.kind == old.kind:
            return span
    return None
