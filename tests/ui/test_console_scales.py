"""Scales at the checks on the console, with real clicks and keys: MOAA/S and dissociation
in one tap, respiratory rate typed with the vitals, the CADSS in its own window, a double
tap recorded once, repeating checks coming due on the clock."""

from __future__ import annotations

import textwrap

import pytest
from PySide6.QtCore import Qt

from session_player.session import command_table as commands
from session_player.session.journal import read_journal
from session_player.ui.score_buttons import REPEAT_GUARD_S
from tests.ui.conftest import PLAYLIST

MINUTE = 60.0

SCALES_CLINICAL = """
clinical:
  vitals:
    - {at: pre-dose, label: Baseline, measures: [blood_pressure, respiratory_rate, sedation]}
    - {every: 10m, until: 20m, label: Obs, measures: [sedation]}
    - {at: 25m, label: Mid, measures: [dissociation]}
    - {at: discharge, label: Discharge, measures: [heart_rate, cadss]}
  thresholds: {respiratory_rate_min: 10, sedation_min: 4, dissociation_max: 5, cadss_max: 4}
  minimum_observation: 1h
"""


@pytest.fixture
def scales_playlist(clinic):
    text = textwrap.dedent(PLAYLIST).lstrip()
    text = text[: text.index("clinical:")] + textwrap.dedent(SCALES_CLINICAL).lstrip()
    path = clinic / "scales.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def events_of(bridge, kind: str) -> list[dict]:
    return [e for e in read_journal(bridge.timeline.journal_path).events if e["type"] == kind]


