"""``session-player report``: exit codes, messages without tracebacks, the clinic's settings."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from session_player.cli.main import main
from tests.record.scripted_journal import ScriptedSession
from tests.report.test_report_pdf import pdf_info, pdf_text


def _run_cli(args: list[str], config_home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # the command must manage without a display by itself
    env["XDG_CONFIG_HOME"] = str(config_home)
    return subprocess.run(
        [sys.executable, "-m", "session_player", "report", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_the_command_writes_the_clinics_report_without_a_display(
    scripted: ScriptedSession, tmp_path: Path
):
    config = tmp_path / "config"
    (config / "session-player").mkdir(parents=True)
    (config / "session-player" / "clinic.json").write_text(
        json.dumps({"clinic_name": "Harbour Clinic", "room": "Room 2", "paper": "letter"})
    )
    out = tmp_path / "report.pdf"
    result = _run_cli([str(scripted.journal_path), "-o", str(out)], config)
    assert result.returncode == 0, result.stderr
    assert "Wrote" in result.stderr and "Letter" in result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert pdf_info(out)["Page size"].startswith("612 x 792")
    text = pdf_text(out)
    assert "Harbour Clinic · Room 2" in text and "Blue Heron" in text


def test_a_missing_journal_is_one_clear_line_and_exit_2(tmp_path: Path):
    result = _run_cli([str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "r.pdf")], tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"session-player report: there is no journal at {tmp_path / 'nope.jsonl'}"
    ]
    assert not (tmp_path / "r.pdf").exists()


def test_by_session_id_with_paper_and_archival(
    qapp, scripted: ScriptedSession, tmp_path: Path, capsys, monkeypatch
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    data_dir = scripted.journal_path.parents[2]
    session_id = scripted.journal_path.parent.name
    out = tmp_path / "by-id.pdf"
    code = main(["report", session_id, "--data-dir", str(data_dir), "-o", str(out), "--archival"])
    assert code == 0
    assert "PDF/A-1b, journal not attached" in capsys.readouterr().err
    assert pdf_info(out)["Page size"].startswith("595")  # A4: the default


def test_a_damaged_journal_is_reported_with_exit_1(
    qapp, scripted: ScriptedSession, tmp_path: Path, capsys, monkeypatch
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    with scripted.journal_path.open("ab") as journal:
        journal.write(b'{"seq": 500, "type": "no')
    out = tmp_path / "damaged.pdf"
    code = main(["report", str(scripted.journal_path), "-o", str(out), "--paper", "a4"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"could not read {scripted.journal_path}:" in err and "torn last line" in err
    assert out.exists()


def test_an_unwritable_report_is_exit_2_without_a_traceback(
    qapp, scripted: ScriptedSession, tmp_path: Path, capsys, monkeypatch
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = main(["report", str(scripted.journal_path), "-o", str(blocker / "report.pdf")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("session-player report: cannot write") and "Traceback" not in err


def test_usage_errors_are_exit_2(capsys):
    try:
        main(["report", "x.jsonl"])  # no -o
    except SystemExit as exc:
        assert exc.code == 2
    else:
        raise AssertionError("argparse accepted a report without -o")
    assert "-o/--output" in capsys.readouterr().err
