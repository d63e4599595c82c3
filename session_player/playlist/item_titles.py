"""What an item is called when the playlist gives it no title."""

from __future__ import annotations

from pathlib import Path


def pretty_title(path: str) -> str:
    """``…/slow-tide.ogg`` → ``Slow Tide``: what the console shows for an untitled item."""
    return Path(path).stem.replace("-", " ").replace("_", " ").title()
