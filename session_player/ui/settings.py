"""The app's remembered settings, in the platform's usual place (via ``QSettings``).

One small typed wrapper so that keys are spelled once and defaults live next to them. The
composition root creates the ``QSettings`` (tests pass one backed by a temporary file) and
hands this object down; nothing reads settings through a global.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from session_player.ui import theme

MAX_RECENT = 8


class AppSettings:
    def __init__(self, qsettings: QSettings) -> None:
        self._qs = qsettings

    # --- playlists ---------------------------------------------------------------------

    @property
    def recent_playlists(self) -> list[str]:
        value = self._qs.value("playlists/recent", [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            value = [value]
        return [str(v) for v in (value or []) if v]

    def remember_playlist(self, path: str) -> None:
        path = str(Path(path).resolve())
        recent = [p for p in self.recent_playlists if p != path]
        self._qs.setValue("playlists/recent", [path, *recent][:MAX_RECENT])
        self.playlist_folder = str(Path(path).parent)

    @property
    def playlist_folder(self) -> str:
        return str(self._qs.value("playlists/folder", "") or "")

    @playlist_folder.setter
    def playlist_folder(self, folder: str) -> None:
        self._qs.setValue("playlists/folder", folder)

    # --- output ------------------------------------------------------------------------

    @property
    def output_device(self) -> str:
        return str(self._qs.value("output/device", "") or "")

    @output_device.setter
    def output_device(self, name: str) -> None:
        self._qs.setValue("output/device", name)

    # --- patient view ------------------------------------------------------------------

    @property
    def dim_level(self) -> float:
        try:
            level = float(self._qs.value("patient/dim_level", theme.DEFAULT_DIM_LEVEL))
        except (TypeError, ValueError):
            level = theme.DEFAULT_DIM_LEVEL
        return max(theme.MIN_DIM_LEVEL, min(theme.MAX_DIM_LEVEL, level))

    @dim_level.setter
    def dim_level(self, level: float) -> None:
        self._qs.setValue("patient/dim_level", float(level))

    @property
    def unlock_pin(self) -> str:
        """The clinic's PIN for leaving the patient view; empty means hold only."""
        return str(self._qs.value("patient/unlock_pin", "") or "")

    @unlock_pin.setter
    def unlock_pin(self, pin: str) -> None:
        if pin and not pin.isdigit():
            raise ValueError("the PIN must be digits only")
        self._qs.setValue("patient/unlock_pin", pin)

    # --- window ------------------------------------------------------------------------

    @property
    def window_geometry(self) -> QByteArray | None:
        value = self._qs.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @window_geometry.setter
    def window_geometry(self, geometry: QByteArray) -> None:
        self._qs.setValue("window/geometry", geometry)

    def sync(self) -> None:
        self._qs.sync()
