"""Commands in detail: soundscapes, volume, calm down, silence, pause, end, alerts, notes."""

from __future__ import annotations

import pytest

from session_player.session.commands import SIDE_EFFECT_KINDS, CommandRefused
from session_player.session.journal import read_journal
from session_player.session.record import END_FADE_S
from session_player.session.schedule import BusEvent, SoundscapeChoice

MIN = 60.0


def _events(timeline, event_type: str) -> list[dict]:
    return [e for e in read_journal(timeline.journal_path).events if e["type"] == event_type]


# --- soundscapes ------------------------------------------------------------------------------


def test_patient_choice_in_allowed_phases_only(dosed) -> None:
    assert dosed.state().soundscape_id == "rain"  # patient.default
    assert dosed.state().patient_soundscapes == ("rain", "forest")
    dosed.choose_soundscape("forest")
    assert dosed.state().soundscape_id == "forest"
    dosed.advance_phase()  # peak: not in patient.phases, and names its own soundscape
    state = dosed.state()
    assert state.soundscape_id == "ocean" and state.patient_soundscapes == ()
    with pytest.raises(CommandRefused, match="may not choose a soundscape during Peak"):
        dosed.choose_soundscape("rain")
    dosed.advance_phase()  # return: allowed again; no own soundscape, so the choice comes back
    assert dosed.state().soundscape_id == "forest"
    dosed.choose_soundscape("rain")
    assert dosed.state().soundscape_id == "rain"


def test_patient_may_only_choose_what_is_offered(dosed) -> None:
    with pytest.raises(CommandRefused, match="'ocean' is not one of the soundscapes offered"):
        dosed.choose_soundscape("ocean")
    with pytest.raises(ValueError):
        dosed.choose_soundscape("rain", by="nurse")


def test_patient_phases_all(build_playlist, make_timeline) -> None:
    playlist = build_playlist(patient={"soundscapes": ["rain"], "phases": "all"})
    timeline = make_timeline(playlist)
    timeline.start("x")
    timeline.mark_dose_given()
    timeline.advance_phase()
    timeline.choose_soundscape("rain")  # peak included by "all"; the choice beats the phase
    assert timeline.state().soundscape_id == "rain"


def test_no_patient_choice_offered(build_playlist, make_timeline) -> None:
    timeline = make_timeline(build_playlist(patient={}))
    timeline.start("x")
    assert timeline.state().patient_soundscapes == ()
    with pytest.raises(CommandRefused, match="offers no soundscape choice"):
        timeline.choose_soundscape("rain")


def test_clinician_may_choose_any_defined_soundscape_any_time(dosed) -> None:
    dosed.advance_phase()
    dosed.choose_soundscape("ground", by="clinician")
    assert dosed.state().soundscape_id == "ground"
    with pytest.raises(CommandRefused, match="no soundscape 'lava'.*defined: forest, ground"):
        dosed.choose_soundscape("lava", by="clinician")


def test_soundscape_changes_are_in_the_schedule(dosed) -> None:
    dosed.choose_soundscape("forest")
    choices = dosed.schedule().soundscape_choices
    assert choices[0] == SoundscapeChoice(0.0, "rain", 4.0)  # settling fades in
    assert choices[-1].soundscape_id == "forest" and choices[-1].at_s == 60.0


# --- volume -----------------------------------------------------------------------------------


def test_volume_is_clamped_to_the_playlist_maximum(dosed) -> None:
    assert dosed.state().volume_db == -6 and dosed.state().max_volume_db == -2
    result = dosed.set_volume(0)
    assert result.value == -2 and "limited to -2 dB" in result.message
    assert dosed.state().volume_db == -2
    assert dosed.set_volume(-100).value == -60
    with pytest.raises(CommandRefused, match="must be a number"):
        dosed.set_volume(float("nan"))


def test_volume_cap_binds_the_patient_and_lowers_a_louder_volume(dosed) -> None:
    dosed.set_volume(-3)
    result = dosed.set_volume_cap(-10)
    assert "volume lowered to -10 dB" in result.message
    state = dosed.state()
    assert state.volume_cap_db == -10 and state.volume_db == -10
    assert dosed.set_volume(-4, by="patient").value == -10
    assert dosed.set_volume(-20, by="patient").value == -20
    assert dosed.set_volume(-4, by="clinician").value == -10  # the cap binds everyone
    assert dosed.set_volume_cap(5).value == -2  # a cap never above the playlist's maximum
    assert dosed.set_volume(-4, by="patient").value == -4
    last = _events(dosed, "volume_set")[-1]
    assert last["by"] == "patient" and last["requested_db"] == -4 and not last["clamped"]


def test_volume_ramps_on_the_master_bus(dosed) -> None:
    dosed.set_volume(-12)
    assert dosed.schedule().bus_events[-1] == BusEvent(60.0, "master", -12.0, 0.5)


