"""The UI's Qt-free pieces: what the patient sees, the arc layout, event wording, the guard."""

from __future__ import annotations

import pytest

from session_player.playlist.loader import load_playlist
from session_player.session.clock import FakeClock
from session_player.session.store import SessionStore
from session_player.session.timeline import SessionTimeline
from session_player.ui.arc_model import arc_layout
from session_player.ui.event_text import describe
from session_player.ui.patient_controls import patient_scene
from session_player.ui.summary_model import build_summary

MINUTE = 60.0


@pytest.fixture
def timeline(tmp_path, clinic):
    clock = FakeClock()
    playlist = load_playlist(clinic / "test-infusion.yaml", check_audio=False).playlist
    line = SessionTimeline(playlist, SessionStore(tmp_path), clock, clock.wall, seed=1)
    line.start("Blue Heron")
    line.clock = clock
    return line


def test_patient_scene_follows_the_playlists_rules(timeline):
    playlist = timeline.playlist
    scene = patient_scene(playlist, timeline.state())
    assert scene.soundscape_name == "Rain"
    # Every allowed one in the playlist's order, the one playing marked in place.
    assert [c[0] for c in scene.choices] == ["rain", "ocean", "drone"]
    assert scene.current_id == "rain"
    assert not scene.show_clock
    timeline.mark_dose_given()
    timeline.clock.advance(10 * MINUTE + 1)
    timeline.tick()
    scene = patient_scene(playlist, timeline.state())  # the peak: no choosing
    assert scene.soundscape_name == "Warm drone" and scene.choices == ()
    timeline.set_volume(-4.0)
    assert not patient_scene(playlist, timeline.state()).can_louder
    timeline.end_session("test")
    assert patient_scene(playlist, timeline.state()).soundscape_name == ""


def test_arc_layout_places_phases_and_marks(timeline):
    playlist = timeline.playlist
    layout = arc_layout(playlist, timeline.state())
    assert layout.before_dose and layout.now_s == 0
    assert [b.label for b in layout.bands] == ["Settling", "Onset", "Peak", "Observation"]
    assert layout.bands[1].start_s == 0 and layout.bands[2].start_s == 10 * MINUTE
    kinds = {(m.kind, m.label) for m in layout.marks}
    assert ("vitals", "Mid") in kinds and ("voice", "welcome") in kinds
    assert ("minimum", "minimum observation") in kinds
    timeline.clock.advance(MINUTE)
    timeline.mark_dose_given()
    timeline.clock.advance(5 * MINUTE)
    timeline.extend_phase()  # onset now ends at 15 minutes
    layout = arc_layout(playlist, timeline.state())
    current = next(b for b in layout.bands if b.when == "current")
    assert current.label == "Onset" and current.end_s == pytest.approx(15 * MINUTE)
    assert layout.now_s == pytest.approx(5 * MINUTE)
    assert layout.axis_end_s > 60 * MINUTE  # the minimum observation is on the axis


def test_event_wording(timeline):
    playlist = timeline.playlist
    timeline.mark_dose_given()
    result = timeline.record_vitals(systolic=150, diastolic=85, check_label="Mid")
    assert result.flags
    events = {e["type"]: e for e in _events(timeline)}
    line = describe(playlist, events["vitals_recorded"])
    assert line.flagged and line.text.startswith("Vitals (Mid): BP 150/85")
    assert describe(playlist, events["dose_given"]).dose_text == "+0:00"
    summary = build_summary(playlist, list(_events(timeline)))
    assert summary.alias == "Blue Heron" and summary.vitals[0].flags


def _events(timeline):
    from session_player.session.journal import read_journal

    return read_journal(timeline.journal_path).events


def test_the_port_and_its_fake_import_without_qt():
    """The engine glue implements ``ports`` without Qt: importing them must not need it."""
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['PySide6'] = None; sys.modules['shiboken6'] = None\n"
        "import session_player.engine.ports, session_player.engine.null_engine\n"
        "import session_player.ui.patient_scene, session_player.ui.arc_model\n"
        "import session_player.ui.event_text, session_player.ui.summary_model\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_hold_wording(timeline):
    playlist = timeline.playlist
    timeline.mark_dose_given()
    timeline.hold_phase()
    timeline.clock.advance(10 * MINUTE + 1)
    timeline.tick()
    timeline.release_hold()
    lines = [describe(playlist, e).text for e in _events(timeline)[-4:]]
    assert lines == [
        "Onset held: plays on past its planned end (at most 10m more)",
        "Onset reached its planned end: holds until you advance",
        "Hold on Onset released: the next phase starts",
        "Peak started (hold released)",
    ]


def test_the_window_modules_load_nothing_the_start_screen_does_not_need():
    """Startup: the GUI thread imports Qt and the start screen; the engine, numpy, pygame and
    the playlist model (pydantic) load on worker threads (see bench/startup.py)."""
    import subprocess
    import sys

    # Of the session package only the rehearsal's vocabulary (its speed, no engine) may load:
    # the start screen offers a rehearsal at a speed.
    code = (
        "import sys\n"
        "import session_player.app.qt_app, session_player.app.live_port, session_player.app.composition_root\n"
        "heavy = ('numpy', 'pydantic', 'yaml', 'pygame',\n"
        "         'session_player.playlist.model', 'session_player.ui.console',\n"
        "         'session_player.ui.resume_offer', 'session_player.ui.fades',\n"
        "         'session_player.engine.ports')\n"
        "light = ('session_player.session', 'session_player.session.rehearsal_speed')\n"
        "session = [m for m in sys.modules if m.startswith('session_player.session')]\n"
        "print([name for name in heavy if name in sys.modules]\n"
        "      + [name for name in session if name not in light])\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_the_console_spells_mixer_titles_as_the_summary_does():
    from types import SimpleNamespace

    from session_player.app.live_port import display_title

    def item(title, path):
        return SimpleNamespace(title=title, path=path)

    assert display_title(item("Slow tide", "/music/slow-tide.ogg")) == "Slow Tide"
    assert display_title(item("soft-chime", "/bells/soft-chime.ogg")) == "Soft Chime"
    assert display_title(item("Still Water (live)", "/music/x.ogg")) == "Still Water (live)"
