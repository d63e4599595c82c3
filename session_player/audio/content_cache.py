"""Facts about audio files kept on disk by content: one JSON file per SHA-256.

The pre-flight's loudness analysis (``analysis.AnalysisCache``) and the studio's loudness
report (``loudness.LoudnessCache``) both keep what they measured this way, so a file is
measured once whatever its name or folder. An entry of another version, or that does not
parse, is treated as absent (measure again); a write goes to a temporary file, is fsynced
and renamed, so a crash leaves the old entry or the new one, never half of one; a cache
that cannot be written (read-only, full) only costs time.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any


def read_entry(path: Path, kind: type, version: int, sha: str) -> Any | None:
    """The dataclass ``kind`` stored at ``path`` for content ``sha``, or None."""
    try:
        found = kind(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None  # absent, unreadable or from another version: measure again
    if found.version != version or found.sha256 != sha:
        return None
    return found


def write_entry(path: Path, facts: Any) -> bool:
    """Store the dataclass ``facts`` at ``path``; False when the cache cannot be written."""
    temp_name = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(asdict(facts), out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, path)
    except OSError:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
        return False
    return True
