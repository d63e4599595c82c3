"""The session core imports neither Qt nor pygame (it runs headless, in tests and the CLI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

BLOCKER = """
import importlib.abc, pkgutil, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pygame"):
            raise ImportError(f"the session core must not import {name}")
        return None

sys.meta_path.insert(0, Block())
import session_player.session as package
for module in pkgutil.iter_modules(package.__path__):
    __import__(f"session_player.session.{module.name}")
print("ok")
"""


def test_session_modules_import_without_qt_or_pygame() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER], capture_output=True, text=True, cwd=REPO, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
