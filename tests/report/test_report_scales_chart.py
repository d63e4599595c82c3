"""The report's chart of respiratory rate and clinical scales, under the vitals chart: the PDF
rendered with pdftoppm and its pixels looked at where the chart's geometry puts the strips,
their series, the playlist's thresholds and the rings of the flagged values."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage

from session_player.playlist.model import Playlist
from session_player.record import read_session_record
from session_player.record.listening_settings import ListeningSettings
from session_player.report.pdf_report import write_report_pdf
from session_player.report.scales_chart import ScalesChart
from session_player.session.clock import FakeClock
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline
from tests.report.test_report_pdf import RENDER_DPI, ink_share, pdf_text, render_page

MINUTE = 60.0
CHECKS = ["blood_pressure", "respiratory_rate", "sedation", "dissociation"]
PLAYLIST = {
    "title": "Infusion with scales",
    "route": "IV",
    "phases": [{"id": "infusion", "duration": "40m"}, {"id": "rest", "duration": "40m"}],
    "clinical": {
        "vitals": [
            {"at": "pre-dose", "measures": CHECKS},
            {"every": "15m", "until": "1h", "measures": CHECKS},
        ],
        "thresholds": {"respiratory_rate_min": 10, "sedation_min": 4, "dissociation_max": 5},
    },
}
# (minutes after the dose, respiratory rate, MOAA/S, dissociation 0-10)
SCORES = [(-2, 16, 5, 0), (15, 14, 4, 3), (30, 8, 3, 7), (45, 12, 4, 4), (60, 15, 5, 1)]
FLAGGED_RR = {30}
FLAGGED_SEDATION = {30}
FLAGGED_DISSOCIATION = {30}


def run_scales_session(folder: Path) -> Path:
    clock = FakeClock()
    playlist = Playlist.model_validate(PLAYLIST)
    timeline = SessionTimeline(playlist, SessionStore(folder), clock, clock.wall, seed=3)
    timeline.start("Grey Owl")
    clock.advance(3 * MINUTE)
    dosed = False
    for minutes, rate, sedation, dissociation in SCORES:
        if minutes >= 0 and not dosed:
            clock.advance(2 * MINUTE)
            timeline.mark_dose_given()
            dosed = True
        if dosed:
            clock.advance(minutes * MINUTE - timeline.since_dose_s())
            timeline.tick()
        timeline.record_vitals(systolic=124, diastolic=78, respiratory_rate=rate)
        timeline.record_scale("sedation", sedation)
        timeline.record_scale("dissociation", dissociation)
    clock.advance(20 * MINUTE)
    timeline.tick()
    timeline.end_session()
    path = timeline.journal_path
    timeline.close()
    return path


@pytest.fixture
def scales_report(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    record = read_session_record(
        run_scales_session(tmp_path),
        playlist=Playlist.model_validate(PLAYLIST),
        listening=ListeningSettings(),
    )
    path = tmp_path / "report.pdf"
    layout = write_report_pdf(record, path)
    page = render_page(path, layout.scales_chart_page + 1, tmp_path)
    return record, path, layout, page


def _brown(c: QColor) -> bool:  # the respiratory rate's colour, #5a3a00
    return c.red() > c.blue() + 40 and c.green() > c.blue() + 15 and c.red() > c.green()


def _purple(c: QColor) -> bool:  # the scales' colour, #5b1b8b
    return c.blue() > c.green() + 50 and c.red() > c.green() + 20


def _count(page: QImage, rect: QRectF, test) -> int:
    return sum(
        1
        for y in range(int(rect.top()), int(rect.bottom()))
        for x in range(int(rect.left()), int(rect.right()))
        if test(page.pixelColor(x, y))
    )


def _dark_on_circle(page: QImage, x: float, y: float, radius: float) -> int:
    """How many of 24 points on a circle around (x, y) are dark (a ring is drawn there)."""
    dark = 0
    for step in range(24):
        angle = 2 * math.pi * step / 24
        c = page.pixelColor(
            round(x + radius * math.cos(angle)), round(y + radius * math.sin(angle))
        )
        dark += c.lightness() < 150
    return dark


def test_the_scales_chart_has_a_strip_each_with_its_series_thresholds_and_flags(scales_report):
    record, path, layout, page = scales_report
    assert layout.scales_chart_page >= 0
    x, y, w, h = layout.scales_chart_rect_pt
    assert w > 400 and 100 < h < 300
    # Under the vitals chart, on its page or the next.
    vx, vy, vw, vh = layout.chart_rect_pt
    assert layout.scales_chart_page > layout.chart_page or y >= vy + vh - 0.5
    assert ink_share(page, x, y, w, h) > 0.05

    chart = ScalesChart(record, RENDER_DPI / 72.0)  # one pixel per point, as rendered
    assert [s.series.measure for s in chart.strips] == [
        "respiratory_rate",
        "sedation",
        "dissociation",
    ]
    panels = chart.strip_rects(QRectF(x, y, w, h))
    rr, sedation, dissociation = zip(chart.strips, panels, strict=True)
    # Each strip draws its series in its colour.
    assert _count(page, rr[1], _brown) > 30
    assert _count(page, sedation[1], _purple) > 30
    assert _count(page, dissociation[1], _purple) > 30

    # The playlist's thresholds are long-dashed lines across their strips, in the series'
    # colour (a grid line at the same value is grey).
    for (strip, panel), value, colour in (
        (rr, 10, _brown),
        (sedation, 4, _purple),
        (dissociation, 5, _purple),
    ):
        row = round(chart._y(panel, strip.axis, value))
        coloured = max(
            sum(
                colour(page.pixelColor(px, r))
                for px in range(int(panel.left()), int(panel.right()))
            )
            for r in (row - 1, row, row + 1)
        )
        assert coloured > 0.3 * panel.width(), (strip.series.measure, coloured)

    # A flagged value is ringed; the others are not.
    for strip, panel in (rr, sedation, dissociation):
        for point in strip.points:
            at = chart.point_at(panel, strip, point)
            dark = _dark_on_circle(page, at.x(), at.y(), 5.2)
            if point.flagged:
                assert dark >= 16, (strip.series.measure, point)
            else:
                assert dark <= 8, (strip.series.measure, point)
    flagged = {round(p.minutes) for p in rr[0].points if p.flagged}
    assert flagged == FLAGGED_RR
    assert {round(p.minutes) for p in sedation[0].points if p.flagged} == FLAGGED_SEDATION
    assert {round(p.minutes) for p in dissociation[0].points if p.flagged} == FLAGGED_DISSOCIATION

    text = pdf_text(path)
    assert "RR /min" in text and "MOAA/S" in text and "Dissoc." in text
    assert "RR 10" in text and "MOAA/S 4" in text and "Diss. 5" in text
    assert "past the playlist's threshold" in text


def test_a_session_without_scales_has_no_scales_chart(qapp, tmp_path: Path, monkeypatch):
    from tests.record.scripted_journal import run_scripted_session

    monkeypatch.setattr(os, "fsync", lambda fd: None)
    scripted = run_scripted_session(tmp_path)
    record = read_session_record(scripted.journal_path, listening=ListeningSettings())
    layout = write_report_pdf(record, tmp_path / "report.pdf")
    assert layout.scales_chart_page == -1 and layout.chart_page >= 0
