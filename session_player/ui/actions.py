"""Every clinician command as one named ``QAction``: buttons, shortcuts and menus share it.

The actions are made from the session's command table (``session/command_table.py``):
their names, words, keys, tooltips, toggles and when they are enabled are written there
once, for the console, the patient view, ``play`` and render scripts alike. This module
only turns rows into ``QAction``s. The shortcuts are window shortcuts of the console's
window: they never fire in the patient view, which is another window.

Commands that need a decision (End session, Enter vitals, Patient view, the soundscape
menu) emit a signal for the console to open the right prompt; the others run their row on
the timeline through the bridge.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from session_player.playlist.durations import format_duration
from session_player.session import command_table as commands
from session_player.session.command_table import SessionCommand
from session_player.ui.action_button import TEXTS_PROPERTY


class ConsoleActions(QObject):
    end_requested = Signal()
    vitals_requested = Signal()
    patient_view_requested = Signal()

    def __init__(self, bridge, host: QWidget) -> None:
        super().__init__(host)
        self._bridge = bridge
        self._host = host
        self._rows: dict[QAction, SessionCommand] = {}
        extend_texts = tuple(
            f"Extend +{format_duration(phase.extend_step)}"
            for phase in bridge.playlist.phases
            if phase.max_extend > 0
        )
        self.dose = self._make(commands.DOSE, texts=("Dose given ✓",))
        self.pause = self._make(commands.PAUSE)
        self.extend = self._make(commands.EXTEND, texts=extend_texts)
        self.advance = self._make(commands.ADVANCE)
        self.hold = self._make(commands.HOLD)
        self.calm = self._make(commands.CALM)
        self.fade = self._make(commands.FADE)
        self.volume_up = self._make(commands.LOUDER)
        self.volume_down = self._make(commands.QUIETER)
        self.soundscape = self._make(commands.SOUNDSCAPE, slot=self._soundscape_menu)
        self.vitals = self._make(commands.VITALS, slot=self.vitals_requested.emit)
        self.patient_view = self._make(commands.PATIENT_VIEW, slot=self.patient_view_requested.emit)
        self.answer_call = self._make(commands.ANSWER_CALL)
        self.end = self._make(commands.END, slot=self.end_requested.emit)
        self._soundscape_menu_widget = QMenu(host)
        self._soundscape_menu_widget.setObjectName("soundscape_menu")
        self._soundscape_group = QActionGroup(self)
        for soundscape_id, soundscape in bridge.playlist.soundscapes.items():
            item = QAction(soundscape.name, self._soundscape_menu_widget)
            item.setObjectName(f"soundscape_{soundscape_id}")
            item.setCheckable(True)
            item.setData(soundscape_id)
            item.setToolTip(soundscape.description)
            item.triggered.connect(
                lambda _=False, sid=soundscape_id: self._run(
                    commands.SOUNDSCAPE, sid, by="clinician"
                )
            )
            self._soundscape_group.addAction(item)
            self._soundscape_menu_widget.addAction(item)
        # Discrete changes only: everything enabling depends on (can_end included) is a
        # discrete field, and the timeline notifies when time flips one.
        bridge.changed.connect(self.update)
        self.update(bridge.state)

    def _make(self, row: SessionCommand, *, slot=None, texts: tuple[str, ...] = ()) -> QAction:
        action = QAction(row.label, self._host)
        on_texts = (row.toggle.on_label,) if row.toggle is not None else ()
        # Every wording the action takes, so its button is as wide as the widest from the
        # start and the buttons never shift when one of them changes its words.
        action.setProperty(TEXTS_PROPERTY, [row.label, *on_texts, *texts])
        action.setObjectName(row.name)
        action.setShortcuts([QKeySequence(key) for key in (row.shortcut, *row.extra_shortcuts)])
        # Window shortcuts: active in the console's window only (never in the patient view).
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setCheckable(row.toggle is not None)
        action.setToolTip(row.tip)
        if slot is None:
            slot = lambda: self._run(row)  # noqa: E731  (the row, bound now)
        action.triggered.connect(lambda _=False: slot())
        self._host.addAction(action)
        self._rows[action] = row
        return action

    @property
    def all(self) -> tuple[QAction, ...]:
        by_row = {row: action for action, row in self._rows.items()}
        return tuple(by_row[row] for row in commands.CONSOLE_COMMANDS)

    @property
    def soundscape_menu(self) -> QMenu:
        return self._soundscape_menu_widget

    # --- commands -------------------------------------------------------------------------

    def _run(self, row: SessionCommand, *args, **kwargs):
        result = self._bridge.run(row, *args, **kwargs)
        self.update(self._bridge.state)
        return result

    def _soundscape_menu(self) -> None:
        menu = self._soundscape_menu_widget
        button = self._host.findChild(QWidget, "button_choose_soundscape")
        anchor = button if button is not None and button.isVisible() else self._host
        menu.popup(anchor.mapToGlobal(anchor.rect().bottomLeft()))

    # --- enabling ---------------------------------------------------------------------------

    def update(self, state) -> None:
        if state is None:
            return
        for action, row in self._rows.items():
            action.setEnabled(row.is_enabled(state))
            action.setText(row.label_for(state))
            action.setToolTip(row.tip_for(state))
            if row.toggle is not None:
                action.setChecked(row.is_on(state))
        # Answer call is there only while a call waits (its room is kept: see the console).
        self.answer_call.setVisible(state.patient_call_pending)
        for item in self._soundscape_group.actions():
            item.setChecked(item.data() == state.soundscape_id)
