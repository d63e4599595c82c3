"""The plan as a pure function: ordering, joins, cues, the soundscape slot, ducking, failures."""

from __future__ import annotations

import pytest

from session_player.audio.clips import DECLICK_S
from session_player.audio.fixed_arc import schedule_for_fixed_arc
from session_player.audio.plan import build_plan
from session_player.session.schedule import (
    SETTLING,
    AudioSchedule,
    PhaseSpan,
    SoundscapeChoice,
)

SR = 48000
HORIZON = 3 * 3600 * SR


def _analysis(au, **lengths_s):
    return {f"/m/{name}.ogg": au.fake_analysis(int(s * SR)) for name, s in lengths_s.items()}


def _music(plan):
    return [c for c in plan.clips if c.layer == "music"]


def test_sequence_with_crossfades_of_the_configured_length(au):
    analysis = _analysis(au, a=60, b=40, c=50)
    playlist = au.playlist(
        {
            "transitions": {"crossfade": "5s", "fade_in": "2s"},
            "phases": [
                {
                    "id": "p",
                    "duration": "10m",
                    "music": {"items": ["/m/a.ogg", "/m/b.ogg", "/m/c.ogg"]},
                }
            ],
        }
    )
    plan = build_plan(
        playlist, schedule_for_fixed_arc(playlist, 0), analysis, horizon_frame=HORIZON
    )
    a, b, c = _music(plan)
    assert (a.start_frame, b.start_frame, c.start_frame) == (0, 55 * SR, 90 * SR)
    assert a.fades[0].length_frames == 2 * SR  # from silence: transitions.fade_in
    fade_out = [f for f in a.fades if not f.rising][0]
    fade_in = [f for f in b.fades if f.rising][0]
    assert (fade_out.start_frame, fade_out.length_frames) == (55 * SR, 5 * SR)
    assert (fade_in.start_frame, fade_in.length_frames) == (55 * SR, 5 * SR)
    assert c.end_frame == 140 * SR  # not looped: the list ends, with a de-click
    assert any(f.length_frames == int(DECLICK_S * SR) for f in c.fades)


def test_gapless_items_chain_in_one_clip_sample_exactly(au):
    analysis = {"/m/a.ogg": au.fake_analysis(100_001), "/m/b.ogg": au.fake_analysis(77_777)}
    playlist = au.playlist(
        {
            "phases": [
                {
                    "id": "p",
                    "duration": "1m",
                    "music": {"items": ["/m/a.ogg", "/m/b.ogg"], "join": "gapless", "loop": True},
                }
            ]
        }
    )
    plan = build_plan(
        playlist, schedule_for_fixed_arc(playlist, 0), analysis, horizon_frame=HORIZON
    )
    (chain,) = _music(plan)
    offsets = [(s.offset_frames, s.path) for s in chain.segments[:4]]
    assert offsets == [
        (0, "/m/a.ogg"),
        (100_001, "/m/b.ogg"),
        (177_778, "/m/a.ogg"),
        (277_779, "/m/b.ogg"),
    ]


def test_gap_join_and_planned_silence(au):
    analysis = _analysis(au, a=30, b=30)
    playlist = au.playlist(
        {
            "transitions": {"fade_in": "3s"},
            "phases": [
                {
                    "id": "p",
                    "duration": "10m",
                    "music": {
                        "items": ["/m/a.ogg", {"silence": "20s"}, "/m/b.ogg", "/m/a.ogg"],
                        "join": "gap",
                        "gap": "4s",
                    },
                }
            ],
        }
    )
    plan = build_plan(
        playlist, schedule_for_fixed_arc(playlist, 0), analysis, horizon_frame=HORIZON
    )
    starts = [c.start_frame / SR for c in _music(plan)]
    assert starts == [0, 50, 84]  # a; 20 s silence; b; 4 s gap; a
    assert _music(plan)[1].fades[0].length_frames == 3 * SR  # from silence: fade_in


def test_shuffle_is_deterministic_per_seed_and_never_repeats_an_item(au):
    names = {n: 30 for n in "abcdef"}
    analysis = _analysis(au, **names)
    playlist = au.playlist(
        {
            "phases": [
                {
                    "id": "p",
                    "duration": "2h",
                    "music": {
                        "items": [f"/m/{n}.ogg" for n in names],
                        "order": "shuffle",
                        "loop": True,
                    },
                }
            ]
        }
    )

    def order(seed):
        schedule = schedule_for_fixed_arc(playlist, 0, seed=seed)
        plan = build_plan(playlist, schedule, analysis, horizon_frame=HORIZON)
        return [c.segments[0].path for c in _music(plan)]

    first, again, other = order(7), order(7), order(8)
    assert first == again
    assert first != other
    assert len(first) > 100
    assert all(x != y for x, y in zip(first, first[1:], strict=False))  # also across loop rounds
    assert set(first[:6]) == {f"/m/{n}.ogg" for n in names}  # each round plays them all


