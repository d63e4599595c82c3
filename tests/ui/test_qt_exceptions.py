"""An exception raised inside a Qt slot must fail the test, not vanish into the event loop."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

INNER = """
import session_player.ui  # the PySide6 guard, as in every UI test
from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    fired = Signal()


def test_slot_raises(qtbot):
    emitter = Emitter()

    def slot():
        raise RuntimeError("boom in a slot")

    emitter.fired.connect(slot)
    emitter.fired.emit()
"""


def test_an_exception_in_a_slot_fails_the_test(tmp_path):
    inner = tmp_path / "test_inner.py"
    inner.write_text(INNER, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(inner),
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            str(REPO / "pyproject.toml"),
            "--rootdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed" in run.stdout
    assert "boom in a slot" in run.stdout
