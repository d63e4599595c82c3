"""Read an audio file's duration, channels and sample rate, and prove that it decodes.

One ffmpeg call does both: it prints the stream header on stderr and decodes the first
half second to nowhere, so a file whose header is fine but whose data is junk is caught.
Results are cached per (path, size, mtime), so re-validating a playlist that uses the same
file 5,000 times probes it once.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from session_player.media.ffmpeg import ffmpeg_exe, run_ffmpeg

PROBE_TIMEOUT_S = 20.0

_DURATION = re.compile(r"Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)")
_AUDIO = re.compile(r"Stream #\S+.*?Audio:\s*([^,\s]+)[^,]*,\s*(\d+)\s*Hz,\s*([^,\n]+)")
_CHANNELS = {"mono": 1, "stereo": 2, "2.1": 3, "quad": 4, "4.0": 4, "5.0": 5, "5.1": 6}


class ProbeError(Exception):
    """The file is missing, unreadable, not audio, or does not decode; the message says which."""


@dataclass(frozen=True)
class AudioInfo:
    path: str
    duration_s: float
    sample_rate_hz: int
    channels: int
    codec: str


_cache: dict[tuple[str, int, int], AudioInfo] = {}


def probe(path: str | Path) -> AudioInfo:
    file = Path(path)
    try:
        stat = file.stat()
    except FileNotFoundError:
        raise ProbeError("file not found") from None
    except OSError as exc:
        raise ProbeError(f"cannot read the file ({exc.strerror})") from None
    if not file.is_file():
        raise ProbeError("not a file")
    key = (str(file.resolve()), stat.st_size, stat.st_mtime_ns)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    if stat.st_size == 0:
        raise ProbeError("the file is empty")
    info = _run_probe(file)
    _cache[key] = info
    return info


def _run_probe(file: Path) -> AudioInfo:
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-i", str(file)]
    command += ["-map", "0:a:0", "-t", "0.5", "-f", "null", "-"]
    try:
        result = run_ffmpeg(command, timeout_s=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise ProbeError("decoding took too long; the file may be damaged") from None
    except OSError as exc:
        raise ProbeError(f"cannot run ffmpeg ({exc})") from None
    text = result.stderr.decode("utf-8", "replace")
    if _AUDIO.search(text) is None:
        raise ProbeError("not an audio file that ffmpeg can read")
    if result.returncode != 0:
        raise ProbeError("the audio data does not decode; the file may be damaged")
    return header_info(str(file), text)


def header_info(path: str, ffmpeg_stderr: str) -> AudioInfo:
    """The first audio stream and the length from the header any ffmpeg run prints when it
    opens a file (so a pass that decodes the file anyway needs no probe of its own)."""
    stream = _AUDIO.search(ffmpeg_stderr)
    if stream is None:
        raise ProbeError("not an audio file that ffmpeg can read")
    duration = _DURATION.search(ffmpeg_stderr)
    duration_s = 0.0
    if duration:
        hours, minutes, seconds = duration.groups()
        duration_s = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    if duration_s <= 0:
        raise ProbeError("the file has no audio length")
    codec, rate, layout = stream.groups()
    layout = layout.strip().split("(")[0].strip()
    channels = _CHANNELS.get(layout)
    if channels is None:
        match = re.match(r"(\d+)\s*channels", layout)
        channels = int(match.group(1)) if match else 2
    return AudioInfo(path, duration_s, int(rate), channels, codec)
