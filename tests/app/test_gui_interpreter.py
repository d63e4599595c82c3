"""Both windows' entry points settle the interpreter for the event loop (app/gui_interpreter.py).

Each runs in a fresh process, as a user starts it, up to the moment its event loop would
start: ``QApplication.exec`` is replaced by a report of the interpreter's settings then.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from session_player.app.gui_interpreter import GC_THRESHOLDS, SWITCH_INTERVAL_S

REPO = Path(__file__).resolve().parents[2]

REPORT_AT_EXEC = """
import gc, json, sys
from PySide6.QtWidgets import QApplication

def report(*_args):
    print("SETTINGS " + json.dumps({
        "switch_interval_s": sys.getswitchinterval(),
        "thresholds": gc.get_threshold(),
        "frozen": gc.get_freeze_count(),
    }), flush=True)
    return 0

QApplication.exec = report
from session_player.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def settings_at_exec(args: list[str], tmp_path: Path) -> dict:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        SDL_AUDIODRIVER="dummy",
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    env.setdefault("DISPLAY", ":0")  # the studio asks for a screen; offscreen is one
    out = subprocess.run(
        [sys.executable, "-c", REPORT_AT_EXEC, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("SETTINGS ")]
    assert lines, f"no event loop was started:\n{out.stdout}\n{out.stderr}"
    return json.loads(lines[-1].removeprefix("SETTINGS "))


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["studio", "playlists/iv-infusion-40min.yaml"], id="session-player studio"),
        pytest.param(
            ["--no-supervisor", "--null-engine", "playlists/iv-infusion-40min.yaml"],
            id="session-player",
        ),
    ],
)
def test_the_event_loop_starts_with_the_interpreter_settled(args, tmp_path):
    settings = settings_at_exec(args, tmp_path)
    assert settings["switch_interval_s"] == pytest.approx(SWITCH_INTERVAL_S)
    assert tuple(settings["thresholds"]) == GC_THRESHOLDS
    # The modules, classes and the window built before the loop are out of the collector's
    # scans: tens of thousands of objects.
    assert settings["frozen"] > 20_000
