"""The session report PDF, checked the way a person would: rendered to images with pdftoppm
(pages, the chart drawn where the layout put it), its text extracted with pdftotext (every
reading, side effect and note of the scripted session), its attachment detached."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from session_player.record import read_session_record
from session_player.report.pdf_report import ReportError, ReportOptions, write_report_pdf
from tests.record.scripted_journal import ALERT, NOTES, READINGS, SIDE_EFFECTS, ScriptedSession

RENDER_DPI = 72  # one pixel per point: the layout's rectangles are in points


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    return re.sub(r"\s+", " ", out.decode("utf-8"))


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition(":") for line in out.stdout.splitlines())
    )


def render_page(path: Path, page: int, folder: Path) -> QImage:
    stem = folder / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-r", str(RENDER_DPI), "-f", str(page), "-l", str(page), "-png",
         "-singlefile", str(path), str(stem)],
        check=True,
    )  # fmt: skip
    image = QImage(str(stem) + ".png")
    assert not image.isNull()
    return image


def ink_share(image: QImage, x: float, y: float, w: float, h: float) -> float:
    """The share of pixels in a rectangle that are not white (every 2nd pixel, both ways)."""
    inked = total = 0
    for py in range(int(y), int(y + h), 2):
        for px in range(int(x), int(x + w), 2):
            colour = image.pixelColor(px, py)
            total += 1
            inked += colour.lightness() < 235
    return inked / total


def test_the_report_has_its_pages_its_chart_and_every_reading(
    qapp, scripted: ScriptedSession, tmp_path: Path
):
    record = read_session_record(scripted.journal_path)
    path = tmp_path / "out" / "report.pdf"
    layout = write_report_pdf(record, path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    info = pdf_info(path)
    assert 1 <= int(info["Pages"]) <= 3 and int(info["Pages"]) == layout.pages
    assert info["Page size"].startswith("595") and "A4" in info["Page size"]

    # The chart is drawn where the layout put it: lines and markers, not an empty box.
    page = render_page(path, layout.chart_page + 1, tmp_path)
    x, y, w, h = layout.chart_rect_pt
    assert w > 400 and h > 150  # most of the width of the page
    inside = ink_share(page, x, y, w, h)
    assert inside > 0.05
    # The blood-pressure series is drawn in its colour (blue dominant) inside the chart.
    blue = 0
    for py in range(int(y), int(y + h)):
        for px in range(int(x), int(x + w)):
            c = page.pixelColor(px, py)
            blue += c.blue() > 100 and c.blue() > c.red() + 40
    assert blue > 50

    text = pdf_text(path)
    assert "Blue Heron" in text and "alias" in text
    for _check, _at, systolic, diastolic, heart_rate, spo2 in READINGS:
        assert f"{systolic}/{diastolic}" in text
        assert str(heart_rate) in text and str(spo2) in text
    # Flagged values are marked in the table by a sign, not only a colour.
    assert "! 152/89" in text and "! 104" in text and "! 93" in text
    assert "Systolic > 140; Heart rate > 100" in text and "SpO2 < 94" in text
    for kind, note in SIDE_EFFECTS:
        assert kind in text and note in text
    assert "logged by mistake" in text  # the withdrawn one, kept and marked
    for note in NOTES:
        assert note in text
    assert ALERT in text and "acknowledged at" in text
    assert "The patient called" in text
    for phase in ("Settling", "Onset", "Peak", "Coming back", "Observation"):
        assert phase in text
    assert "extended by 5m" in text and "advanced by the clinician" in text
    assert "Alert and oriented" in text and "An adult escort is here" in text
    assert "Slow Tide" in text and "Ocean (chosen by the patient)" in text
    assert "Every line of the journal was read" in text
    assert record.journal_sha256 in text
    # No ligatures: text copied out of the report reads "ff", "fi", "fl" as letters.
    assert not [c for c in text if 0xFB00 <= ord(c) <= 0xFB06]
    assert "Side effects" in text and "Flagged" in text


def test_the_journal_is_attached_and_detaches_byte_for_byte(
    qapp, scripted: ScriptedSession, tmp_path: Path
):
    record = read_session_record(scripted.journal_path)
    path = tmp_path / "report.pdf"
    layout = write_report_pdf(record, path)
    assert layout.journal_attached and layout.pdf_version == "PDF 1.6"
    listing = subprocess.run(
        ["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "journal.jsonl" in listing
    saved = tmp_path / "detached.jsonl"
    subprocess.run(["pdfdetach", "-save", "1", "-o", str(saved), str(path)], check=True)
    assert saved.read_bytes() == scripted.journal_path.read_bytes()


def test_an_archival_report_is_pdf_a_and_names_its_journal_by_hash(
    qapp, scripted: ScriptedSession, tmp_path: Path
):
    record = read_session_record(scripted.journal_path)
    path = tmp_path / "archival.pdf"
    layout = write_report_pdf(record, path, ReportOptions(archival=True))
    assert layout.pdf_version == "PDF/A-1b" and not layout.journal_attached
    data = path.read_bytes()
    assert b'pdfaid:part="1"' in data and b"GTS_PDFA1" in data
    listing = subprocess.run(
        ["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert listing.startswith("0 embedded files")
    assert record.journal_sha256 in pdf_text(path)


def test_letter_paper(qapp, scripted: ScriptedSession, tmp_path: Path):
    record = read_session_record(scripted.journal_path)
    path = tmp_path / "letter.pdf"
    layout = write_report_pdf(record, path, ReportOptions(paper="letter"))
    assert pdf_info(path)["Page size"].startswith("612 x 792")
    assert layout.page_size_pt == pytest.approx((612, 792), abs=1)
    with pytest.raises(ReportError, match="paper must be one of a4, letter"):
        write_report_pdf(record, path, ReportOptions(paper="a3"))


def test_a_damaged_journal_gives_a_report_that_says_what_it_lacks(
    qapp, scripted: ScriptedSession, tmp_path: Path
):
    lines = scripted.journal_path.read_bytes().split(b"\n")
    lines[9] = b"\x00\x00garbage"
    scripted.journal_path.write_bytes(b"\n".join(lines) + b'{"seq": 99, "ty')
    record = read_session_record(scripted.journal_path)
    path = tmp_path / "damaged.pdf"
    write_report_pdf(record, path)
    text = pdf_text(path)
    assert "could not be read" in text
    assert "line 10: skipped" in text
    assert "torn last line" in text
    assert "128/82" in text  # the rest is all there


def test_a_failed_write_leaves_the_previous_report_whole(
    qapp, scripted: ScriptedSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    record = read_session_record(scripted.journal_path)
    path = tmp_path / "report.pdf"
    path.write_bytes(b"the previous report")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(ReportError, match="No space left on device"):
        write_report_pdf(record, path)
    assert path.read_bytes() == b"the previous report"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".report")) == []


def test_a_rehearsal_report_says_it_is_not_a_patients_record(qapp, tmp_path: Path, monkeypatch):
    from session_player.playlist.model import Playlist
    from session_player.session.clock import FakeClock
    from session_player.session.store import SessionStore
    from session_player.session.timeline import SessionTimeline
    from tests.record.scripted_journal import PLAYLIST_DATA

    monkeypatch.setattr(os, "fsync", lambda fd: None)
    clock = FakeClock()
    playlist = Playlist.model_validate(PLAYLIST_DATA)
    timeline = SessionTimeline(playlist, SessionStore(tmp_path), clock, clock.wall, seed=1)
    timeline.start("Practice", rehearsal_speed=30.0)
    clock.advance(60)
    timeline.mark_dose_given()
    timeline.end_session("rehearsal over")
    path = timeline.journal_path
    timeline.close()

    record = read_session_record(path, playlist=playlist)
    assert record.rehearsal_speed == 30.0
    write_report_pdf(record, tmp_path / "rehearsal.pdf")
    text = pdf_text(tmp_path / "rehearsal.pdf")
    assert "REHEARSAL at 30× — not a patient's record" in text
    assert "No vital signs were recorded." in text or "No readings were recorded." in text


def test_a_heading_never_stays_alone_at_the_foot_of_a_page(qapp):
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QTextDocument

    from session_player.report.pdf_report import _keep_headings_with_their_sections

    page_h = 400.0
    document = QTextDocument()
    document.setPageSize(QSizeF(300, page_h))
    for filler in range(0, 40):
        lines = "".join(f"<p>line {i}</p>" for i in range(filler))
        document.setHtml(f"<body>{lines}<h2>Section</h2><p>its first line</p></body>")
        layout = document.documentLayout()
        heading = next(b for b in _blocks(document) if b.blockFormat().headingLevel() == 2)
        alone = int(layout.blockBoundingRect(heading).top() // page_h) < int(
            layout.blockBoundingRect(heading.next()).bottom() // page_h
        )
        if alone:
            break
    else:
        raise AssertionError("no filler length left the heading alone: the test proves nothing")
    _keep_headings_with_their_sections(document, page_h)
    layout = document.documentLayout()
    assert int(layout.blockBoundingRect(heading).top() // page_h) == int(
        layout.blockBoundingRect(heading.next()).bottom() // page_h
    )


def _blocks(document):
    block = document.begin()
    while block.isValid():
        yield block
        block = block.next()
