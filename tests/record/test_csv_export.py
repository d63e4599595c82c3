"""The CSV export: fixed columns, one row per event, and reading it back gives the events."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from session_player.record import read_session_record
from session_player.record.csv_export import (
    HEADER,
    CsvFormatError,
    csv_text,
    event_row,
    read_csv,
    record_csv,
    same_events,
)
from session_player.session.journal import read_journal
from tests.record.export_session import NOTES


def test_the_columns_are_fixed() -> None:
    # A clinic's spreadsheet points at these columns: changing them breaks its formulas.
    assert HEADER == (
        "seq", "type", "wall", "session_s", "dose_s", "mono_s", "run", "check",
        "systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate", "scale",
        "score", "flags", "kind", "note", "text", "reason", "message", "volume_db",
        "phase_id", "alias", "extra",
    )  # fmt: skip


def test_the_scripted_session_round_trips(export_journal: Path) -> None:
    record = read_session_record(export_journal)
    events = list(read_journal(export_journal).events)
    assert list(record.events) == events
    text = record_csv(record)
    assert same_events(read_csv(text), events)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 1 + len(events)
    assert all(len(row) == len(HEADER) for row in rows)


def test_readings_sit_in_their_own_columns(export_journal: Path) -> None:
    events = read_journal(export_journal).events
    rows = [
        dict(zip(HEADER, row, strict=True)) for row in csv.reader(io.StringIO(csv_text(events)))
    ][1:]
    flagged = next(r for r in rows if r["check"] == "40m")
    assert (flagged["systolic"], flagged["diastolic"], flagged["heart_rate"], flagged["spo2"]) == (
        "152",
        "95",
        "104",
        "92.5",
    )
    assert flagged["flags"].split(" | ")[0] == "Systolic 152 mmHg is above 140"
    assert flagged["wall"] == "2026-03-02T10:45:00.000000+01:00"
    assert flagged["dose_s"] == "2400.0" and flagged["extra"] == ""
    pre_dose = next(r for r in rows if r["check"] == "pre-dose")
    assert json.loads(pre_dose["extra"]) == {"dose_s": None}  # null before the dose, said so
    assert pre_dose["flags"] == "[]"


def test_a_note_that_looks_like_a_formula_is_never_a_formula(export_journal: Path) -> None:
    events = read_journal(export_journal).events
    rows = [
        dict(zip(HEADER, row, strict=True)) for row in csv.reader(io.StringIO(csv_text(events)))
    ][1:]
    texts = [r["text"] for r in rows if r["type"] == "note"]
    assert texts == [NOTES[0], "'" + NOTES[1]]
    assert [e["text"] for e in read_csv(csv_text(events)) if e["type"] == "note"] == NOTES


@pytest.mark.parametrize(
    "event",
    [
        {"seq": 1, "type": "note", "text": ""},
        {"seq": 1, "type": "note", "text": "'quoted"},
        {"seq": 1, "type": "x", "flags": [""]},
        {"seq": 1, "type": "x", "flags": ["[]"]},
        {"seq": 1, "type": "x", "flags": ["a | b", "c"]},
        {"seq": 1, "type": "x", "flags": ["-2 below", "=x"]},
        {"seq": 1, "type": "x", "systolic": 120.0, "heart_rate": True, "spo2": "98"},
        {"seq": 1, "type": "x", "extra": {"nested": [1, 2.5, None]}, "check": None},
        {"seq": 1, "type": "x", "text": 'line\r\nbreak, "quoted"'},
    ],
)
def test_awkward_values_round_trip(event: dict) -> None:
    assert same_events(read_csv(csv_text([event])), [event])


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYS = st.sampled_from([*HEADER, "by", "cause", "tau_s"]) | st.text(min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(KEYS, JSON_VALUES, max_size=8), max_size=4))
def test_any_events_round_trip(events: list[dict]) -> None:
    assert same_events(read_csv(csv_text(events)), events)


def test_a_row_is_all_text_cells() -> None:
    row = event_row({"seq": 3, "type": "volume_set", "volume_db": -9.0, "by": "clinician"})
    assert row[HEADER.index("volume_db")] == "-9.0"
    assert json.loads(row[-1]) == {"by": "clinician"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: the file is empty"),
        ("a,b\r\n", "line 1: not a Session Player event CSV"),
        (",".join(HEADER) + "\r\n1,note\r\n", "line 2: 2 cells, expected 25"),
        (",".join(HEADER) + "\r\n" + "x" + "," * (len(HEADER) - 1) + "\r\n", "column seq"),
        (",".join(HEADER) + "\r\n" + "," * (len(HEADER) - 1) + "{bad\r\n", "column extra"),
    ],
)
def test_a_file_that_is_not_our_csv_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(CsvFormatError, match=message.replace("(", r"\(")):
        read_csv(text)
