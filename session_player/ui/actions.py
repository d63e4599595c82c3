"""Every clinician command as one named ``QAction``: buttons, shortcuts and menus share it.

One action per command means the key and the button cannot drift apart, and enabling
follows the session state in one place (``update``). The shortcuts are window shortcuts of
the console's window: they never fire in the patient view, which is another window.

Commands that need a decision (End session, Enter vitals, Patient view) emit a signal for
the console to open the right prompt; the others call the timeline through the bridge.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from session_player.playlist.durations import format_duration
from session_player.session.record import MIN_VOLUME_DB
from session_player.ui.action_button import TEXTS_PROPERTY
from session_player.ui.patient_scene import VOLUME_STEP_DB

LIVE = ("settling", "running")
HOLD_TIP = (
    "Keep this phase playing past its planned end until you advance "
    "(at most the playlist's max hold)"
)
RELEASE_TIP = "Let the phase end on time again (now, if its planned end has passed)"


class ConsoleActions(QObject):
    end_requested = Signal()
    vitals_requested = Signal()
    patient_view_requested = Signal()

    def __init__(self, bridge, host: QWidget) -> None:
        super().__init__(host)
        self._bridge = bridge
        self._host = host
        self._state = None
        self.dose = self._make("dose_given", "Dose given", "D", self._dose, texts=("Dose given ✓",))
        self.dose.setToolTip("Mark the dose as given: time zero of the arc")
        self.pause = self._make(
            "pause_audio", "Pause", "Space", self._pause, checkable=True, texts=("Resume",)
        )
        self.pause.setToolTip("Pause or resume the audio (2 s fade); the dose clock runs on")
        self.extend = self._make(
            "extend_phase",
            "Extend",
            "E",
            lambda: self._run("extend_phase"),
            texts=tuple(
                f"Extend +{format_duration(phase.extend_step)}"
                for phase in bridge.playlist.phases
                if phase.max_extend > 0
            ),
        )
        self.advance = self._make(
            "advance_phase", "Advance", "N", lambda: self._run("advance_phase")
        )
        self.advance.setToolTip("Start the next phase now, with its crossfade")
        self.hold = self._make(
            "hold_phase", "Hold phase", "H", self._hold, checkable=True, texts=("Release hold",)
        )
        self.hold.setToolTip(HOLD_TIP)
        self.calm = self._make(
            "calm_down", "Calm down", "C", self._calm, checkable=True, texts=("Undo calm down",)
        )
        self.calm.setToolTip("Music down and the grounding soundscape; press again to undo")
        self.fade = self._make(
            "fade_to_silence", "Fade out", "F", self._fade, checkable=True, texts=("Fade back",)
        )
        self.fade.setToolTip("Fade everything to silence; press again to fade back")
        self.volume_up = self._make("volume_up", "Louder", "+", lambda: self._volume(+1))
        self.volume_up.setShortcuts([QKeySequence("+"), QKeySequence("=")])
        self.volume_down = self._make("volume_down", "Quieter", "-", lambda: self._volume(-1))
        self.soundscape = self._make("choose_soundscape", "Soundscape", "S", self._soundscape_menu)
        self.soundscape.setToolTip("Choose the soundscape for the patient")
        self.vitals = self._make("enter_vitals", "Vitals", "V", self.vitals_requested.emit)
        self.vitals.setToolTip("Enter blood pressure, heart rate and SpO2")
        self.patient_view = self._make(
            "patient_view", "Patient view", "P", self.patient_view_requested.emit
        )
        self.patient_view.setToolTip("Show the dim patient screen (hold its corner to return)")
        self.answer_call = self._make(
            "answer_patient_call", "Answer call", "A", lambda: self._run("answer_patient_call")
        )
        self.end = self._make("end_session", "End session", "Ctrl+E", self.end_requested.emit)
        self.end.setToolTip("End the session (asks for confirmation)")
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
                    "choose_soundscape", sid, by="clinician"
                )
            )
            self._soundscape_group.addAction(item)
            self._soundscape_menu_widget.addAction(item)
        # Discrete changes only: everything enabling depends on (can_end included) is a
        # discrete field, and the timeline notifies when time flips one.
        bridge.changed.connect(self.update)
        self.update(bridge.state)

    def _make(
        self,
        name: str,
        text: str,
        shortcut: str,
        slot,
        *,
        checkable: bool = False,
        texts: tuple[str, ...] = (),
    ):
        action = QAction(text, self._host)
        # Every wording the action takes, so its button is as wide as the widest from the
        # start and the buttons never shift when one of them changes its words.
        action.setProperty(TEXTS_PROPERTY, [text, *texts])
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        # Window shortcuts: active in the console's window only (never in the patient view).
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setCheckable(checkable)
        action.triggered.connect(lambda _=False: slot())
        self._host.addAction(action)
        return action

    @property
    def all(self) -> tuple[QAction, ...]:
        return (
            self.dose,
            self.pause,
            self.extend,
            self.hold,
            self.advance,
            self.calm,
            self.fade,
            self.volume_down,
            self.volume_up,
            self.soundscape,
            self.vitals,
            self.patient_view,
            self.answer_call,
            self.end,
        )

    @property
    def soundscape_menu(self) -> QMenu:
        return self._soundscape_menu_widget

    # --- commands -------------------------------------------------------------------------

    def _run(self, command: str, *args, **kwargs):
        result = self._bridge.run(command, *args, **kwargs)
        self.update(self._bridge.state)
        return result

    def _dose(self) -> None:
        self._run("mark_dose_given")

    def _pause(self) -> None:
        self._run("resume_audio" if self._bridge.state.paused else "pause_audio")

    def _hold(self) -> None:
        self._run("release_hold" if self._bridge.state.can_release_hold else "hold_phase")

    def _calm(self) -> None:
        self._run("undo_calm_down" if self._bridge.state.calm else "calm_down")

    def _fade(self) -> None:
        self._run("fade_back" if self._bridge.state.silenced else "fade_to_silence")

    def _volume(self, direction: int) -> None:
        state = self._bridge.state
        limit = min(state.volume_cap_db, state.max_volume_db)
        wanted = state.volume_db + direction * VOLUME_STEP_DB
        # Never ask for more than the cap: the timeline would clamp, but a request above the
        # cap should not even be made from the console.
        wanted = max(MIN_VOLUME_DB, min(limit, wanted))
        if wanted != state.volume_db:
            self._run("set_volume", wanted)

    def _soundscape_menu(self) -> None:
        menu = self._soundscape_menu_widget
        button = self._host.findChild(QWidget, "button_choose_soundscape")
        anchor = button if button is not None and button.isVisible() else self._host
        menu.popup(anchor.mapToGlobal(anchor.rect().bottomLeft()))

    # --- enabling ---------------------------------------------------------------------------

    def update(self, state) -> None:
        if state is None:
            return
        live = state.status in LIVE
        started = state.status != "ready"
        self.dose.setEnabled(state.status == "settling" and not state.dose_given)
        self.dose.setText("Dose given" if not state.dose_given else "Dose given ✓")
        self.pause.setEnabled(live)
        self.pause.setChecked(state.paused)
        self.pause.setText("Resume" if state.paused else "Pause")
        self.extend.setEnabled(live and state.can_extend)
        step = self._extend_step(state)
        self.extend.setText(f"Extend +{format_duration(step)}" if step else "Extend")
        self.advance.setEnabled(live and state.can_advance)
        # Hold toggles: an end: advance phase with a max_hold may be held past its planned
        # end; once held, the same key releases it (it then ends on time, or now if late).
        held = state.can_release_hold
        self.hold.setEnabled(live and (state.can_hold or held))
        self.hold.setChecked(held)
        self.hold.setText("Release hold" if held else "Hold phase")
        self.hold.setToolTip(RELEASE_TIP if held else HOLD_TIP)
        self.calm.setEnabled(live)
        self.calm.setChecked(state.calm)
        self.calm.setText("Undo calm down" if state.calm else "Calm down")
        self.fade.setEnabled(live)
        self.fade.setChecked(state.silenced)
        self.fade.setText("Fade back" if state.silenced else "Fade out")
        limit = min(state.volume_cap_db, state.max_volume_db)
        self.volume_up.setEnabled(live and state.volume_db < limit - 1e-6)
        self.volume_down.setEnabled(live and state.volume_db > MIN_VOLUME_DB + 1e-6)
        self.soundscape.setEnabled(live and bool(self._bridge.playlist.soundscapes))
        for item in self._soundscape_group.actions():
            item.setChecked(item.data() == state.soundscape_id)
        self.vitals.setEnabled(started)
        self.patient_view.setEnabled(live)
        self.answer_call.setEnabled(state.patient_call_pending)
        self.answer_call.setVisible(state.patient_call_pending)
        self.end.setEnabled(live)

    def _extend_step(self, state) -> float:
        index = state.phase_index
        if index is None or index < 0 or not state.can_extend:
            return 0.0
        phase = self._bridge.playlist.phases[index]
        return min(phase.extend_step, state.extension_remaining_s)
