"""The session report as a PDF, with Qt's own PDF writer (no system install needed).

``render_report_pdf(record, options)`` lays the record out (``report_html``) in a
``QTextDocument`` paginated to the clinic's paper (A4 or Letter), draws each page with a
``QPainter`` on a ``QPdfWriter`` and the vitals chart as vectors into the space the
document keeps for it (``vitals_chart``; under it the respiratory rate and clinical scales,
``scales_chart``, when the session has any), and a footer on every page (alias, date, page n
of N). A typical session fits on two or three pages; a longer record takes the pages it
needs rather than leave anything out.

Archival and re-reading, as far as Qt goes:

- ``attach_journal`` (the default): PDF 1.6 with the session's journal embedded as
  ``journal.jsonl`` (``QPdfWriter.addFileAttachment``, Qt 6.2+), so software can re-read the
  record from the report alone (``pdfdetach -save 1 report.pdf``);
- ``archival``: PDF/A-1b (``PdfVersion_A1b``), the only PDF/A level Qt writes. PDF/A-1
  forbids embedded files (PDF/A-3 would allow them; Qt does not write it), so an archival
  report carries the journal's SHA-256 instead of the journal, which ties it to the file
  kept in the session's folder. Qt would embed the file anyway and mislabel the PDF.

``write_report_pdf`` writes the file atomically and owner-only (0600): a report holds
clinical notes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from session_player.record.clinic_settings import PAPER_SIZES
from session_player.record.export_file import write_export
from session_player.record.model import ClinicalRecord
from session_player.report import wording
from session_player.report.report_html import CHART_IMAGE, SCALES_CHART_IMAGE, build_html
from session_player.report.scales_chart import ScalesChart, scales_chart_height_mm
from session_player.report.vitals_chart import VitalsChart

RESOLUTION_DPI = 300
MARGIN_MM = (16.0, 14.0, 16.0, 16.0)  # left, top, right, bottom (the footer sits below)
CHART_HEIGHT_MM = 82.0
PAGE_SIZES = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}
JOURNAL_ATTACHMENT = "journal.jsonl"


class ReportError(Exception):
    """The report could not be written; the message says why."""


@dataclass(frozen=True)
class ReportOptions:
    paper: str = "a4"  # "a4" | "letter"
    archival: bool = False  # PDF/A-1b (then the journal cannot be attached)
    attach_journal: bool = True


@dataclass(frozen=True)
class ReportLayout:
    """Where things went: for the caller's message and for the tests."""

    pages: int
    page_size_pt: tuple[float, float]
    chart_page: int  # 0-based
    chart_rect_pt: tuple[float, float, float, float]  # x, y, width, height from the top left
    journal_attached: bool
    pdf_version: str  # "PDF 1.6" or "PDF/A-1b"
    # The respiratory rate and scales chart under the vitals (-1: the session has none).
    scales_chart_page: int = -1
    scales_chart_rect_pt: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


def _chart_rect(
    document: QTextDocument, image_scale: float, name: str = CHART_IMAGE
) -> QRectF | None:
    """The box the layout gave a chart's placeholder image, in document coordinates."""
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fmt.isImageFormat() and fmt.toImageFormat().name() == name:
                image = fmt.toImageFormat()
                width, height = image.width() / image_scale, image.height() / image_scale
                box = document.documentLayout().blockBoundingRect(block)
                offset = fragment.position() - block.position()
                line = block.layout().lineForTextPosition(offset)
                x = box.left() + line.cursorToX(offset)[0]
                # An image sits on the baseline: its bottom is the line's ascent.
                y = box.top() + line.y() + line.ascent() - height
                return QRectF(x, y, width, height)
            it += 1
        block = block.next()
    return None


