"""Owner-only record files: folders ``0700``, files ``0600``, replaced atomically.

A record file (a patient's preferences, a report) is written to a temporary file in the
same folder, fsynced, then moved over the old one with ``os.replace``: a crash or a full
disk leaves the previous file whole, never half of the new one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from session_player.session.journal import FILE_MODE, FOLDER_MODE, make_private_folder

__all__ = [
    "FILE_MODE",
    "FOLDER_MODE",
    "make_private_folder",
    "not_owner_only",
    "replace_private",
    "write_private",
]


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_private(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` (0600, its folder 0700), atomically; raises ``OSError``."""
    path = Path(path)
    make_private_folder(path.parent)
    replace_private(path, data)


def replace_private(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``, all or nothing, the file 0600; its folder must exist
    and is left as it is (the app's own folders are made private by ``write_private``; a
    clinician's folder is theirs, ``export_file``). A failed write (a full disk) leaves the
    previous file whole and no fragment behind."""
    # mkstemp creates the file 0600 whatever the umask: the data is never readable by others.
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, FILE_MODE)
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_folder(path.parent)  # the new name is durable once its folder entry is


def read_settings_object(path: Path) -> tuple[dict | None, str | None]:
    """A settings file's JSON object: ``({}, None)`` when there is none yet, ``(data, None)``
    when it reads, ``(None, problem)`` when it does not (the caller then uses its defaults and
    says so: an unreadable file is reported, never silently ignored)."""
    import json

    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        return None, f"{path} could not be read ({exc}); using the defaults"
    if not isinstance(data, dict):
        return None, f"{path} is not a JSON object; using the defaults"
    return data, None


def not_owner_only(base_dir: str | os.PathLike) -> list[str]:
    """Every folder under ``base_dir`` (itself included) not ``0700`` and every file not
    ``0600``, as ``path (mode 0755)``: what a privacy check reports. Empty when all is well."""
    base = Path(base_dir)
    found: list[str] = []
    if not base.exists():
        return found
    for folder, folders, files in os.walk(base):
        entries = [(Path(folder), FOLDER_MODE)] if Path(folder) == base else []
        entries += [(Path(folder) / name, FOLDER_MODE) for name in folders]
        entries += [(Path(folder) / name, FILE_MODE) for name in files]
        for entry, wanted in entries:
            mode = stat.S_IMODE(entry.lstat().st_mode)
            if mode != wanted:
                found.append(f"{entry} (mode {mode:04o}, wanted {wanted:04o})")
    return found
