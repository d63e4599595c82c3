"""Output devices: list them by name, and remember the clinic's choice between runs.

Names are SDL's (for example "Built-in Audio Analog Stereo" or "USB Headset"); they are
what :class:`~session_player.output.sink.AudioSink` opens. ``None`` means the system default
output, which follows whatever the operating system makes default (after unplugging a
headset that is usually the laptop's speakers): prefer an explicit name for sessions.

The choice lives in a small JSON file, by default ``output.json`` in the platform's user
config folder (``platformdirs.user_config_dir("session-player")``). A remembered device that
is not plugged in is still returned: the sink then reports it absent and waits for it,
rather than the app quietly choosing another output.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

import platformdirs

from session_player.output import _sdl

log = logging.getLogger(__name__)

APP_NAME = "session-player"
SETTINGS_FILE = "output.json"


def list_output_devices() -> list[str]:
    """Names of the output devices SDL sees now, in SDL's order ([] if audio cannot start)."""
    try:
        return _sdl.output_device_names()
    except _sdl.AudioUnavailable as exc:
        log.warning("no audio output: %s", exc)
        return []


def audio_driver_name() -> str | None:
    """SDL's audio driver in use ("pulseaudio", "pipewire", "alsa", "wasapi", "coreaudio",
    or "disk"/"dummy" in tests), or None if it cannot be told."""
    try:
        return _sdl.current_driver()
    except _sdl.AudioUnavailable:
        return None


def exit_may_hang() -> bool:
    """True while a hung driver keeps a device from closing. SDL joins the device's thread
    at interpreter exit, so the process would not end: the app's entry point can then leave
    with ``os._exit(code)`` after its own cleanup (the journal is fsynced as written)."""
    return _sdl.stuck_closes() > 0


def default_settings_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / SETTINGS_FILE


class DeviceChoiceStore:
    """Load and save the chosen output device name. ``path`` defaults to the user config."""

    def __init__(self, path: str | os.PathLike[str] | None = None):
        self.path = Path(path) if path is not None else default_settings_path()

    def load(self) -> str | None:
        """The remembered device name, or None (nothing saved, system default, unreadable)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable output settings %s: %s", self.path, exc)
            return None
        name = data.get("device_name") if isinstance(data, dict) else None
        return name if isinstance(name, str) and name else None

    def save(self, device_name: str | None) -> None:
        """Remember ``device_name`` (None: the system default). Atomic: a crash mid-write
        leaves the previous choice, never a torn file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"device_name": device_name or None}
        fd, tmp = tempfile.mkstemp(prefix=".output-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(data, file, indent=2)
                file.write("\n")
                file.flush()
                os.fsync(file.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def preferred_device(
    explicit: str | None = None, store: DeviceChoiceStore | None = None
) -> str | None:
    """The device to open: an explicit choice (``--device``), else the remembered one, else
    None (system default)."""
    if explicit:
        return explicit
    return (store or DeviceChoiceStore()).load()
