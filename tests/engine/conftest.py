"""The engine tests use the audio tests' helpers (generated audio, mixers, renders)."""

from tests.audio.conftest import au  # noqa: F401  (a fixture: importing registers it here)
