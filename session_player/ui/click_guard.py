"""A button that has just appeared or moved under the pointer ignores a click for a moment.

In the dark room the clinician's hand rests on the touchpad while their eyes are on the
patient. When something above a button grows or goes (a card closes, a banner appears), the
button that was under the pointer is another one a moment later, and a tap meant for the
first logs the second: a side effect the patient never had, with nothing to undo it. So a
press on a button whose place on screen changed less than ``ARRIVAL_GUARD_S`` ago (by that
button's own move, a move of anything above it, or its appearing) is ignored.

The place is compared, not the move events counted: a card above the button moving the
whole grid moves no button within its parent, so no button gets a move event. The guard
samples each button's place in its window on the console's display tick and again at the
moment of the press (a change seen then happened since the last tick: just now).

A press is ignored only if it lands where the button was not before it moved: a button that
shifts by a few pixels under a pointer already on it was aimed at. The first place a button
is shown at, as its page appears, is not an arrival; appearing after being hidden on purpose
(Answer call) is. Keys are not guarded: a key press goes to the focused button, wherever it
is. Time comes from an injectable clock.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtWidgets import QAbstractButton

from session_player.session.clock import SYSTEM_CLOCK, Clock

ARRIVAL_GUARD_S = 0.6  # longer than a tap already on its way; shorter than a deliberate aim

_PRESSES = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)


class ArrivalGuard(QObject):
    """Guards one button (see the module's docstring); ``sample()`` on every display tick."""

    def __init__(self, button: QAbstractButton, clock: Clock = SYSTEM_CLOCK) -> None:
        super().__init__(button)
        self._button = button
        self._clock = clock
        self._place: tuple[bool, bool, QRect] | None = None
        self._changed_s: float | None = None
        # Where the button was before its latest arrival (None: it was not on screen).
        self._came_from: QRect | None = None
        self._was_hidden_on_purpose = False
        self.ignored_presses = 0  # presses the guard kept from the button (for the tests)
        button.installEventFilter(self)

    def _where(self) -> tuple[bool, bool, QRect]:
        button = self._button
        window = button.window()
        rect = QRect(button.mapTo(window, button.rect().topLeft()), button.size())
        # Hidden on purpose in a card on screen (Answer call while nobody calls), not merely
        # not shown yet (a page being built).
        parent = button.parentWidget()
        explicitly_hidden = (
            button.isHidden()
            and button.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)
            and parent is not None
            and parent.isVisible()
        )
        return button.isVisible(), explicitly_hidden, rect

    def sample(self) -> None:
        """Note the button's place; a move on screen, or appearing after being hidden on
        purpose, is an arrival."""
        place = self._where()
        previous = self._place
        self._place = place
        visible, hidden_on_purpose, rect = place
        # Sticky until it shows: setVisible(True) clears the flag before the button is shown.
        was_hidden = self._was_hidden_on_purpose
        self._was_hidden_on_purpose = hidden_on_purpose or (was_hidden and not visible)
        if previous is None or previous == place:
            return
        was_visible, _, old_rect = previous
        moved_on_screen = was_visible and visible and rect != old_rect
        appeared = visible and not was_visible and was_hidden
        if not (moved_on_screen or appeared):
            return
        if not self.settling:  # the first of a quick series of moves says where it came from
            self._came_from = old_rect if moved_on_screen else None
        self._changed_s = self._clock()

    @property
    def settling(self) -> bool:
        """The button arrived where it is less than ``ARRIVAL_GUARD_S`` ago."""
        return self._changed_s is not None and self._clock() - self._changed_s < ARRIVAL_GUARD_S

    def _arrived_under(self, event) -> bool:
        """The press lands where the button was not a moment ago: it came to the pointer."""
        self.sample()
        if not self.settling:
            return False
        if self._came_from is None:
            return True
        pressed_at = self._button.mapTo(self._button.window(), event.position().toPoint())
        return not self._came_from.contains(pressed_at)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind in (QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.Move):
            self.sample()
        elif kind in _PRESSES and self._arrived_under(event):
            self.ignored_presses += 1
            return True  # not pressed: its release then clicks nothing either
        return False
