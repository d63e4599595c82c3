"""The patient view: nothing but the patient's choices is reachable, it is dim, and it unlocks
only with a deliberate hold (plus the PIN when one is set)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from session_player.session.journal import read_journal
from session_player.ui import theme
from session_player.ui.patient_scene import PatientScene
from session_player.ui.patient_view import PatientView

# The design brief: at the default dim level no pixel brighter than about 25 % grey.
MAX_GREY_FRACTION = 0.25
ALLOWED = re.compile(r"^(soundscape_[a-z0-9_-]+|quieter|louder|call|unlock_target|pin_pad|pin_.+)$")


def brightest_fraction(image: QImage) -> float:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), dtype=np.uint8)
    pixels = data.reshape(height, image.bytesPerLine() // 4, 4)[:, :width, :3]
    return float(pixels.max()) / 255.0


class Recorder:
    """PatientControls that only remember what was asked."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def choose_soundscape(self, soundscape_id: str) -> None:
        self.calls.append(("choose", soundscape_id))

    def quieter(self) -> None:
        self.calls.append(("quieter",))

    def louder(self) -> None:
        self.calls.append(("louder",))

    def call(self) -> bool:
        self.calls.append(("call",))
        return True


SCENE = PatientScene(
    "Rain", (("ocean", "Ocean waves"), ("wind", "Wind in the trees")), show_clock=True
)


@pytest.fixture
def view(qtbot):
    controls = Recorder()
    patient = PatientView(controls)
    qtbot.addWidget(patient, before_close_func=lambda w: w.allow_close())
    patient.resize(1280, 800)
    patient.set_scene(SCENE)
    patient.show()
    qtbot.waitExposed(patient)
    return patient, controls


def test_patient_view_is_dim_at_the_default_level(view, qtbot):
    patient, _ = view
    assert patient.dim_level == theme.DEFAULT_DIM_LEVEL
    # The brightest state: the chosen soundscape marked, a call waiting (its reassurance
    # shown, the corner in the accent), the clock shown.
    patient.set_scene(
        PatientScene(**{**SCENE.__dict__, "current_id": "ocean", "call_pending": True})
    )
    fraction = brightest_fraction(patient.grab().toImage())
    assert fraction <= MAX_GREY_FRACTION, f"brightest pixel at {fraction:.1%} grey"
    assert fraction > 0.10  # and still readable: not black on black


def test_dimmer_levels_go_down_to_nearly_black(view):
    patient, _ = view
    patient.set_dim_level(theme.MIN_DIM_LEVEL, fade_ms=0)
    assert brightest_fraction(patient.grab().toImage()) <= theme.MIN_DIM_LEVEL + 0.01


def test_patient_view_screenshot_is_dim_too():
    """The screenshot of the real window (tools/screenshots.py) keeps the same figure."""
    from pathlib import Path

    shot = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "patient.png"
    if not shot.exists():
        pytest.skip("run tools/screenshots.py to make docs/screenshots/patient.png")
    assert brightest_fraction(QImage(str(shot))) <= MAX_GREY_FRACTION


def test_only_the_patients_controls_are_reachable(view):
    patient, _ = view
    assert not patient.actions() and not patient.findChildren(QAction)
    offenders = []
    for widget in patient.findChildren(QWidget):
        reachable = widget.isEnabled() and (
            widget.focusPolicy() != Qt.FocusPolicy.NoFocus or isinstance(widget, QAbstractButton)
        )
        if reachable and not ALLOWED.match(widget.objectName()):
            offenders.append(f"{type(widget).__name__} {widget.objectName()!r}")
        if widget.actions():
            offenders.append(f"{widget.objectName()!r} carries actions")
    assert not offenders, offenders
    # Every target is large (the brief: at least 64 px) and apart from its neighbours.
    buttons = [b for b in patient.findChildren(QAbstractButton) if b.isVisible()]
    assert {b.objectName() for b in buttons} == {
        "soundscape_ocean",
        "soundscape_wind",
        "quieter",
        "louder",
        "call",
    }
    assert all(b.height() >= 64 for b in buttons)
    quieter = patient.findChild(QAbstractButton, "quieter").geometry()
    louder = patient.findChild(QAbstractButton, "louder").geometry()
    assert louder.left() - quieter.right() >= 64


