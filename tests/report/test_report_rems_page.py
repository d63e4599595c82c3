"""The report of an intranasal session: its clinical scales and respiratory rates in a
table, and the REMS form's page in the form's order, read back from the PDF with pdftotext."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from session_player.record import read_session_record
from session_player.record.rems_form import load_template
from session_player.report.pdf_report import write_report_pdf
from tests.record.rems_session import rems_playlist, run_rems_session


def page_text(path: Path, first: int, last: int, *, layout: bool = False) -> str:
    """The pages' text; ``layout``: row by row (else a table comes column by column, and a
    wrapped cell stays whole)."""
    out = subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), "-f", str(first), "-l", str(last)]
        + [str(path), "-"],
        capture_output=True,
        check=True,
    ).stdout
    text = out.decode("utf-8").replace("\ufb01", "fi").replace("\ufb00", "ff")  # ligatures
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def report(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    record = read_session_record(run_rems_session(tmp_path), playlist=rems_playlist())
    path = tmp_path / "report.pdf"
    layout = write_report_pdf(record, path)
    return path, layout.pages


def test_the_scales_and_the_respiratory_rate_are_in_the_report(report):
    path, pages = report
    text = page_text(path, 1, pages, layout=True)
    assert "Clinical scales" in text
    squeezed = text.replace(" ", "")  # pdftotext spaces table cells as the layout falls
    assert "MOAA/S!3/5MOAA/S3isbelow4(sedation)" in squeezed
    # The respiratory rate is a column of the vital signs' table, flagged in its row.
    assert "RR/min" in squeezed
    assert "Beforedischarge126/80––!9Respiratoryrate<10" in squeezed


def test_the_rems_form_has_a_page_of_its_own_in_the_forms_order(report):
    path, pages = report
    last = page_text(path, pages, pages)
    assert last.lstrip().startswith("SPRAVATO REMS Patient Monitoring Form")
    assert "Blood pressure" not in page_text(path, pages - 1, pages - 1).split("SPRAVATO")[-1]
    places = [last.find(spec.label) for spec in load_template().fields]
    places.remove(last.find("Dose, if other (mg)"))  # shown: the dose was "other"
    assert -1 not in places and places == sorted(places)
    assert "LOT-2" in last and "28 mg" in last and "2026-01-01" in last
    assert "128/82 mmHg (before the dose)" in last and "152/90 mmHg (+41:00)" in last
    assert "125 min" in last and "95 min" in last
    # The unanswered question says so, with the flagged reading beside it.
    assert "— not recorded Flagged: Respiratory rate 9 /min is below 10 at +2:01:00" in last
