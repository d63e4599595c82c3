"""Benchmark: the session record of a long session, as a PDF report and as exports.

Run: ``.venv/bin/python bench/report.py [--repeats N]``. Writes its figures, with the
command, into the "Session report" section of ``docs/benchmarks.md``.

The session: a real ``SessionTimeline`` on a ``FakeClock`` (so it takes seconds, not three
hours) runs 3 hours from the start: settling, the dose at 5 minutes, the arc, then
observation until the end; vital signs with a respiratory rate every 5 minutes from the
start (every fourth one flagged), MOAA/S and a dissociation rating every 15 minutes (every
fourth flagged), and more events to 200 or more in all (notes, side effects, volume changes, a
pause now and then, soundscapes chosen, alerts acknowledged). Its journal is then timed, each run
from the file on disk, as the clinic's commands would:

- reading it into the record (``record.read_session_record``);
- the report PDF (``report.pdf_report.render_report_pdf``: layout, chart, PDF bytes), and
  its pages;
- the FHIR Bundle and the CSV (``record.fhir_export``, ``record.csv_export``), when present.

Times are the median and the slowest of ``--repeats`` runs after one warm-up (Qt's fonts,
imports). The goal from the issue: the PDF in at most 1 s.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._report import write_section  # noqa: E402

MINUTE = 60.0
SESSION_MIN = 180
VITALS_EVERY_MIN = 5
GOAL_S = 1.0


def run_long_session(folder: Path) -> Path:
    """Three hours on a fake clock; returns the journal's path."""
    os.fsync = lambda fd: None  # the journal's durability is not what is timed here
    from session_player.playlist.model import Playlist
    from session_player.session.clock import FakeClock
    from session_player.session.store import SessionStore
    from session_player.session.timeline import SessionTimeline
    from tests.record.scripted_journal import PLAYLIST_DATA, make_playlist_file

    playlist_path = make_playlist_file(folder)  # read again by the record, as in the clinic
    playlist = Playlist.model_validate(PLAYLIST_DATA, context={"base_dir": str(folder)})
    clock = FakeClock()
    store = SessionStore(folder / "data")
    timeline = SessionTimeline(
        playlist, store, clock, clock.wall, seed=3, playlist_path=playlist_path
    )
    timeline.start("Long Session", "IV 0.5 mg/kg over 40 min")
    kinds = ("nausea/vomiting", "dizziness", "blurred vision", "anxiety")
    for minute in range(1, SESSION_MIN + 1):
        clock.advance(MINUTE)
        timeline.tick()
        if minute == 5:
            timeline.mark_dose_given()
        if minute % VITALS_EVERY_MIN == 0:
            flagged = minute % (4 * VITALS_EVERY_MIN) == 0
            timeline.record_vitals(
                150 if flagged else 122 + minute % 9,
                80 + minute % 7,
                104 if flagged else 70 + minute % 11,
                93 if flagged else 97,
                respiratory_rate=9 if flagged else 14 + minute % 3,
            )
        if minute % 15 == 0:  # the scales (the report charts them under the vitals)
            flagged = minute % 60 == 0
            timeline.record_scale("sedation", 3 if flagged else 4 + minute % 2)
            timeline.record_scale("dissociation", 6 if flagged else minute % 4)
        if minute % 6 == 0:
            timeline.add_note(f"Minute {minute}: resting, eyes closed, breathing even")
        if minute % 2 == 0:
            timeline.set_volume(-6.0 - (minute % 4))
        if minute % 30 == 15:
            timeline.pause_audio()
            clock.advance(20)
            timeline.resume_audio()
        if minute % 9 == 0:
            timeline.log_side_effect(kinds[minute % len(kinds)], "brief")
        if minute % 40 == 0:
            timeline.choose_soundscape("ocean" if minute % 80 else "rain", by="patient")
        if minute % 60 == 30:
            alert = timeline.raise_alert("device", f"Headphones disconnected ({minute} min)")
            timeline.acknowledge_alert(int(alert.value))
        if minute == 44:
            timeline.advance_phase()  # the peak holds at its end: the clinician moves on
    timeline.end_session()
    timeline.add_note("Discharge checklist complete: Alert and oriented; An adult escort is here")
    path = timeline.journal_path
    timeline.close()
    return path


def timed(function, repeats: int) -> tuple[list[float], object]:
    function()  # warm-up
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from session_player.record import read_session_record
    from session_player.report.pdf_report import render_report_pdf

    _app = QGuiApplication([])
    rows: list[tuple[str, list[float], str]] = []
    with tempfile.TemporaryDirectory() as folder:
        journal = run_long_session(Path(folder))
        record = read_session_record(journal)
        events, readings = len(record.events), len(record.readings)
        scores = len(record.scores)
        times, _ = timed(lambda: read_session_record(journal), args.repeats)
        rows.append(("read the journal into the record", times, ""))
        times, (data, layout) = timed(
            lambda: render_report_pdf(read_session_record(journal)), args.repeats
        )
        rows.append(
            (
                "**report PDF** (read + layout + charts + PDF)",
                times,
                f"{layout.pages} pages, {len(data) // 1024} KiB, journal attached",
            )
        )
        for name, module, function in (
            ("FHIR Bundle (read + build + validate)", "fhir_export", "fhir_json"),
            ("CSV (read + rows)", "csv_export", "record_csv"),
        ):
            if importlib.util.find_spec(f"session_player.record.{module}") is None:
                rows.append((name, [], "not present in this tree"))
                continue
            export = getattr(importlib.import_module(f"session_player.record.{module}"), function)
            times, text = timed(lambda e=export: e(read_session_record(journal)), args.repeats)
            rows.append((name, times, f"{len(text) // 1024} KiB"))

    table = ["| Step | Median | Slowest | Output |", "|---|---|---|---|"]
    for name, times, note in rows:
        if times:
            table.append(
                f"| {name} | {statistics.median(times) * 1000:.0f} ms | "
                f"{max(times) * 1000:.0f} ms | {note} |"
            )
        else:
            table.append(f"| {name} | – | – | {note} |")
    pdf_median = statistics.median(rows[1][1])
    verdict = "met" if pdf_median <= GOAL_S else "NOT met"
    body = f"""Command: `.venv/bin/python bench/report.py --repeats {args.repeats}` ({time.strftime("%Y-%m-%d")}, \
{platform.machine()}, Python {platform.python_version()}, Qt offscreen; the machine shared with other work).

A {SESSION_MIN}-minute session run by the real timeline on a fake clock: vital signs with a \
respiratory rate every {VITALS_EVERY_MIN} minutes ({readings} readings, every fourth flagged), \
{scores} scale scores (MOAA/S and dissociation, each every 15 minutes), {events} journal events in all \
(notes, side effects, volume changes, soundscapes, alerts, phase changes). The report has the \
vitals chart, the chart of respiratory rate and scales under it, and the listening dose. Each step \
reads the journal from disk again, as `session-player report` and `export` do; median and \
slowest of {args.repeats} runs after a warm-up.

{chr(10).join(table)}

Goal: the PDF in at most {GOAL_S:g} s: **{verdict}** (median {pdf_median * 1000:.0f} ms).
"""
    print(body)
    if not args.no_write:
        write_section(ROOT / "docs" / "benchmarks.md", "Session report (bench/report.py)", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
