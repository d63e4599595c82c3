"""Composition root of the GUI app (placeholder until the console exists)."""

from __future__ import annotations


def run_app(playlist: str | None = None) -> int:
    from session_player.cli import main

    return main(["--help"])
