"""The report's text as the HTML subset QTextDocument lays out (tables, bold, small type).

Sections, in the order a reviewer reads a session: who and where, the times, the chart
(a reserved space, drawn as vectors by ``vitals_chart``), vital signs, phases, side effects,
notes, alerts, what played, the listening dose, discharge, and what the record could not read. Flagged values
are bold and marked ``!`` (not only coloured), so grey-scale print keeps them.
"""

from __future__ import annotations

from html import escape

from session_player.playlist.durations import format_duration
from session_player.record.model import MEASURES, ClinicalRecord, VitalReading
from session_player.report import wording as w
from session_player.report.clinical_scales_html import rems_page_html, scales_html
from session_player.report.listening_dose_html import listening_dose_html

CHART_IMAGE = "report-chart"  # the placeholder image whose box the chart is drawn into
SCALES_CHART_IMAGE = "report-scales-chart"  # the same for the scales chart (scales_chart.py)


STYLE = """
body { font-size: 8.5pt; color: #000; }
h1 { font-size: 15pt; margin: 0 0 2pt 0; }
h2 { font-size: 10.5pt; margin: 9pt 0 3pt 0; }
p { margin: 0 0 2pt 0; }
table.grid { border-collapse: collapse; }
table.grid th { background: #e6e6e6; font-weight: bold; text-align: left; }
table.grid td, table.grid th { padding: 1.5pt 4pt; }
.small { font-size: 7.5pt; }
.flag { font-weight: bold; }
.banner { font-weight: bold; font-size: 10pt; }
"""


def _e(text: object) -> str:
    return escape(str(text), quote=False)


def _table(headers: list[str], rows: list[list[str]], widths: list[int] | None = None) -> str:
    """A bordered table; cells are already HTML."""
    head = "".join(
        f'<th width="{widths[i]}%">{_e(h)}</th>' if widths else f"<th>{_e(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        '<table class="grid" width="100%" border="1" cellspacing="0" cellpadding="2" '
        f'style="border-color:#808080">'
        f"<thead><tr>{head}</tr></thead>{body}</table>"
    )


def _kv(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f'<tr><td width="24%"><b>{_e(k)}</b></td><td>{v}</td></tr>' for k, v in rows if v
    )
    return f'<table width="100%" cellspacing="0" cellpadding="1">{cells}</table>'


def _value(reading: VitalReading, measure: str, text: str) -> str:
    if reading.flagged(measure):
        return f'<span class="flag">! {_e(text)}</span>'
    return _e(text)


def build_html(
    record: ClinicalRecord,
    chart_width_px: int,
    chart_height_px: int,
    scales_chart_height_px: int = 0,
) -> str:
    parts = [f"<html><head><style>{STYLE}</style></head><body>"]
    parts.append(_header(record))
    parts.append("<h2>Vital signs</h2>")
    parts.append(
        f'<p><img src="{CHART_IMAGE}" width="{chart_width_px}" height="{chart_height_px}"></p>'
    )
    if scales_chart_height_px > 0:  # respiratory rate and the scales, under the vitals
        parts.append(
            f'<p><img src="{SCALES_CHART_IMAGE}" width="{chart_width_px}" '
            f'height="{scales_chart_height_px}"></p>'
        )
    parts.append(_vitals(record))
    parts.append(scales_html(record))  # MOAA/S, dissociation, CADSS
    parts.append(_phases(record))
    parts.append(_side_effects(record))
    parts.append(_notes(record))
    parts.append(_alerts(record))
    parts.append(_played(record))
    parts.append(listening_dose_html(record))  # the H.870 share and its calibration
    parts.append(_discharge(record))
    parts.append(_integrity(record))
    parts.append(rems_page_html(record))  # a page of its own, in the REMS form's order
    parts.append("</body></html>")
    return "".join(parts)


