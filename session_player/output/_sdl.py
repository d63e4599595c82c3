"""The only module that touches pygame and SDL: audio init, device names, open, pause, close.

Why not just ``pygame._sdl2.audio.AudioDevice``'s own ``pause()`` and ``close()``: pygame calls
``SDL_PauseAudioDevice`` and ``SDL_CloseAudioDevice`` while holding the GIL. Both take the
device's mixer lock, which SDL's audio thread holds while it waits for the GIL to run our
Python callback: a lock-order deadlock that freezes the whole process (reproduced here on
the disk driver within a few open/pause/close cycles). So we open devices with pygame, and
pause, close and query them through ``ctypes`` on the *same* SDL library that pygame loaded;
``ctypes`` releases the GIL for the duration of each call.

Retired pygame ``AudioDevice`` objects are kept alive (``_retired``): their ``__dealloc__``
would call ``SDL_CloseAudioDevice(id)`` again, and SDL reuses ids, so a late dealloc could
close a newer device that got the same id. An ``atexit`` hook closes every device still
open, with the GIL released, before the interpreter stops running Python callbacks.

SDL hints set here (only if the environment does not set them already):
``SDL_NO_SIGNAL_HANDLERS=1`` (initialising SDL audio also starts its event subsystem, which
otherwise takes over SIGTERM and turns it into an SDL_QUIT event nobody reads: the process
would ignore ``kill``), and ``PYGAME_HIDE_SUPPORT_PROMPT`` (no banner on stdout).
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import os
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

SDL_INIT_AUDIO = 0x00000010
SDL_INIT_EVENTS = 0x00004000
SDL_AUDIO_STOPPED = 0
SDL_AUDIO_PLAYING = 1
SDL_AUDIO_PAUSED = 2
SDL_AUDIODEVICEADDED = 0x1100
SDL_AUDIODEVICEREMOVED = 0x1101
_SDL_GETEVENT = 2
_SDL_EVENT_SIZE = 56  # sizeof(SDL_Event) in SDL2: a 56-byte union

_init_lock = threading.Lock()
_initialised = False
_exit_hook_registered = False
# Held by every call that lists or opens devices, and by a restart of the subsystem, so
# that nothing talks to SDL's audio while it is being quit and started again.
_subsystem_lock = threading.RLock()
_restarting = threading.Event()
_native: NativeSDL | None = None
_open_handles: set[DeviceHandle] = set()
_closing: set[DeviceHandle] = set()
_retired: list[object] = []


class DeviceOpenError(RuntimeError):
    """SDL could not open the named output device (absent, busy, or refused the format)."""


class AudioUnavailable(DeviceOpenError):
    """SDL's audio subsystem itself could not start (no driver, no sound server)."""


def _prepare_environment() -> None:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")


def ensure_audio() -> None:
    """Start SDL's audio subsystem once per process (without opening pygame.mixer's device)."""
    global _initialised, _native, _exit_hook_registered
    with _init_lock:
        if _initialised:
            return
        _prepare_environment()
        from pygame._sdl2 import sdl2

        try:
            sdl2.init_subsystem(sdl2.INIT_AUDIO)
        except Exception as exc:  # no usable audio driver (yet): callers retry later
            raise AudioUnavailable(f"SDL audio could not start: {exc}") from None
        _native = _load_native()
        if _native is None:
            log.warning(
                "could not reach pygame's SDL library through ctypes; pausing and closing "
                "audio devices falls back to pygame, which can deadlock under load"
            )
        if not _exit_hook_registered:
            atexit.register(close_all_devices)
            _exit_hook_registered = True
        _initialised = True


def output_device_names() -> list[str]:
    with _subsystem_lock:
        ensure_audio()
        from pygame._sdl2 import audio

        return list(audio.get_audio_device_names(False))


def restarting() -> bool:
    return _restarting.is_set()


def restart_audio() -> bool:
    """Quit SDL's audio subsystem and start it again; True if it runs again.

    SDL2 connects to the sound server once, when audio starts, and learns of devices only
    through that connection: after PulseAudio restarts, SDL still lists the old server's
    sinks and every open fails ("Requested PulseAudio sink/source missing?") for as long as
    the process lives. Starting the subsystem again reconnects and lists the devices anew.
    Refused (False) while any device is open or still closing: quitting would close it."""
    global _initialised
    _restarting.set()  # before waiting for the lock: a sink's watchdog skips its retries
    try:
        with _subsystem_lock:
            with _init_lock:
                if not _initialised or _native is None:
                    return False
                if _closing or any(not handle.closed for handle in _open_handles):
                    return False
                _native.quit_audio()
                _initialised = False
            try:
                ensure_audio()
            except AudioUnavailable as exc:  # the server is not back yet: opens retry it
                log.info("SDL audio restarted without a driver yet: %s", exc)
                return False
            return True
    finally:
        _restarting.clear()


