"""A clinic's music folder for the import tests: real audio under awkward names, a damaged
file, and track lists in each format that name them in every way the readers accept."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[2]
DEMO_MUSIC = REPO / "assets" / "audio" / "music"


def music_folder(root: Path) -> Path:
    """root/Music calm/{Évening light.ogg, slow tide #2.ogg, sub/still water.ogg, broken.mp3, cover.jpg}"""
    music = root / "Music calm"
    (music / "sub").mkdir(parents=True)
    shutil.copy(DEMO_MUSIC / "evening-light.ogg", music / "Évening light.ogg")
    shutil.copy(DEMO_MUSIC / "slow-tide.ogg", music / "slow tide #2.ogg")
    shutil.copy(DEMO_MUSIC / "still-water.ogg", music / "sub" / "still water.ogg")
    (music / "broken.mp3").write_bytes(b"ID3" + b"\x00\x13junk that is not mp3 frames" * 50)
    (music / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    return music


def file_url(path: Path) -> str:
    return "file://" + quote(str(path.absolute()))
