"""Writing an export where the clinician asked: owner-only and atomic, folder left alone.

An export goes to a path the clinician names (``-o ~/Desktop/pt-a.csv``), in a folder that
is theirs, not the app's: its permissions are not ours to change, so unlike the record's own
folders it is not made 0700, and it must exist already. The file itself is created 0600
(it holds clinical data) in a temporary file beside the target, fsynced, then renamed over
it, so a failed write (a full disk) leaves the previous file whole and no fragment behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from session_player.record.private_files import replace_private


def write_export(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` (0600, atomically) and return it; raises ``OSError``."""
    target = Path(path).expanduser()
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(2, "no such folder", str(folder))
    if target.is_dir():
        raise IsADirectoryError(21, "is a folder", str(target))
    replace_private(target, data)
    return target
