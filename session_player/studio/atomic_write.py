"""Write a file so that a failure (disk full, read-only folder, power cut) leaves the old one whole.

The new text goes to a temporary file in the same folder (so the rename cannot cross file
systems), is flushed and fsynced, then replaces the old file with ``os.replace``, which is
atomic on POSIX and Windows; the folder is fsynced so the rename itself survives a power cut.
On any failure the temporary file is removed and :class:`SaveFailed` says why in one line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

# A playlist is not a patient record: it keeps the mode it had, or the usual 0644 when new.
_NEW_FILE_MODE = 0o644


class SaveFailed(Exception):
    """The file could not be written; the previous version (if any) is intact."""


def write_text_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) all at once, or raise :class:`SaveFailed`."""
    target = Path(path)
    folder = target.parent
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = _NEW_FILE_MODE & ~umask
    except OSError as exc:
        raise SaveFailed(_message(target, exc)) from None
    temp_name = None
    try:
        fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
        temp_name = None
        _fsync_folder(folder)
    except OSError as exc:
        raise SaveFailed(_message(target, exc)) from None
    finally:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder for fsync; os.replace is durable enough there
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _message(target: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        why = "the disk is full"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        why = "the folder cannot be written to (permission denied)"
    elif exc.errno == errno.EROFS:
        why = "the disk is read-only"
    elif exc.errno == errno.ENOENT:
        why = "the folder does not exist"
    else:
        why = (exc.strerror or str(exc)).lower()
    existed = target.exists()
    after = "the file on disk is unchanged" if existed else "nothing was written"
    return f"could not save {target}: {why}; {after}"
