"""A file that exists with a name close to a missing one: the "did you mean" of a path.

A therapist who types ``slow-tides.ogg`` beside ``slow-tide.ogg`` (or ``musik/`` for
``music/``) is told the name that is there instead of only "file not found".
"""

from __future__ import annotations

import difflib
from pathlib import Path

CUTOFF = 0.75  # how alike two names must be (difflib's ratio): a typo, not another file


def close_existing_file(wanted: Path) -> Path | None:
    """The existing file whose path differs from ``wanted`` only by typos in its names.

    Each part of the path from the deepest folder that exists is matched against what is
    there, so a typo in a folder's name is found as well as one in the file's.
    """
    existing = wanted
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    repaired = existing
    for part in wanted.relative_to(existing).parts:
        try:
            names = [entry.name for entry in repaired.iterdir()]
        except OSError:
            return None
        close = difflib.get_close_matches(part, names, n=1, cutoff=CUTOFF)
        if not close:
            return None
        repaired = repaired / close[0]
    if repaired == wanted or not repaired.is_file():
        return None
    return repaired