def _header(record: ClinicalRecord) -> str:
    clinic = " · ".join(p for p in (record.clinic.name, record.clinic.room) if p)
    out = []
    if record.rehearsal_speed:
        out.append(
            f'<p class="banner">REHEARSAL at {record.rehearsal_speed:g}× — not a patient\'s '
            "record</p>"
        )
    out.append(f"<h1>Session record · alias “{_e(record.alias or '(none)')}”</h1>")
    out.append(
        f"<p>{_e(clinic or 'Clinic and room not set (Settings)')} · "
        f"{_e(w.date_text(record.started))}</p>"
    )
    dose = w.time_of_day(record.dose, seconds=True) if record.dose else "not given"
    if record.ended is not None:
        ended = w.when(record, record.ended)
        since = w.since_dose_s(record, record.ended)
        if since is not None and record.dose is not None:
            ended += f" · {format_duration(round(since))} after the dose"
    else:
        ended = "not ended in this journal"
    end_reason = ""
    if record.ended is not None and (record.ended_early or record.end_reason):
        minimum = record.minimum_observation_s
        before = (
            f" before the minimum observation of {format_duration(minimum)}"
            if record.ended_early and minimum
            else " early"
            if record.ended_early
            else ""
        )
        end_reason = f"Ended{before}: {_e(record.end_reason or 'no reason given')}"
    playlist = _e(record.playlist_title or "untitled")
    if not record.playlist_known:
        playlist += " <i>(the playlist file was not found: phase names from the journal)</i>"
    elif record.playlist_changed:
        playlist += " <i>(the playlist file has changed since the session)</i>"
    rows = [
        ("Patient alias", _e(record.alias or "(none)")),
        ("Playlist", playlist),
        ("Route", _e(record.route or "not known")),
        ("Route and dose as entered", _e(record.dose_entered or "")),
        # Before a separate dose field, the start screen's route/dose and notes were one text.
        (
            "Notes at the start" if record.dose_entered else "Dose and notes as entered",
            _e(record.start_notes),
        ),
        ("Started", _e(w.time_of_day(record.started, seconds=True))),
        ("Dose given", _e(dose)),
        ("Ended", _e(ended)),
        ("End", end_reason),
        (
            "Minimum observation",
            _e(format_duration(record.minimum_observation_s))
            if record.minimum_observation_s
            else "",
        ),
    ]
    out.append(_kv(rows))
    return "".join(out)


def _vitals(record: ClinicalRecord) -> str:
    out = [f'<p class="small">{_e(w.thresholds_text(record))}</p>']
    if not record.readings:
        out.append("<p>No readings were recorded.</p>")
    else:
        # The respiratory rate is a column of its own when a check took it (one row per
        # reading, not a second row in the scales table: a 3-hour infusion stays shorter).
        with_rr = any(r.respiratory_rate is not None for r in record.readings)
        rows = []
        for r in record.readings:
            bp = w.blood_pressure(r)
            if r.flagged("systolic") or r.flagged("diastolic"):
                bp_cell = f'<span class="flag">! {_e(bp)}</span>'
            else:
                bp_cell = _e(bp)
            flags = "; ".join(w.short_flag(f.message) for f in r.flags)
            rows.append(
                [
                    _e(w.time_of_day(r.at)),
                    _e(w.dose_clock(record, r.at)),
                    _e(r.check_label) + (" <i>(written late)</i>" if r.written_late else ""),
                    bp_cell,
                    _value(r, "heart_rate", w.number(r.heart_rate)),
                    _value(r, "spo2", w.number(r.spo2)),
                    *([_value(r, "respiratory_rate", w.number(r.respiratory_rate))] * with_rr),
                    _e(flags),
                ]
            )
        if with_rr:
            headers = ["Time", "Since dose", "Check", "BP mmHg", "HR /min", "SpO2 %", "RR /min"]
            widths = [8, 9, 17, 11, 8, 8, 8, 31]
        else:
            headers = ["Time", "Since dose", "Check", "BP mmHg", "HR /min", "SpO2 %"]
            widths = [8, 9, 19, 11, 8, 8, 37]
        out.append(_table([*headers, "Flags"], rows, widths))
    not_done = [c for c in record.checks if c.outcome in ("skipped", "missed")]
    if not_done:
        lines = []
        for c in not_done:
            if c.outcome == "skipped":
                lines.append(
                    f"{_e(c.label)} ({_e(c.due)}): skipped at {_e(w.when(record, c.at))} — "
                    f"{_e(c.reason)}"
                )
            else:
                lines.append(f'<span class="flag">! {_e(c.label)} ({_e(c.due)}): not done</span>')
        out.append("<p>" + "<br>".join(lines) + "</p>")
    return "".join(out)


def _phases(record: ClinicalRecord) -> str:
    rows = [
        [
            _e(p.name),
            _e(w.when(record, p.started)),
            _e(w.length_text(p.length_s)),
            _e(format_duration(p.planned_s) if p.planned_s else "–"),
            _e(w.phase_how(p)),
        ]
        for p in record.phases
    ]
    return "<h2>Phases as they ran</h2>" + _table(
        ["Phase", "Started", "Length", "Planned", "How"], rows, [16, 16, 10, 10, 48]
    )


