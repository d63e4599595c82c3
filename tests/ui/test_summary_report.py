"""The summary's "Save report…" and "Print…", pressed as a clinician presses them.

Save: a real click on the button; only ``QFileDialog.getSaveFileName`` (the platform's
dialog, not the code under test) answers with a file name. Print: a real click, then Qt's
own print dialog driven through its widgets ("Print to File (PDF)", its file name field,
its Print button)."""

from __future__ import annotations

import json
import re
import stat
import subprocess
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QLineEdit, QPushButton

from tests.ui.test_summary_record import click, ended_session, events_of


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    return re.sub(r"\s+", " ", out.decode("utf-8"))


def clinic_settings(tmp_path: Path, monkeypatch, **values) -> None:
    config = tmp_path / "config"
    (config / "session-player").mkdir(parents=True)
    (config / "session-player" / "clinic.json").write_text(json.dumps(values))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))


def test_save_report_writes_the_pdf_named_by_date_and_alias(
    make_window, port, clinic, flow, clock, qtbot, tmp_path, monkeypatch
):
    clinic_settings(tmp_path, monkeypatch, clinic_name="Harbour Clinic", room="Room 2")
    summary, _bridge = ended_session(make_window(port), flow, clinic, clock, qtbot)
    asked: list[str] = []
    target = tmp_path / "reports" / "chosen"  # the clinician typed a name without .pdf
    target.parent.mkdir()

    def answer(_parent, _caption, suggested, _filter):
        asked.append(suggested)
        return str(target), "PDF documents (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    click(qtbot, summary.report.save_button)

    (suggested,) = asked
    assert re.search(r"\d{4}-\d\d-\d\d Blue Heron session report\.pdf$", suggested)
    saved = target.with_suffix(".pdf")
    assert saved.exists() and stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert summary.report.status.text().startswith(f"✓ Report saved: {saved}")
    text = pdf_text(saved)
    assert "Harbour Clinic · Room 2" in text and "Blue Heron" in text
    assert "! 152/88" in text and "118/76" in text  # the flagged and the baseline readings
    assert "brief, settled with a sip of water" in text
    assert "patient well, transferred to the recovery room" in text  # the early end's reason


def test_a_cancelled_save_writes_nothing(
    make_window, port, clinic, flow, clock, qtbot, tmp_path, monkeypatch
):
    clinic_settings(tmp_path, monkeypatch)
    summary, _bridge = ended_session(make_window(port), flow, clinic, clock, qtbot)
    before = summary.report.status.text()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: ("", ""))
    click(qtbot, summary.report.save_button)
    assert summary.report.status.text() == before
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_save_that_fails_says_so(
    make_window, port, clinic, flow, clock, qtbot, tmp_path, monkeypatch
):
    clinic_settings(tmp_path, monkeypatch)
    summary, _bridge = ended_session(make_window(port), flow, clinic, clock, qtbot)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(blocker / "r.pdf"), ""))
    click(qtbot, summary.report.save_button)
    assert summary.report.status.text().startswith("The report was NOT saved: cannot write")


def test_print_goes_through_the_print_dialog(
    make_window, port, clinic, flow, clock, qtbot, tmp_path, monkeypatch
):
    clinic_settings(tmp_path, monkeypatch, paper="letter")
    summary, _bridge = ended_session(make_window(port), flow, clinic, clock, qtbot)
    printed = tmp_path / "printed.pdf"
    seen: list[str] = []

    def use_the_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:  # not open yet
            QTimer.singleShot(50, use_the_dialog)
            return
        seen.append(dialog.windowTitle())
        # Print to a file even where real printers are set up ("Print to File" comes last).
        printers = dialog.findChild(QComboBox, "printers")
        printers.setFocus()
        qtbot.keyClick(printers, Qt.Key.Key_End)
        assert printers.currentText().startswith("Print to File")
        name = dialog.findChild(QLineEdit, "filename")
        name.setFocus()
        qtbot.keyClick(name, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(name, str(printed))
        (button,) = [b for b in dialog.findChildren(QPushButton) if b.text() == "&Print"]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())

    QTimer.singleShot(0, use_the_dialog)
    click(qtbot, summary.report.print_button)

    assert seen == ["Print the session report"]
    assert printed.exists()
    assert summary.report.status.text().startswith(f"✓ Report sent to {printed}")
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True).stdout
    assert "612 x 792" in info  # the clinic's Letter paper
    assert "brief, settled with a sip of water" in pdf_text(printed)


def test_the_report_names_who_recorded_the_discharge(
    make_window, port, clinic, flow, clock, qtbot, tmp_path, monkeypatch
):
    from tests.ui.test_summary_record import enter_discharge_vitals, type_text

    clinic_settings(tmp_path, monkeypatch)
    summary, bridge = ended_session(make_window(port), flow, clinic, clock, qtbot)
    enter_discharge_vitals(qtbot, summary)
    for box in summary.checks:
        click(qtbot, box)
    click(qtbot, summary.discharge.by)
    type_text(qtbot, "JS")
    click(qtbot, summary.discharge.button)
    notes = [e["text"] for e in events_of(bridge, "note")]
    assert notes[-1].startswith("Discharge checklist complete") and notes[-1].endswith(
        " (recorded by JS)"
    )
    assert not summary.discharge.by.isEnabled()

    saved = tmp_path / "report.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(saved), ""))
    click(qtbot, summary.report.save_button)
    text = pdf_text(saved)
    assert "by JS." in text and "124/80" in text  # the discharge reading too
