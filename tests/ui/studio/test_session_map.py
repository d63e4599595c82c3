"""The studio's timeline model: the session on the dose clock, from the real planner."""

from __future__ import annotations

import pytest

from session_player.playlist.loader import load_playlist
from session_player.session.schedule import SETTLING
from session_player.ui.studio.session_map import build_session_map

from .studio_files import STUDIO_PLAYLIST, line_of, make_studio_folder


@pytest.fixture
def studio_map(tmp_path, clinic):
    path = make_studio_folder(tmp_path, clinic)
    return build_session_map(load_playlist(path), dose_at_s=90.0)


def kinds(session_map, kind):
    return [span for span in session_map.spans if span.kind == kind]


def test_phases_lie_on_the_dose_clock_with_settling_before_the_dose(studio_map):
    settling = kinds(studio_map, "settling")
    assert [(s.start_s, s.end_s) for s in settling] == [(-90.0, 0.0)]
    phases = [(s.label, s.start_s, s.end_s) for s in kinds(studio_map, "phase")]
    assert phases[:2] == [("Onset", 0.0, 600.0), ("Peak", 600.0, 1500.0)]
    assert phases[2][:2] == ("Observation", 1500.0)
    # Peak may be extended by 10 minutes; observation holds for the clinician.
    extend = kinds(studio_map, "extend")
    assert [(s.start_s, s.end_s, s.label) for s in extend] == [(1500.0, 2100.0, "may extend +10m")]
    assert kinds(studio_map, "hold")[0].label == "holds until advanced"
    assert studio_map.start_s == -90.0


def test_music_items_are_where_the_planner_puts_them_with_their_crossfades(studio_map):
    onset = [s for s in kinds(studio_map, "music") if s.phase_index == 0]
    # music.wav (3 s) then voice.wav (1 s), crossfaded by at most half the shorter item.
    assert [s.yaml_path for s in onset] == [
        ("phases", 0, "music", "items", 0),
        ("phases", 0, "music", "items", 1),
    ]
    first, second = onset
    assert first.start_s == 0.0 and first.end_s == pytest.approx(3.0, abs=0.01)
    assert second.fade_in_s == pytest.approx(0.5, abs=0.01)
    assert second.start_s == pytest.approx(first.end_s - second.fade_in_s, abs=0.01)
    # Peak loops its one item for the whole phase (and its fade-out).
    peak = [s for s in kinds(studio_map, "music") if s.phase_index == 1]
    assert len(peak) > 200
    assert all(s.label.endswith("(repeat)") for s in peak[1:])
    settling = [s for s in kinds(studio_map, "music") if s.phase_index == SETTLING]
    assert settling and settling[0].start_s == -90.0


def test_a_problem_is_marked_on_the_span_written_at_its_line(studio_map, tmp_path):
    text = STUDIO_PLAYLIST
    # Onset's music ends after 3.5 s: the rest of the phase is marked "no music", with the
    # validator's warning, at the line of the music list.
    gap = [s for s in kinds(studio_map, "no_music") if s.phase_index == 0]
    assert len(gap) == 1 and gap[0].start_s == pytest.approx(3.5, abs=0.01)
    assert gap[0].end_s == 600.0
    # (The validator points at the music's value, its first line: "items:".)
    assert {p.position.line for p in gap[0].problems} == {line_of(text, "      items:")}
    messages = " / ".join(p.message for p in gap[0].problems)
    assert "does not loop" in messages and "crossfade" in messages
    # The bell at 20m of a 15m phase is never played: drawn at the phase's end, marked.
    bells = [s for s in kinds(studio_map, "bell") if s.phase_index == 1]
    assert len(bells) == 1 and bells[0].start_s == 1500.0
    assert bells[0].detail == "at 20m: not played"
    assert "falls outside its phase" in bells[0].problems[0].message
    assert bells[0].problems[0].position.line == line_of(text, "at: 20m")
    # Every problem the validator found is either on the timeline or in the list only.
    assert set(studio_map.placed) <= set(studio_map.problems)
    assert len(studio_map.placed) == 3


def test_voice_cues_checks_and_the_minimum_observation(studio_map):
    voice = kinds(studio_map, "voice")
    assert [(s.label, s.start_s, s.detail) for s in voice] == [("welcome", 120.0, "Welcome.")]
    checks = {s.label: s.start_s for s in kinds(studio_map, "vitals")}
    assert checks == {"Baseline": -30.0, "Mid": 1200.0}
    observation = kinds(studio_map, "observation")
    assert [(s.start_s, s.label) for s in observation] == [(2400.0, "minimum observation 40m")]
    # A held last phase is shown (and heard) until the minimum observation has passed.
    assert studio_map.end_s == 2460.0


def test_transitions_are_what_the_jump_keys_land_before(studio_map):
    # Phase changes, cues, and crossfades between music items within a phase.
    assert {0.0, 120.0, 600.0, 1500.0} <= set(studio_map.transitions_s)
    assert studio_map.next_transition_s(0.0) == pytest.approx(2.5, abs=0.01)  # the crossfade
    assert studio_map.next_transition_s(130.0) > 130.0
    assert studio_map.previous_transition_s(600.0) < 600.0


def test_visible_finds_exactly_the_spans_in_a_window(studio_map):
    window = studio_map.visible(700.0, 760.0)
    expected = [s for s in studio_map.spans if s.end_s >= 700.0 and s.start_s <= 760.0]
    assert sorted(map(id, window)) == sorted(map(id, expected))
    assert len(window) < len(studio_map.spans) / 5


def test_a_playlist_with_errors_gives_its_problems_and_no_arc(tmp_path, clinic):
    path = make_studio_folder(tmp_path, clinic, STUDIO_PLAYLIST.replace("route: IV", "route: XX"))
    session_map = build_session_map(load_playlist(path))
    assert session_map.problems and session_map.problems[0].is_error
