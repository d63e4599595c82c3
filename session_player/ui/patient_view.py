"""The patient's screen: near-black, dim, a few large soft targets and nothing else.

What a patient can do here is exactly what ``PatientControls`` offers: pick one of the
soundscapes the playlist allows now, make it quieter or louder within the clinician's cap,
and call the clinician. The view is given that narrow object, never the session, so nothing
reachable from it can end, pause, skip or otherwise change the session (a test walks every
child widget to prove it).

It is its own top-level window, so the console's keyboard shortcuts (window shortcuts of the
main window) never fire while it has the focus. Getting back to the console takes a
press-and-hold on a discreet corner plus the clinic's PIN when one is set.

No button here takes the keyboard focus, so no key re-presses one. Call is sent once: while
a call is waiting for the clinician (and for a few seconds after it was answered) more taps
do nothing, and the button says "Called" with "Your clinician has been told" beside it,
shown only once the call is in the journal, and so on the console.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QHBoxLayout, QVBoxLayout, QWidget

from session_player.ui import theme
from session_player.ui.fades import tween
from session_player.ui.hold_target import HOLD_MS, HoldTarget
from session_player.ui.patient_button import PatientButton
from session_player.ui.patient_label import PatientLabel
from session_player.ui.patient_scene import PatientControls, PatientScene
from session_player.ui.pin_pad import PinPad

CURSOR_IDLE_MS = 3000
CALL_TEXT = "Call"
CALLED_TEXT = "Called"
TOLD_TEXT = "Your clinician has been told"
# After a call is answered, a tap within this many seconds is the same hand still tapping,
# not a new call (the journal would otherwise hold two calls for one).
CALL_REPEAT_GAP_S = 5.0


class PatientView(QWidget):
    """The dim, full-screen patient window. Emits ``unlocked`` after hold (+ PIN)."""

    unlocked = Signal()

    def __init__(
        self,
        controls: PatientControls,
        *,
        level: float = theme.DEFAULT_DIM_LEVEL,
        pin: str = "",
        hold_ms: int = HOLD_MS,
        wall_clock: Callable[[], float] = time.time,
        monotonic_clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("patient_view")
        self.setWindowTitle("Session Player · patient")
        self.setAccessibleName("Patient view")
        self.setCursor(Qt.CursorShape.ArrowCursor)
        # The console's stylesheet paints plain widgets with its (brighter) background; here
        # every pixel comes from the dim palette, painted by this view and its children.
        self.setStyleSheet("QWidget { background: transparent; }")
        # The view itself takes the focus when shown, so no button wears a focus ring until
        # someone presses Tab: an outlined button draws the eye for no reason.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._controls = controls
        self._level = level
        self._pin = pin
        self._wall_clock = wall_clock
        self._monotonic_clock = monotonic_clock
        self._last_call_s: float | None = None
        self._scene = PatientScene(soundscape_name="")
        self._close_allowed = False
        self._level_animation = None
        self.cursor_visible = True
        self._build(hold_ms)
        self._apply_level(level)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(10_000)
        self._clock_timer.timeout.connect(self._update_clock)
        # The pointer is a bright arrow on a near-black screen: it goes after a few idle
        # seconds and comes back when the mouse moves.
        self._cursor_timer = QTimer(self)
        self._cursor_timer.setSingleShot(True)
        self._cursor_timer.setInterval(CURSOR_IDLE_MS)
        self._cursor_timer.timeout.connect(lambda: self._show_cursor(False))
        self.set_scene(self._scene)

    # --- construction --------------------------------------------------------------------

    def _build(self, hold_ms: int) -> None:
        self._hold = HoldTarget(level=self._level, hold_ms=hold_ms, parent=self)
        self._hold.setObjectName("unlock_target")
        self._hold.held.connect(self._on_held)
        self._clock = PatientLabel(level=self._level, point_size=theme.PATIENT_PT, dim=True)
        self._clock.setObjectName("patient_clock")
        self._title = PatientLabel(level=self._level, point_size=theme.PATIENT_TITLE_PT)
        self._title.setObjectName("soundscape_name")

        self._choices_row = QHBoxLayout()
        self._choices_row.setSpacing(24)
        self._choice_buttons: list[PatientButton] = []

        self._quieter = PatientButton("Quieter", level=self._level)
        self._quieter.setObjectName("quieter")
        self._quieter.clicked.connect(lambda: self._controls.quieter())
        self._louder = PatientButton("Louder", level=self._level)
        self._louder.setObjectName("louder")
        self._louder.clicked.connect(lambda: self._controls.louder())
        self._call = PatientButton(CALL_TEXT, level=self._level)
        self._call.setObjectName("call")
        self._call.setAccessibleName("Call the clinician")
        self._call.setMaximumWidth(240)
        self._call.clicked.connect(self._on_call)
        # Beside Call, its space always kept (an empty text, never hidden), so that nothing
        # moves under the patient's hand when it appears.
        self._told = PatientLabel(
            level=self._level,
            point_size=theme.PATIENT_PT,
            dim=True,
            alignment=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        )
        self._told.setObjectName("call_told")
        self._call_gap_timer = QTimer(self)
        self._call_gap_timer.setSingleShot(True)
        self._call_gap_timer.timeout.connect(self._show_call_state)

        top = QHBoxLayout()
        top.addWidget(self._hold, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        top.addStretch(1)
        top.addWidget(self._clock, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)

        volume = QHBoxLayout()
        volume.setSpacing(120)  # well apart: a shaky tap must not hit the other one
        volume.addStretch(1)
        volume.addWidget(self._quieter, 2)
        volume.addWidget(self._louder, 2)
        volume.addStretch(1)

        bottom = QHBoxLayout()
        bottom.setSpacing(32)
        bottom.addWidget(self._told, 1)
        bottom.addWidget(self._call)

        self._content = QWidget(self)
        content = QVBoxLayout(self._content)
        # No side margins of its own (the window's are enough): at 2x scaling five
        # soundscapes share 960 logical pixels.
        content.setContentsMargins(0, 0, 0, 0)
        content.addStretch(3)
        content.addWidget(self._title)
        # A stretch rather than a fixed gap: at 2x scaling on a 1920x1080 screen (960x540
        # logical pixels) every fixed pixel counts, and Call must stay on the screen.
        content.addStretch(1)
        content.addLayout(self._choices_row)
        content.addStretch(2)
        content.addLayout(volume)
        content.addStretch(3)

        self._pin_pad = PinPad(self._pin or "0000", level=self._level, parent=self)
        self._pin_pad.hide()
        self._pin_pad.accepted.connect(self._on_pin_accepted)
        self._pin_pad.cancelled.connect(self._show_content)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 32, 32)
        layout.addLayout(top)
        layout.addWidget(self._content, 1)
        layout.addWidget(self._pin_pad, 1, Qt.AlignmentFlag.AlignCenter)
        layout.addLayout(bottom)

    # --- what the session tells us ---------------------------------------------------------

    def set_scene(self, scene: PatientScene) -> None:
        previous = self._scene
        self._scene = scene
        self._title.set_text(scene.soundscape_name)
        if scene.choices != previous.choices or not self._choice_buttons and scene.choices:
            self._rebuild_choices(scene.choices)
        for button in self._choice_buttons:
            button.set_chosen(button.property("soundscape_id") == scene.current_id)
        self._quieter.setEnabled(scene.can_quieter)
        self._louder.setEnabled(scene.can_louder)
        self._show_call_state()
        self._clock.setVisible(scene.show_clock)
        if scene.show_clock:
            self._update_clock()
            self._clock_timer.start()
        else:
            self._clock_timer.stop()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        QApplication.instance().installEventFilter(self)
        self._cursor_timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        QApplication.instance().removeEventFilter(self)
        self._cursor_timer.stop()
        self._show_cursor(True)
        super().hideEvent(event)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        moved = event.type() == QEvent.Type.MouseMove
        if moved and isinstance(watched, QWidget) and watched.window() is self:
            self._show_cursor(True)
            self._cursor_timer.start()
        return False

    def _show_cursor(self, visible: bool) -> None:
        if visible == self.cursor_visible:
            return
        self.cursor_visible = visible
        for widget in (self, *self.findChildren(QWidget)):
            if not visible:
                widget.setCursor(Qt.CursorShape.BlankCursor)
            elif isinstance(widget, QAbstractButton):
                widget.setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                widget.setCursor(Qt.CursorShape.ArrowCursor)

    def _rebuild_choices(self, choices: tuple[tuple[str, str], ...]) -> None:
        for button in self._choice_buttons:
            # Gone at once (disabled and hidden: going darker is never a flash); the new
            # choices fade in slowly.
            button.setEnabled(False)
            button.hide()
            self._choices_row.removeWidget(button)
            button.deleteLater()
        self._choice_buttons = []
        for soundscape_id, name in choices:
            button = PatientButton(name, level=self._level, parent=self._content)
            button.setObjectName(f"soundscape_{soundscape_id}")
            button.setProperty("soundscape_id", soundscape_id)
            button.setMaximumWidth(420)
            button.clicked.connect(lambda _=False, sid=soundscape_id: self._on_choose(sid))
            # Equal shares: a long name wraps inside its share rather than squeezing a
            # short one until its word runs over the edge.
            self._choices_row.addWidget(button, 1)
            self._choice_buttons.append(button)
            if self.isVisible():
                button.fade_in()

    def _update_clock(self) -> None:
        self._clock.set_text(time.strftime("%H:%M", time.localtime(self._wall_clock())))

    # --- dim level -------------------------------------------------------------------------

    @property
    def dim_level(self) -> float:
        return self._level

    def set_dim_level(self, level: float, fade_ms: int = theme.SLOW_FADE_MS) -> None:
        """Change brightness slowly: a sudden step is a flash to dark-adapted eyes."""
        level = max(theme.MIN_DIM_LEVEL, min(theme.MAX_DIM_LEVEL, level))
        if fade_ms <= 0 or not self.isVisible():
            self._apply_level(level)
            return
        self._level_animation = tween(self, self._level, level, fade_ms, self._apply_level)

    def _apply_level(self, level: float) -> None:
        self._level = level
        for child in (self._hold, self._clock, self._title, self._told, self._pin_pad):
            child.set_level(level)
        for button in (self._quieter, self._louder, self._call, *self._choice_buttons):
            button.set_level(level)
        self.update()

    def set_pin(self, pin: str) -> None:
        self._pin = pin
        self._pin_pad.set_pin(pin or "0000")

    # --- the patient's actions -------------------------------------------------------------

    def _on_choose(self, soundscape_id: str) -> None:
        if soundscape_id == self._scene.current_id:
            return  # it plays already: a second tap changes nothing and journals nothing
        self._controls.choose_soundscape(soundscape_id)

    def _call_blocked(self) -> bool:
        """A call waits for the clinician, or one was sent a moment ago."""
        if self._scene.call_pending:
            return True
        last = self._last_call_s
        return last is not None and self._monotonic_clock() - last < CALL_REPEAT_GAP_S

    def _on_call(self) -> None:
        if self._call_blocked():
            return
        self._last_call_s = self._monotonic_clock()
        if not self._controls.call():
            self._last_call_s = None  # not sent: the next tap tries again
        self._show_call_state()

    def _show_call_state(self) -> None:
        blocked = self._call_blocked()
        self._call.setText(CALLED_TEXT if blocked else CALL_TEXT)
        # Said only while it is true: the call is in the journal and on the console.
        self._told.set_text(TOLD_TEXT if self._scene.call_pending else "")
        # On one screen the clinician sees this view, not the console: the unlock corner
        # wears the accent while a call waits, to say where to go.
        self._hold.set_attention(self._scene.call_pending)
        if blocked and not self._scene.call_pending and self._last_call_s is not None:
            # Back to "Call" when the gap after an answer has passed.
            left_s = CALL_REPEAT_GAP_S - (self._monotonic_clock() - self._last_call_s)
            self._call_gap_timer.start(max(0, round(left_s * 1000)))

    # --- unlocking ------------------------------------------------------------------------

    def _on_held(self) -> None:
        if not self._pin:
            self.unlocked.emit()
            return
        self._content.hide()
        self._call.hide()
        self._pin_pad.start()

    def _on_pin_accepted(self) -> None:
        self._show_content()
        self.unlocked.emit()

    def _show_content(self) -> None:
        self._pin_pad.hide()
        self._content.show()
        self._call.show()

    # --- the window ----------------------------------------------------------------------

    def set_takes_focus(self, takes_focus: bool) -> None:
        """Whether this window may take the keyboard (before it is shown).

        On a second screen it must not: the clinician's keys (D, C, A, Space) belong to the
        console beside it, and a patient's tap must not steal them (issue 10, item 17). On
        one screen it must, with the console hidden: the keys then stop here, where they do
        nothing, instead of reaching the console's shortcuts underneath.
        """
        refuses = not takes_focus
        if (
            self.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating) == refuses
            and bool(self.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus) == refuses
        ):
            return
        visible = self.isVisible()
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, refuses)
        # Changing a window flag hides the window; the caller shows it again.
        self.setWindowFlag(Qt.WindowType.WindowDoesNotAcceptFocus, refuses)
        if visible and not self.isVisible():
            self.show_full_screen()

    def show_full_screen(self) -> None:
        """Full screen, taking the keyboard only if this window may (see set_takes_focus).

        Not ``showFullScreen``: that also activates the window, whatever its flags say.
        """
        self.setWindowState(self.windowState() | Qt.WindowState.WindowFullScreen)
        self.show()
        if self.takes_focus:
            self.raise_()
            self.activateWindow()

    @property
    def takes_focus(self) -> bool:
        return not self.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus

    def allow_close(self) -> None:
        """Let the app close this window (at the end of the session or when quitting)."""
        self._close_allowed = True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        # Alt+F4 or a window-manager close from the patient's side must not take the view
        # away: only the app (after an unlock, or at the end) may close it.
        if self._close_allowed:
            event.accept()
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        # Keys the focused button did not use stop here: Escape, letters and shortcuts do
        # nothing on the patient's screen.
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), theme.PatientColours.at(self._level).background)
        painter.end()
