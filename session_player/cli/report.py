"""``session-player report JOURNAL|SESSION_ID -o report.pdf [--paper a4|letter] [--archival]``.

Writes the session report PDF (``session_player.report``) from a journal file, a session
folder or a session id (its folder name under the sessions folder). The paper is the
clinic's setting (``clinic.json``, default A4) unless ``--paper`` says otherwise; clinic
name and room come from the same settings. The journal is attached to the PDF; with
``--archival`` the PDF is PDF/A-1b instead, which cannot hold an attachment (the report
gives the journal's SHA-256). No display is needed: Qt draws offscreen.

Exit codes: 0 written; 1 written from a damaged journal (each unreadable line is named on
standard error, and in the report); 2 usage, a missing or unreadable journal, or a report
that could not be written (a previous file of that name is left whole).
"""

from __future__ import annotations

import argparse
import sys

EXIT_OK = 0
EXIT_DAMAGED = 1
EXIT_USAGE = 2
PROG = "session-player report"


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "report",
        help="write a session's report as a PDF (A4 or Letter)",
        description="Write the session report: clinic and room, alias, playlist, route and "
        "dose, times, every phase as it ran, a vitals chart and table, side effects, notes, "
        "alerts, what played and the discharge checklist. JOURNAL is a journal.jsonl, a "
        "session folder or a session id (its folder name). The file is written owner-only "
        "and atomically. Exit 0 when written, 1 when written from a damaged journal, 2 for "
        "usage errors, a missing or unreadable journal, or a file that could not be written.",
    )
    parser.add_argument("journal", metavar="JOURNAL|SESSION_ID")
    parser.add_argument("-o", "--output", metavar="FILE", required=True, help="the PDF to write")
    parser.add_argument(
        "--paper",
        choices=("a4", "letter"),
        default=None,
        help="paper size (default: the clinic's setting, else a4)",
    )
    parser.add_argument(
        "--archival",
        action="store_true",
        help="PDF/A-1b (archival); the journal is then not attached, only its SHA-256 given",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="the folder holding sessions/ (default: the app's data folder)",
    )
    parser.set_defaults(handler=run)


def _say(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from session_player.record import RecordUnreadable, find_journal, read_session_record
    from session_player.record.clinic_settings import load_clinic_settings

    settings = load_clinic_settings()
    if settings.problem:
        _say(settings.problem)
    try:
        path = find_journal(args.journal, args.data_dir)
        record = read_session_record(path, clinic=settings)
    except RecordUnreadable as exc:
        _say(str(exc))
        return EXIT_USAGE
    for line in record.unread:
        _say(f"could not read {path}:{line.line_no}: {line.message}")

    # No display is needed to draw a PDF: without one, Qt draws offscreen.
    from session_player.report.gui_app import ensure_gui_app
    from session_player.report.pdf_report import ReportError, ReportOptions, write_report_pdf

    _app = ensure_gui_app(PROG)
    archival = args.archival or settings.archival
    options = ReportOptions(paper=args.paper or settings.paper, archival=archival)
    try:
        layout = write_report_pdf(record, args.output, options)
    except ReportError as exc:
        _say(str(exc))
        return EXIT_USAGE
    attached = "journal attached" if layout.journal_attached else "journal not attached"
    print(
        f"Wrote {args.output}: {layout.pages} page{'s' if layout.pages != 1 else ''}, "
        f"{options.paper.upper() if options.paper == 'a4' else 'Letter'}, "
        f"{layout.pdf_version}, {attached}",
        file=sys.stderr,
    )
    return EXIT_DAMAGED if record.unread else EXIT_OK
