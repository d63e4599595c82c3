"""A pytest plugin for ``make test-core``: the core's tests with Qt and pygame unimportable.

Like napari's headless environment: the playlist, session, audio, record, studio and engine
tests run in a process whose import system refuses PySide6, shiboken6 and pygame, so a test
(or the code it tests) that needs them fails here instead of passing only because the
libraries happen to be installed. The few core tests that drive a real device on purpose
(the live port in the engine contract) skip themselves with ``pytest.importorskip``.
Loaded with ``-p tests.headless_core`` and ``-p no:pytest-qt`` (pytest-qt imports Qt).
"""

from __future__ import annotations

import sys

import pytest

REFUSED = ("PySide6", "shiboken6", "pygame")


class RefuseGuiLibraries:
    """A meta-path finder that refuses the GUI and sound libraries by name."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in REFUSED:
            raise ModuleNotFoundError(
                f"{name} is not importable in the core's tests (make test-core)"
            )
        return None


def pytest_addoption(parser) -> None:
    # pyproject.toml sets pytest-qt's option for the full run; without pytest-qt it is ours.
    parser.addini("qt_api", "pytest-qt's Qt binding (unused here: Qt is refused)")


def pytest_configure(config) -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in REFUSED:
            raise RuntimeError(f"{name} was imported before the core's tests began")
    sys.meta_path.insert(0, RefuseGuiLibraries())


@pytest.fixture
def qapp():
    pytest.skip("needs Qt: runs in the full suite (make test), not in make test-core")


@pytest.fixture
def qtbot():
    pytest.skip("needs Qt: runs in the full suite (make test), not in make test-core")


def pytest_runtest_logreport(report) -> None:
    """Name the tests that skipped for want of Qt or pygame, for the full run to take them
    (``tools/run-suite.sh``): each test runs once, headless where it can."""
    _note_skip(report)


def pytest_collectreport(report) -> None:
    """The same for a whole module that skips itself (``importorskip`` at its top)."""
    _note_skip(report)


def _note_skip(report) -> None:
    import os

    path = os.environ.get("SESSION_PLAYER_CORE_SKIPS")
    if not path or not report.skipped:
        return
    reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
    if "make test-core" in reason:
        with open(path, "a", encoding="utf-8") as out:
            out.write(report.nodeid + "\n")
