"""``session-player export JOURNAL|SESSION_ID --format fhir|csv [-o FILE]``.

Writes a session's record in a structured form: a FHIR R4 Bundle of vital-sign
Observations (``record/fhir_export.py``) or one CSV row per journal event
(``record/csv_export.py``). To standard output without ``-o``; with ``-o`` the file is
written owner-only (0600) and atomically (a temporary file in the same folder, fsynced,
then renamed), so a failed write leaves the previous file whole.

A damaged journal (a torn last line, a corrupted line) is exported as far as it can be
read, and each line that could not be read is named on standard error. Nothing leaves the
machine: the export is a file the clinician chose to write.

A rehearsal's journal is not exported as FHIR (its readings were typed to practise, and
must never reach a chart); its CSV can be written.

Exit codes: 0 written, 1 written from a damaged journal (some lines could not be read) or
a rehearsal refused as FHIR (nothing written), 2 usage, a missing or unreadable journal, or
a file that could not be written.
"""

from __future__ import annotations

import argparse
import sys

EXIT_OK = 0
EXIT_DAMAGED = 1
EXIT_USAGE = 2
FORMATS = ("fhir", "csv")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export",
        help="write a session's record as FHIR JSON or CSV",
        description="Export a session's record: --format fhir gives a FHIR R4 Bundle of "
        "vital-sign Observations (the patient as the alias only), --format csv one row per "
        "journal event with fixed columns. JOURNAL is a journal.jsonl, a session folder or a "
        "session id (its folder name). Written to standard output, or to FILE with -o "
        "(owner-only, replaced atomically; the folder must exist). Exit 0 when written, 1 when written from a "
        "damaged journal (the unreadable lines are named) or for a rehearsal asked as FHIR "
        "(refused: its readings are not a patient's), 2 for usage errors and a missing or "
        "unreadable journal.",
    )
    parser.add_argument("journal", metavar="JOURNAL|SESSION_ID")
    parser.add_argument("--format", required=True, choices=FORMATS, dest="export_format")
    parser.add_argument("-o", "--output", metavar="FILE", default=None)
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="the folder holding sessions/, for a SESSION_ID (default: the app's data folder)",
    )
    parser.set_defaults(handler=run)


def _text(record, export_format: str) -> str:
    if export_format == "fhir":
        from session_player.record.fhir_export import fhir_json

        return fhir_json(record)
    from session_player.record.csv_export import record_csv

    return record_csv(record)


def run(args: argparse.Namespace) -> int:
    from session_player.record import RecordUnreadable, find_journal, read_session_record

    try:
        path = find_journal(args.journal, args.data_dir)
        record = read_session_record(path)
    except RecordUnreadable as exc:
        print(f"session-player export: {exc}", file=sys.stderr)
        return EXIT_USAGE
    damage = [f"{path}:{line.line_no}: {line.message}" for line in record.unread]
    for message in damage:
        print(f"session-player export: could not read {message}", file=sys.stderr)
    from session_player.record.fhir_export import RehearsalNotExported

    try:
        text = _text(record, args.export_format)
    except RehearsalNotExported as exc:
        print(f"session-player export: {exc}", file=sys.stderr)
        return EXIT_DAMAGED
    except Exception as exc:  # a journal we cannot turn into the format: say so, no traceback
        print(f"session-player export: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        from session_player.record.export_file import write_export

        try:
            write_export(args.output, text.encode("utf-8"))
        except OSError as exc:
            print(
                f"session-player export: could not write {args.output}: {exc.strerror or exc}",
                file=sys.stderr,
            )
            return EXIT_USAGE
        print(
            f"Wrote {args.output} ({args.export_format}, {len(record.events)} events read)",
            file=sys.stderr,
        )
    return EXIT_DAMAGED if damage else EXIT_OK