def current_driver() -> str | None:
    ensure_audio()
    return _native.current_driver() if _native else None


class NativeSDL:
    """The handful of SDL2 calls made through ctypes so that they run without the GIL."""

    def __init__(self, lib: ctypes.CDLL, path: str):
        self.path = path
        self._lib = lib
        lib.SDL_PauseAudioDevice.argtypes = [ctypes.c_uint32, ctypes.c_int]
        lib.SDL_PauseAudioDevice.restype = None
        lib.SDL_CloseAudioDevice.argtypes = [ctypes.c_uint32]
        lib.SDL_CloseAudioDevice.restype = None
        lib.SDL_GetAudioDeviceStatus.argtypes = [ctypes.c_uint32]
        lib.SDL_GetAudioDeviceStatus.restype = ctypes.c_int
        lib.SDL_WasInit.argtypes = [ctypes.c_uint32]
        lib.SDL_WasInit.restype = ctypes.c_uint32
        lib.SDL_QuitSubSystem.argtypes = [ctypes.c_uint32]
        lib.SDL_QuitSubSystem.restype = None
        lib.SDL_GetCurrentAudioDriver.argtypes = []
        lib.SDL_GetCurrentAudioDriver.restype = ctypes.c_char_p
        lib.SDL_PeepEvents.argtypes = [
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_uint32,
            ctypes.c_uint32,
        ]
        lib.SDL_PeepEvents.restype = ctypes.c_int
        self._events = (ctypes.c_uint8 * (_SDL_EVENT_SIZE * 16))()

    def was_init(self, flags: int) -> int:
        return int(self._lib.SDL_WasInit(flags))

    def quit_audio(self) -> None:
        self._lib.SDL_QuitSubSystem(SDL_INIT_AUDIO)

    def pause(self, device_id: int, paused: bool) -> None:
        self._lib.SDL_PauseAudioDevice(device_id, 1 if paused else 0)

    def close(self, device_id: int) -> None:
        self._lib.SDL_CloseAudioDevice(device_id)

    def status(self, device_id: int) -> int:
        return int(self._lib.SDL_GetAudioDeviceStatus(device_id))

    def current_driver(self) -> str | None:
        name = self._lib.SDL_GetCurrentAudioDriver()
        return name.decode("utf-8", "replace") if name else None

    def take_audio_device_events(self) -> list[tuple[int, int]]:
        """Remove SDL's audio hot-plug events from its queue: [(type, which)].

        SDL_PeepEvents is thread-safe and does not pump, and the audio backends push these
        events themselves, so this works without a window or an event loop. Only the two
        audio event types are taken; anything else stays queued.
        """
        found: list[tuple[int, int]] = []
        buffer = self._events
        while True:
            count = self._lib.SDL_PeepEvents(
                buffer, 16, _SDL_GETEVENT, SDL_AUDIODEVICEADDED, SDL_AUDIODEVICEREMOVED
            )
            if count <= 0:
                return found
            raw = bytes(buffer)
            for index in range(count):
                base = index * _SDL_EVENT_SIZE
                kind = int.from_bytes(raw[base : base + 4], sys.byteorder)
                which = int.from_bytes(raw[base + 8 : base + 12], sys.byteorder)
                found.append((kind, which))
            if count < 16:
                return found


_SDL_NAME = re.compile(r"^(lib)?SDL2(-2[^/\\]*|\.so[^/\\]*|\.dylib|\.dll)$", re.IGNORECASE)


def _loaded_library_paths() -> list[str]:
    """Paths of shared libraries already mapped into this process (Linux and macOS)."""
    paths: list[str] = []
    maps = Path("/proc/self/maps")
    if maps.exists():
        try:
            for line in maps.read_text().splitlines():
                parts = line.split(maxsplit=5)
                if len(parts) == 6 and parts[5].startswith("/"):
                    paths.append(parts[5].strip())
        except OSError:
            pass
    elif sys.platform == "darwin":
        try:
            libc = ctypes.CDLL(None)
            libc._dyld_image_count.restype = ctypes.c_uint32
            libc._dyld_get_image_name.argtypes = [ctypes.c_uint32]
            libc._dyld_get_image_name.restype = ctypes.c_char_p
            for index in range(libc._dyld_image_count()):
                name = libc._dyld_get_image_name(index)
                if name:
                    paths.append(name.decode("utf-8", "replace"))
        except (OSError, AttributeError):
            pass
    return paths