# --- calm down --------------------------------------------------------------------------------


def test_calm_down_and_undo_restore_exactly(dosed, advance) -> None:
    dosed.choose_soundscape("forest")
    advance(dosed, 30)
    before = dosed.state()
    dosed.calm_down()
    state = dosed.state()
    assert state.calm and state.music_gain_db == -12 and state.soundscape_id == "ground"
    assert state.patient_soundscapes == ()
    with pytest.raises(CommandRefused, match="Calm down is on"):
        dosed.choose_soundscape("rain")
    advance(dosed, 30)
    dosed.undo_calm_down()
    after = dosed.state()
    assert not after.calm and after.music_gain_db == 0 and after.soundscape_id == "forest"
    assert after.volume_db == before.volume_db
    schedule = dosed.schedule()
    assert schedule.bus_events[-2:] == (
        BusEvent(90.0, "music", -12.0, 5.0),
        BusEvent(120.0, "music", 0.0, 5.0),
    )
    assert schedule.soundscape_choices[-2:] == (
        SoundscapeChoice(90.0, "ground", 5.0),
        SoundscapeChoice(120.0, "forest", 5.0),
    )


def test_calm_down_across_a_phase_change_restores_that_phase(dosed) -> None:
    dosed.calm_down()
    dosed.advance_phase()
    assert dosed.state().soundscape_id == "ground"  # still calm
    dosed.undo_calm_down()
    assert dosed.state().soundscape_id == "ocean"  # peak's own soundscape


def test_the_clinician_may_replace_the_grounding_soundscape(dosed) -> None:
    dosed.calm_down()
    dosed.choose_soundscape("rain", by="clinician")
    state = dosed.state()
    assert state.calm and state.music_gain_db == -12 and state.soundscape_id == "rain"
    dosed.undo_calm_down()
    assert dosed.state().soundscape_id == "rain" and dosed.state().music_gain_db == 0


def test_calm_down_without_a_grounding_soundscape_only_lowers_the_music(
    build_playlist, make_timeline
) -> None:
    timeline = make_timeline(build_playlist(calm_down={"music_db": -8}))
    timeline.start("x")
    timeline.calm_down()
    state = timeline.state()
    assert state.music_gain_db == -8 and state.soundscape_id == "rain"


# --- silence, pause ---------------------------------------------------------------------------


def test_fade_to_silence_and_back(dosed, advance) -> None:
    dosed.fade_to_silence()
    assert dosed.state().silenced
    advance(dosed, 20)
    dosed.fade_back()
    assert not dosed.state().silenced
    assert dosed.schedule().bus_events[-2:] == (
        BusEvent(60.0, "master", None, 4.0),
        BusEvent(80.0, "master", -6.0, 4.0),
    )


def test_pause_fades_out_and_freezes_the_audio_not_the_dose_clock(dosed, advance) -> None:
    advance(dosed, 60)
    dosed.pause_audio()
    advance(dosed, 5 * MIN)
    state = dosed.state()
    assert state.paused and state.time_since_dose_s == 6 * MIN
    assert state.time_into_phase_s == 62  # one minute, plus the 2 s fade-out
    assert dosed.tau_now() == 60 + 62
    dosed.resume_audio()
    events = dosed.schedule().bus_events
    assert events[-2:] == (
        BusEvent(120.0, "master", None, 2.0),
        BusEvent(122.0, "master", -6.0, 2.0),
    )
    # The phase lasts its whole audio length: the pause delays its end.
    assert dosed.state().time_to_next_phase_s == 10 * MIN - 62


def test_a_phase_cannot_end_while_paused(dosed, advance) -> None:
    advance(dosed, 9 * MIN)
    dosed.pause_audio()
    advance(dosed, 30 * MIN)
    assert dosed.state().phase_id == "onset"
    dosed.resume_audio()
    advance(dosed, 58)  # 9m + 2s fade + 58s = 10m of audio
    assert dosed.state().phase_id == "peak"
    started = _events(dosed, "phase_started")[-1]
    assert started["dose_s"] == pytest.approx(9 * MIN + 30 * MIN + 58)


def test_silence_and_pause_combine_on_one_master_level(dosed) -> None:
    dosed.fade_to_silence()
    dosed.pause_audio()  # already silent: nothing more to fade
    dosed.resume_audio()  # still silenced: stays silent
    dosed.set_volume(-9)  # remembered, inaudible for now
    masters = [e for e in dosed.schedule().bus_events if e.bus == "master"]
    assert masters[-1] == BusEvent(60.0, "master", None, 4.0)
    dosed.fade_back()
    assert dosed.schedule().bus_events[-1] == BusEvent(60.0, "master", -9.0, 4.0)


# --- ending -----------------------------------------------------------------------------------


