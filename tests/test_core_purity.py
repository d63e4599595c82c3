"""The core (playlist, session, audio) must import neither Qt nor pygame.

Run in a subprocess whose import system refuses PySide6 and pygame, so a stray import
anywhere in the core fails here rather than on a clinic laptop without a display.
"""

import subprocess
import sys
import textwrap

CORE_MODULES = [
    "session_player.cli.main",
    "session_player.playlist.durations",
    "session_player.playlist.loader",
    "session_player.playlist.checks",
    "session_player.playlist.schema",
    "session_player.media.probe",
    "session_player.studio.document",
    "session_player.studio.edits",
    # The session record: read by commands that run without a display (report, export).
    "session_player.record.session_record",
    "session_player.record.clinic_settings",
    "session_player.cli.report",
    # The exports and the listening dose (the report and the export command use them).
    "session_player.record.fhir_export",
    "session_player.record.csv_export",
    "session_player.record.listening_dose",
    "session_player.record.listening_settings",
    "session_player.cli.export",
    # The patient's course: read by play (no display) and the ports below the UI.
    "session_player.record.course",
    "session_player.record.course_playlist",
    "session_player.record.preferences",
    "session_player.record.private_files",
    "session_player.cli.play_course",
]
OPTIONAL_CORE = [
    "session_player.session.timeline",
    "session_player.session.journal",
    "session_player.audio.mixer",
    "session_player.engine.offline_render",
    "session_player.engine.live_engine",
]


def test_core_imports_without_qt_or_pygame():
    code = textwrap.dedent(
        f"""
        import importlib, importlib.util, sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6", "pygame"):
                    raise ImportError(f"the core must not import {{name}}")
                return None

        sys.meta_path.insert(0, Block())
        for module in {CORE_MODULES!r}:
            importlib.import_module(module)
        for module in {OPTIONAL_CORE!r}:
            if importlib.util.find_spec(module) is not None:
                importlib.import_module(module)
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