def report_font(point_size: float) -> QFont:
    """The report's type, without ligatures: text copied out of the PDF (into a chart, an
    EHR) must read "ff", "fi", "fl" as letters, and a hash must stay a hash."""
    font = QFont("DejaVu Sans")
    font.setPointSizeF(point_size)
    if hasattr(font, "setFeature"):  # Qt 6.7+
        for tag in ("liga", "clig"):
            font.setFeature(QFont.Tag.fromString(tag), 0)
    return font


@dataclass(frozen=True)
class PaintedReport:
    pages: int
    page_w: float  # device pixels
    page_h: float
    chart_page: int  # 0-based; -1: no chart (it could not be placed)
    chart_rect: QRectF  # device pixels from the page's top left
    scales_chart_page: int = -1  # the same for the scales chart (-1: none)
    scales_chart_rect: QRectF = field(default_factory=QRectF)


def _keep_headings_with_their_sections(document: QTextDocument, page_h: float) -> None:
    """A section heading left alone at the foot of a page starts the next page instead
    (Qt's layout knows no "keep with next"). Each move shifts what follows, so the pages
    are looked at again, from the top, until no heading is left alone."""
    layout = document.documentLayout()
    for _ in range(8):  # a handful of sections: this settles in one or two rounds
        block = document.begin()
        moved = False
        while block.isValid():
            following = block.next()
            if block.blockFormat().headingLevel() == 2 and following.isValid():
                page = int(layout.blockBoundingRect(block).top() // page_h)
                after = int(layout.blockBoundingRect(following).bottom() // page_h)
                if after > page:
                    cursor = QTextCursor(block)
                    fmt = block.blockFormat()
                    fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                    cursor.setBlockFormat(fmt)
                    moved = True
                    break
            block = following
        if not moved:
            return


def paint_report(record: ClinicalRecord, device, dpi: float) -> PaintedReport:
    """Paint the report on a paged device (a QPdfWriter, a QPrinter) whose painting origin
    is the paper's corner (no margins of its own); ``dpi`` is its resolution."""

    def mm_px(mm: float) -> float:
        return mm / 25.4 * dpi

    page_w, page_h = float(device.width()), float(device.height())
    left, top, right, bottom = (mm_px(m) for m in MARGIN_MM)
    body_w, body_h = page_w - left - right, page_h - top - bottom
    unit = dpi / 72.0  # device pixels per point
    image_scale = 96.0 / dpi  # an <img>'s size is in 96-dpi pixels; the layout scales it

    document = QTextDocument()
    document.documentLayout().setPaintDevice(device)
    document.setDocumentMargin(0)
    document.setDefaultFont(report_font(9))
    document.setPageSize(QSizeF(body_w, body_h))
    blank = QImage(1, 1, QImage.Format.Format_RGB32)
    blank.fill(QColor("#ffffff"))
    document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(CHART_IMAGE), blank)
    document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(SCALES_CHART_IMAGE), blank)
    document.setHtml(
        build_html(
            record,
            round(body_w * image_scale),
            round(mm_px(CHART_HEIGHT_MM) * image_scale),
            round(mm_px(scales_chart_height_mm(record)) * image_scale),
        )
    )
    _keep_headings_with_their_sections(document, body_h)
    pages = max(1, document.pageCount())
    chart_doc = _chart_rect(document, image_scale)
    scales_doc = _chart_rect(document, image_scale, SCALES_CHART_IMAGE)

    painter = QPainter()
    if not painter.begin(device):
        raise ReportError("Qt could not start drawing the report")
    chart_page = scales_page = -1
    chart_rect = scales_rect = QRectF()
    try:
        for page in range(pages):
            if page:
                device.newPage()
            painter.save()
            painter.translate(left, top - page * body_h)
            clip = QRectF(0, page * body_h, body_w, body_h)
            document.drawContents(painter, clip)
            if chart_doc is not None and clip.contains(chart_doc.center()):
                VitalsChart(record, unit).draw(painter, chart_doc)
                chart_page = page
                chart_rect = chart_doc.translated(left, top - page * body_h)
            if scales_doc is not None and clip.contains(scales_doc.center()):
                ScalesChart(record, unit).draw(painter, scales_doc)
                scales_page = page
                scales_rect = scales_doc.translated(left, top - page * body_h)
            painter.restore()
            footer = QRectF(left, page_h - bottom + mm_px(4), body_w, mm_px(5))
            _footer(painter, record, page, pages, footer, unit)
    finally:
        painter.end()
    return PaintedReport(pages, page_w, page_h, chart_page, chart_rect, scales_page, scales_rect)


