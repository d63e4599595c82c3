"""Clinical scales at the checks (MOAA/S, dissociation, CADSS), respiratory rate, repeating
checks (``every: 10m, until: 1h``) and a monitoring form's answers, on a FakeClock."""

from __future__ import annotations

import pytest

from session_player.session.commands import CommandRefused
from session_player.session.journal import read_journal
from session_player.session.record import SessionRecord
from session_player.session.scales import CADSS_ITEM_COUNT, cadss_form

MIN = 60.0


def _due(timeline) -> list[str]:
    return [check.key for check in timeline.state().due_vitals]


def _events(timeline, kind: str) -> list[dict]:
    return [e for e in read_journal(timeline.journal_path).events if e["type"] == kind]


@pytest.fixture
def repeating(build_playlist, make_timeline, clock):
    """Dosed 60 s after the start; vitals with MOAA/S every 10 minutes until 30 minutes,
    a dissociation rating at 40m, a CADSS at discharge."""
    playlist = build_playlist(
        clinical={
            "vitals": [
                {
                    "every": "10m",
                    "until": "30m",
                    "label": "Obs",
                    "measures": ["blood_pressure", "respiratory_rate", "sedation"],
                },
                {"at": "40m", "measures": ["dissociation"]},
                {"at": "discharge", "measures": ["cadss"]},
            ],
            "thresholds": {"respiratory_rate_min": 10, "sedation_min": 4, "cadss_max": 4},
            "minimum_observation": "2h",
        }
    )
    timeline = make_timeline(playlist)
    timeline.start("Pt R")
    clock.advance(60)
    timeline.mark_dose_given()
    return timeline


def test_a_repeating_check_is_due_at_each_of_its_times(repeating, advance) -> None:
    advance(repeating, 10 * MIN - 1)
    assert _due(repeating) == []
    advance(repeating, 1)
    (first,) = repeating.state().due_vitals
    assert first.key == "Obs 10m" and first.label == "Obs (10m after the dose)"
    assert first.due_from_dose_s == 10 * MIN
    advance(repeating, 20 * MIN)
    assert _due(repeating) == ["Obs 10m", "Obs 20m", "Obs 30m"]
    advance(repeating, 10 * MIN)  # 40m: the last repeat was at 30m (until: 30m)
    assert _due(repeating) == ["Obs 10m", "Obs 20m", "Obs 30m", "40m"]


def test_a_check_with_vitals_and_a_score_is_done_when_both_are_recorded(repeating, advance) -> None:
    advance(repeating, 10 * MIN)
    result = repeating.record_vitals(systolic=122, diastolic=78, respiratory_rate=8)
    assert result.check == "Obs 10m"
    assert [flag.message for flag in result.flags] == ["Respiratory rate 8 /min is below 10"]
    (still,) = repeating.state().due_vitals
    assert still.key == "Obs 10m" and still.measures == ("sedation",)  # what is left to take
    score = repeating.record_scale("sedation", 3)
    assert score.check == "Obs 10m"
    assert score.message == "MOAA/S 3 recorded (Obs 10m): MOAA/S 3 is below 4 (sedation)"
    assert _due(repeating) == []
    (event,) = _events(repeating, "scale_recorded")
    assert event["scale"] == "sedation" and event["score"] == 3 and event["check"] == "Obs 10m"
    assert event["flags"] == ["MOAA/S 3 is below 4 (sedation)"]
    (vitals,) = _events(repeating, "vitals_recorded")
    assert vitals["respiratory_rate"] == 8


def test_a_score_counts_for_the_earliest_check_that_asks_for_it(repeating, advance) -> None:
    advance(repeating, 40 * MIN)
    assert _due(repeating)[-1] == "40m"
    # Obs 10m, due first, asks for no dissociation rating: the 40m check gets it.
    assert repeating.record_scale("dissociation", 7).check == "40m"
    (event,) = _events(repeating, "scale_recorded")
    assert event["check"] == "40m" and event["flags"] == ["Dissociation 7/10 is above 5"]
    assert "40m" not in _due(repeating)