def test_the_controls_do_what_they_say(view, qtbot):
    patient, controls = view
    for name in ("soundscape_ocean", "quieter", "louder", "call"):
        qtbot.mouseClick(patient.findChild(QAbstractButton, name), Qt.MouseButton.LeftButton)
    assert controls.calls == [("choose", "ocean"), ("quieter",), ("louder",), ("call",)]
    assert patient.findChild(QAbstractButton, "call").text() == "Called"


def test_no_choices_and_no_clock_unless_allowed(view):
    patient, _ = view
    patient.set_scene(PatientScene("Warm drone", (), can_louder=False, show_clock=False))
    visible = {b.objectName() for b in patient.findChildren(QAbstractButton) if b.isVisible()}
    assert visible == {"quieter", "louder", "call"}
    assert not patient.findChild(QAbstractButton, "louder").isEnabled()
    assert not patient.findChild(QWidget, "patient_clock").isVisible()


def test_the_pointer_hides_when_idle_and_returns_on_a_move(view, qtbot):
    patient, _ = view
    qtbot.waitUntil(lambda: not patient.cursor_visible, timeout=5000)
    assert patient.findChild(QAbstractButton, "call").cursor().shape() == Qt.CursorShape.BlankCursor
    qtbot.mouseMove(patient.findChild(QAbstractButton, "call"))
    assert patient.cursor_visible


def test_escape_and_close_do_not_take_the_view_away(view, qtbot):
    patient, _ = view
    qtbot.keyClick(patient, Qt.Key.Key_Escape)
    patient.close()
    assert patient.isVisible()


def test_a_tap_on_the_corner_does_nothing_a_hold_unlocks(view, qtbot):
    patient, _ = view
    target = patient.findChild(QWidget, "unlock_target")
    centre = target.rect().center()
    with qtbot.assertNotEmitted(patient.unlocked, wait=100):
        qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=centre)
        qtbot.wait(300)
        qtbot.mouseRelease(target, Qt.MouseButton.LeftButton, pos=centre)
    with qtbot.waitSignal(patient.unlocked, timeout=4000):
        qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseRelease(target, Qt.MouseButton.LeftButton, pos=centre)


def test_with_a_pin_the_hold_asks_for_it(view, qtbot):
    patient, _ = view
    patient.set_pin("2468")
    target = patient.findChild(QWidget, "unlock_target")
    qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=QPoint(36, 36))
    qtbot.waitUntil(lambda: patient.findChild(QWidget, "pin_pad").isVisible(), timeout=4000)
    qtbot.mouseRelease(target, Qt.MouseButton.LeftButton, pos=QPoint(36, 36))
    pad = patient.findChild(QWidget, "pin_pad")
    with qtbot.assertNotEmitted(patient.unlocked):
        for digit in "1357":
            qtbot.mouseClick(
                pad.findChild(QAbstractButton, f"pin_{digit}"), Qt.MouseButton.LeftButton
            )
    with qtbot.waitSignal(patient.unlocked, timeout=1000):
        for digit in "2468":
            qtbot.mouseClick(
                pad.findChild(QAbstractButton, f"pin_{digit}"), Qt.MouseButton.LeftButton
            )
    assert not pad.isVisible()


def test_console_shortcuts_do_nothing_on_the_patient_view(make_window, port, clinic, flow, qtbot):
    window = make_window(port)
    console, bridge = flow.start_session(window, clinic / "test-infusion.yaml")
    triggered: list[str] = []
    for action in console.actions.all:
        name = action.objectName()
        action.triggered.connect(lambda _=False, name=name: triggered.append(name))

    # Positive control: in the console's window the shortcuts work.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_V)
    qtbot.keyClick(window, Qt.Key.Key_P)  # the Patient view action shows it
    assert triggered == ["enter_vitals", "patient_view"]
    triggered.clear()
    patient = window.patient_view
    qtbot.waitUntil(lambda: patient.isVisible() and QApplication.activeWindow() is patient)
    journal = bridge.timeline.journal_path
    seq_before = read_journal(journal).last_seq
    state_before = bridge.state.discrete()
    sent = 0
    for action in console.actions.all:
        for sequence in action.shortcuts():
            combination = sequence[0]
            for target in (patient, QApplication.focusWidget() or patient):
                qtbot.keyClick(target, combination.key(), combination.keyboardModifiers())
                sent += 1
    bridge.poll()
    assert sent >= len(console.actions.all)
    assert triggered == []
    assert read_journal(journal).last_seq == seq_before
    assert bridge.state.discrete() == state_before
    assert patient.isVisible()
