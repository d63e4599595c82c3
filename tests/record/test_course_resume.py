"""A session resumed after a crash plays the course it started with: the choice journaled
in session_started is applied again (not the preferences file as it is by then)."""

from __future__ import annotations

import os
import wave

from session_player.engine.null_engine import NullEnginePort
from session_player.engine.ports import SessionRequest
from session_player.playlist.loader import load_playlist
from session_player.record.course_playlist import CourseChoice, apply_course, with_playlist
from session_player.record.preferences import Preferences, PreferenceStore
from session_player.session.clock import FakeClock

PLAYLIST = """\
title: Resume with a course
route: IV
soundscapes:
  rain: {name: Rain, layers: [{bed: bed.wav}]}
  ocean: {name: Ocean, layers: [{bed: bed.wav}]}
bells:
  bowl: {file: bed.wav}
levels: {default_volume_db: -10, max_volume_db: -4}
patient: {soundscapes: [rain, ocean], default: rain}
transitions: {bell: bowl}
phases:
  - id: onset
    duration: 10m
    bells: [{at: start, bell: bowl}]
  - id: rest
    duration: 10m
"""


def test_resume_applies_the_journaled_course(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", lambda fd: None)

    with wave.open(str(tmp_path / "bed.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 8000)
    path = tmp_path / "resume.yaml"
    path.write_text(PLAYLIST, "utf-8")
    result = load_playlist(path, check_audio=False)
    choice = CourseChoice(
        avoid=frozenset({"bells"}),
        disliked_soundscapes=frozenset({"rain"}),
        start_volume_db=-8.0,
    )
    applied = apply_course(result.playlist, choice)
    clock = FakeClock()
    port = NullEnginePort(tmp_path / "data", clock=clock)
    engine = port.start_session(
        SessionRequest(
            playlist_path=str(path),
            load_result=with_playlist(result, applied.playlist),
            alias="Blue Heron",
            device="Headphones",
            course=choice.to_journal(),
        )
    )
    clock.advance(30)
    engine.timeline.mark_dose_given()
    clock.advance(30)
    engine.timeline.close()  # the app died: the session was never ended

    # Meanwhile someone changed the preferences: the resumed session keeps its own course.
    PreferenceStore(port.records_dir).save(Preferences("Blue Heron"), "later")
    (unfinished,) = port.unfinished_sessions()
    resumed, _report = port.resume_session(unfinished, "Headphones")
    playlist = resumed.timeline.playlist
    assert playlist.transitions.bell is None and playlist.phases[0].bells == []
    assert playlist.patient.soundscapes == ["ocean"]
    state = resumed.timeline.state()
    assert state.volume_db == -8.0
    assert state.soundscape_id == "ocean"
    assert port.resume_point(unfinished) is not None
    resumed.timeline.close()
