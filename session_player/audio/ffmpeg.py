"""Where the ffmpeg binary is: a system install if there is one, else the one in a wheel.

We decode with ffmpeg because it reads every format a clinic will bring (mp3, ogg, opus,
flac, wav, m4a) at any rate and channel count. ``imageio-ffmpeg`` ships a static ffmpeg
inside its wheel, so a fresh machine needs no system package; a system ffmpeg is preferred
when present because it is usually the better-maintained build of the distribution.
"""

from __future__ import annotations

import functools
import os
import shutil


class FfmpegMissing(RuntimeError):
    pass


@functools.cache
def ffmpeg_exe() -> str:
    override = os.environ.get("SESSION_PLAYER_FFMPEG")
    if override:
        return override
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - it is a declared dependency
        raise FfmpegMissing("ffmpeg was not found; install the imageio-ffmpeg package") from exc
    return imageio_ffmpeg.get_ffmpeg_exe()
