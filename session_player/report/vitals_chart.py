"""The report's vitals chart, drawn with QPainter as vectors (sharp at any zoom, small files).

Two panels on one dose clock (minutes since the dose; readings before it to the left of 0):

- blood pressure and heart rate (mmHg, /min): systolic ``▼`` and diastolic ``▲`` joined by a
  bar (the anaesthesia chart's convention), heart rate ``●`` on a dotted line;
- SpO2 (%): ``□`` on a dashed line.

Readable in grey-scale print: each series has its own marker shape and line style (the
colours only help on screen), a threshold is a long-dashed line with its value written at
the right, and a flagged reading is ringed by a thick circle with ``!`` above it. Phases
are named along the top; the dose is a solid vertical line. No transparency anywhere:
PDF/A-1 does not allow it. Respiratory rate and the clinical scales are charted under this
chart, on the same time axis, by ``scales_chart``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QPolygonF

from session_player.record.model import ClinicalRecord, VitalReading
from session_player.report.wording import since_dose_s

INK = QColor("#000000")
GRID = QColor("#c8c8c8")
BAND_A = QColor("#f2f2f2")
BAND_B = QColor("#ffffff")
BP_COLOUR = QColor("#1b3f8b")
HR_COLOUR = QColor("#8b1b1b")
SPO2_COLOUR = QColor("#1b6b3a")


@dataclass(frozen=True)
class Series:
    measure: str
    label: str
    colour: QColor
    marker: str  # "down", "up", "dot", "square"
    line: Qt.PenStyle


BP_SERIES = (
    Series("systolic", "Systolic", BP_COLOUR, "down", Qt.PenStyle.SolidLine),
    Series("diastolic", "Diastolic", BP_COLOUR, "up", Qt.PenStyle.SolidLine),
    Series("heart_rate", "Heart rate", HR_COLOUR, "dot", Qt.PenStyle.DotLine),
)
SPO2_SERIES = (Series("spo2", "SpO2", SPO2_COLOUR, "square", Qt.PenStyle.DashLine),)


@dataclass(frozen=True)
class Axis:
    low: float
    high: float
    step: float

    def ticks(self) -> list[float]:
        first = math.ceil(self.low / self.step) * self.step
        count = int(math.floor((self.high - first) / self.step + 1e-9)) + 1
        return [first + i * self.step for i in range(count)]


def _readings_at(record: ClinicalRecord) -> list[tuple[float, VitalReading]]:
    placed = []
    for reading in record.readings:
        offset = since_dose_s(record, reading.at)
        if offset is not None:
            placed.append((offset / 60.0, reading))
    return placed


def time_axis(record: ClinicalRecord) -> Axis:
    minutes = [m for m, _ in _readings_at(record)]
    # The scales chart under this one shares this axis: its scores are on it too.
    for score in record.scores:
        offset = since_dose_s(record, score.at)
        if offset is not None:
            minutes.append(offset / 60.0)
    end = since_dose_s(record, record.ended)
    if end is not None:
        minutes.append(end / 60.0)
    low = min([0.0, *minutes])
    high = max([30.0, *minutes])
    span = high - low
    step = 5.0 if span <= 60 else 15.0 if span <= 180 else 30.0
    return Axis(math.floor(low / step) * step, math.ceil(high / step) * step, step)


def _value_axis(values: list[float], limits: list[float], low: float, high: float, step: float):
    seen = [v for v in values + limits if v is not None]
    if seen:
        low = min(low, math.floor(min(seen) / step) * step)
        high = max(high, math.ceil(max(seen) / step) * step)
    return Axis(low, high, step)


class VitalsChart:
    """Draws the chart into a rectangle of a painter (in the painter's units)."""

    def __init__(self, record: ClinicalRecord, unit_px: float) -> None:
        self.record = record
        self.unit = unit_px  # device pixels per point: line widths and fonts scale with it
        self.placed = _readings_at(record)
        self.time = time_axis(record)

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        u = self.unit
        legend_h = 14 * u
        label_w = 34 * u
        right_w = 30 * u
        top_h = 12 * u  # the phase names
        axis_h = 16 * u  # the minutes under the lower panel
        gap = 8 * u
        plot_left = rect.left() + label_w
        plot_right = rect.right() - right_w
        plot_top = rect.top() + top_h
        plot_bottom = rect.bottom() - legend_h - axis_h
        usable = plot_bottom - plot_top - gap
        upper = QRectF(plot_left, plot_top, plot_right - plot_left, usable * 0.68)
        lower = QRectF(plot_left, upper.bottom() + gap, upper.width(), usable * 0.32)

        t = self.record.thresholds
        bp_values = [
            v
            for _, r in self.placed
            for v in (r.systolic, r.diastolic, r.heart_rate)
            if v is not None
        ]
        bp_axis = _value_axis(
            bp_values,
            [t.systolic_max, t.diastolic_max, t.heart_rate_max, t.heart_rate_min],
            40.0,
            180.0,
            20.0,
        )
        spo2_values = [r.spo2 for _, r in self.placed if r.spo2 is not None]
        spo2_axis = _value_axis(spo2_values, [t.spo2_min], 88.0, 100.0, 2.0)
        spo2_axis = Axis(spo2_axis.low, min(spo2_axis.high, 100.0), spo2_axis.step)

        self._phase_bands(painter, upper, lower, rect.top())
        self._panel(painter, upper, bp_axis, "mmHg · /min")
        self._panel(painter, lower, spo2_axis, "SpO2 %")
        self._time_ticks(painter, lower)
        self._dose_line(painter, upper, lower)
        limits = [
            (t.systolic_max, "SYS", BP_COLOUR),
            (t.diastolic_max, "DIA", BP_COLOUR),
            (t.heart_rate_max, "HR", HR_COLOUR),
            (t.heart_rate_min, "HR", HR_COLOUR),
        ]
        for value, name, colour in limits:
            self._threshold(painter, upper, bp_axis, value, name, colour)
        self._threshold(painter, lower, spo2_axis, t.spo2_min, "SpO2", SPO2_COLOUR)
        if self.placed:
            self._bp_bars(painter, upper, bp_axis)
            for series in BP_SERIES:
                self._series(painter, upper, bp_axis, series)
            self._series(painter, lower, spo2_axis, SPO2_SERIES[0])
        else:
            self._text(
                painter, upper, "No vital signs were recorded.", Qt.AlignmentFlag.AlignCenter
            )
        self._legend(painter, QRectF(plot_left, rect.bottom() - legend_h, upper.width(), legend_h))
        painter.restore()

    # --- geometry -------------------------------------------------------------------------

    def _x(self, panel: QRectF, minutes: float) -> float:
        span = self.time.high - self.time.low
        return panel.left() + (minutes - self.time.low) / span * panel.width()

    @staticmethod
    def _y(panel: QRectF, axis: Axis, value: float) -> float:
        return panel.bottom() - (value - axis.low) / (axis.high - axis.low) * panel.height()

    def _font(self, size_pt: float, bold: bool = False) -> QFont:
        font = QFont("DejaVu Sans")
        for tag in ("liga", "clig"):  # as the report's text (pdf_report.report_font)
            if hasattr(font, "setFeature"):
                font.setFeature(QFont.Tag.fromString(tag), 0)
        font.setPixelSize(max(1, round(size_pt * self.unit)))
        font.setBold(bold)
        return font

    def _pen(self, colour: QColor, width_pt: float, style=Qt.PenStyle.SolidLine) -> QPen:
        pen = QPen(colour, width_pt * self.unit, style)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        return pen

    def _text(self, painter: QPainter, rect: QRectF, text: str, align, size_pt=7.0, bold=False):
        painter.setFont(self._font(size_pt, bold))
        painter.setPen(INK)
        painter.drawText(rect, int(align), text)

    # --- parts ----------------------------------------------------------------------------

    def _phase_bands(self, painter: QPainter, upper: QRectF, lower: QRectF, top: float) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        for position, phase in enumerate(p for p in self.record.phases if p.index >= 0):
            start = since_dose_s(self.record, phase.started)
            end = since_dose_s(self.record, phase.ended)
            if start is None:
                continue
            end_min = end / 60.0 if end is not None else self.time.high
            left = max(upper.left(), self._x(upper, start / 60.0))
            right = min(upper.right(), self._x(upper, end_min))
            if right <= left:
                continue
            painter.setBrush(QBrush(BAND_A if position % 2 == 0 else BAND_B))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRect(QRectF(left, upper.top(), right - left, upper.height()))
            painter.drawRect(QRectF(left, lower.top(), right - left, lower.height()))
            label = QRectF(
                left + 2 * self.unit, top, right - left - 4 * self.unit, upper.top() - top
            )
            painter.setFont(self._font(6.5))
            metrics = painter.fontMetrics()
            name = metrics.elidedText(phase.name, Qt.TextElideMode.ElideRight, int(label.width()))
            painter.setPen(INK)
            painter.drawText(
                label, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), name
            )
            painter.setPen(self._pen(GRID, 0.6))
            painter.drawLine(
                QPointF(left, upper.top() - 2 * self.unit), QPointF(left, lower.bottom())
            )
            painter.setPen(Qt.PenStyle.NoPen)

    def _panel(self, painter: QPainter, panel: QRectF, axis: Axis, unit_label: str) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for tick in axis.ticks():
            y = self._y(panel, axis, tick)
            painter.setPen(self._pen(GRID, 0.4))
            painter.drawLine(QPointF(panel.left(), y), QPointF(panel.right(), y))
            label = QRectF(
                panel.left() - 30 * self.unit, y - 5 * self.unit, 27 * self.unit, 10 * self.unit
            )
            self._text(
                painter,
                label,
                f"{tick:g}",
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                6.5,
            )
        for tick in self.time.ticks():
            x = self._x(panel, tick)
            painter.setPen(self._pen(GRID, 0.4))
            painter.drawLine(QPointF(x, panel.top()), QPointF(x, panel.bottom()))
        painter.setPen(self._pen(INK, 0.8))
        painter.drawRect(panel)
        painter.save()
        painter.translate(panel.left() - 30 * self.unit, panel.center().y())
        painter.rotate(-90)
        self._text(
            painter,
            QRectF(-panel.height() / 2, -9 * self.unit, panel.height(), 9 * self.unit),
            unit_label,
            Qt.AlignmentFlag.AlignCenter,
            6.5,
        )
        painter.restore()

    def _time_ticks(self, painter: QPainter, lower: QRectF) -> None:
        for tick in self.time.ticks():
            x = self._x(lower, tick)
            label = QRectF(
                x - 15 * self.unit, lower.bottom() + 1 * self.unit, 30 * self.unit, 8 * self.unit
            )
            text = f"{tick:+.0f}" if tick else "0"
            self._text(painter, label, text, Qt.AlignmentFlag.AlignCenter, 6.5)
        caption = QRectF(lower.left(), lower.bottom() + 8 * self.unit, lower.width(), 8 * self.unit)
        self._text(painter, caption, "minutes since the dose", Qt.AlignmentFlag.AlignCenter, 6.5)

    def _dose_line(self, painter: QPainter, upper: QRectF, lower: QRectF) -> None:
        if self.record.dose is None:
            return
        x = self._x(upper, 0.0)
        painter.setPen(self._pen(INK, 1.2))
        painter.drawLine(QPointF(x, upper.top()), QPointF(x, lower.bottom()))
        label = QRectF(
            x + 2 * self.unit, upper.top() + 1 * self.unit, 30 * self.unit, 8 * self.unit
        )
        self._text(
            painter,
            label,
            "Dose",
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            6.5,
            True,
        )

    def _threshold(self, painter, panel: QRectF, axis: Axis, value, name: str, colour: QColor):
        if value is None or not axis.low <= value <= axis.high:
            return
        y = self._y(panel, axis, value)
        pen = self._pen(colour, 0.9, Qt.PenStyle.CustomDashLine)
        pen.setDashPattern([6.0, 3.0])
        painter.setPen(pen)
        painter.drawLine(QPointF(panel.left(), y), QPointF(panel.right(), y))
        label = QRectF(
            panel.right() + 2 * self.unit, y - 5 * self.unit, 28 * self.unit, 10 * self.unit
        )
        self._text(
            painter,
            label,
            f"{name} {value:g}",
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            6.0,
        )

    def _bp_bars(self, painter: QPainter, panel: QRectF, axis: Axis) -> None:
        painter.setPen(self._pen(BP_COLOUR, 0.8))
        for minutes, reading in self.placed:
            if reading.systolic is not None and reading.diastolic is not None:
                x = self._x(panel, minutes)
                painter.drawLine(
                    QPointF(x, self._y(panel, axis, reading.systolic)),
                    QPointF(x, self._y(panel, axis, reading.diastolic)),
                )

    def _series(self, painter: QPainter, panel: QRectF, axis: Axis, series: Series) -> None:
        points = [
            (QPointF(self._x(panel, m), self._y(panel, axis, r.value(series.measure))), r)
            for m, r in self.placed
            if r.value(series.measure) is not None
        ]
        if series.measure in ("heart_rate", "spo2") and len(points) > 1:
            painter.setPen(self._pen(series.colour, 0.9, series.line))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(QPolygonF([p for p, _ in points]))
        for point, reading in points:
            self._marker(painter, point, series)
            if reading.flagged(series.measure):
                self._flag(painter, point)

    def _marker(self, painter: QPainter, at: QPointF, series: Series) -> None:
        r = 2.6 * self.unit
        painter.setPen(self._pen(series.colour, 0.9))
        if series.marker == "square":
            painter.setBrush(QBrush(QColor("#ffffff")))
            painter.drawRect(QRectF(at.x() - r, at.y() - r, 2 * r, 2 * r))
        elif series.marker == "dot":
            painter.setBrush(QBrush(series.colour))
            painter.drawEllipse(at, r, r)
        else:
            painter.setBrush(QBrush(series.colour))
            sign = 1 if series.marker == "down" else -1
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(at.x() - r, at.y() - sign * r),
                        QPointF(at.x() + r, at.y() - sign * r),
                        QPointF(at.x(), at.y() + sign * r),
                    ]
                )
            )

    def _ring(self, painter: QPainter, at: QPointF) -> float:
        ring = 5.2 * self.unit
        painter.setPen(self._pen(INK, 1.3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(at, ring, ring)
        return ring

    def _flag(self, painter: QPainter, at: QPointF) -> None:
        ring = self._ring(painter, at)
        label = QRectF(
            at.x() - 6 * self.unit, at.y() - ring - 9 * self.unit, 12 * self.unit, 8 * self.unit
        )
        self._text(painter, label, "!", Qt.AlignmentFlag.AlignCenter, 7.5, True)

    def _legend(self, painter: QPainter, rect: QRectF) -> None:
        entries = [*BP_SERIES, *SPO2_SERIES]
        x = rect.left()
        y = rect.center().y()
        painter.setFont(self._font(6.5))
        for series in entries:
            self._marker(painter, QPointF(x + 4 * self.unit, y), series)
            label = QRectF(x + 10 * self.unit, rect.top(), 60 * self.unit, rect.height())
            self._text(
                painter,
                label,
                series.label,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                6.5,
            )
            x += (
                16 + painter.fontMetrics().horizontalAdvance(series.label) / self.unit
            ) * self.unit
        self._ring(painter, QPointF(x + 6 * self.unit, y))
        label = QRectF(x + 14 * self.unit, rect.top(), 160 * self.unit, rect.height())
        text = "with ! : past a threshold (dashed line)"
        self._text(
            painter, label, text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, 6.5
        )
