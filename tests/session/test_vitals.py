"""Vital-sign checks: when they are due, threshold flags, late and skipped checks."""

from __future__ import annotations

import pytest

from session_player.session.commands import CommandRefused
from session_player.session.journal import read_journal

MIN = 60.0


def _due(timeline) -> list[str]:
    return [check.key for check in timeline.state().due_vitals]


def test_pre_dose_stays_due_after_the_dose_until_recorded_or_skipped(
    make_timeline, timeline
) -> None:
    assert _due(make_timeline()) == []  # not started
    assert _due(timeline) == ["pre-dose"]
    timeline.mark_dose_given()
    assert _due(timeline) == ["pre-dose"]  # never vanishes silently
    timeline.skip_vitals("pre-dose", "taken on paper before the dose")
    assert _due(timeline) == []


def test_pre_dose_recorded_without_a_label_counts_for_the_due_check(timeline) -> None:
    result = timeline.record_vitals(118, 76, 72, 98)
    assert result.check == "pre-dose" and result.flags == ()
    assert _due(timeline) == []


def test_a_timed_check_is_due_from_its_time_until_recorded(dosed, advance) -> None:
    advance(dosed, 39 * MIN)
    assert _due(dosed) == []
    advance(dosed, 1 * MIN)
    due = dosed.state().due_vitals
    assert [d.key for d in due] == ["40m"] and due[0].due_from_dose_s == 40 * MIN
    assert due[0].label == "40m after the dose"
    assert due[0].measures == ("blood_pressure", "heart_rate", "spo2")
    advance(dosed, 30 * MIN)
    assert _due(dosed) == ["40m"]  # still due: nobody recorded it
    dosed.record_vitals(heart_rate=80)
    assert _due(dosed) == []


def test_discharge_is_due_after_the_minimum_observation(dosed, advance) -> None:
    advance(dosed, 2 * 3600 - 1)
    assert _due(dosed) == ["40m"]
    advance(dosed, 1)
    assert _due(dosed) == ["40m", "discharge"]
    dosed.skip_vitals("40m", "patient asleep")
    dosed.record_vitals(125, 82, 70, 97, check_label="Discharge")
    assert _due(dosed) == []
    with pytest.raises(CommandRefused, match="already recorded or skipped"):
        dosed.skip_vitals("discharge", "x")


def test_discharge_is_due_when_ending(dosed) -> None:
    dosed.end_session(reason="patient left early")
    assert "discharge" in _due(dosed)
    dosed.record_vitals(120, 80, 70, 98, check_label="discharge")
    assert "discharge" not in _due(dosed)


def test_without_a_minimum_discharge_is_due_in_the_last_phase(
    build_playlist, make_timeline
) -> None:
    timeline = make_timeline(build_playlist(clinical={"vitals": [{"at": "discharge"}]}))
    timeline.start("x")
    timeline.mark_dose_given()
    assert _due(timeline) == []
    for _ in range(3):
        timeline.advance_phase()
    assert _due(timeline) == ["discharge"]


def test_threshold_flags_are_advisory(dosed) -> None:
    result = dosed.record_vitals(systolic=165, diastolic=95, heart_rate=45, spo2=91)
    messages = [flag.message for flag in result.flags]
    assert messages == [
        "Systolic 165 mmHg is above 140",
        "Diastolic 95 mmHg is above 90",
        "Heart rate 45 bpm is below 50",
        "SpO2 91 % is below 94",
    ]
    assert "Systolic 165 mmHg is above 140" in result.message
    event = read_journal(dosed.journal_path).events[-1]
    assert event["type"] == "vitals_recorded" and event["flags"] == messages
    assert event["systolic"] == 165 and event["check"] is None  # nothing was due
    high = dosed.record_vitals(heart_rate=111)
    assert [f.measure for f in high.flags] == ["heart_rate"] and high.flags[0].limit == 110


def test_implausible_readings_are_refused_as_typing_errors(dosed) -> None:
    with pytest.raises(CommandRefused, match="Systolic 1200 mmHg is not a plausible reading"):
        dosed.record_vitals(systolic=1200)
    with pytest.raises(CommandRefused, match="at least one reading"):
        dosed.record_vitals()
    with pytest.raises(CommandRefused, match="must be a number"):
        dosed.record_vitals(heart_rate=True)


def test_unknown_check_labels_are_refused(dosed) -> None:
    with pytest.raises(CommandRefused, match="no vital-sign check '30m'.*pre-dose, 40m, discharge"):
        dosed.record_vitals(heart_rate=70, check_label="30m")
    with pytest.raises(CommandRefused, match="Give a reason"):
        dosed.skip_vitals("40m", " ")


def test_a_late_pre_dose_reading_may_be_entered_by_name(dosed) -> None:
    result = dosed.record_vitals(120, 80, 70, 98, check_label="pre-dose")
    assert result.check == "pre-dose"


def test_labelled_and_duplicate_checks_get_unique_keys(
    build_playlist, make_timeline, advance
) -> None:
    clinical = {
        "vitals": [
            {"at": "20m", "label": "Mid-session", "measures": ["heart_rate"]},
            {"at": "20m"},
            {"at": "20m"},
        ]
    }
    timeline = make_timeline(build_playlist(clinical=clinical))
    timeline.start("x")
    timeline.mark_dose_given()
    advance(timeline, 20 * MIN)
    due = timeline.state().due_vitals
    assert [d.key for d in due] == ["Mid-session", "20m", "20m#2"]
    assert due[0].measures == ("heart_rate",)
    timeline.record_vitals(heart_rate=70, check_label="mid-session")
    assert _due(timeline) == ["20m", "20m#2"]
