"""The report tests use the record tests' scripted session (a real timeline on a FakeClock)."""

from tests.record.conftest import scripted  # noqa: F401  (a fixture: importing registers it here)