def _side_effects(record: ClinicalRecord) -> str:
    if not record.side_effects:
        return "<h2>Side effects</h2><p>None were logged.</p>"
    rows = []
    for e in record.side_effects:
        kind = _e(e.kind)
        if e.withdrawn is not None:
            kind += f" <i>(undone at {_e(w.time_of_day(e.withdrawn))}: logged by mistake)</i>"
        rows.append([_e(w.when(record, e.at)), kind, _e(e.note)])
    return "<h2>Side effects</h2>" + _table(["When", "Side effect", "Note"], rows, [18, 37, 45])


def _notes(record: ClinicalRecord) -> str:
    if not record.notes:
        return "<h2>Notes</h2><p>No notes.</p>"
    rows = [[_e(w.when(record, n.at)), _e(n.text).replace("\n", "<br>")] for n in record.notes]
    return "<h2>Notes</h2>" + _table(["When", "Note"], rows, [18, 82])


def _alerts(record: ClinicalRecord) -> str:
    rows = []
    for a in record.alerts:
        handled = (
            f"acknowledged at {_e(w.when(record, a.acknowledged))}"
            if a.acknowledged is not None
            else '<span class="flag">! never acknowledged</span>'
        )
        rows.append([_e(w.when(record, a.raised)), _e(a.message or a.kind), handled])
    for c in record.patient_calls:
        answered = (
            f"answered at {_e(w.when(record, c.answered))}"
            if c.answered is not None
            else '<span class="flag">! not answered in the record</span>'
        )
        rows.append([_e(w.when(record, c.called)), "The patient called", answered])
    for s in record.resumptions:
        away = f"{format_duration(round(s.away_s))} away" if s.away_s is not None else "away"
        caught = f"; {s.caught_up} transitions caught up" if s.caught_up else ""
        rows.append(
            [_e(w.when(record, s.at)), "The app stopped; the session resumed", _e(away + caught)]
        )
    if not rows:
        return "<h2>Alerts and calls</h2><p>None.</p>"
    rows.sort(key=lambda row: row[0])
    return "<h2>Alerts and calls</h2>" + _table(
        ["When", "What", "How it was handled"], rows, [18, 47, 35]
    )


def _played(record: ClinicalRecord) -> str:
    out = ["<h2>What played</h2>"]
    if record.played:
        rows = [
            [_e(p.name), _e(", ".join(p.music) or "–"), _e(p.soundscape or "–")]
            for p in record.played
        ]
        out.append(_table(["Phase", "Music", "Soundscape"], rows, [18, 52, 30]))
    elif not record.playlist_known:
        out.append("<p>The playlist was not found: only the changes below are known.</p>")
    if record.played_changes:
        changes = "; ".join(
            f"{_e(w.when(record, c.at))} {_e(c.text)}" for c in record.played_changes
        )
        out.append(f'<p class="small">Changes: {changes}.</p>')
    return "".join(out)


def _discharge(record: ClinicalRecord) -> str:
    d = record.discharge
    if d is None:
        return "<h2>Discharge</h2><p><b>The discharge was not recorded.</b></p>"
    items = "".join(f"<li>☑ {_e(item)}</li>" for item in d.items) or "<li>(no items)</li>"
    by = _e(d.by) if d.by else "the clinician at the console (the app records no staff names)"
    return (
        "<h2>Discharge checklist</h2>"
        f"<ul>{items}</ul>"
        f"<p>Recorded at {_e(w.when(record, d.recorded))} by {by}. "
        "Signature: ______________________</p>"
    )


def _integrity(record: ClinicalRecord) -> str:
    out = ["<h2>About this record</h2>"]
    lines = [
        f"Journal {_e(record.journal_path.name)} in {_e(record.journal_path.parent.name)}: "
        f"{record.event_count} events, SHA-256 {_e(record.journal_sha256)}.",
    ]
    if record.written_late:
        lines.append(f"{record.written_late} events reached the journal late (the disk was full).")
    if record.unread:
        lines.append(
            '<span class="flag">! Parts of the journal could not be read; this record lacks '
            "them:</span>"
        )
        lines.extend(f"line {u.line_no}: {_e(u.message)}" for u in record.unread)
    else:
        lines.append("Every line of the journal was read.")
    if record.app_version:
        lines.append(f"Session Player {_e(record.app_version)}.")
    out.append('<p class="small">' + "<br>".join(lines) + "</p>")
    return "".join(out)


__all__ = ["CHART_IMAGE", "MEASURES", "SCALES_CHART_IMAGE", "build_html"]