def test_planning_further_ahead_never_changes_what_was_planned(au):
    analysis = _analysis(au, a=70, b=50, c=65)
    playlist = au.playlist(
        {
            "settling": {
                "music": {
                    "items": ["/m/a.ogg", "/m/b.ogg", "/m/c.ogg"],
                    "order": "shuffle",
                    "loop": True,
                }  # fmt: skip
            },
            "phases": [{"id": "p", "duration": "10m"}],
        }
    )
    schedule = AudioSchedule(phases=(PhaseSpan(SETTLING, 0.0, None, 0.0),), seed=3)
    near = build_plan(playlist, schedule, analysis, horizon_frame=600 * SR)
    far = build_plan(playlist, schedule, analysis, horizon_frame=3600 * SR)
    near_clips = [c for c in near.clips if c.start_frame < 500 * SR]
    far_clips = [c for c in far.clips if c.start_frame < 500 * SR]
    assert near_clips == far_clips


def test_voice_cues_relative_to_the_span_as_it_runs(au):
    analysis = {"/v/hi.ogg": au.fake_analysis(5 * SR)}
    playlist = au.playlist(
        {
            "voices": {"hi": {"file": "/v/hi.ogg"}},
            "phases": [
                {
                    "id": "p",
                    "duration": "10m",
                    "voice": [
                        {"at": "start", "cue": "hi"},
                        {"at": "2m", "cue": "hi"},
                        {"at": "end-1m", "cue": "hi"},
                        {"at": "9m30s", "cue": "hi"},
                    ],
                },
                {"id": "q", "duration": "5m"},
            ],
        }
    )
    # The clinician advanced p after 8 minutes: the 9m30s cue no longer happens, end-1m
    # moves to 7 minutes.
    schedule = AudioSchedule(
        phases=(PhaseSpan(0, 100.0, 580.0, 10.0), PhaseSpan(1, 580.0, None, 10.0))
    )
    plan = build_plan(playlist, schedule, analysis, horizon_frame=HORIZON)
    starts = sorted(c.start_frame / SR for c in plan.clips if c.layer == "voice")
    assert starts == [100.0, 220.0, 520.0]


def test_end_relative_cue_waits_for_a_known_end_or_a_planned_end(au):
    analysis = {"/v/hi.ogg": au.fake_analysis(5 * SR)}
    playlist = au.playlist(
        {
            "voices": {"hi": {"file": "/v/hi.ogg"}},
            "phases": [
                {
                    "id": "p",
                    "duration": "10m",
                    "end": "hold",
                    "voice": [{"at": "end-1m", "cue": "hi"}],
                }
            ],
        }
    )
    open_span = AudioSchedule(phases=(PhaseSpan(0, 0.0, None, 10.0),))
    assert not [c for c in build_plan(playlist, open_span, analysis, horizon_frame=HORIZON).clips]
    told = AudioSchedule(
        phases=(PhaseSpan(0, 0.0, None, 10.0),), extra={"planned_end_s": {0: 600.0}}
    )
    (cue,) = build_plan(playlist, told, analysis, horizon_frame=HORIZON).clips
    assert cue.start_frame == 540 * SR


def test_bells_at_cues_and_at_every_phase_change(au):
    analysis = {"/b/bowl.ogg": au.fake_analysis(8 * SR), "/b/chime.ogg": au.fake_analysis(3 * SR)}
    playlist = au.playlist(
        {
            "bells": {"bowl": {"file": "/b/bowl.ogg"}, "chime": {"file": "/b/chime.ogg"}},
            "transitions": {"bell": "chime"},
            "settling": {"bells": [{"bell": "bowl"}]},
            "phases": [
                {"id": "p", "duration": "5m", "bells": [{"at": "1m", "bell": "bowl"}]},
                {"id": "q", "duration": "5m"},
            ],
        }
    )
    plan = build_plan(
        playlist, schedule_for_fixed_arc(playlist, 60), analysis, horizon_frame=HORIZON
    )
    bells = sorted((c.start_frame / SR, c.segments[0].path) for c in plan.clips)
    assert bells == [
        (0.0, "/b/bowl.ogg"),
        (60.0, "/b/chime.ogg"),
        (120.0, "/b/bowl.ogg"),
        (360.0, "/b/chime.ogg"),
    ]


def _soundscape_playlist(au):
    return au.playlist(
        {
            "soundscapes": {
                sid: {"name": sid.title(), "layers": [{"bed": f"/s/{sid}.ogg"}]}
                for sid in ("rain", "ocean", "drone")
            },
            "patient": {"default": "rain", "soundscapes": ["rain", "ocean", "drone"]},
            "transitions": {"phase_crossfade": "10s", "fade_in": "4s"},
            "phases": [
                {"id": "a", "duration": "5m"},
                {"id": "b", "duration": "5m", "soundscape": "drone"},
                {"id": "c", "duration": "5m"},
                {"id": "d", "duration": "5m"},
            ],
        }
    )


