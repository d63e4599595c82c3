"""The report's clinical scales and the Spravato REMS form's page, as QTextDocument HTML.

- ``scales_html(record)``: a table of what was scored at the checks (MOAA/S, dissociation
  0-10, CADSS total with its items), flagged values bold and marked ``!`` like the vital
  signs (grey-scale print keeps them); empty when none. The respiratory rate is a column of
  the vital signs' table (``report_html``).
- ``rems_page_html(record)``: a page of its own (a page break before it) with the REMS
  Patient Monitoring Form's fields in the form's order, each with what to key into the
  portal, ``—`` and "not recorded" where the session has nothing; empty for a session that
  does not fill the form (``record.rems_form`` is None).
"""

from __future__ import annotations

from html import escape

from session_player.record.model import ClinicalRecord
from session_player.report import wording as w


def _e(text: object) -> str:
    return escape(str(text), quote=False)


def _grid(headers: list[str], rows: list[list[str] | str], widths: list[int]) -> str:
    """A bordered table; cells are HTML, and a row given as one text spans the table."""
    pairs = zip(headers, widths, strict=True)
    head = "".join(f'<th width="{width}%">{_e(h)}</th>' for h, width in pairs)
    body = "".join(
        f'<tr><td colspan="{len(headers)}">{row}</td></tr>'
        if isinstance(row, str)
        else "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return (
        '<table class="grid" width="100%" border="1" cellspacing="0" cellpadding="2" '
        f'style="border-color:#808080"><thead><tr>{head}</tr></thead>{body}</table>'
    )


def _flagged(text: str, flagged: bool) -> str:
    return f'<span class="flag">! {_e(text)}</span>' if flagged else _e(text)


def scales_html(record: ClinicalRecord) -> str:
    rows: list[tuple[float, list[str]]] = []
    for score in record.scores:
        value = f"{score.score} / {score.out_of}"
        if score.items:
            value += " (items " + " ".join(str(item) for item in score.items) + ")"
        rows.append(
            (
                score.at.session_s or 0.0,
                [
                    _e(w.time_of_day(score.at)),
                    _e(w.dose_clock(record, score.at)),
                    _e(score.check_label),
                    _e(score.name),
                    _flagged(value, bool(score.flags)),
                    _e("; ".join(score.flags)),
                ],
            )
        )
    if not rows:
        return ""
    rows.sort(key=lambda row: row[0])
    return "<h2>Clinical scales</h2>" + _grid(
        ["Time", "Since dose", "Check", "Scale", "Score", "Flags"],
        [cells for _, cells in rows],
        [8, 9, 19, 14, 22, 28],
    )


def rems_page_html(record: ClinicalRecord) -> str:
    form = record.rems_form
    if form is None:
        return ""
    out = [
        f'<h1 style="page-break-before: always">{_e(form.template.title)}</h1>',
        f'<p class="small">Fields in the form\'s order (template {_e(form.template.form_id)}), '
        f"to key into the REMS portal · alias “{_e(record.alias or '(none)')}” · "
        f"{form.answered_entered} of {form.asked_entered} questions answered on the console</p>",
    ]
    rows: list[list[str] | str] = []
    section = None
    for number, filled in enumerate((f for f in form.fields if f.applies), start=1):
        if filled.section != section:
            section = filled.section
            rows.append(f"<b>{_e(section)}</b>")  # a heading across the whole row
        answer = _e(filled.text)
        if filled.missing:
            answer = '<span class="flag">— not recorded</span>'
        if filled.evidence:
            answer += '<br><span class="small">Flagged: ' + _e("; ".join(filled.evidence))
            answer += "</span>"
        rows.append([str(number), _e(filled.label), answer])
    out.append(_grid(["#", "Field", "Entry"], rows, [5, 55, 40]))
    return "".join(out)
