"""Where the ffmpeg binary is: a system install if there is one, else the one in a wheel.

We decode with ffmpeg because it reads every format a clinic will bring (mp3, ogg, opus,
flac, wav, m4a) at any rate and channel count. ``imageio-ffmpeg`` ships a static ffmpeg
inside its wheel, so a fresh machine needs no system package; a system ffmpeg is preferred
when present because it is usually the better-maintained build of the distribution.

Every ffmpeg child is started with ``child_environment()`` (see there: why a copy);
``run_ffmpeg`` runs a short command to its end that way.
"""

from __future__ import annotations

import functools
import os
import shutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess


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


def child_environment() -> dict[str, str]:
    """The environment to hand an ffmpeg (or ffprobe) child: a copy, made by the caller.

    Without ``env=``, Popen passes the process's live C ``environ`` to ``execve``, and on
    Linux the child runs in the parent's memory until it execs (vfork). Another thread that
    adds a variable in that moment (SDL's start-up does, as the device opens while the mixer
    starts its decoders) moves ``environ``, and the exec fails with EFAULT, "Bad address":
    on a resumed session, a bed that never started. A copy built by the spawning thread
    cannot move (tests/audio/test_decoder.py spawns decoders under such a thread).
    """
    return dict(os.environ)


def run_ffmpeg(
    command: list[str], *, timeout_s: float | None = None, input_bytes: bytes | None = None
) -> subprocess.CompletedProcess:
    """Run a short ffmpeg command to its end, output captured, in a copy of the environment.

    Raises OSError if it cannot start and ``subprocess.TimeoutExpired`` after ``timeout_s``."""
    import subprocess  # on first use: asking only where ffmpeg is needs no subprocess

    return subprocess.run(
        command,
        input=input_bytes,
        capture_output=True,
        timeout=timeout_s,
        check=False,
        env=child_environment(),
    )
