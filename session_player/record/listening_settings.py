"""The clinic's listening-dose settings: each headphone's level at full scale, and the share
of the weekly allowance a session may reach before the console warns.

Kept in ``listening.json`` beside ``clinic.json`` in the user's config folder (Qt-free, so
the ``report`` command reads it too)::

    {"headphones_db_spl": {"Headphones": 104.0}, "default_db_spl": 100.0, "warn_percent": 50.0}

- ``headphones_db_spl``: per output device (by the name the app lists it under), the level a
  1 kHz sine at digital full scale gives at the ear, in dB SPL: measured with an ear
  simulator, or the headphones' sensitivity at the player's full output. The settings dialog
  edits the entry of the device chosen for sessions.
- ``default_db_spl``: for a device without an entry (``DEFAULT_CALIBRATION_DB_SPL``, 100).
- ``warn_percent``: the console warns while the session would pass this share of the
  H.870 weekly allowance by its planned end (50 % by default: two sessions a week, as in
  the first weeks of an intranasal course, then stay within it).

A report does not know which device played (the journal does not name it), so it uses
``report_calibration_db_spl``: the loudest headphone entered, else the default, so that the
stated dose is never lower than the real one for any of the clinic's headphones.

Reading is tolerant (a missing file gives the defaults, a damaged one the defaults and a
``problem``); writing is atomic and owner-only (``private_files.write_private``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from session_player.record.listening_dose import (
    DEFAULT_CALIBRATION_DB_SPL,
    MAX_CALIBRATION_DB_SPL,
    MIN_CALIBRATION_DB_SPL,
)
from session_player.record.private_files import read_settings_object, write_private

SETTINGS_NAME = "listening.json"
DEFAULT_WARN_PERCENT = 50.0
MIN_WARN_PERCENT = 1.0
MAX_WARN_PERCENT = 1000.0


def default_listening_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("session-player")) / SETTINGS_NAME


@dataclass(frozen=True)
class ListeningSettings:
    headphones_db_spl: dict[str, float] = field(default_factory=dict)
    default_db_spl: float = DEFAULT_CALIBRATION_DB_SPL
    warn_percent: float = DEFAULT_WARN_PERCENT
    problem: str | None = None  # why the file could not be read (the defaults are used)

    def calibration_for(self, device: str | None) -> float:
        """The level at full scale of ``device`` (its entry, else the default)."""
        return self.headphones_db_spl.get(device or "", self.default_db_spl)

    @property
    def report_calibration_db_spl(self) -> float:
        """For a report, which cannot know the device: the loudest entry, else the default."""
        return max(self.headphones_db_spl.values(), default=self.default_db_spl)

    def with_device(self, device: str, db_spl: float) -> ListeningSettings:
        table = dict(self.headphones_db_spl)
        table[device] = float(db_spl)
        updated = replace(self, headphones_db_spl=table, problem=None)
        check_listening(updated)
        return updated

    def with_warn_percent(self, percent: float) -> ListeningSettings:
        updated = replace(self, warn_percent=float(percent), problem=None)
        check_listening(updated)
        return updated


def _check_level(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ValueError(f"{name} must be a number of dB SPL, not {value!r}")
    if not MIN_CALIBRATION_DB_SPL <= value <= MAX_CALIBRATION_DB_SPL:
        raise ValueError(
            f"{name} must be {MIN_CALIBRATION_DB_SPL:g} to {MAX_CALIBRATION_DB_SPL:g} dB SPL, "
            f"not {value:g}"
        )
    return float(value)


def check_listening(settings: ListeningSettings) -> None:
    """Raises ``ValueError`` for a value no headphone or clinic would mean."""
    _check_level("default_db_spl", settings.default_db_spl)
    for device, value in settings.headphones_db_spl.items():
        if not isinstance(device, str) or not device.strip() or "\n" in device:
            raise ValueError(f"a headphone's name must be one line of text, not {device!r}")
        _check_level(f"the level of {device!r}", value)
    percent = settings.warn_percent
    if isinstance(percent, bool) or not isinstance(percent, (int, float)) or percent != percent:
        raise ValueError(f"warn_percent must be a number, not {percent!r}")
    if not MIN_WARN_PERCENT <= percent <= MAX_WARN_PERCENT:
        raise ValueError(
            f"warn_percent must be {MIN_WARN_PERCENT:g} to {MAX_WARN_PERCENT:g} %, not {percent:g}"
        )


def load_listening_settings(path: str | os.PathLike | None = None) -> ListeningSettings:
    path = Path(path) if path is not None else default_listening_path()
    data, problem = read_settings_object(path)
    if data is None:
        return ListeningSettings(problem=problem)
    table = data.get("headphones_db_spl", {})
    settings = ListeningSettings(
        headphones_db_spl=dict(table) if isinstance(table, dict) else {},
        default_db_spl=data.get("default_db_spl", DEFAULT_CALIBRATION_DB_SPL),
        warn_percent=data.get("warn_percent", DEFAULT_WARN_PERCENT),
    )
    try:
        check_listening(settings)
    except ValueError as exc:
        return ListeningSettings(problem=f"{path}: {exc}; using the defaults")
    return settings


def save_listening_settings(
    settings: ListeningSettings, path: str | os.PathLike | None = None
) -> None:
    """Write the settings (atomically, 0600 in a 0700 folder); raises ``OSError``."""
    check_listening(settings)
    path = Path(path) if path is not None else default_listening_path()
    data = {
        "headphones_db_spl": dict(sorted(settings.headphones_db_spl.items())),
        "default_db_spl": settings.default_db_spl,
        "warn_percent": settings.warn_percent,
    }
    write_private(path, (json.dumps(data, indent=2) + "\n").encode("utf-8"))
