"""Fixtures of the CLI tests: the export tests' scripted session (``export_journal``) and
its fixed time zone (``fixed_zone``), from ``tests/record/export_session.py``."""

from tests.record.export_session import export_journal, fixed_zone  # noqa: F401
