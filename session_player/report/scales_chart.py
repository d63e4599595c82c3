"""The report's second chart: respiratory rate and the clinical scales, under the vitals chart.

One small strip per kind of value the session has, on the vitals chart's dose clock (the
same minutes at the same x, with the same margins, so the two charts line up):

- respiratory rate (/min): open ``◇`` on a dash-dot line, its lower and upper limits;
- MOAA/S sedation (0-5, lower is deeper): filled ``●`` on a solid line, its lower limit;
- dissociation (0-10 rating): ``✕`` on a dashed line, its upper limit;
- CADSS total (0-92): filled ``■`` on a dashed line, its upper limit.

As the vitals chart: readable in grey-scale print (each series its own shape and line; the
colours only help on screen), a threshold is a long-dashed line with its value at the right,
a flagged value is ringed with ``!`` above it, phases are shaded bands, the dose a solid
line. A strip is drawn only for what was recorded; no strip at all: no chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPolygonF

from session_player.record.model import ClinicalRecord
from session_player.report.vitals_chart import (
    BAND_A,
    BAND_B,
    Axis,
    Series,
    VitalsChart,
)
from session_player.report.wording import since_dose_s

RR_COLOUR = QColor("#5a3a00")
SCALE_COLOUR = QColor("#5b1b8b")
STRIP_HEIGHT_MM = 15.0
STRIP_GAP_MM = 3.0
TOP_MM = 2.0
BOTTOM_PT = 30.0  # the minutes, their caption and the legend (as the vitals chart's)

RR_SERIES = Series("respiratory_rate", "Resp. rate", RR_COLOUR, "diamond", Qt.PenStyle.DashDotLine)
SEDATION_SERIES = Series("sedation", "MOAA/S", SCALE_COLOUR, "dot", Qt.PenStyle.SolidLine)
DISSOCIATION_SERIES = Series(
    "dissociation", "Dissociation", SCALE_COLOUR, "cross", Qt.PenStyle.DashLine
)
CADSS_SERIES = Series("cadss", "CADSS", SCALE_COLOUR, "square-filled", Qt.PenStyle.DashLine)


@dataclass(frozen=True)
class Point:
    minutes: float  # since the dose
    value: float
    flagged: bool


@dataclass(frozen=True)
class Strip:
    """One strip of the chart: a series, its axis, its limits and its points."""

    series: Series
    axis_label: str
    axis: Axis
    limits: tuple[tuple[float, str], ...]  # (value, name; the value is written after it)
    points: tuple[Point, ...]


def _minutes(record: ClinicalRecord, at) -> float | None:
    offset = since_dose_s(record, at)
    return None if offset is None else offset / 60.0


def strips_for(record: ClinicalRecord) -> list[Strip]:
    """The strips this record needs, top to bottom (none: the report has no scales chart)."""
    t = record.thresholds
    strips: list[Strip] = []
    rates = [
        Point(m, float(r.respiratory_rate), r.flagged("respiratory_rate"))
        for r in record.readings
        if r.respiratory_rate is not None and (m := _minutes(record, r.at)) is not None
    ]
    if rates:
        limits = [v for v in (t.respiratory_rate_min, t.respiratory_rate_max) if v is not None]
        top = max([30.0, *(p.value for p in rates), *limits])
        axis = Axis(0.0, math.ceil(top / 10.0) * 10.0, 10.0)
        strips.append(
            Strip(
                RR_SERIES,
                "RR /min",
                axis,
                tuple((v, "RR") for v in limits),
                tuple(rates),
            )
        )
    scales = (
        (SEDATION_SERIES, "MOAA/S", Axis(0.0, 5.0, 1.0), t.sedation_min, "MOAA/S"),
        (DISSOCIATION_SERIES, "Dissoc.", Axis(0.0, 10.0, 5.0), t.dissociation_max, "Diss."),
        (CADSS_SERIES, "CADSS", Axis(0.0, 92.0, 23.0), t.cadss_max, "CADSS"),
    )
    for series, axis_label, axis, limit, limit_name in scales:
        points = [
            Point(m, float(s.score), bool(s.flags))
            for s in record.scores
            if s.scale == series.measure and (m := _minutes(record, s.at)) is not None
        ]
        if not points:
            continue
        if series.measure == "cadss":  # a low threshold on 0-92: the axis stops nearer it
            top = max([limit or 0.0, *(p.value for p in points)])
            high = max(20.0, math.ceil((top + 1) / 10.0) * 10.0)
            axis = Axis(0.0, high, high / 2)
        limits = ((limit, limit_name),) if limit is not None else ()
        strips.append(Strip(series, axis_label, axis, limits, tuple(points)))
    return strips


def scales_chart_height_mm(record: ClinicalRecord) -> float:
    """The chart's height on the page: 0 when there is nothing to chart."""
    count = len(strips_for(record))
    if not count:
        return 0.0
    return TOP_MM + count * STRIP_HEIGHT_MM + (count - 1) * STRIP_GAP_MM + BOTTOM_PT * 25.4 / 72


