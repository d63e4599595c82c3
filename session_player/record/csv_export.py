"""A session's journal as CSV: one row per event, the same columns for every session.

For spreadsheets: the columns are fixed (``COLUMNS``, in that order), so a clinic can keep a
sheet of many sessions and its formulas still point at the right column. The common fields
have columns of their own (times, the vital signs, side effects, notes, volume, phase);
whatever else an event carries goes, as JSON, into the last column, ``extra``. So the CSV
holds every event whole and **round-trips**: ``read_csv(csv_text(events)) == events``.

How a cell is written, so that reading it back gives the same value:

- an empty cell is a key the event does not have. A null goes to ``extra`` (``{"dose_s":
  null}``): before the dose every event says ``dose_s`` is null, and ``extra`` says so;
- a number column holds ints as ``120`` and floats as Python's shortest exact form
  (``60.0``, ``0.1``): the same float comes back, and 120 stays an int;
- a text column holds the text, newlines and quotes included (CSV quoting). A text that
  begins like a spreadsheet formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return),
  or with an apostrophe, gets one leading ``'``, which reading removes: a note typed
  ``=HYPERLINK(...)`` is shown, never run, when the clinic opens the file;
- a value that does not fit its column (a number where text is expected, a boolean, a list)
  goes to ``extra`` instead, so nothing is bent to fit.

``flags`` (a reading's threshold messages) is a text column of its own: the messages joined
by `` | ``, when none of them contains that separator (else the list goes to ``extra``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence

from session_player.record.model import ClinicalRecord

INT, NUMBER, TEXT, TEXT_LIST = "int", "number", "text", "text list"
# (column, kind): the order is part of the format; add new columns before ``extra`` only.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("seq", INT),
    ("type", TEXT),
    ("wall", TEXT),
    ("session_s", NUMBER),
    ("dose_s", NUMBER),
    ("mono_s", NUMBER),
    ("run", INT),
    ("check", TEXT),
    ("systolic", NUMBER),
    ("diastolic", NUMBER),
    ("heart_rate", NUMBER),
    ("spo2", NUMBER),
    ("respiratory_rate", NUMBER),
    ("scale", TEXT),
    ("score", NUMBER),
    ("flags", TEXT_LIST),
    ("kind", TEXT),
    ("note", TEXT),
    ("text", TEXT),
    ("reason", TEXT),
    ("message", TEXT),
    ("volume_db", NUMBER),
    ("phase_id", TEXT),
    ("alias", TEXT),
    ("extra", TEXT),
)
HEADER = tuple(name for name, _kind in COLUMNS)
_KINDS = dict(COLUMNS)
LIST_SEPARATOR = " | "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
_INT_TEXT = re.compile(r"-?[0-9]+")


class CsvFormatError(ValueError):
    """The text is not a CSV this module wrote (the message says where and why)."""


def _fits(kind: str, value: object) -> bool:
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == NUMBER:
        # NaN and infinities cannot be in a journal (written with allow_nan=False).
        return (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and value == value
            and value not in (float("inf"), float("-inf"))
        )
    if kind == TEXT:
        return isinstance(value, str) and value != ""  # an empty cell means "no such key"
    if kind == TEXT_LIST:
        return (
            isinstance(value, list)
            and all(isinstance(item, str) and LIST_SEPARATOR not in item for item in value)
            # [""] and ["[]"] would read back as []: keep such a list in extra.
            and value not in ([""], ["[]"])
        )
    return False


def _text_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(kind: str, value: object) -> str:
    if kind in (INT, NUMBER):
        return repr(value) if isinstance(value, float) else str(value)
    if kind == TEXT_LIST:
        # An empty list is a cell with nothing in it... which is an absent key: write "[]".
        return _text_cell(LIST_SEPARATOR.join(value)) if value else "[]"  # type: ignore[arg-type]
    return _text_cell(str(value))


def event_row(event: dict) -> list[str]:
    """One event as the cells of ``HEADER``."""
    cells = dict.fromkeys(HEADER, "")
    extra: dict = {}
    for key, value in event.items():
        kind = _KINDS.get(key)
        if kind is not None and key != "extra" and _fits(kind, value):
            cells[key] = _cell(kind, value)
        else:
            extra[key] = value
    if extra:
        cells["extra"] = json.dumps(extra, ensure_ascii=False, allow_nan=False)
    return [cells[name] for name in HEADER]


def record_csv(record: ClinicalRecord) -> str:
    """Every event of the record (``record.events``: the journal's, in order) as CSV."""
    return csv_text(record.events)


def csv_text(events: Iterable[dict]) -> str:
    """The events as CSV text (header first, ``\\r\\n`` line ends as RFC 4180 asks)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for event in events:
        writer.writerow(event_row(event))
    return out.getvalue()


def _read_text(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def _read_cell(kind: str, cell: str, where: str) -> object:
    if kind in (INT, NUMBER):
        try:
            if _INT_TEXT.fullmatch(cell):
                return int(cell)
            if kind == NUMBER:
                return float(cell)
        except ValueError:
            pass
        raise CsvFormatError(f"{where}: {cell!r} is not a number")
    if kind == TEXT_LIST:
        if cell == "[]":
            return []
        return _read_text(cell).split(LIST_SEPARATOR)
    return _read_text(cell)


def read_csv(text: str) -> list[dict]:
    """The events of a CSV written by ``csv_text``; raises ``CsvFormatError``."""
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, None)
    if header is None:
        raise CsvFormatError("line 1: the file is empty (no header)")
    if tuple(header) != HEADER:
        raise CsvFormatError(
            "line 1: not a Session Player event CSV (the columns differ from: "
            + ",".join(HEADER)
            + ")"
        )
    events: list[dict] = []
    for row in rows:
        where = f"line {rows.line_num}"
        if len(row) != len(HEADER):
            raise CsvFormatError(f"{where}: {len(row)} cells, expected {len(HEADER)}")
        event: dict = {}
        for (name, kind), cell in zip(COLUMNS, row, strict=True):
            if name == "extra" or cell == "":
                continue
            event[name] = _read_cell(kind, cell, f"{where}, column {name}")
        extra_cell = row[-1]
        if extra_cell:
            try:
                extra = json.loads(extra_cell)
            except ValueError as exc:
                raise CsvFormatError(f"{where}, column extra: not JSON ({exc})") from exc
            if not isinstance(extra, dict):
                raise CsvFormatError(f"{where}, column extra: not a JSON object")
            event.update(extra)
        events.append(event)
    return events


def same_events(a: Sequence[dict], b: Sequence[dict]) -> bool:
    """Whether two event lists hold the same events (key order aside; 1 and 1.0 differ)."""
    return json.dumps(list(a), sort_keys=True) == json.dumps(list(b), sort_keys=True)
