"""A console button bound to a ``QAction``, showing the action's keyboard shortcut beside it.

The button and the shortcut are one command (the action), so they can never disagree: the
action's enabled state, text and checked state drive the button. The shortcut is shown on
every button because the clinician glances at the console between watching the patient;
learning the keys by sight is how they get fast.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from session_player.ui import theme
from session_player.ui.typing_mode import is_typing


def shortcut_text(action: QAction) -> str:
    shortcut = action.shortcut()
    if shortcut.isEmpty():
        return ""
    text = shortcut.toString(QKeySequence.SequenceFormat.NativeText)
    return {"Space": "Space", "-": "−"}.get(text, text)


TEXTS_PROPERTY = "texts"  # every wording the action may take (see ``ConsoleActions``)


def texts_of(action: QAction) -> list[str]:
    return [str(text) for text in (action.property(TEXTS_PROPERTY) or [])]


class ActionButton(QPushButton):
    """Text on the left, a small key cap with the shortcut on the right."""

    def __init__(self, action: QAction, *, role: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.action = action
        self.setObjectName(f"button_{action.objectName()}")
        if role:
            self.setProperty("role", role)
        self.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self._label = QLabel()
        self._label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._hint = QLabel()
        self._hint.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._hint.setFont(theme.font(theme.CONSOLE_SMALL_PT - 1))
        self._keys_off = None  # whether the key cap shows its shortcut off (typing mode)
        self._show_keys_off(False)
        self._density = theme.NORMAL_DENSITY
        layout = QHBoxLayout(self)
        layout.setContentsMargins(*self._density.button_margins_px)
        layout.setSpacing(self._density.button_spacing_px)
        layout.addWidget(self._label)
        layout.addStretch(1)
        layout.addWidget(self._hint)
        self.clicked.connect(self._trigger)
        # While a text field has the focus a single-key shortcut types a letter instead: the
        # key cap says so, crossed out, so the clinician sees why E or C did nothing.
        QApplication.instance().focusChanged.connect(self._on_focus_changed)
        action.changed.connect(self._sync)
        self._sync()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # QPushButton sizes itself from its own text, which is empty here: use the labels'.
        hint = self.layout().sizeHint()
        # As wide as the action's widest wording ("Calm down" / "Undo calm down"), so a
        # button never changes width with the session and its neighbours never move.
        metrics = self._label.fontMetrics()

        def width(text: str) -> int:  # as QLabel measures its own text
            return metrics.boundingRect(QRect(0, 0, 2000, 200), 0, text).width()

        current = width(self._label.text())
        extra = max(0, max((width(text) for text in texts_of(self.action)), default=0) - current)
        # Compact (a short screen): the words' own height and a border, not the stylesheet's
        # padding and 1.5 em minimum, which made every row 49 px tall at 14 pt.
        height = hint.height() + 2
        if self._density.button_qss_height:
            height = max(hint.height(), super().sizeHint().height())
        return QSize(hint.width() + 4 + extra, height)

    def set_density(self, density: theme.ConsoleDensity) -> None:
        """Tighter or roomier around the same words (see ``theme.console_density``)."""
        if density == self._density:
            return
        self._density = density
        self.layout().setContentsMargins(*density.button_margins_px)
        self.layout().setSpacing(density.button_spacing_px)
        # The app stylesheet's min-height (1.5 em plus padding) is a minimum size the style
        # sets on the button: compact, the button's own rule lifts it.
        self.setStyleSheet("" if density.button_qss_height else "QPushButton { min-height: 0px; }")
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.sizeHint()

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        self._sync()

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self._sync()

    @property
    def shortcut_off(self) -> bool:
        """The key cap shows the shortcut off (a text field has the focus)."""
        return bool(self._keys_off)

    def _on_focus_changed(self, _old, _new) -> None:
        sequence = self.action.shortcut()
        single_key = not sequence.isEmpty() and sequence[0].keyboardModifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.ShiftModifier,
        )
        self._show_keys_off(single_key and is_typing(self))

    def _show_keys_off(self, off: bool) -> None:
        if off == self._keys_off:
            return
        self._keys_off = off
        colour, decoration = (theme.BORDER, "line-through") if off else (theme.TEXT_DIM, "none")
        self._hint.setStyleSheet(
            f"color: {colour}; border: 1px solid {theme.BORDER}; text-decoration: {decoration};"
            " border-radius: 4px; padding: 0px 5px; background: transparent;"
        )

    def _trigger(self) -> None:
        # The button's own checked toggling is ignored: the action (and so the session
        # state) decides what is checked.
        self.action.trigger()
        self._sync()

    def _sync(self) -> None:
        action = self.action
        self._label.setText(action.text().replace("&", ""))
        role = self.property("role") if action.isEnabled() else None
        # Focused, the amber button turns dark (see the theme): its words turn amber with it.
        on_fill = theme.ACCENT if self.hasFocus() else theme.ON_ACCENT
        colour = {"primary": on_fill, "danger": theme.WARNING}.get(
            role, theme.TEXT if action.isEnabled() else theme.TEXT_DIM
        )
        style = f"color: {colour}; background: transparent;"
        if self.property("role") == "primary":
            # Bold whether enabled or not: the weight changes the width, and a button that
            # changed width would move its neighbours.
            style += " font-weight: 600;"
        if style != self._label.styleSheet():  # re-styling is not free: only on a change
            self._label.setStyleSheet(style)
        self._hint.setText(shortcut_text(action))
        self._hint.setVisible(bool(self._hint.text()))
        self.updateGeometry()
        self.setEnabled(action.isEnabled())
        self.setCheckable(action.isCheckable())
        self.setChecked(action.isChecked())
        self.setVisible(action.isVisible())
        tip = action.toolTip() or action.text()
        hint = shortcut_text(action)
        self.setToolTip(f"{tip} ({hint})" if hint else tip)
        self.setAccessibleName(action.text().replace("&", ""))
        self.setAccessibleDescription(f"Shortcut: {hint}" if hint else "")
