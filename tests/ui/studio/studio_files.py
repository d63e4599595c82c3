"""A playlist folder for the studio tests: the UI tests' small audio files and a commented
playlist with one problem of each kind the timeline marks where it sits."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

# Onset's music does not loop and is far shorter than the phase; peak has a cue at 20m in a
# 15m phase. Both are warnings, so the playlist still plays.
STUDIO_PLAYLIST = """\
# A session for the studio tests. Comments must survive every edit.
title: Studio test
route: IV
bells:
  bowl: {file: audio/bell.wav}
voices:
  welcome: {file: audio/voice.wav, text: Welcome.}
soundscapes:
  rain:
    name: Rain
    layers:
      - bed: audio/bed.wav
patient:
  soundscapes: [rain]
  default: rain
settling:
  music: {items: [audio/music.wav], loop: true}
phases:
  # Onset: two short items, played once.
  - id: onset
    duration: 10m
    music:
      items:
        - audio/music.wav
        - audio/voice.wav
    voice:
      - at: 2m
        cue: welcome
  # Peak: loops; the bell below comes too late.
  - id: peak
    duration: 15m
    max_extend: 10m
    music: {items: [audio/music.wav], loop: true}
    bells:
      - at: 20m
        bell: bowl
  - id: observation
    duration: 5m
    end: hold
    music: {items: [audio/music.wav], loop: true}
clinical:
  vitals:
    - {at: pre-dose, label: Baseline}
    - {at: 20m, label: Mid}
  minimum_observation: 40m
"""


def make_studio_folder(folder: Path, clinic: Path, text: str = STUDIO_PLAYLIST) -> Path:
    """Copy the clinic's audio into ``folder`` and write the playlist; returns its path."""
    shutil.copytree(clinic / "audio", folder / "audio", dirs_exist_ok=True)
    path = folder / "studio-test.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line containing ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")
