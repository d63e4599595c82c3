"""The Spravato REMS form's fields on the console, with real clicks and keys: asked in a
window of its own, never before the dose mark, each answer journaled; the form then filled
from the journal."""

from __future__ import annotations

import textwrap

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from session_player.record.rems_form import fill_rems_form
from session_player.session import command_table as commands
from session_player.session.journal import read_journal
from tests.ui.conftest import PLAYLIST

MINUTE = 60.0

REMS_CLINICAL = """
clinical:
  vitals:
    - {at: pre-dose, label: Baseline, measures: [blood_pressure]}
    - {at: 40m, label: Forty, measures: [blood_pressure]}
    - {at: discharge, label: Discharge, measures: [blood_pressure]}
  minimum_observation: 2h
"""


def _playlist(clinic, name: str, route: str, extra: str = "") -> object:
    text = textwrap.dedent(PLAYLIST).lstrip().replace("route: IV", f"route: {route}")
    text = text[: text.index("clinical:")] + textwrap.dedent(REMS_CLINICAL).lstrip() + extra
    path = clinic / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def intranasal(clinic):
    return _playlist(clinic, "intranasal.yaml", "intranasal")


def events_of(bridge, kind: str) -> list[dict]:
    return [e for e in read_journal(bridge.timeline.journal_path).events if e["type"] == kind]


def click(qtbot, widget) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_the_form_is_answered_beside_the_session_and_never_delays_the_dose(
    make_window, port, clock, flow, qtbot, intranasal
):
    window = make_window(port)
    console, bridge = flow.start_session(window, intranasal)
    line = console.rems_form
    assert line is not None and line.isVisible()
    assert "benzodiazepines" in line.summary.text()
    click(qtbot, line.open_button)
    form = line.window_
    qtbot.waitExposed(form)
    assert not form.isModal()
    lot = form.text_fields["lot_number"]
    assert not lot.isEnabled()  # asked from the dose on
    for field in ("benzodiazepines", "psychostimulants", "maois"):
        click(qtbot, form.findChild(type(line.open_button), f"rems_{field}_no"))
    click(
        qtbot,
        form.findChild(type(line.open_button), "rems_non_benzodiazepine_sedative_hypnotics_yes"),
    )
    # The dose is marked with nothing of the form answered about it: no step, no box.
    window.activateWindow()
    bridge.run(commands.SKIP_VITALS, "Baseline", "taken on paper")
    click(qtbot, console.buttons["dose_given"])
    assert bridge.state.dose_given
    assert "dose" in line.summary.text() and line.summary.property("role") == "warning"
    click(qtbot, form.findChild(type(line.open_button), "rems_dose_84_mg"))
    click(qtbot, lot)
    qtbot.keyClicks(lot, "LOT7")
    qtbot.keyClick(lot, Qt.Key.Key_Return)
    qtbot.keyClick(lot, Qt.Key.Key_Tab)  # focus leaves: the same answer is not journaled twice
    acceptable = form.findChild(type(line.open_button), "rems_vitals_acceptable_before_yes")
    click(qtbot, acceptable)
    click(qtbot, acceptable)  # a double tap: the same answer, journaled once
    answers = [(e["field"], e["value"]) for e in events_of(bridge, "form_field_recorded")]
    assert answers == [
        ("benzodiazepines", False),
        ("psychostimulants", False),
        ("maois", False),
        ("non_benzodiazepine_sedative_hypnotics", True),
        ("dose", "84 mg"),
        ("lot_number", "LOT7"),
        ("vitals_acceptable_before", True),
    ]
    assert all(e["form"] == "spravato-rems-v1" for e in events_of(bridge, "form_field_recorded"))
    assert "everything asked so far is answered" in line.summary.text()
    # At discharge the line points at the discharge questions.
    clock.advance(2 * 3600)
    qtbot.waitUntil(lambda: "ready to leave" in line.summary.text(), timeout=3000)
    ready = form.text_fields["ready_to_leave_minutes"]
    form.activateWindow()  # the clinician's click brings the form's window to the front
    qtbot.waitUntil(form.isActiveWindow, timeout=3000)
    click(qtbot, ready)
    qtbot.keyClicks(ready, "95")
    clock.advance(1)  # display ticks while typing leave the typed text alone
    qtbot.wait(300)
    assert ready.text() == "95"
    qtbot.keyClick(ready, Qt.Key.Key_Tab)
    click(qtbot, form.findChild(type(line.open_button), "rems_sedation_no"))
    filled = fill_rems_form(read_journal(bridge.timeline.journal_path).events)
    texts = {f.spec.id: f.text for f in filled.fields}
    assert (texts["dose"], texts["lot_number"], texts["ready_to_leave_minutes"]) == (
        "84 mg",
        "LOT7",
        "95 min",
    )
    assert texts["sedation"] == "No" and texts["non_benzodiazepine_sedative_hypnotics"] == "Yes"
    log = [console.log.item(i).text() for i in range(console.log.count())]
    assert any("Monitoring form: Lot number: LOT7" in entry for entry in log)


def test_an_iv_session_has_no_form_unless_the_playlist_asks(make_window, port, clinic, flow):
    window = make_window(port)
    console, _ = flow.start_session(window, clinic / "test-infusion.yaml")
    assert console.rems_form is None


def test_monitoring_form_none_turns_it_off_for_intranasal(make_window, port, clinic, flow):
    path = _playlist(clinic, "nasal-ketamine.yaml", "intranasal", "  monitoring_form: none\n")
    window = make_window(port)
    console, _ = flow.start_session(window, path)
    assert console.rems_form is None


def test_the_discharge_questions_are_answered_on_the_summary(
    make_window, port, clock, flow, qtbot, intranasal
):
    window = make_window(port)
    console, bridge = flow.start_session(window, intranasal)
    # Setup on the timeline itself (the console's dose and end have tests of their own).
    bridge.timeline.mark_dose_given()
    clock.advance(2 * 3600 + MINUTE)
    bridge.timeline.end_session()
    qtbot.waitUntil(lambda: window.summary is not None, timeout=5000)
    line = window.summary.rems_form
    assert line is not None
    qtbot.waitUntil(line.isVisible, timeout=3000)
    assert "ready to leave" in line.summary.text()
    click(qtbot, line.open_button)
    form = line.window_
    qtbot.waitExposed(form)
    click(qtbot, form.findChild(type(line.open_button), "rems_vitals_acceptable_at_completion_yes"))
    (answer,) = events_of(bridge, "form_field_recorded")
    assert (answer["field"], answer["value"]) == ("vitals_acceptable_at_completion", True)
    # A new session: the form's window goes with the summary (and the session's bridge).
    qtbot.mouseClick(window.summary.new_session, Qt.MouseButton.LeftButton)

    def still_shown() -> bool:
        return any(
            w.objectName() == "rems_form_window" and w.isVisible()
            for w in QApplication.topLevelWidgets()
        )

    qtbot.waitUntil(lambda: not still_shown(), timeout=3000)