def test_soundscape_slot_phase_choice_default_and_continuity(au):
    playlist = _soundscape_playlist(au)
    analysis = {f"/s/{s}.ogg": au.fake_analysis(30 * SR) for s in ("rain", "ocean", "drone")}
    base = schedule_for_fixed_arc(playlist, 0)
    schedule = AudioSchedule(
        phases=base.phases,
        soundscape_choices=(SoundscapeChoice(100.0, "ocean", 6.0),),
    )
    plan = build_plan(playlist, schedule, analysis, horizon_frame=HORIZON)
    beds = [(c.title, c.start_frame / SR, c.end_frame / SR) for c in plan.clips]
    assert beds == [
        ("Rain", 0.0, 106.0),  # the default, until the patient chose ocean (6 s crossfade)
        ("Ocean", 100.0, 310.0),  # … until phase b imposes the drone (10 s crossfade)
        ("Drone", 300.0, 610.0),
        # Phase c names none: the patient's choice comes back, and it carries on through d
        # (one clip: the bed is not restarted at the phase change).
        ("Ocean", 600.0, 1210.0),
    ]
    first = plan.clips[0]
    assert first.fades[0].length_frames == 4 * SR  # from silence: fade_in


def test_one_shots_scatter_within_the_gaps_and_never_repeat_a_file(au):
    files = [f"/o/{n}.ogg" for n in "abc"]
    analysis = {f: au.fake_analysis(SR) for f in files}
    playlist = au.playlist(
        {
            "soundscapes": {
                "birds": {
                    "name": "Birds",
                    "layers": [{"one_shots": files, "min_gap": "10s", "max_gap": "30s"}],
                }
            },
            "patient": {"default": "birds"},
            "phases": [{"id": "p", "duration": "1h"}],
        }
    )
    plan = build_plan(
        playlist, schedule_for_fixed_arc(playlist, 0, seed=5), analysis, horizon_frame=HORIZON
    )
    shots = [c for c in plan.clips if c.layer == "one_shot"]
    starts = [c.start_frame for c in shots]
    gaps = [(b - a) / SR for a, b in zip(starts, starts[1:], strict=False)]
    assert len(shots) > 100 and min(gaps) >= 10 and max(gaps) <= 30
    paths = [c.segments[0].path for c in shots]
    assert all(x != y for x, y in zip(paths, paths[1:], strict=False))
    assert len({round(c.gain_db, 3) for c in shots}) > 50  # varied gain …
    assert len({round(c.pan, 3) for c in shots}) > 50  # … and pan


def test_music_ducks_under_voice_with_ramps_before_and_after(au):
    analysis = {"/m/a.ogg": au.fake_analysis(600 * SR), "/v/hi.ogg": au.fake_analysis(10 * SR)}
    playlist = au.playlist(
        {
            "voices": {"hi": {"file": "/v/hi.ogg"}},
            "transitions": {"duck_db": -10, "duck_ramp": "2s"},
            "phases": [
                {
                    "id": "p",
                    "duration": "5m",
                    "music": {"items": ["/m/a.ogg"]},
                    "voice": [{"at": "1m", "cue": "hi"}],
                }
            ],
        }
    )
    plan = build_plan(
        playlist, schedule_for_fixed_arc(playlist, 0), analysis, horizon_frame=HORIZON
    )
    duck = plan.buses["music"][-1]
    assert duck.value_at(57 * SR) == 1.0
    assert duck.value_at(59 * SR) == pytest.approx(0.5 * (1 + 10 ** (-10 / 20)), abs=1e-6)
    assert duck.value_at(60 * SR) == pytest.approx(10 ** (-10 / 20))
    assert duck.value_at(70 * SR) == pytest.approx(10 ** (-10 / 20))
    assert duck.value_at(72 * SR) == 1.0


def test_a_broken_file_stops_there_and_the_next_item_moves_up(au):
    analysis = _analysis(au, a=60, b=60, c=60)
    playlist = au.playlist(
        {
            "transitions": {"crossfade": "4s", "fade_in": "2s"},
            "phases": [
                {
                    "id": "p",
                    "duration": "10m",
                    "music": {"items": ["/m/a.ogg", "/m/b.ogg", "/m/c.ogg"]},
                }
            ],
        }
    )
    schedule = schedule_for_fixed_arc(playlist, 0)
    plan = build_plan(
        playlist, schedule, analysis, horizon_frame=HORIZON, failures={"/m/b.ogg": 80 * SR}
    )
    a, b, c = _music(plan)
    assert b.end_frame == 80 * SR + int(0.05 * SR)  # faded out within 50 ms
    assert c.start_frame == 80 * SR  # the layer moves on at once, fading in from silence
    assert c.fades[0].length_frames == 2 * SR
    untouched = build_plan(playlist, schedule, analysis, horizon_frame=HORIZON)
    assert _music(untouched)[0] == a  # nothing before the failure changes


def test_files_that_were_never_measured_are_skipped_and_reported(au):
    playlist = au.playlist(
        {"phases": [{"id": "p", "duration": "5m", "music": {"items": ["/m/gone.ogg", "/m/a.ogg"]}}]}
    )
    plan = build_plan(
        playlist, schedule_for_fixed_arc(playlist, 0), _analysis(au, a=30), horizon_frame=HORIZON
    )
    assert [c.segments[0].path for c in _music(plan)] == ["/m/a.ogg"]
    assert plan.missing == {"/m/gone.ogg"}
