"""Small test audio: a sine tone as a 16-bit mono WAV, with nothing but the standard library
(the UI and engine-contract tests need real files, not the audio tests' ffmpeg helpers)."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE_HZ = 8000


def write_tone(path: Path, seconds: float, frequency_hz: float) -> Path:
    frames = b"".join(
        struct.pack("<h", int(3000 * math.sin(2 * math.pi * frequency_hz * i / RATE_HZ)))
        for i in range(int(RATE_HZ * seconds))
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE_HZ)
        out.writeframes(frames)
    return path