def test_end_refused_before_the_minimum_observation_unless_a_reason(dosed, advance) -> None:
    advance(dosed, 90 * MIN)
    state = dosed.state()
    assert (
        not state.can_end and "minimum observation after the dose is 2h" in state.cannot_end_reason
    )
    assert state.observation_left_s == 30 * MIN
    with pytest.raises(CommandRefused, match="2h; 30:00 remain"):
        dosed.end_session()
    with pytest.raises(CommandRefused):
        dosed.end_session(reason="   ")
    dosed.end_session(reason="transferred to ward")
    ended = _events(dosed, "session_ended")[0]
    assert ended["reason"] == "transferred to ward" and ended["early"]
    assert dosed.state().status == "ended" and dosed.state().ended_reason == "transferred to ward"


def test_end_allowed_after_the_minimum_observation(dosed, advance) -> None:
    advance(dosed, 2 * 3600)
    assert dosed.state().can_end and dosed.state().cannot_end_reason is None
    dosed.end_session()
    schedule = dosed.schedule()
    tau_end = dosed.tau_now()
    assert schedule.ended_at_s == tau_end + END_FADE_S
    assert schedule.bus_events[-1] == BusEvent(tau_end, "master", None, END_FADE_S)
    assert not _events(dosed, "session_ended")[0]["early"]


def test_end_without_a_dose_needs_a_reason(timeline) -> None:
    with pytest.raises(CommandRefused, match="dose has not been marked"):
        timeline.end_session()
    timeline.end_session(reason="dose not given: blood pressure too high")
    assert timeline.state().status == "ended"
    assert timeline.schedule().phases[0].end_s == timeline.schedule().ended_at_s


def test_without_a_minimum_observation_the_end_is_free_after_the_dose(
    build_playlist, make_timeline
) -> None:
    timeline = make_timeline(build_playlist(clinical={}))
    timeline.start("x")
    timeline.mark_dose_given()
    assert timeline.state().can_end
    timeline.end_session()


# --- the clinical record ----------------------------------------------------------------------


def test_side_effects(dosed) -> None:
    for kind in SIDE_EFFECT_KINDS[:-1]:
        dosed.log_side_effect(kind.upper())
    with pytest.raises(CommandRefused, match="Describe the side effect"):
        dosed.log_side_effect("other")
    dosed.log_side_effect("other", "tingling hands")
    with pytest.raises(CommandRefused, match="Unknown side effect 'itch'; choose one of: nausea"):
        dosed.log_side_effect("itch")
    kinds = [e["kind"] for e in _events(dosed, "side_effect")]
    assert kinds == list(SIDE_EFFECT_KINDS)


def test_notes(dosed) -> None:
    dosed.add_note("  patient asleep \n breathing calm ")
    assert _events(dosed, "note")[0]["text"] == "patient asleep \n breathing calm"
    with pytest.raises(CommandRefused, match="cannot be empty"):
        dosed.add_note(" ")
    with pytest.raises(CommandRefused, match="at most"):
        dosed.add_note("x" * 10_001)


def test_alerts_open_until_acknowledged_and_are_not_repeated(dosed) -> None:
    first = dosed.raise_alert("device_lost", "Headphones disconnected")
    again = dosed.raise_alert("device_lost", "Headphones disconnected")
    assert again.value == first.value and again.seq is None
    other = dosed.raise_alert("file_broken", "peak.ogg cannot be decoded")
    assert [a.kind for a in dosed.state().open_alerts] == ["device_lost", "file_broken"]
    dosed.acknowledge_alert(first.value)
    assert [a.id for a in dosed.state().open_alerts] == [other.value]
    with pytest.raises(CommandRefused, match="already acknowledged"):
        dosed.acknowledge_alert(first.value)
    third = dosed.raise_alert("device_lost", "Headphones disconnected")  # a new occurrence
    assert third.value not in (first.value, other.value)


def test_patient_call(dosed) -> None:
    dosed.patient_called()
    assert dosed.state().patient_call_pending
    dosed.answer_patient_call()
    assert not dosed.state().patient_call_pending


def test_a_journal_that_cannot_be_written_does_not_stop_the_session(
    dosed, monkeypatch: pytest.MonkeyPatch
) -> None:
    from session_player.session import journal as journal_module

    real_write = journal_module.os.write

    def disk_full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(journal_module.os, "write", disk_full)
    dosed.calm_down()  # the patient still gets the calm down
    state = dosed.state()
    assert state.calm
    assert [a.kind for a in state.open_alerts] == ["journal_failed"]
    assert "No space left" in state.open_alerts[0].message
    dosed.add_note("written later")
    monkeypatch.setattr(journal_module.os, "write", real_write)
    dosed.tick()  # the disk is back: the backlog is written, in order
    events = read_journal(dosed.journal_path).events
    assert [e["type"] for e in events[-3:]] == ["calm_down", "alert_raised", "note"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
