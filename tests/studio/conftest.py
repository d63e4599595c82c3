"""Fixtures for the studio tests: the bundled playlists in a folder of their own, beside the
demo's real audio (a symlink to one copy per run), and helpers that compare texts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def demo_assets(tmp_path_factory) -> Path:
    assets = tmp_path_factory.mktemp("assets") / "assets"
    shutil.copytree(REPO / "assets", assets)
    return assets


@pytest.fixture
def clinic(tmp_path, demo_assets) -> Path:
    """A folder with playlists/ (copies of the bundled ones) and assets/ (the demo audio)."""
    shutil.copytree(REPO / "playlists", tmp_path / "playlists")
    (tmp_path / "assets").symlink_to(demo_assets, target_is_directory=True)
    return tmp_path


@pytest.fixture
def iv_playlist(clinic) -> Path:
    return clinic / "playlists" / "iv-infusion-40min.yaml"
