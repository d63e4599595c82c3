"""The report's listening dose: the share of the WHO/ITU-T H.870 weekly allowance, as
``listening_dose`` works it out for the scripted session, read back from the PDF with
pdftotext, with the calibration it assumed and the note when it passed the clinic's share."""

from __future__ import annotations

import json
from pathlib import Path

from session_player.record import read_session_record
from session_player.record.listening_dose import (
    DEFAULT_CALIBRATION_DB_SPL,
    format_percent,
    listening_dose,
)
from session_player.record.listening_settings import (
    ListeningSettings,
    load_listening_settings,
    save_listening_settings,
)
from session_player.report.pdf_report import write_report_pdf
from tests.record.scripted_journal import ScriptedSession
from tests.report.test_report_pdf import pdf_text

WARNING = "This session passed the clinic's warning share"


def _expected_percent(scripted: ScriptedSession, calibration_db_spl: float) -> str:
    events = [json.loads(line) for line in scripted.journal_path.read_text("utf-8").splitlines()]
    dose = listening_dose(events, calibration_db_spl=calibration_db_spl, playlist=scripted.playlist)
    assert 0 < dose.percent < 100  # a real figure, neither none nor everything
    return format_percent(dose.percent)


def test_the_report_states_the_dose_its_calibration_and_no_warning_below_the_share(
    qapp, scripted: ScriptedSession, tmp_path: Path
):
    record = read_session_record(scripted.journal_path, listening=ListeningSettings())
    path = tmp_path / "report.pdf"
    write_report_pdf(record, path)
    text = pdf_text(path)

    share = _expected_percent(scripted, DEFAULT_CALIBRATION_DB_SPL)
    assert record.listening is not None and format_percent(record.listening.dose.percent) == share
    assert "Listening dose" in text
    assert (
        f"Estimated listening dose: {share} of the weekly allowance (WHO/ITU-T H.870: "
        "80 dB(A) for 40 h)"
    ) in text
    assert (
        f"Calibration assumed: {DEFAULT_CALIBRATION_DB_SPL:g} dB SPL at full scale (the "
        "default: no headphone's level is entered in the settings)"
    ) in text
    assert WARNING not in text  # about 1.4 % against the default 50 %


def test_the_clinics_loudest_headphone_is_assumed_and_a_passed_share_is_said(
    qapp, scripted: ScriptedSession, tmp_path: Path
):
    settings_path = tmp_path / "config" / "listening.json"
    settings = ListeningSettings(
        headphones_db_spl={"Studio cans": 104.0, "Ear buds": 98.0}, warn_percent=2.0
    )
    save_listening_settings(settings, settings_path)
    record = read_session_record(
        scripted.journal_path, listening=load_listening_settings(settings_path)
    )
    path = tmp_path / "report.pdf"
    write_report_pdf(record, path)
    text = pdf_text(path)

    share = _expected_percent(scripted, 104.0)
    assert share != _expected_percent(scripted, DEFAULT_CALIBRATION_DB_SPL)
    assert f"Estimated listening dose: {share} of the weekly allowance" in text
    assert "headphones 104 dB SPL at full scale" in text
    assert (
        "Calibration assumed: 104 dB SPL at full scale (“Studio cans”, the loudest of the 2 "
        "headphones entered in the settings; the journal does not say which device played)"
    ) in text
    assert f"! {WARNING} of 2 % of the weekly allowance" in text


def test_a_damaged_listening_settings_file_is_said_and_the_default_used(
    qapp, scripted: ScriptedSession, tmp_path: Path
):
    settings_path = tmp_path / "listening.json"
    settings_path.write_text("{not json", "utf-8")
    record = read_session_record(
        scripted.journal_path, listening=load_listening_settings(settings_path)
    )
    path = tmp_path / "report.pdf"
    write_report_pdf(record, path)
    text = pdf_text(path)
    share = _expected_percent(scripted, DEFAULT_CALIBRATION_DB_SPL)
    assert f"Estimated listening dose: {share} of the weekly allowance" in text
    assert "Listening settings:" in text and "could not be read" in text
