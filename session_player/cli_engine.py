"""Sub-commands that drive the session engine: ``render``, ``play`` and ``devices``."""

from __future__ import annotations

import argparse


def add_engine_commands(sub: argparse._SubParsersAction) -> None:
    """Filled in by the engine; kept separate so ``validate`` does not import numpy."""
