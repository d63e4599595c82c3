"""Records are owner-only: every folder 0700 and every file 0600 in the data folder after a
session (journal, heartbeat), the patient's preferences and a rehearsal, even under a
permissive umask (the code must say the modes, not trust the umask)."""

from __future__ import annotations

import os
import stat

import pytest

from session_player.playlist.model import Playlist
from session_player.record.preferences import Preferences, PreferenceStore
from session_player.record.private_files import make_private_folder, not_owner_only, write_private
from session_player.session.clock import FakeClock
from session_player.session.rehearsal import RehearsalStore
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline

PLAYLIST = Playlist.model_validate(
    {"title": "Privacy", "route": "IV", "phases": [{"id": "onset", "duration": "10m"}]}
)


@pytest.fixture
def open_umask():
    previous = os.umask(0)  # the worst case: everything created world-readable by default
    yield
    os.umask(previous)


def test_every_record_is_owner_only(tmp_path, open_umask):
    base = tmp_path / "data"
    clock = FakeClock()
    for store, speed in ((SessionStore(base), None), (RehearsalStore(base), 30.0)):
        timeline = SessionTimeline(PLAYLIST, store, clock, clock.wall, seed=1)
        timeline.start("Blue Heron", "notes", rehearsal_speed=speed)
        timeline.mark_dose_given()
        timeline.add_note("a clinical note")
        timeline.tick()  # writes the heartbeat beside the journal
        timeline.end_session("test")
        timeline.close()
    PreferenceStore(base).save(Preferences("Blue Heron", avoid=frozenset({"bells"})), "now")
    names = {path.name for path in base.rglob("*")}
    assert {"sessions", "rehearsals", "patients", "journal.jsonl"} <= names
    assert not_owner_only(base) == []


def test_reports_and_exports_are_owner_only(tmp_path, open_umask, qapp):
    """What the clinician saves from a record: the PDF report and the FHIR/CSV exports."""
    from session_player.record import read_session_record
    from session_player.record.export_file import write_export
    from session_player.report.pdf_report import write_report_pdf

    base = tmp_path / "data"
    clock = FakeClock()
    timeline = SessionTimeline(PLAYLIST, SessionStore(base), clock, clock.wall, seed=1)
    timeline.start("Blue Heron", "notes")
    timeline.mark_dose_given()
    timeline.end_session("test")
    timeline.close()
    out = tmp_path / "saved"
    make_private_folder(out)  # the folder is the clinician's choice; the files are ours
    write_report_pdf(read_session_record(timeline.journal_path), out / "report.pdf")
    write_export(out / "session.csv", b"seq,type\n")
    assert sorted(p.name for p in out.iterdir()) == ["report.pdf", "session.csv"]
    assert not_owner_only(out) == []


def test_the_check_finds_what_others_can_read(tmp_path, open_umask):
    write_private(tmp_path / "records" / "ok.json", b"{}")
    os.chmod(tmp_path / "records", 0o700)
    loose = tmp_path / "records" / "loose.txt"
    loose.write_text("x")
    os.chmod(loose, 0o644)
    (tmp_path / "records" / "open").mkdir(mode=0o755)
    found = not_owner_only(tmp_path / "records")
    assert sorted(found) == sorted(
        [
            f"{tmp_path / 'records' / 'open'} (mode 0755, wanted 0700)",
            f"{loose} (mode 0644, wanted 0600)",
        ]
    )
    assert stat.S_IMODE(os.stat(tmp_path / "records" / "ok.json").st_mode) == 0o600
