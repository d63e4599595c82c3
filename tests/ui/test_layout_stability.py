"""Layout stability: no command button, no side-effect button ever moves under the cursor.

Found by hand in the dark room (issue 10, item 7): the command block shifted 20-65 px when a
voice transcript wrapped, when a multi-line status message or the patient's call banner
appeared, and the side-effect grid moved ~95 px when the vitals card closed. Every button's
geometry, mapped to the window, is recorded once and must be the same in each of those
states, on a laptop screen and on a 1280×800 screen at 150 % (853×500 logical pixels).
"""

from __future__ import annotations

import textwrap
import threading

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication

from session_player.session import command_table as commands
from session_player.ui import theme
from tests.ui.conftest import PLAYLIST, clinic_window

MINUTE = 60.0
LAPTOP = (1366, 700)  # 1366×768 less a title bar and a panel
SMALL_HIDPI = (853, 500)  # 1280×800 at 150 %, less a title bar

LONG_WORDS = (
    "Welcome. Let your breath settle, and notice the support beneath you: the weight of"
    " your body resting, the soft sound around you, nothing to do and nowhere to be; when"
    " thoughts come, let them pass like clouds, and come back to the breath."
)


@pytest.fixture
def long_voice_playlist(clinic, tmp_path):
    """The test clinic's playlist with a voice cue whose transcript wraps several lines."""
    text = textwrap.dedent(PLAYLIST).lstrip()
    text = text.replace("Welcome. Let your breath settle.", f'"{LONG_WORDS}"')
    text = text.replace("audio/", f"{clinic}/audio/")
    path = tmp_path / "long-voice.yaml"
    path.write_text(text, "utf-8")
    return path


def geometry(console) -> dict[str, QRect]:
    window = console.window()
    buttons = {f"command {name}": b for name, b in console.buttons.items()}
    buttons |= {f"side effect {kind}": b for kind, b in console.side_effects.buttons.items()}
    return {
        name: QRect(button.mapTo(window, QPoint(0, 0)), button.size())
        for name, button in buttons.items()
    }


def press(qtbot, window, key) -> None:
    """A key as a person gives it: to the window they are looking at (the offscreen
    platform lets the window lose its activation when events are processed)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, key)


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


@pytest.mark.parametrize("size", [LAPTOP, SMALL_HIDPI], ids=["1366x768", "1280x800@150"])
def test_buttons_never_move_under_the_cursor(
    qtbot, qsettings, clinic, port, clock, flow, long_voice_playlist, size
):
    window = clinic_window(qtbot, qsettings, clinic, port, long_voice_playlist)
    window.show()
    qtbot.waitExposed(window)
    console, bridge = flow.start_session(window, long_voice_playlist)
    window.resize(*size)
    settle()
    # The short screen's console is the compact one (tests/ui/test_console_compact.py): its
    # buttons must stay put just the same.
    compact = size == SMALL_HIDPI
    assert console.density is (theme.COMPACT_DENSITY if compact else theme.NORMAL_DENSITY)
    # The baseline reading is in (set-up): no check is due until 20 minutes after the dose.
    bridge.run(commands.VITALS, systolic=120, diastolic=80, heart_rate=70, spo2=98)
    assert not bridge.state.due_vitals and not console.vitals.isVisible()
    press(qtbot, window, Qt.Key.Key_D)  # the dose, through the window's shortcut
    assert bridge.state.time_since_dose_s is not None
    settle()
    before = geometry(console)
    # "Answered (A)" shows only while the patient calls, at the end of its row.
    shown = {name for name in before if "answer_patient_call" not in name}
    moved: list[str] = []

    def check(state: str) -> None:
        settle()
        now = geometry(console)
        moved.extend(
            f"{state}: {name} {before[name].getRect()} -> {now[name].getRect()}"
            for name in before
            if name in shown and now[name] != before[name]
        )

    # The voice cue (2 minutes into onset) with its long transcript.
    clock.advance(2 * MINUTE + 1)
    bridge.poll()
    assert console.now_playing.text_of("voice") == LONG_WORDS
    check("long transcript")
    # A long refusal in the status line: N is refused while a hold is not possible, say;
    # any refusal or message with many words.
    bridge.refused.emit("advance_phase", LONG_WORDS)
    check("multi-line status message")
    # The patient's call banner, then an alert from the audio thread, then both.
    bridge.run(commands.PATIENT_CALLED)
    assert "call" in console.alerts.cards()
    check("call banner")
    thread = threading.Thread(
        target=bridge.timeline.raise_alert, args=("device_lost", "Headphones disconnected")
    )
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(console.alerts.cards()) == 2)
    check("call banner and an alert")
    # The vitals card opened by V, with the skip row and a flag shown, then closed.
    press(qtbot, window, Qt.Key.Key_V)
    assert console.vitals.isVisible()
    check("vitals card open")
    qtbot.keyClicks(console.vitals.fields["systolic"], "180")
    assert console.vitals.flags.isVisible()
    check("vitals card with a flag")
    qtbot.mouseClick(console.vitals.close_button, Qt.MouseButton.LeftButton)
    assert not console.vitals.isVisible()
    check("vitals card closed")
    # A due check appears by itself (20 minutes after the dose), and is skipped.
    clock.advance(18 * MINUTE)
    bridge.poll()
    assert bridge.state.due_vitals and console.vitals.isVisible()
    check("due check")
    qtbot.mouseClick(console.vitals.skip_button, Qt.MouseButton.LeftButton)
    check("skip reason row")
    # Acknowledge everything: the strip is empty again.
    for card in list(console.alerts.cards().values()):
        qtbot.mouseClick(card.button, Qt.MouseButton.LeftButton)
        settle()
    assert not console.alerts.cards()
    check("alerts acknowledged")
    assert not moved, "\n".join(moved)
