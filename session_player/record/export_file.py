"""Writing an export where the clinician asked: owner-only and atomic, folder left alone.

An export goes to a path the clinician names (``-o ~/Desktop/pt-a.csv``), in a folder that
is theirs, not the app's: its permissions are not ours to change, so unlike the record's own
folders it is not made 0700, and it must exist already. The file itself is created 0600
(it holds clinical data) in a temporary file beside the target, fsynced, then renamed over
it, so a failed write (a full disk) leaves the previous file whole and no fragment behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

FILE_MODE = 0o600


def write_export(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` (0600, atomically) and return it; raises ``OSError``."""
    target = Path(path).expanduser()
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(2, "no such folder", str(folder))
    if target.is_dir():
        raise IsADirectoryError(21, "is a folder", str(target))
    # mkstemp creates the file 0600 whatever the umask: never readable by others, not even
    # for the moment before a chmod.
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, FILE_MODE)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    with contextlib.suppress(OSError):  # the rename is durable once the folder entry is
        folder_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(folder_fd)
        finally:
            os.close(folder_fd)
    return target