class ScalesChart(VitalsChart):
    """Draws the strips into a rectangle of a painter (in the painter's units)."""

    def __init__(self, record: ClinicalRecord, unit_px: float) -> None:
        super().__init__(record, unit_px)
        self.strips = strips_for(record)

    def strip_rects(self, rect: QRectF) -> list[QRectF]:
        """Where each strip's plot goes in ``rect`` (the tests look there)."""
        u = self.unit
        mm = u * 72 / 25.4
        left = rect.left() + 34 * u  # as the vitals chart: the same x for the same minute
        right = rect.right() - 30 * u
        count = len(self.strips)
        usable = rect.height() - TOP_MM * mm - BOTTOM_PT * u
        gap = STRIP_GAP_MM * mm if count > 1 else 0.0
        height = (usable - gap * (count - 1)) / max(1, count)
        rects = []
        y = rect.top() + TOP_MM * mm
        for _ in self.strips:
            rects.append(QRectF(left, y, right - left, height))
            y += height + gap
        return rects

    def point_at(self, panel: QRectF, strip: Strip, point: Point) -> QPointF:
        return QPointF(self._x(panel, point.minutes), self._y(panel, strip.axis, point.value))

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        if not self.strips:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        panels = self.strip_rects(rect)
        for strip, panel in zip(self.strips, panels, strict=True):
            self._bands(painter, panel)
            self._panel(painter, panel, strip.axis, strip.axis_label)
            for value, name in strip.limits:
                self._threshold(painter, panel, strip.axis, value, name, strip.series.colour)
            self._strip_series(painter, panel, strip)
        self._time_ticks(painter, panels[-1])
        self._dose_line(painter, panels[0], panels[-1])
        legend_h = 14 * self.unit
        self._strip_legend(
            painter, QRectF(panels[0].left(), rect.bottom() - legend_h, panels[0].width(), legend_h)
        )
        painter.restore()

    def _bands(self, painter: QPainter, panel: QRectF) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        for position, phase in enumerate(p for p in self.record.phases if p.index >= 0):
            start = _minutes(self.record, phase.started)
            if start is None:
                continue
            end = _minutes(self.record, phase.ended)
            left = max(panel.left(), self._x(panel, start))
            right = min(panel.right(), self._x(panel, end if end is not None else self.time.high))
            if right > left:
                painter.setBrush(QBrush(BAND_A if position % 2 == 0 else BAND_B))
                painter.drawRect(QRectF(left, panel.top(), right - left, panel.height()))

    def _strip_series(self, painter: QPainter, panel: QRectF, strip: Strip) -> None:
        points = [(self.point_at(panel, strip, p), p) for p in strip.points]
        if len(points) > 1:
            painter.setPen(self._pen(strip.series.colour, 0.9, strip.series.line))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(QPolygonF([at for at, _ in points]))
        for at, point in points:
            self._marker(painter, at, strip.series)
            if point.flagged:
                self._flag(painter, at)

    def _marker(self, painter: QPainter, at: QPointF, series: Series) -> None:
        r = 2.6 * self.unit
        if series.marker == "diamond":
            painter.setPen(self._pen(series.colour, 0.9))
            painter.setBrush(QBrush(QColor("#ffffff")))
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(at.x(), at.y() - r * 1.25),
                        QPointF(at.x() + r * 1.25, at.y()),
                        QPointF(at.x(), at.y() + r * 1.25),
                        QPointF(at.x() - r * 1.25, at.y()),
                    ]
                )
            )
        elif series.marker == "cross":
            painter.setPen(self._pen(series.colour, 1.3))
            painter.drawLine(QPointF(at.x() - r, at.y() - r), QPointF(at.x() + r, at.y() + r))
            painter.drawLine(QPointF(at.x() - r, at.y() + r), QPointF(at.x() + r, at.y() - r))
        elif series.marker == "square-filled":
            painter.setPen(self._pen(series.colour, 0.9))
            painter.setBrush(QBrush(series.colour))
            painter.drawRect(QRectF(at.x() - r, at.y() - r, 2 * r, 2 * r))
        else:
            super()._marker(painter, at, series)

    def _strip_legend(self, painter: QPainter, rect: QRectF) -> None:
        x = rect.left()
        y = rect.center().y()
        painter.setFont(self._font(6.5))
        for strip in self.strips:
            self._marker(painter, QPointF(x + 4 * self.unit, y), strip.series)
            label = QRectF(x + 10 * self.unit, rect.top(), 80 * self.unit, rect.height())
            self._text(
                painter,
                label,
                strip.series.label,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                6.5,
            )
            advance = painter.fontMetrics().horizontalAdvance(strip.series.label) / self.unit
            x += (16 + advance) * self.unit
        self._ring(painter, QPointF(x + 6 * self.unit, y))
        label = QRectF(x + 14 * self.unit, rect.top(), 200 * self.unit, rect.height())
        text = "with ! : past the playlist's threshold (dashed line)"
        self._text(
            painter, label, text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, 6.5
        )