def test_the_cadss_takes_all_23_items_and_records_their_total(repeating, advance) -> None:
    assert len(cadss_form().items) == CADSS_ITEM_COUNT == 23
    repeating.end_session(reason="stopped early for the test")
    with pytest.raises(CommandRefused, match="each of its 23 items"):
        repeating.record_scale("cadss", items=[1] * 22, check_label="discharge")
    with pytest.raises(CommandRefused, match="item 5 must be 0 to 4"):
        repeating.record_scale("cadss", items=[0, 0, 0, 0, 5] + [0] * 18)
    items = [0] * 20 + [1, 2, 3]
    result = repeating.record_scale("cadss", items=items, check_label="discharge")
    assert result.check == "discharge"
    (event,) = _events(repeating, "scale_recorded")
    assert event["items"] == items and event["score"] == 6
    assert event["flags"] == ["CADSS total 6 is above 4"]
    assert "discharge" not in _due(repeating)


@pytest.mark.parametrize(
    ("scale", "score", "why"),
    [
        ("sedation", 6, "MOAA/S must be a whole number from 0 to 5, got 6"),
        ("sedation", 2.5, "got 2.5"),
        ("dissociation", -1, "from 0 to 10"),
        ("mood", 3, "Unknown scale 'mood'"),
    ],
)
def test_out_of_range_scores_are_refused_and_journaled(repeating, scale, score, why) -> None:
    with pytest.raises(CommandRefused, match=why):
        repeating.record_scale(scale, score)
    assert not _events(repeating, "scale_recorded")
    assert _events(repeating, "command_refused")[-1]["command"] == "record_scale"


def test_a_skipped_repeat_leaves_the_others_due(repeating, advance) -> None:
    advance(repeating, 20 * MIN)
    repeating.skip_vitals("Obs 10m", "patient asleep, not woken")
    assert _due(repeating) == ["Obs 20m"]


def test_the_record_rebuilt_from_the_journal_has_the_same_checks_done(repeating, advance) -> None:
    advance(repeating, 20 * MIN)
    repeating.record_vitals(systolic=120, diastolic=80, respiratory_rate=14)
    repeating.record_scale("sedation", 5)
    repeating.record_vitals(systolic=118, diastolic=79, respiratory_rate=15)
    rebuilt = SessionRecord(repeating.playlist)
    for event in read_journal(repeating.journal_path).events:
        rebuilt.apply(event)
    assert rebuilt.vitals_done == {"Obs 10m"}
    assert rebuilt.parts_done["Obs 20m"] == {"vitals"}
    assert [e["score"] for e in rebuilt.scores] == [5]


def test_form_answers_are_journaled_and_the_latest_counts(repeating) -> None:
    repeating.record_form_field("spravato-rems-v1", "lot_number", "  AB123 ")
    repeating.record_form_field("spravato-rems-v1", "lot_number", "AB124")
    repeating.record_form_field("spravato-rems-v1", "benzodiazepines", False)
    events = _events(repeating, "form_field_recorded")
    assert [e["value"] for e in events] == ["AB123", "AB124", False]
    assert repeating.form_answers("spravato-rems-v1") == {
        "lot_number": "AB124",
        "benzodiazepines": False,
    }
    repeating.record_form_field("spravato-rems-v1", "lot_number", None)  # cleared
    assert repeating.form_answers("spravato-rems-v1") == {"benzodiazepines": False}
    assert repeating.form_answers("another-form") == {}
    with pytest.raises(CommandRefused, match="Unknown form field"):
        repeating.record_form_field("spravato-rems-v1", "Lot Number!", "x")
    with pytest.raises(CommandRefused, match="at most 500"):
        repeating.record_form_field("spravato-rems-v1", "lot_number", "x" * 501)
