"""``session-player export``: FHIR and CSV to stdout or to an owner-only file, by journal path,
session folder or session id; damaged and missing journals get clear messages, no traceback."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from session_player.cli.main import main
from session_player.record.csv_export import read_csv, same_events
from session_player.session.journal import read_journal
from tests.record.export_session import run_export_session


@pytest.fixture(autouse=True)
def _fast_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    # The journal's durability is tested in tests/session; here only its contents matter.
    monkeypatch.setattr(os, "fsync", lambda fd: None)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_fhir_goes_to_standard_output(export_journal: Path, capsys) -> None:
    assert main(["export", str(export_journal), "--format", "fhir"]) == 0
    out, err = capsys.readouterr()
    bundle = json.loads(out)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert err == ""


def test_csv_to_a_file_is_owner_only_and_round_trips(
    export_journal: Path, tmp_path: Path, capsys
) -> None:
    out_dir = tmp_path / "exports"
    out_dir.mkdir(mode=0o755)
    os.chmod(out_dir, 0o755)
    target = out_dir / "pt.csv"
    target.write_text("an older export", "utf-8")
    os.chmod(target, 0o644)
    assert main(["export", str(export_journal), "--format", "csv", "-o", str(target)]) == 0
    assert _mode(target) == 0o600
    assert _mode(out_dir) == 0o755  # the clinician's folder is theirs: left as it was
    assert same_events(read_csv(target.read_text("utf-8")), read_journal(export_journal).events)
    assert [p.name for p in out_dir.iterdir()] == ["pt.csv"]  # no temporary file left
    out, err = capsys.readouterr()
    assert out == "" and f"Wrote {target}" in err


def test_a_session_folder_or_its_id_names_the_journal(
    tmp_path: Path,
    fixed_zone: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
) -> None:
    data_home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    journal = run_export_session(tmp_path, base_dir=data_home / "session-player")
    session_id = journal.parent.name
    assert session_id == "20260302-100000-blue-heron"
    assert main(["export", session_id, "--format", "csv"]) == 0
    by_id = capsys.readouterr().out
    assert main(["export", str(journal.parent), "--format", "csv"]) == 0
    assert capsys.readouterr().out == by_id
    # --data-dir: the sessions of another data folder (a copy, a backup), by id.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "elsewhere"))
    assert main(["export", session_id, "--format", "csv"]) == 2
    assert "no session 20260302-100000-blue-heron" in capsys.readouterr().err
    data_dir = str(data_home / "session-player")
    assert main(["export", session_id, "--format", "csv", "--data-dir", data_dir]) == 0
    assert capsys.readouterr().out == by_id
    assert same_events(read_csv(by_id), read_journal(journal).events)


def test_a_damaged_journal_is_exported_as_far_as_it_reads(export_journal: Path, capsys) -> None:
    lines = export_journal.read_bytes().split(b"\n")
    lines[6] = b'{"seq": 7, "type": "vitals_rec'  # line 7: corrupted in the middle
    export_journal.write_bytes(b"\n".join(lines) + b'{"seq":99,"type":"no')  # and torn
    assert main(["export", str(export_journal), "--format", "fhir"]) == 1
    out, err = capsys.readouterr()
    bundle = json.loads(out)
    heart_rates = [
        e["resource"]["valueQuantity"]["value"]
        for e in bundle["entry"]
        if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "8867-4"
    ]
    assert heart_rates == [72, 104, 70]  # the 46 of line 7 is lost, the rest is there
    messages = err.strip().splitlines()
    assert len(messages) == 2
    assert messages[0].startswith(f"session-player export: could not read {export_journal}:7: ")
    assert f"{export_journal}:15: torn last line" in messages[1]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: folder / "nowhere.jsonl", "there is no journal at"),
        (lambda folder: "20990101-000000-nobody", "no session 20990101-000000-nobody"),
        (lambda folder: folder, "is a folder without a session journal"),
        (lambda folder: _write(folder / "empty.jsonl", b""), "holds no session event: it is empty"),
        (lambda folder: _write(folder / "junk.jsonl", b"\x00\x00garbage\n"), "no line of it"),
    ],
)
def test_a_missing_or_unreadable_journal_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, make, message: str
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert main(["export", str(make(tmp_path)), "--format", "csv"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and message in err and err.startswith("session-player export: ")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_file_that_cannot_be_written_is_one_clear_line(
    export_journal: Path, tmp_path: Path, capsys
) -> None:
    target = tmp_path / "no-such-folder" / "pt.json"
    assert main(["export", str(export_journal), "--format", "fhir", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"could not write {target}" in err
    assert not target.parent.exists()


def test_a_rehearsal_is_never_exported_as_fhir(tmp_path: Path, fixed_zone: None, capsys) -> None:
    journal = run_export_session(tmp_path, rehearsal_speed=30)
    target = tmp_path / "rehearsal.json"
    assert main(["export", str(journal), "--format", "fhir", "-o", str(target)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and not target.exists()
    assert err.count("\n") == 1
    assert "is a rehearsal (×30), not a patient's record: it is not exported as FHIR" in err
    # Its events can still be read as CSV (a trainer's review), the rehearsal marked in them.
    assert main(["export", str(journal), "--format", "csv"]) == 0
    started = read_csv(capsys.readouterr().out)[0]
    assert started["rehearsal"] == {"speed": 30}


def test_the_format_is_required_and_checked(export_journal: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["export", str(export_journal), "--format", "xml"])
    assert exited.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err
