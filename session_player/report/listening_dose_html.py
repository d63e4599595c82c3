"""The report's "Listening dose" section, as QTextDocument HTML.

The session's estimated headphone listening dose (``record.listening``, worked out by
``record/listening_dose.py``) as a share of the WHO/ITU-T H.870 weekly allowance (80 dB(A)
for 40 hours), the calibration it assumed (the level at full scale and which headphone it
is, or that it is the default), what else it assumed, and a plain note when the session
passed the share at which the clinic's console warns. The note is bold and marked ``!``
(not only coloured), so grey-scale print keeps it.
"""

from __future__ import annotations

from html import escape

from session_player.record.listening_dose import format_percent
from session_player.record.model import ClinicalRecord


def _e(text: object) -> str:
    return escape(str(text), quote=False)


def listening_dose_html(record: ClinicalRecord) -> str:
    listening = record.listening
    if listening is None:
        return ""
    dose = listening.dose
    lines = [_e(dose.text())]
    lines.append(
        f"Calibration assumed: {dose.calibration_db_spl:g} dB SPL at full scale "
        f"({_e(listening.calibration_source)})."
    )
    if listening.over_warning:
        lines.append(
            f'<span class="flag">! This session passed the clinic\'s warning share of '
            f"{format_percent(listening.warn_percent)} of the weekly allowance: keep the "
            "patient's other listening this week low, or lower the volume next time.</span>"
        )
    out = ["<h2>Listening dose</h2>", "<p>" + "<br>".join(lines) + "</p>"]
    small = [f"Assumed: {_e(a)}." for a in dose.assumptions]
    if listening.settings_problem:
        small.append(f"Listening settings: {_e(listening.settings_problem)}.")
    small.append(
        "An estimate from the journal (volume, pauses, fades) and the playlist's loudness "
        "target; it errs high, never low."
    )
    out.append('<p class="small">' + "<br>".join(small) + "</p>")
    return "".join(out)
