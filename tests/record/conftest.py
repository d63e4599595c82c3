"""Fixtures of the record tests (``scripted``: the report's scripted session)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# export_journal, fixed_zone: the export tests' own scripted session and its time zone.
from tests.record.export_session import export_journal, fixed_zone  # noqa: F401
from tests.record.scripted_journal import ScriptedSession, run_scripted_session


@pytest.fixture
def scripted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ScriptedSession:
    # The journal's durability is tested in tests/session; here only its contents matter.
    monkeypatch.setattr(os, "fsync", lambda fd: None)
    return run_scripted_session(tmp_path)