def render_report_pdf(
    record: ClinicalRecord, options: ReportOptions = ReportOptions()
) -> tuple[bytes, ReportLayout]:
    """The PDF's bytes and where its parts went. Needs a QGuiApplication (offscreen is fine)."""
    if options.paper not in PAPER_SIZES:
        raise ReportError(f"paper must be one of {', '.join(PAPER_SIZES)}, not {options.paper!r}")
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(PAGE_SIZES[options.paper]),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
            QPageLayout.Unit.Millimeter,
        )
    )
    title = f"Session record · {record.alias or 'no alias'} · {wording.date_text(record.started)}"
    writer.setTitle(title)
    writer.setCreator(f"Session Player {record.app_version or ''}".strip())
    version = (
        QPagedPaintDevice.PdfVersion.PdfVersion_A1b
        if options.archival
        else QPagedPaintDevice.PdfVersion.PdfVersion_1_6
    )
    writer.setPdfVersion(version)
    attached = False
    if options.attach_journal and not options.archival and hasattr(writer, "addFileAttachment"):
        try:
            journal_bytes = record.journal_path.read_bytes()
        except OSError:
            journal_bytes = None  # read a moment ago; gone now: the report says its SHA-256
        if journal_bytes is not None:
            writer.addFileAttachment(
                JOURNAL_ATTACHMENT, QByteArray(journal_bytes), "application/jsonl"
            )
            attached = True

    painted = paint_report(record, writer, RESOLUTION_DPI)
    buffer.close()
    px_pt = 72.0 / RESOLUTION_DPI
    chart_rect = painted.chart_rect
    scales_rect = painted.scales_chart_rect
    layout = ReportLayout(
        pages=painted.pages,
        page_size_pt=(painted.page_w * px_pt, painted.page_h * px_pt),
        chart_page=painted.chart_page,
        chart_rect_pt=(
            chart_rect.x() * px_pt,
            chart_rect.y() * px_pt,
            chart_rect.width() * px_pt,
            chart_rect.height() * px_pt,
        ),
        journal_attached=attached,
        pdf_version="PDF/A-1b" if options.archival else "PDF 1.6",
        scales_chart_page=painted.scales_chart_page,
        scales_chart_rect_pt=(
            scales_rect.x() * px_pt,
            scales_rect.y() * px_pt,
            scales_rect.width() * px_pt,
            scales_rect.height() * px_pt,
        ),
    )
    return bytes(buffer.data()), layout


def _footer(painter: QPainter, record: ClinicalRecord, page: int, pages: int, line: QRectF, unit):
    painter.save()
    font = report_font(7)
    font.setPixelSize(round(7 * unit))
    painter.setFont(font)
    painter.setPen(QColor("#000000"))
    left_text = (
        f"Session record · alias “{record.alias or '(none)'}” · "
        f"{wording.date_text(record.started)} · journal {record.journal_sha256[:12]}"
    )
    painter.drawText(
        line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), left_text
    )
    painter.drawText(
        line,
        int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
        f"page {page + 1} of {pages}",
    )
    painter.restore()


def write_report_pdf(
    record: ClinicalRecord, path: str | os.PathLike, options: ReportOptions = ReportOptions()
) -> ReportLayout:
    """Render and write the report to ``path``: atomically, owner-only (0600)."""
    data, layout = render_report_pdf(record, options)
    target = Path(path)
    try:
        # A folder named that is not there yet is made, owner-only; one that is, is left.
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_export(target, data)
    except OSError as exc:
        raise ReportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return layout
