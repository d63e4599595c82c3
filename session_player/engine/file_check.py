"""The pre-flight's last look at the audio files: does each still decode?

Both engine ports answer ``EnginePort.check_files`` with this, so the pre-flight asks the
port instead of probing files itself, and the null engine checks files exactly as the live
one does (a missing file is as missing with no sound card).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from session_player.media.probe import ProbeError, probe


def check_files(
    files: Sequence[str],
    progress: Callable[[float, str], None],
    cancelled: Callable[[], bool],
) -> list[str]:
    """Probe every file again (the validator's cache makes unchanged files instant); one
    line per file that cannot be played, ``name: why``."""
    broken = []
    for index, file in enumerate(files):
        if cancelled():
            break
        progress(index / max(1, len(files)), f"Checking {Path(file).name}")
        try:
            probe(file)
        except ProbeError as exc:
            broken.append(f"{Path(file).name}: {exc}")
    progress(1.0, "")
    return broken
