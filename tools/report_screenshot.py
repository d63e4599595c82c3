"""The report screenshot: page 1 of the scripted session's report, as docs/screenshots/report.png.

    python tools/report_screenshot.py [--out docs/screenshots/report.png]

The session is the one the report tests run (``tests/record/scripted_journal.py``: a real
``SessionTimeline`` on a fake clock, starting 2026-03-02 09:30 in UTC+1, with respiratory
rates and scales at three of its readings), written to a
temporary folder; the report is drawn by ``session_player.report`` exactly as the app and
``session-player report`` draw it, then rendered with ``pdftoppm`` (poppler-utils).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WALL_START_S = 1_772_440_200.0  # 2026-03-02T08:30:00Z, 09:30 in the clinic
RENDER_DPI = 110


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots" / "report.png"))
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["TZ"] = "CET-1"  # the journal's walls read +01:00, as in a clinic in winter
    time.tzset()
    sys.path.insert(0, str(ROOT))
    from PySide6.QtGui import QGuiApplication

    from session_player.record import read_session_record
    from session_player.record.clinic_settings import ClinicSettings
    from session_player.report.pdf_report import write_report_pdf
    from tests.record.scripted_journal import run_scripted_session

    _app = QGuiApplication([])
    with tempfile.TemporaryDirectory() as folder:
        # With the scales, so that the chart of respiratory rate and scales shows too.
        session = run_scripted_session(Path(folder), wall_start_s=WALL_START_S, with_scales=True)
        clinic = ClinicSettings(clinic_name="Harbour Clinic", room="Treatment room 2")
        record = read_session_record(session.journal_path, clinic=clinic)
        pdf = Path(folder) / "report.pdf"
        layout = write_report_pdf(record, pdf)
        stem = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-r", str(RENDER_DPI), "-f", "1", "-l", "1", "-png", "-singlefile",
             str(pdf), str(stem)],
            check=True,
        )  # fmt: skip
        Path(args.out).write_bytes(stem.with_suffix(".png").read_bytes())
    print(f"Wrote {args.out} (page 1 of {layout.pages})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
