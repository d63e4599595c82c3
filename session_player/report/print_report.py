"""Printing the session report on a ``QPrinter`` (QtPrintSupport, part of PySide6-Essentials):
the same pages as the PDF, painted by ``pdf_report.paint_report`` on the printer the
clinician chose in the print dialog (or its "Print to File")."""

from __future__ import annotations

from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter

from session_player.record.model import ClinicalRecord
from session_player.report.pdf_report import PAGE_SIZES, PaintedReport, paint_report


def prepare_printer(printer: QPrinter, paper: str) -> None:
    """The clinic's paper, portrait, before the dialog opens (the clinician may change it)."""
    printer.setPageSize(QPageSize(PAGE_SIZES.get(paper, QPageSize.PageSizeId.A4)))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)


def print_report(record: ClinicalRecord, printer: QPrinter) -> PaintedReport:
    # The report keeps its own margins (wider than any printer's unprintable edge), so it
    # paints from the paper's corner, as on the PDF.
    printer.setFullPage(True)
    return paint_report(record, printer, float(printer.resolution()))
