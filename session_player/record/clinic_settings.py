"""The clinic's settings that go on its records: clinic name, room, report paper size,
and whether reports are archival (PDF/A-1b).

Kept in a small JSON file of their own (``clinic.json`` in the user's config folder) rather
than in ``QSettings``: the ``report`` and ``export`` commands read them without Qt, and
QSettings' storage differs by platform (an INI file, a plist, the Windows registry). The
settings dialog edits them through this module too.

Reading is tolerant: a missing file gives the defaults (no clinic name, A4), a damaged one
the defaults and a ``problem`` to show. Writing is atomic (a temporary file in the same
folder, fsync, ``os.replace``), owner-only (0600, folder 0700): a failed write leaves the
previous file whole.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from session_player.record.model import Clinic
from session_player.record.private_files import read_settings_object, write_private

SETTINGS_NAME = "clinic.json"
PAPER_SIZES = ("a4", "letter")
DEFAULT_PAPER = "a4"
MAX_TEXT_CHARS = 120  # a clinic's name or a room: one line on the report


def default_settings_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("session-player")) / SETTINGS_NAME


@dataclass(frozen=True)
class ClinicSettings:
    clinic_name: str = ""
    room: str = ""
    paper: str = DEFAULT_PAPER  # "a4" | "letter"
    archival: bool = False  # reports as PDF/A-1b (then without the journal attached)
    problem: str | None = None  # why the file could not be read (the defaults are used)

    @property
    def clinic(self) -> Clinic:
        return Clinic(self.clinic_name, self.room)

    def with_values(self, **changes: str | bool) -> ClinicSettings:
        """A copy with ``clinic_name``, ``room``, ``paper`` or ``archival`` changed (checked)."""
        updated = replace(self, problem=None, **changes)
        check_settings(updated)
        return updated


def check_settings(settings: ClinicSettings) -> None:
    if settings.paper not in PAPER_SIZES:
        raise ValueError(f"paper must be one of {', '.join(PAPER_SIZES)}, not {settings.paper!r}")
    for name in ("clinic_name", "room"):
        value = getattr(settings, name)
        if "\n" in value or len(value) > MAX_TEXT_CHARS:
            raise ValueError(f"{name} must be one line of at most {MAX_TEXT_CHARS} characters")


def load_clinic_settings(path: str | os.PathLike | None = None) -> ClinicSettings:
    path = Path(path) if path is not None else default_settings_path()
    data, problem = read_settings_object(path)
    if data is None:
        return ClinicSettings(problem=problem)
    settings = ClinicSettings(
        clinic_name=str(data.get("clinic_name", "") or "").strip(),
        room=str(data.get("room", "") or "").strip(),
        paper=str(data.get("paper", DEFAULT_PAPER) or DEFAULT_PAPER).lower(),
        archival=data.get("archival") is True,
    )
    try:
        check_settings(settings)
    except ValueError as exc:
        return ClinicSettings(problem=f"{path}: {exc}; using the defaults")
    return settings


def save_clinic_settings(settings: ClinicSettings, path: str | os.PathLike | None = None) -> None:
    check_settings(settings)
    path = Path(path) if path is not None else default_settings_path()
    data = {
        "clinic_name": settings.clinic_name,
        "room": settings.room,
        "paper": settings.paper,
        "archival": settings.archival,
    }
    write_private(path, (json.dumps(data, indent=2) + "\n").encode("utf-8"))