def click(qtbot, widget) -> None:
    assert widget.isVisible(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_vitals_with_respiratory_rate_then_one_tap_for_the_moaas(
    make_window, port, flow, qtbot, scales_playlist
):
    window = make_window(port)
    console, bridge = flow.start_session(window, scales_playlist)
    prompt = console.vitals
    assert "Baseline" in prompt.heading.text()
    assert prompt.fields["respiratory_rate"].isVisible()
    assert not prompt.fields["heart_rate"].isVisible()
    row = prompt.score_rows["sedation"]
    assert row.isVisible() and not prompt.score_rows["dissociation"].isVisible()
    click(qtbot, prompt.fields["systolic"])
    qtbot.keyClicks(prompt.fields["systolic"], "128/")  # the slash moves on, as typed
    assert prompt.focusWidget() is prompt.fields["diastolic"]
    qtbot.keyClicks(prompt.focusWidget(), "84")
    qtbot.keyClick(prompt.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(prompt.focusWidget(), "8")
    assert prompt.focusWidget() is prompt.fields["respiratory_rate"]
    assert prompt.fields["respiratory_rate"].property("flag") == "true"  # below 10
    qtbot.keyClick(prompt.fields["respiratory_rate"], Qt.Key.Key_Return)
    (vitals,) = events_of(bridge, "vitals_recorded")
    assert (vitals["systolic"], vitals["diastolic"], vitals["respiratory_rate"]) == (128, 84, 8)
    assert vitals["flags"] == ["Respiratory rate 8 /min is below 10"]
    # The check waits for its score, the card now asks only for it.
    assert "Baseline" in prompt.heading.text() and row.isVisible()
    assert not prompt.fields["systolic"].isVisible() and not prompt.save_button.isEnabled()
    click(qtbot, row.buttons[3])
    (score,) = events_of(bridge, "scale_recorded")
    assert (score["check"], score["scale"], score["score"]) == ("Baseline", "sedation", 3)
    assert score["flags"] == ["MOAA/S 3 is below 4 (sedation)"]
    assert not prompt.isVisible()  # nothing else due
    log = [console.log.item(i).text() for i in range(console.log.count())]
    assert any("MOAA/S 3 (Baseline) — MOAA/S 3 is below 4 (sedation)" in line for line in log)
    assert any("RR 8/min" in line for line in log)


def test_a_double_tap_scores_one_check_only(make_window, port, clock, flow, qtbot, scales_playlist):
    window = make_window(port)
    console, bridge = flow.start_session(window, scales_playlist)
    prompt = console.vitals
    click(qtbot, prompt.skip_button)
    qtbot.keyClicks(prompt.skip_reason, "taken on paper")
    qtbot.keyClick(prompt.skip_reason, Qt.Key.Key_Return)
    # The page scrolled to the reason's field and back: a moment later, as a hand would be.
    console._sample_button_places()  # the display tick sees the buttons' new places
    clock.advance(1)
    qtbot.mouseClick(console.buttons["dose_given"], Qt.MouseButton.LeftButton)
    assert bridge.state.dose_given
    clock.advance(20 * MINUTE)
    qtbot.waitUntil(lambda: "Obs (10m after the dose)" in prompt.heading.text(), timeout=3000)
    assert "(+1 more)" in prompt.heading.text()  # Obs 20m is due too
    row = prompt.score_rows["sedation"]
    click(qtbot, row.buttons[5])
    assert (
        "Obs (20m after the dose)" in prompt.heading.text()
    )  # the next check, its row in the same place
    click(qtbot, row.buttons[5])  # the second tap of a double tap: ignored
    assert [e["check"] for e in events_of(bridge, "scale_recorded")] == ["Obs 10m"]
    assert row.ignored_taps == 1
    clock.advance(REPEAT_GUARD_S + 0.1)
    click(qtbot, row.buttons[4])
    assert [(e["check"], e["score"]) for e in events_of(bridge, "scale_recorded")] == [
        ("Obs 10m", 5),
        ("Obs 20m", 4),
    ]


def test_the_dissociation_rating_and_the_cadss(
    make_window, port, clock, flow, qtbot, scales_playlist
):
    window = make_window(port)
    console, bridge = flow.start_session(window, scales_playlist)
    prompt = console.vitals
    bridge.run(commands.SKIP_VITALS, "Baseline", "taken on paper")
    qtbot.mouseClick(console.buttons["dose_given"], Qt.MouseButton.LeftButton)
    bridge.run(commands.SKIP_VITALS, "Obs 10m", "asleep")
    bridge.run(commands.SKIP_VITALS, "Obs 20m", "asleep")
    clock.advance(25 * MINUTE)
    qtbot.waitUntil(lambda: "Mid" in prompt.heading.text(), timeout=3000)
    click(qtbot, prompt.score_rows["dissociation"].buttons[7])
    (rating,) = events_of(bridge, "scale_recorded")
    assert (rating["check"], rating["score"], rating["flags"]) == (
        "Mid",
        7,
        ["Dissociation 7/10 is above 5"],
    )
    clock.advance(40 * MINUTE)  # past the minimum observation: the discharge check
    qtbot.waitUntil(lambda: "Discharge" in prompt.heading.text(), timeout=3000)
    assert prompt.fields["heart_rate"].isVisible() and prompt.cadss_button.isVisible()
    click(qtbot, prompt.cadss_button)
    panel = prompt.cadss_panel
    qtbot.waitExposed(panel)
    assert not panel.isModal() and not panel.save_button.isEnabled()
    scores = [0] * 20 + [1, 2, 3]
    for number, score in enumerate(scores[:-1], start=1):
        qtbot.mouseClick(panel.groups[number - 1].button(score), Qt.MouseButton.LeftButton)
    assert not panel.save_button.isEnabled()  # one item left
    assert "22 of 23" in panel.total.text()
    qtbot.mouseClick(panel.groups[22].button(3), Qt.MouseButton.LeftButton)
    assert panel.total.text().startswith("Total 6 of 92")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    cadss = events_of(bridge, "scale_recorded")[-1]
    assert (cadss["check"], cadss["scale"], cadss["score"]) == ("Discharge", "cadss", 6)
    assert cadss["items"] == scores and cadss["flags"] == ["CADSS total 6 is above 4"]
    assert not panel.isVisible()
    # Still due: its heart rate.
    assert "Discharge" in prompt.heading.text() and not prompt.cadss_button.isVisible()
    qtbot.keyClicks(prompt.fields["heart_rate"], "72")
    qtbot.keyClick(prompt.fields["heart_rate"], Qt.Key.Key_Return)
    assert not bridge.state.due_vitals
