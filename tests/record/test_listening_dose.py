"""The listening dose: the H.870 arithmetic against values worked out by hand, the level
over time read from the journal, the projection the console warns on, and the settings."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from session_player.playlist.model import Playlist
from session_player.record.listening_dose import (
    WEEKLY_ALLOWANCE_PA2H,
    DoseMeter,
    ear_level_db_spl,
    exposure_pa2h,
    format_percent,
    listening_dose,
    planned_remaining_s,
    programme_margin_db,
    share_of_weekly_allowance,
)
from session_player.record.listening_settings import (
    ListeningSettings,
    load_listening_settings,
    save_listening_settings,
)
from session_player.session.journal import read_journal
from tests.record.export_session import PLAYLIST_DATA

HOUR = 3600.0


def test_the_weekly_allowance_is_80_dba_for_40_hours() -> None:
    # (20 µPa · 10^(80/20))² = (0.2 Pa)² = 0.04 Pa²; × 40 h = 1.6 Pa²h
    assert abs(WEEKLY_ALLOWANCE_PA2H - 1.6) < 1e-12
    assert exposure_pa2h(80.0, 40 * HOUR) == pytest.approx(1.6, rel=1e-12)
    assert share_of_weekly_allowance(exposure_pa2h(80.0, 40 * HOUR)) == pytest.approx(1.0)


def test_the_equal_energy_rule() -> None:
    # 3 dB more is twice the energy: 83 dB for 20 h ≈ the whole allowance (10^0.3 / 2 = 0.9976)
    assert share_of_weekly_allowance(exposure_pa2h(83.0, 20 * HOUR)) == pytest.approx(
        0.99763, abs=1e-5
    )
    # 90 dB: ten times 80 dB, so 4 h is the week's allowance
    assert share_of_weekly_allowance(exposure_pa2h(90.0, 4 * HOUR)) == pytest.approx(1.0)
    # 74 dB for 2 h: (20e-6)² · 10^7.4 = 0.010048 Pa², × 2 h = 0.020095 Pa²h = 1.256 %
    assert exposure_pa2h(74.0, 2 * HOUR) == pytest.approx(0.020095, rel=1e-4)
    assert 100 * share_of_weekly_allowance(exposure_pa2h(74.0, 2 * HOUR)) == pytest.approx(
        1.2559, rel=1e-4
    )
    assert exposure_pa2h(74.0, -5.0) == 0.0


def test_the_ear_level_adds_calibration_programme_margin_and_volume() -> None:
    # 100 dB SPL at full scale, -23 LUFS programme, +3 dB for music and soundscape, -6 dB volume
    level = ear_level_db_spl(
        -6.0, calibration_db_spl=100.0, programme_lufs=-23.0, mix_margin_db=3.0
    )
    assert level == 74.0
    # The default margin: two sources at the target, 10·log10(2) = 3.0103 dB
    assert ear_level_db_spl(0.0, calibration_db_spl=110.0, programme_lufs=-16.0) == pytest.approx(
        97.0103, abs=1e-4
    )


def _dose(events: list[dict]):
    """With the hand-worked figures' assumptions: 100 dB SPL headphones, -23 LUFS, +3.0 dB
    for music and soundscape, starting at -6 dB."""
    meter = DoseMeter(
        calibration_db_spl=100.0, programme_lufs=-23.0, start_volume_db=-6.0, mix_margin_db=3.0
    )
    return meter.add_all(events).dose()


def _at(session_s: float, kind: str, **fields: object) -> dict:
    return {"type": kind, "session_s": session_s, **fields}


SESSION = [
    _at(0, "session_started", alias="x"),
    _at(1800, "volume_set", volume_db=-12.0),
    _at(3600, "audio_paused"),
    _at(4200, "audio_resumed"),
    _at(5400, "faded_to_silence"),
    _at(6000, "faded_back"),
    _at(6500, "volume_cap_set", cap_db=-10.0),  # a cap above the volume changes nothing
    _at(7800, "session_ended"),
    _at(8000, "vitals_recorded", heart_rate=70),  # after the end: silent
]


def test_the_level_over_time_follows_volume_pauses_and_fades() -> None:
    dose = _dose(SESSION)
    # 0-30 min at -6 dB: 74 dB SPL, 0.5 h × 0.010048 Pa² = 0.0050238 Pa²h
    # then at -12 dB (68 dB SPL, 0.0025238 Pa²): 30-60 min, 70-90 min and 100-130 min,
    # 0.5 + 1/3 + 0.5 h = 1.3333 h → 0.0033651 Pa²h; paused 60-70, silenced 90-100 min
    assert dose.exposure_pa2h == pytest.approx(0.0050238 + 0.0033651, rel=1e-4)
    assert dose.percent == pytest.approx(0.52430, rel=1e-4)
    assert dose.listening_s == 6600.0
    # LAeq: 10·log10(0.0083889 Pa²h / 1.8333 h / (20 µPa)²) = 70.58 dB
    assert dose.laeq_db == pytest.approx(70.58, abs=0.01)
    assert dose.assumptions == ()
    assert dose.text() == (
        "Estimated listening dose: 0.52 % of the weekly allowance (WHO/ITU-T H.870: 80 dB(A) "
        "for 40 h), 1 h 50 min at about 71 dB(A) (headphones 100 dB SPL at full scale, "
        "programme -23 LUFS)."
    )


def test_a_cap_below_the_volume_lowers_it() -> None:
    events = [
        _at(0, "session_started"),
        _at(0, "volume_cap_set", cap_db=-20.0),
        _at(HOUR, "session_ended"),
    ]
    dose = _dose(events)
    # 100 - 23 + 3 - 20 = 60 dB SPL for 1 h: (20e-6)² · 10^6 = 0.0004 Pa²h
    assert dose.exposure_pa2h == pytest.approx(0.0004, rel=1e-9)


def test_without_the_playlist_the_highest_volume_is_assumed_and_said() -> None:
    events = [_at(0, "session_started"), _at(HOUR, "session_ended")]
    dose = listening_dose(events, calibration_db_spl=100.0)
    # 100 - 23 + 3.0103 + 0 dB: 2 × (20e-6)² × 10^7.7 = 0.040095 Pa² for 1 h = 2.5059 %
    assert dose.percent == pytest.approx(2.5059, rel=1e-4)
    assert any("loudness target taken as -23 LUFS" in a for a in dose.assumptions)
    assert any("starting volume not known" in a for a in dose.assumptions)


def test_the_course_starting_volume_counts() -> None:
    events = [
        _at(0, "session_started", course={"start_volume_db": -16.0}),
        _at(HOUR, "session_ended"),
    ]
    dose = listening_dose(events, calibration_db_spl=100.0)
    # 100 - 23 + 3.0103 - 16 dB: 2 × (20e-6)² × 10^6.1 = 0.0010071 Pa² for 1 h
    assert dose.exposure_pa2h == pytest.approx(0.0010071, rel=1e-4)
    assert not any("starting volume" in a for a in dose.assumptions)


def test_a_rehearsal_plays_no_sound() -> None:
    events = [_at(0, "session_started", rehearsal={"speed": 30}), _at(HOUR, "session_ended")]
    dose = _dose(events)
    assert dose.exposure_pa2h == 0.0 and dose.laeq_db is None
    assert "a rehearsal plays no sound" in dose.assumptions
    assert dose.text() == "Estimated listening dose: none (no sound played)."


def test_the_scripted_session_from_its_journal(export_journal: Path) -> None:
    events = read_journal(export_journal).events
    playlist = Playlist.model_validate(PLAYLIST_DATA)
    dose = listening_dose(events, calibration_db_spl=100.0, playlist=playlist)
    # Music and one soundscape, no gains: 10·log10(2) over the target. Started at -6 dB
    # (2 × (20e-6)² × 10^7.1 = 0.0100714 Pa²) until the volume went to -9 dB at 17 min
    # (2 × (20e-6)² × 10^6.8 = 0.0050477 Pa²), ended at 130 min:
    # 0.28333 h × 0.0100714 + 1.88333 h × 0.0050477 = 0.0028536 + 0.0095064 = 0.0123600
    assert dose.exposure_pa2h == pytest.approx(0.0123600, rel=1e-4)
    assert dose.percent == pytest.approx(0.77250, rel=1e-4)
    assert dose.listening_s == 7800.0


def test_the_projection_adds_the_planned_rest_at_the_current_volume() -> None:
    meter = DoseMeter(
        calibration_db_spl=100.0, programme_lufs=-23.0, start_volume_db=-6.0, mix_margin_db=3.0
    )
    meter.add(_at(0, "session_started"))
    # 30 min so far and 90 min planned at 74 dB SPL: 2 h, 1.2559 % (as worked out above)
    assert meter.projected(1800.0, 5400.0).percent == pytest.approx(1.2559, rel=1e-4)
    assert meter.dose(1800.0).percent == pytest.approx(1.2559 / 4, rel=1e-4)
    meter.add(_at(1800, "volume_set", volume_db=4.0))  # +10 dB: ten times the energy
    assert meter.projected(1800.0, 5400.0).percent == pytest.approx(1.2559 / 4 * (1 + 30), rel=1e-4)
    meter.add(_at(2000, "audio_paused"))  # paused, it may play again: still counted ahead
    assert meter.projected(2000.0, 5200.0).percent > meter.dose(2000.0).percent
    meter.add(_at(2100, "session_ended"))
    assert meter.projected(2100.0, 5000.0) == meter.dose(2100.0)


def _with(**changes: object) -> Playlist:
    return Playlist.model_validate({**PLAYLIST_DATA, **changes})


def test_the_programme_margin_sums_music_and_the_loudest_soundscape() -> None:
    # Music and one soundscape at the target: 10·log10(1 + 1) = 3.0103 dB
    assert programme_margin_db(_with()) == pytest.approx(3.0103, abs=1e-4)
    # A soundscape of two beds, one at +3 dB: 1 (music) + 1 + 2 = 4, 6.0206 dB
    scapes = {
        "rain": {"name": "Rain", "layers": [{"bed": "rain.ogg"}]},
        "storm": {
            "name": "Storm",
            "layers": [{"bed": "a.ogg"}, {"bed": "b.ogg", "gain_db": 3.0103}],
        },
    }
    assert programme_margin_db(_with(soundscapes=scapes)) == pytest.approx(6.0206, abs=1e-3)
    # A music item at +6 dB: 4 + 1 = 5, 6.99 dB
    phases = [
        {
            "id": "onset",
            "duration": "10m",
            "music": {"items": [{"file": "a.ogg", "gain_db": 6.0206}]},
        }
    ]
    assert programme_margin_db(_with(phases=phases)) == pytest.approx(6.9897, abs=1e-3)
    # No music anywhere: the soundscape alone, 0 dB
    assert programme_margin_db(_with(phases=[{"id": "onset", "duration": "10m"}])) == 0.0


def test_a_playlist_with_gains_raises_the_estimate() -> None:
    phases = [
        {
            "id": "onset",
            "duration": "10m",
            "music": {"items": [{"file": "a.ogg", "gain_db": 6.0206}]},
        }
    ]
    events = [_at(0, "session_started"), _at(HOUR, "session_ended")]
    plain = listening_dose(events, calibration_db_spl=100.0, playlist=_with())
    loud = listening_dose(events, calibration_db_spl=100.0, playlist=_with(phases=phases))
    assert loud.exposure_pa2h / plain.exposure_pa2h == pytest.approx(5 / 2, rel=1e-3)


def test_the_planned_rest_of_a_session() -> None:
    playlist = Playlist.model_validate(PLAYLIST_DATA)  # 10 + 30 + 80 min, observation 2 h
    common = {"phase_length_s": None, "time_into_phase_s": None, "time_since_dose_s": None}
    assert planned_remaining_s(playlist, status="settling", phase_index=-1, **common) == 7200.0
    in_peak = planned_remaining_s(
        playlist,
        status="running",
        phase_index=1,
        phase_length_s=1800.0,
        time_into_phase_s=600.0,
        time_since_dose_s=1200.0,
    )
    assert in_peak == 6000.0  # 20 min of the peak + 80 min observation (past the 2 h minimum)
    late = planned_remaining_s(
        playlist,
        status="running",
        phase_index=2,
        phase_length_s=4800.0,
        time_into_phase_s=4700.0,
        time_since_dose_s=6500.0,
    )
    assert late == 700.0  # the minimum observation is later than the planned end
    assert planned_remaining_s(playlist, status="ended", phase_index=2, **common) == 0.0


@pytest.mark.parametrize(
    ("percent", "text"),
    [(0.0, "0 %"), (0.004, "< 0.01 %"), (0.5243, "0.52 %"), (3.21, "3.2 %"), (62.4, "62 %")],
)
def test_percentages_read_as_a_person_would_write_them(percent: float, text: str) -> None:
    assert format_percent(percent) == text


def test_the_settings_round_trip_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "config" / "listening.json"
    assert load_listening_settings(path) == ListeningSettings()
    settings = ListeningSettings().with_device("Headphones", 104.5).with_warn_percent(25)
    save_listening_settings(settings, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    loaded = load_listening_settings(path)
    assert loaded == settings
    assert loaded.calibration_for("Headphones") == 104.5
    assert loaded.calibration_for("Room speakers") == 100.0
    assert loaded.report_calibration_db_spl == 104.5
    assert ListeningSettings().report_calibration_db_spl == 100.0


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "could not be read"),
        ("[1, 2]", "is not a JSON object"),
        (json.dumps({"default_db_spl": 30}), "default_db_spl must be 60 to 140 dB SPL"),
        (json.dumps({"headphones_db_spl": {"H": "loud"}}), "must be a number of dB SPL"),
        (json.dumps({"warn_percent": 0}), "warn_percent must be 1 to 1000 %"),
    ],
)
def test_damaged_settings_give_the_defaults_and_say_why(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "listening.json"
    path.write_text(content, "utf-8")
    loaded = load_listening_settings(path)
    assert loaded.problem is not None and problem in loaded.problem
    assert loaded.headphones_db_spl == {} and loaded.warn_percent == 50.0


def test_impossible_values_are_refused() -> None:
    with pytest.raises(ValueError, match="60 to 140"):
        ListeningSettings().with_device("Headphones", 200)
    with pytest.raises(ValueError, match="one line"):
        ListeningSettings().with_device("", 100)