def _candidate_library_paths() -> list[str]:
    candidates = [p for p in _loaded_library_paths() if _SDL_NAME.match(Path(p).name)]
    import pygame

    package = Path(pygame.__file__).resolve().parent
    for folder in (package, package / ".dylibs", package.parent / "pygame_ce.libs"):
        if folder.is_dir():
            candidates += [str(p) for p in sorted(folder.iterdir()) if _SDL_NAME.match(p.name)]
    seen: set[str] = set()
    return [p for p in candidates if not (p in seen or seen.add(p))]


def _load_native() -> NativeSDL | None:
    for path in _candidate_library_paths():
        try:
            native = NativeSDL(ctypes.CDLL(path), path)
        except (OSError, AttributeError):
            continue
        # A second copy of SDL would not know that pygame started the audio subsystem:
        # this check proves we talk to the very library pygame uses.
        if native.was_init(SDL_INIT_AUDIO):
            return native
    return None


class DeviceHandle:
    """One open SDL output device: pause, close and status without holding the GIL."""

    def __init__(self, device: object, name: str | None):
        self._device = device
        self._lock = threading.Lock()
        self.name = name
        self.device_id = int(device.deviceid)
        self.frequency = int(device.frequency)
        self.chunk_frames = int(device.chunksize)
        self.closed = False
        self.close_finished = threading.Event()

    def resume(self) -> None:
        with self._lock:
            if self.closed:
                return
            if _native:
                _native.pause(self.device_id, False)
            else:
                self._device.pause(0)

    def is_running(self) -> bool:
        """False once SDL has marked the device disconnected (what SDL_AUDIODEVICEREMOVED says)."""
        if self.closed:
            return False
        if _native is None:
            return True
        return _native.status(self.device_id) != SDL_AUDIO_STOPPED

    def close(self) -> None:
        """Close the device. May block while SDL joins a stuck audio thread: call it off the
        caller's thread when the device may be stuck (the GIL is released meanwhile)."""
        with self._lock:
            if self.closed:
                return
            self.closed = True  # a second close (say, at exit) returns at once, even if
            _retired.append(self._device)  # this one is stuck joining SDL's thread
        _closing.add(self)
        try:
            if _native:
                _native.close(self.device_id)
            else:
                self._device.close()
        finally:
            _closing.discard(self)
            _open_handles.discard(self)
            self.close_finished.set()


def open_output_device(
    name: str | None,
    sample_rate: int,
    chunk_frames: int,
    callback: Callable[[object, memoryview], None],
) -> DeviceHandle:
    """Open an output device paused, in float32 stereo at ``sample_rate`` (SDL converts if
    the hardware wants something else). ``name=None`` is the system default output."""
    with _subsystem_lock:
        return _open_locked(name, sample_rate, chunk_frames, callback)


def _open_locked(name, sample_rate, chunk_frames, callback) -> DeviceHandle:
    ensure_audio()
    from pygame._sdl2 import audio

    try:
        device = audio.AudioDevice(
            devicename=name,
            iscapture=False,
            frequency=sample_rate,
            audioformat=audio.AUDIO_F32,
            numchannels=2,
            chunksize=chunk_frames,
            allowed_changes=0,
            callback=callback,
        )
    except Exception as exc:  # pygame raises pygame._sdl2.sdl2.error (a RuntimeError)
        raise DeviceOpenError(str(exc) or "SDL could not open the device") from None
    handle = DeviceHandle(device, name)
    _open_handles.add(handle)
    return handle


def take_audio_device_events() -> list[tuple[int, int]]:
    return _native.take_audio_device_events() if _native else []


def stuck_closes() -> int:
    """Devices whose close is still waiting for SDL's audio thread (a hung driver). While
    there are any, SDL_Quit at interpreter exit would wait for them too."""
    return len(_closing)


def close_all_devices(wait_s: float = 2.0) -> None:
    """At exit: close what is still open, and give closes already under way (on background
    threads) time to finish. SDL_Quit, which pygame runs after this, would otherwise close
    such a device a second time and join its finished thread again, which never returns."""
    for handle in list(_open_handles):
        try:
            handle.close()
        except Exception:  # pragma: no cover - best effort at exit
            log.exception("closing an audio device at exit")
    for handle in list(_closing):
        if not handle.close_finished.wait(wait_s):
            log.error("audio device %r is stuck in its driver; exit may hang", handle.name)
