"""The clinician's console: the arc, what plays, every command, vitals, side effects, the log.

Built from small widgets that each take the ``SessionBridge`` and subscribe to it; the
console only lays them out and connects the few decisions that need a window (End session
asks for confirmation; Patient view and the dim level belong to the main window).
Layout follows the design sketch: header, alerts, arc, now playing, commands, vitals,
one-tap log, event log, top to bottom in order of urgency.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from session_player.session.clock import SYSTEM_CLOCK, Clock
from session_player.session.record import SILENCE_FADE_S
from session_player.ui import theme
from session_player.ui.action_button import ActionButton
from session_player.ui.actions import ConsoleActions
from session_player.ui.alerts import AlertsPanel
from session_player.ui.arc_timeline import ArcTimeline
from session_player.ui.click_guard import ArrivalGuard
from session_player.ui.elided_label import ElidedLabel
from session_player.ui.end_dialog import EndSessionDialog
from session_player.ui.event_log import EventLog
from session_player.ui.flow_layout import FlowLayout
from session_player.ui.focused_button_keys import FocusedButtonKeys
from session_player.ui.listening_dose_line import ListeningDoseLine
from session_player.ui.note_entry import NoteEntry
from session_player.ui.now_playing import NowPlaying
from session_player.ui.record_banner import RecordBanner
from session_player.ui.rehearsal_marker import console_marker
from session_player.ui.rems_form_panel import RemsFormLine, rems_template_for
from session_player.ui.reserved_slot import ReservedSlot
from session_player.ui.session_bridge import SessionBridge
from session_player.ui.side_effects import SideEffects
from session_player.ui.vitals_prompt import VitalsPrompt

QWIDGETSIZE_MAX = (1 << 24) - 1
ASKS_SHARE = 3  # fifths of the width for vitals and side effects, beside the journal
LOG_MIN_WIDTH_PX = 320  # the journal beside the asks: narrower, it goes under them
LOG_MIN_HEIGHT_PX = 180
# What the status line says once a fade has finished (the command's own words say "-ing").
FADE_OUTCOMES = {
    "fade_to_silence": "Faded to silence. F fades the sound back in.",
    "fade_back": "The sound is back.",
}
STATUS_MS = 8000  # how long a command's message stays under the buttons
DIM_SLIDER_STEPS = 100
DIM_LABEL_WORDS = "Patient screen (this session)"
DIM_SLIDER_PX = 150
OUTPUT_EMS = 16  # the output's name in the header: its fixed width, in widths of "M"
# Compact (a short screen), the header's parts are narrower so that it is one line.
COMPACT_DIM_LABEL_WORDS = "Patient screen"  # "this session" is in its tooltip
COMPACT_DIM_SLIDER_PX = 110
COMPACT_OUTPUT_EMS = 10


class Console(QWidget):
    page_title = "Console"  # the window's title while the console shows (MainWindow)
    patient_view_requested = Signal()
    dim_level_changed = Signal(float)
    ended = Signal()

    def __init__(
        self,
        bridge: SessionBridge,
        *,
        alias: str,
        dim_level: float,
        clock: Clock | None = None,
        listening=None,  # the clinic's ListeningSettings (record/listening_settings.py)
        parent=None,
    ):
        super().__init__(parent)
        self.setObjectName("console")
        self.bridge = bridge
        self.actions = ConsoleActions(bridge, self)
        # Space and Enter press a focused button; Space pauses only when none has focus.
        self._button_keys = FocusedButtonKeys(self)
        # The time for the click guard (a button that just moved ignores a click): monotonic,
        # injectable, never the session's clock (a rehearsal runs that one faster).
        self._clock = clock or SYSTEM_CLOCK
        self.arrival_guards: list[ArrivalGuard] = []
        self.end_dialog: EndSessionDialog | None = None
        self._ended_emitted = False
        playlist = bridge.playlist

        # --- header
        # The title and the output's words are cut with "…" (whole in their tooltips) rather
        # than widen the window past a small laptop screen's edge.
        title = ElidedLabel(f"{playlist.title}  ·  {playlist.route}", min_width_px=120)
        title.setProperty("role", "heading")
        patient = QLabel(f"Patient “{alias}”")
        patient.setObjectName("console_alias")
        self.output = ElidedLabel(min_width_px=140)
        self.output.setObjectName("output_status")
        # A fixed width: the header wraps by the window's width alone, never because the
        # device's words got longer ("… not connected"), which would push everything down.
        self.output.setFixedWidth(self.output.fontMetrics().horizontalAdvance("M") * OUTPUT_EMS)
        # This session only: the clinic's default is in the settings dialog (issue 10, item 11).
        dim_label = QLabel(DIM_LABEL_WORDS)
        dim_label.setProperty("role", "hint")
        dim_label.setToolTip("The patient screen's brightness, for this session only")
        self._dim_label = dim_label
        self._title = title
        self._header = header_widgets = [patient, dim_label]
        self.dim = QSlider(Qt.Orientation.Horizontal)
        self.dim.setObjectName("dim_slider")
        self.dim.setAccessibleName("Patient screen brightness")
        self.dim.setRange(round(theme.MIN_DIM_LEVEL * 100), round(theme.MAX_DIM_LEVEL * 100))
        self.dim.setValue(round(dim_level * 100))
        self.dim.setFixedWidth(DIM_SLIDER_PX)
        self.dim.valueChanged.connect(lambda value: self.dim_level_changed.emit(value / 100))
        # One line on a laptop screen; two on a narrow one (1280×800 at 150 %), where one
        # line cut the title and the output's name down to "IV infu…" and "H…".
        header = FlowLayout(spacing=16)
        # Their own widths in the flow (an ElidedLabel's Ignored policy would give them none).
        title.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.output.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        header.addWidget(title)
        # "Rehearsal ×30 · no sound" for the whole of a rehearsal; None in a patient's session.
        self.rehearsal_marker = console_marker(bridge.timeline)
        if self.rehearsal_marker is not None:
            header.addWidget(self.rehearsal_marker)
            # The window's title says it too (the task list, Alt+Tab).
            self.page_title = f"{self.rehearsal_marker.property('marker_text')} · Console"
        header.addWidget(patient)
        header.addWidget(self.output)
        header.addWidget(dim_label)
        header.addWidget(self.dim)
        header_widgets += [self.output, self.dim]
        if self.rehearsal_marker is not None:
            header_widgets.append(self.rehearsal_marker)
        self._header_layout = header

        # --- the pieces
        self.alerts = AlertsPanel(bridge)
        self.arc = ArcTimeline(bridge)
        arc_card = QFrame()
        arc_card.setProperty("role", "card")
        arc_layout = QVBoxLayout(arc_card)
        arc_layout.setContentsMargins(6, 4, 6, 4)
        self._arc_layout = arc_layout
        arc_layout.addWidget(self.arc)
        self.now_playing = NowPlaying(bridge)
        # Compact: its buttons on a row of their own, so the card fits a narrow column.
        self.vitals = VitalsPrompt(bridge, compact=True, clock=self._clock)
        self.side_effects = SideEffects(bridge, clock=self._clock)
        self.note = NoteEntry(bridge)
        self.log = EventLog(bridge)
        log_card = QFrame()
        log_card.setProperty("role", "card")
        log_layout = QVBoxLayout(log_card)
        log_layout.setContentsMargins(10, 10, 10, 10)
        log_layout.setSpacing(6)
        # Whether the record is being saved (a full disk): at the journal's top, in a place
        # of its own with one fixed height, so it moves none of the commands above.
        self.record_banner = RecordBanner(bridge)
        log_layout.addWidget(self.record_banner)
        # The headphone listening dose by the planned end: one steady line that turns to a
        # warning past the clinic's share (never flashes); beside the status line, below.
        self.listening_dose = ListeningDoseLine(bridge, listening)
        log_layout.addWidget(self.note)
        log_layout.addWidget(self.log, 1)

        # --- commands
        a = self.actions
        self.buttons: dict[str, ActionButton] = {}
        # Two rows: the session (the arc, the checks, the patient's screen, the end) and the
        # sound. Each fits a 1366-pixel laptop screen on one line; narrower, they wrap.
        session_row = self._button_row(
            [
                (a.dose, "primary"),
                (a.extend, None),
                (a.hold, None),
                (a.advance, None),
                (a.vitals, None),
                (a.patient_view, None),
                (a.end, "danger"),
            ]
        )
        sound_buttons = self._button_row(
            [
                (a.pause, None),
                (a.calm, None),
                (a.fade, None),
                (a.volume_down, None),
                (a.volume_up, None),
                (a.soundscape, None),
                (a.answer_call, None),
            ]
        )
        # What the last command did (or why it was refused), on a line of its own above the
        # buttons that is always there, empty or not, and one line high whatever the
        # message (cut with "…", whole in the tooltip): a message that wrapped made its row
        # taller and moved the buttons under the cursor; squeezed beside the row it was cut
        # to "The pa…". The button rows wrap rather than widen the window (see flow_layout).
        self.status = ElidedLabel(lines=1, min_width_px=160)
        self.status.setObjectName("command_status")
        self.status.setProperty("role", "secondary")
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.timeout.connect(self.status.clear)
        # "Answer call" keeps its room while no call is waiting, so the row never rewraps.
        answer = self.buttons[a.answer_call.objectName()]
        answer_policy = answer.sizePolicy()
        answer_policy.setRetainSizeWhenHidden(True)
        answer.setSizePolicy(answer_policy)
        commands = QFrame()
        commands.setObjectName("commands")
        commands.setProperty("role", "card")
        commands_layout = QVBoxLayout(commands)
        commands_layout.setContentsMargins(12, 6, 12, 10)
        commands_layout.setSpacing(6)
        # The status line shares its row with the listening dose (right): in view with the
        # volume buttons it is about, and no height of its own.
        status_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        status_row.setSpacing(12)
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.listening_dose, 1)
        commands_layout.addLayout(status_row)
        # The sound first, as in the design sketch: Pause, Calm down and Fade are the ones
        # needed fast, and on a short screen (150 %) the lower rows are below the fold.
        commands_layout.addLayout(sound_buttons)
        commands_layout.addLayout(session_row)
        self._commands_layout = commands_layout
        self._session_row, self._sound_row = session_row, sound_buttons

        # Everything in a vertical scroll area: on a short screen (a 1366×768 laptop) the
        # lowest cards scroll instead of being squeezed into each other, and the console
        # never makes the window taller than the screen.
        body = QWidget()
        body.setObjectName("console_body")
        self.scroll = QScrollArea()
        self.scroll.setObjectName("console_scroll")
        self.scroll.setWidget(body)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Not a Tab stop: it showed no focus ring, and it scrolls to the focused widget anyway.
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always there: a scroll bar that came and went with the page's height (an alert, the
        # vitals card) changed the width and rewrapped the rows of buttons under the cursor.
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

        layout = QVBoxLayout(body)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(8)
        self._body_layout = layout
        self.density = theme.NORMAL_DENSITY
        layout.addLayout(header)
        layout.addWidget(arc_card)
        layout.addWidget(self.now_playing)
        # Alerts and the patient's call float over the now-playing card: they take no room,
        # so nothing on the console moves when one appears or is acknowledged.
        self.alerts.overlay(self.now_playing)
        layout.addWidget(commands)
        # Below the commands: what is asked of the clinician (vitals, side effects) on the
        # left, what has happened (the journal) on the right.
        self.asks_column = QWidget()
        self.asks_column.setObjectName("asks_column")
        asks = QVBoxLayout(self.asks_column)
        asks.setContentsMargins(0, 0, 0, 0)
        asks.setSpacing(8)
        # The vitals card's room is kept while it is closed, so the side-effect buttons under
        # it never move (they jumped up 95 px when it closed).
        self.vitals_slot = ReservedSlot(
            self.vitals, "No vital-signs check is due now.  V: enter a reading."
        )
        asks.addWidget(self.vitals_slot)
        asks.addWidget(self.side_effects)
        # The Spravato REMS form's answers (intranasal sessions): one line and a window of
        # its own, never a step before the dose mark.
        template = rems_template_for(bridge.playlist)
        self.rems_form = RemsFormLine(bridge, template) if template is not None else None
        if self.rems_form is not None:
            asks.addWidget(self.rems_form)
        asks.addStretch(1)
        # Side by side when there is room, else the journal under them (a 1280×800 screen at
        # 150 % is 853 px wide): never wider than the window. Decided by the width alone
        # (see resizeEvent), so no change of the session's state can rearrange it.
        self._asks = asks
        self._log_card = log_card
        log_card.setMinimumHeight(LOG_MIN_HEIGHT_PX)
        self.lower = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.lower.setSpacing(8)
        self.lower.addWidget(self.asks_column, 3)
        self.lower.addWidget(log_card, 2)
        layout.addLayout(self.lower, 1)

        a.end_requested.connect(self.open_end_dialog)
        a.vitals_requested.connect(self.vitals.open_for_entry)
        a.patient_view_requested.connect(self.patient_view_requested.emit)
        bridge.refused.connect(self._on_refused)
        bridge.done.connect(self._on_done)
        bridge.changed.connect(self._on_changed)
        bridge.ticked.connect(self._refresh_output)
        bridge.ticked.connect(self._follow_fade)
        bridge.ticked.connect(self._sample_button_places)
        self._refresh_output()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._arrange_density()
        self._arrange_lower()
        self._fit_header()

    def _arrange_density(self) -> None:
        """Compact on a short screen (1280×800 at 150 %: 853×533 logical pixels, less a title
        bar), where the session's commands were below the fold: the same type with less
        room around it, so the header, the arc, now playing, the status line and every
        command are in view without scrolling. Decided by the height alone, on resize."""
        density = theme.console_density(self.height())
        if density == self.density:
            return
        self.density = density
        compact = density is theme.COMPACT_DENSITY
        self._body_layout.setContentsMargins(*density.body_margins_px)
        self._body_layout.setSpacing(density.spacing_px)
        self._arc_layout.setContentsMargins(*((4, 1, 4, 1) if compact else (6, 4, 6, 4)))
        self._dim_label.setText(COMPACT_DIM_LABEL_WORDS if compact else DIM_LABEL_WORDS)
        self.dim.setFixedWidth(COMPACT_DIM_SLIDER_PX if compact else DIM_SLIDER_PX)
        ems = COMPACT_OUTPUT_EMS if compact else OUTPUT_EMS
        self.output.setFixedWidth(self.output.fontMetrics().horizontalAdvance("M") * ems)
        self.arc.set_density(density)
        self.now_playing.set_density(density, min_height_px=self.alerts.minimumSizeHint().height())
        for button in self.buttons.values():
            button.set_density(density)
        self._commands_layout.setContentsMargins(*((8, 3, 8, 5) if compact else (12, 6, 12, 10)))
        self._commands_layout.setSpacing(4 if compact else 6)
        # Compact, everything is in view: the session's row (Dose given, the primary one)
        # comes first. Otherwise the sound's, whose Pause, Calm down and Fade are needed
        # fast and used to be the only ones above the fold.
        first, second = (
            (self._session_row, self._sound_row)
            if compact
            else (self._sound_row, self._session_row)
        )
        for row in (first, second):
            self._commands_layout.removeItem(row)
            row.setParent(None)  # else Qt refuses to add it again ("already has a parent")
        self._commands_layout.addLayout(first)
        self._commands_layout.addLayout(second)

    def _fit_header(self) -> None:
        """Compact, the header is one line: the playlist's title gives up what the rest of
        the line needs (cut with "…", whole in its tooltip). Otherwise it wraps to two."""
        if self.density is not theme.COMPACT_DENSITY:
            self._title.setMaximumWidth(QWIDGETSIZE_MAX)
            return
        margins = self._body_layout.contentsMargins()
        room = self.scroll.viewport().width() - margins.left() - margins.right()
        others = sum(
            widget.sizeHint()
            .expandedTo(widget.minimumSize())
            .boundedTo(widget.maximumSize())
            .width()
            for widget in self._header
        )
        others += self._header_layout.spacing() * len(self._header)
        left = room - others
        # Too little left (a rehearsal's marker in the line too): the line wraps anyway, and
        # the title keeps its words rather than shrink to "IV infusi…" for nothing.
        fits = left >= self._title.minimumSizeHint().width()
        self._title.setMaximumWidth(left if fits else QWIDGETSIZE_MAX)

    def _arrange_lower(self) -> None:
        margins = self.scroll.widget().layout().contentsMargins()
        room = self.scroll.viewport().width() - margins.left() - margins.right()
        needed = self._asks.minimumSize().width()
        log_needed = max(LOG_MIN_WIDTH_PX, self._log_card.minimumSizeHint().width())
        side_by_side = room >= needed + self.lower.spacing() + log_needed
        if side_by_side:
            # The column's width from the window's alone (three fifths), never from what its
            # cards say: a vitals card showing other fields changed the split and moved the
            # side-effect buttons sideways.
            share = min(room * ASKS_SHARE // 5, room - self.lower.spacing() - log_needed)
            self.asks_column.setFixedWidth(max(needed, share))
            self.lower.setDirection(QBoxLayout.Direction.LeftToRight)
        else:
            self.asks_column.setMinimumWidth(0)
            self.asks_column.setMaximumWidth(QWIDGETSIZE_MAX)
            self.lower.setDirection(QBoxLayout.Direction.TopToBottom)

    def _button_row(self, actions) -> FlowLayout:
        row = FlowLayout(spacing=8)
        for action, role in actions:
            button = ActionButton(action, role=role)
            self.arrival_guards.append(ArrivalGuard(button, self._clock))
            self.buttons[action.objectName()] = button
            row.addWidget(button)
        return row

    # --- reactions -----------------------------------------------------------------------------

    def _sample_button_places(self, _state=None) -> None:
        for guard in self.arrival_guards:
            guard.sample()

    def _on_refused(self, command: str, reason: str) -> None:
        if command in ("record_vitals", "record_scale", "skip_vitals", "end_session"):
            return  # shown where it was asked (the vitals prompt, the end dialog)
        self._say(reason, warning=True)

    def _on_done(self, command: str, message: str) -> None:
        if message:
            self._say(message, warning=False)
        # "Fading to silence" is true for the fade's 4 s only: after it, the line says what
        # is (it stayed up for 8 s, long after the sound had gone or come back).
        self._fade_ends_s = None
        if command in FADE_OUTCOMES:
            now_s = self.bridge.state.session_s
            self._fade_ends_s = None if now_s is None else now_s + SILENCE_FADE_S
            self._fade_outcome = FADE_OUTCOMES[command]

    def _follow_fade(self, state) -> None:
        ends_s = getattr(self, "_fade_ends_s", None)
        if ends_s is None or state.session_s is None or state.session_s < ends_s:
            return
        self._fade_ends_s = None
        self._say(self._fade_outcome, warning=False)

    def _say(self, text: str, *, warning: bool) -> None:
        self.status.setText(text)
        theme.set_role(self.status, "warning" if warning else "secondary")
        self._status_timer.start(STATUS_MS)

    def _on_changed(self, state) -> None:
        if state.status == "ended" and not self._ended_emitted:
            self._ended_emitted = True
            self.ended.emit()

    def _refresh_output(self, _state=None) -> None:
        status = self.bridge.engine.output_status()
        if status.present:
            text, role = f"● {status.device}", "ok"
        else:
            text, role = f"● {status.device}: {status.message or 'not connected'}", "warning"
        if self.output.text() != text:
            self.output.setText(text)
        theme.set_role(self.output, role)

    def open_end_dialog(self) -> EndSessionDialog:
        self.end_dialog = EndSessionDialog(self.bridge, self)
        # open(), not exec(): no nested event loop; the session and the arc keep running.
        self.end_dialog.open()
        return self.end_dialog
