"""Every session command once: its name, words, keys, what it toggles with, when it is
enabled, its step, and what it does to the timeline.

The console's actions (``ui/actions.py``), the patient view (``ui/patient_controls.py``),
``session-player play``'s keys (``cli/play.py``) and ``render --commands`` scripts
(``engine/command_script.py``) all read this table, so a rule (the volume step, which of a
toggle's two commands a key means now, when Extend is enabled) is written here and nowhere
else. Adding a command is one row here plus its handler on the timeline.

A row is a :class:`SessionCommand`; calling it runs it on a timeline::

    LOUDER(timeline)              # one volume step up, within the limit (None: at it)
    CALM(timeline)                # calm down, or undo it when calm
    CALM.turn_off(timeline)       # undo calm down, whatever the state (a script's step)
    SET_VOLUME(timeline, -14.0)   # an explicit level

Rows whose ``prompt`` is true need a decision first (End session asks for a reason when the
minimum observation has not passed, Vitals for the readings): the front end asks, then
calls the row with the answer. ``patient_view`` only switches screens: it has no handler.
Qt-free and pygame-free, like the rest of the session package. The console's window
imports it at launch, so it imports nothing heavy (the playlist model, pydantic) itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from session_player.playlist.durations import format_duration

if TYPE_CHECKING:
    from session_player.session.commands import CommandResult
    from session_player.session.state import SessionState
    from session_player.session.timeline import SessionTimeline

VOLUME_STEP_DB = 2.0  # one tap of Louder/Quieter, anywhere: audible, never a jump

Handler = Callable[..., "CommandResult | None"]


def _always(state: SessionState) -> bool:
    return True


@dataclass(frozen=True)
class Toggle:
    """A command with two halves, chosen by the state: calm down / undo, fade / back…"""

    on_name: str  # the timeline's command that turns it on (refusals name it)
    off_name: str
    is_on: Callable[[SessionState], bool]
    turn_on: Handler
    turn_off: Handler
    on_label: str  # the words while it is on ("Resume" on the Pause button)
    on_script: str  # its names in a render --commands script
    off_script: str
    on_tip: str = ""  # the tooltip while it is on, when it says something else


@dataclass(frozen=True)
class SessionCommand:
    name: str  # stable: the QAction's and the button's object name, the journal's word
    label: str
    shortcut: str = ""  # in the console (Qt's key-sequence text); "" for none
    play_key: str = ""  # in ``session-player play`` (a letter, then Enter)
    tip: str = ""
    enabled: Callable[[SessionState], bool] = _always
    handler: Handler | None = None  # (timeline, *args): what it does
    toggle: Toggle | None = None
    step_db: float | None = None  # Louder/Quieter: +/- this much
    script: str = ""  # its name in a render --commands script (toggles: see Toggle)
    prompt: bool = False  # the front end asks something first (see the module docstring)
    extra_shortcuts: tuple[str, ...] = ()  # other keys for the same command ("=" for "+")
    # The timeline's command it runs, when not ``name`` (results and refusals name it)
    timeline_command: str = ""
    # Words that depend on the state beyond a toggle (None: the label): "Extend +5m"
    label_now: Callable[[SessionState], str | None] | None = None

    def __call__(self, timeline: SessionTimeline, *args, **kwargs) -> CommandResult | None:
        if self.toggle is not None:
            toggle = self.toggle
            half = toggle.turn_off if toggle.is_on(timeline.state()) else toggle.turn_on
            return half(timeline, *args, **kwargs)
        if self.handler is None:
            raise TypeError(f"{self.name} changes what is shown, not the session")
        return self.handler(timeline, *args, **kwargs)

    def command_name(self, state: SessionState) -> str:
        """The timeline command this row means now (for a refusal's message)."""
        if self.toggle is not None:
            return self.toggle.off_name if self.toggle.is_on(state) else self.toggle.on_name
        return self.timeline_command or self.name

    def is_on(self, state: SessionState) -> bool:
        return self.toggle is not None and self.toggle.is_on(state)

    def label_for(self, state: SessionState) -> str:
        """The words now: a toggle's other half when it is on; Extend says how much."""
        if self.is_on(state):
            return self.toggle.on_label  # type: ignore[union-attr]
        if self.label_now is not None:
            return self.label_now(state) or self.label
        return self.label

    def is_enabled(self, state: SessionState) -> bool:
        return self.enabled(state)

    def tip_for(self, state: SessionState) -> str:
        if self.is_on(state) and self.toggle.on_tip:  # type: ignore[union-attr]
            return self.toggle.on_tip  # type: ignore[union-attr]
        return self.tip


def _volume_step(direction: int) -> Handler:
    def step(timeline: SessionTimeline, by: str = "clinician") -> CommandResult | None:
        from session_player.session.record import MIN_VOLUME_DB

        state = timeline.state()
        wanted = state.volume_db + direction * VOLUME_STEP_DB
        # Never ask above the limit: the timeline would clamp, but a request above the cap
        # should not even be made.
        wanted = max(MIN_VOLUME_DB, min(state.volume_limit_db, wanted))
        if wanted == state.volume_db:
            return None
        return timeline.set_volume(wanted, by=by)

    return step


def _live(state: SessionState) -> bool:
    return state.live


DOSE = SessionCommand(
    "dose_given",
    "Dose given",
    shortcut="D",
    play_key="d",
    tip="Mark the dose as given: time zero of the arc",
    enabled=lambda s: s.status == "settling" and not s.dose_given,
    handler=lambda t, ago_s=0.0: t.mark_dose_given(ago_s),
    script="dose",
    timeline_command="mark_dose_given",
    label_now=lambda s: "Dose given ✓" if s.dose_given else None,
)
PAUSE = SessionCommand(
    "pause_audio",
    "Pause",
    shortcut="Space",
    play_key="p",
    tip="Pause or resume the audio (2 s fade); the dose clock runs on",
    enabled=_live,
    toggle=Toggle(
        "pause_audio",
        "resume_audio",
        lambda s: s.paused,
        lambda t: t.pause_audio(),
        lambda t: t.resume_audio(),
        on_label="Resume",
        on_script="pause",
        off_script="resume",
    ),
)
EXTEND = SessionCommand(
    "extend_phase",
    "Extend",
    shortcut="E",
    play_key="e",
    tip="Make this phase longer by its extend step (up to its max_extend)",
    enabled=lambda s: s.live and s.can_extend,
    handler=lambda t: t.extend_phase(),
    script="extend",
    label_now=lambda s: f"Extend +{format_duration(s.next_extend_s)}" if s.next_extend_s else None,
)
HOLD = SessionCommand(
    "hold_phase",
    "Hold phase",
    shortcut="H",
    play_key="h",
    tip=(
        "Keep this phase playing past its planned end until you advance "
        "(at most the playlist's max hold)"
    ),
    enabled=lambda s: s.live and (s.can_hold or s.can_release_hold),
    toggle=Toggle(
        "hold_phase",
        "release_hold",
        lambda s: s.can_release_hold,
        lambda t: t.hold_phase(),
        lambda t: t.release_hold(),
        on_label="Release hold",
        on_script="hold",
        off_script="release",
        on_tip="Let the phase end on time again (now, if its planned end has passed)",
    ),
)
ADVANCE = SessionCommand(
    "advance_phase",
    "Advance",
    shortcut="N",
    play_key="n",
    tip="Start the next phase now, with its crossfade",
    enabled=lambda s: s.live and s.can_advance,
    handler=lambda t: t.advance_phase(),
    script="advance",
)
CALM = SessionCommand(
    "calm_down",
    "Calm down",
    shortcut="C",
    play_key="c",
    tip="Music down and the grounding soundscape; press again to undo",
    enabled=_live,
    toggle=Toggle(
        "calm_down",
        "undo_calm_down",
        lambda s: s.calm,
        lambda t: t.calm_down(),
        lambda t: t.undo_calm_down(),
        on_label="Undo calm down",
        on_script="calm_down",
        off_script="undo_calm_down",
    ),
)
FADE = SessionCommand(
    "fade_to_silence",
    "Fade out",
    shortcut="F",
    play_key="f",
    tip="Fade everything to silence; press again to fade back",
    enabled=_live,
    toggle=Toggle(
        "fade_to_silence",
        "fade_back",
        lambda s: s.silenced,
        lambda t: t.fade_to_silence(),
        lambda t: t.fade_back(),
        on_label="Fade back",
        on_script="fade_to_silence",
        off_script="fade_back",
    ),
)
QUIETER = SessionCommand(
    "volume_down",
    "Quieter",
    shortcut="-",
    play_key="-",
    tip=f"{VOLUME_STEP_DB:g} dB quieter",
    enabled=lambda s: s.can_quieter,
    handler=_volume_step(-1),
    step_db=-VOLUME_STEP_DB,
    timeline_command="set_volume",
)
LOUDER = SessionCommand(
    "volume_up",
    "Louder",
    shortcut="+",
    play_key="+",
    tip=f"{VOLUME_STEP_DB:g} dB louder, never above the cap",
    enabled=lambda s: s.can_louder,
    handler=_volume_step(+1),
    step_db=VOLUME_STEP_DB,
    timeline_command="set_volume",
    extra_shortcuts=("=",),  # the + key without Shift on most layouts
)
SET_VOLUME = SessionCommand(
    "set_volume",
    "Volume",
    enabled=_live,
    handler=lambda t, volume_db, by="clinician": t.set_volume(volume_db, by=by),
    script="volume",
)
SET_VOLUME_CAP = SessionCommand(
    "set_volume_cap",
    "Volume cap",
    enabled=_live,
    handler=lambda t, cap_db: t.set_volume_cap(cap_db),
)
SOUNDSCAPE = SessionCommand(
    "choose_soundscape",
    "Soundscape",
    shortcut="S",
    tip="Choose the soundscape for the patient",
    enabled=lambda s: s.can_choose_soundscape,
    handler=lambda t, soundscape_id, by="clinician": t.choose_soundscape(soundscape_id, by=by),
    script="soundscape",
    prompt=True,  # which one: a menu in the console
)
VITALS = SessionCommand(
    "enter_vitals",
    "Vitals",
    shortcut="V",
    tip="Enter blood pressure, heart rate and SpO2",
    enabled=lambda s: s.status != "ready",
    handler=lambda t, *args, **kwargs: t.record_vitals(*args, **kwargs),
    prompt=True,  # the readings
    timeline_command="record_vitals",
)
PATIENT_VIEW = SessionCommand(
    "patient_view",
    "Patient view",
    shortcut="P",
    tip="Show the dim patient screen (hold its corner to return)",
    enabled=_live,
)
ANSWER_CALL = SessionCommand(
    "answer_patient_call",
    "Answer call",
    shortcut="A",
    enabled=lambda s: s.patient_call_pending,
    handler=lambda t: t.answer_patient_call(),
)
END = SessionCommand(
    "end_session",
    "End session",
    shortcut="Ctrl+E",
    play_key="q",
    tip="End the session (asks for confirmation)",
    enabled=_live,
    handler=lambda t, reason=None: t.end_session(reason),
    script="end",
    prompt=True,  # a confirmation, and a reason before the minimum observation
)

# Commands with no key of their own: the patient view's, the clinical record's.
PATIENT_CALLED = SessionCommand(
    "patient_called", "Call", enabled=_live, handler=lambda t: t.patient_called()
)
ADD_NOTE = SessionCommand("add_note", "Note", handler=lambda t, text: t.add_note(text))
SKIP_VITALS = SessionCommand(
    "skip_vitals", "Skip check", handler=lambda t, check, reason: t.skip_vitals(check, reason)
)
LOG_SIDE_EFFECT = SessionCommand(
    "log_side_effect",
    "Side effect",
    handler=lambda t, kind, note="": t.log_side_effect(kind, note),
)
WITHDRAW_SIDE_EFFECT = SessionCommand(
    "withdraw_side_effect",
    "Withdraw side effect",
    handler=lambda t, seq: t.withdraw_side_effect(seq),
)
ACKNOWLEDGE_ALERT = SessionCommand(
    "acknowledge_alert", "Acknowledge", handler=lambda t, alert_id: t.acknowledge_alert(alert_id)
)
RECORD_SCALE = SessionCommand(
    "record_scale",
    "Scale",
    handler=lambda t, *args, **kwargs: t.record_scale(*args, **kwargs),
)
RECORD_FORM_FIELD = SessionCommand(
    "record_form_field",
    "Form field",
    handler=lambda t, *args, **kwargs: t.record_form_field(*args, **kwargs),
)

# The console's buttons and keys, in the order it lays them out.
CONSOLE_COMMANDS: tuple[SessionCommand, ...] = (
    DOSE,
    PAUSE,
    EXTEND,
    HOLD,
    ADVANCE,
    CALM,
    FADE,
    QUIETER,
    LOUDER,
    SOUNDSCAPE,
    VITALS,
    PATIENT_VIEW,
    ANSWER_CALL,
    END,
)
ALL_COMMANDS: tuple[SessionCommand, ...] = (
    *CONSOLE_COMMANDS,
    SET_VOLUME,
    SET_VOLUME_CAP,
    PATIENT_CALLED,
    ADD_NOTE,
    SKIP_VITALS,
    LOG_SIDE_EFFECT,
    WITHDRAW_SIDE_EFFECT,
    ACKNOWLEDGE_ALERT,
    RECORD_SCALE,
    RECORD_FORM_FIELD,
)
# By name, and by the timeline command a row runs ("record_vitals" is Vitals): for front
# ends that name a command in text (a test's set-up, a script).
BY_NAME: dict[str, SessionCommand] = {
    **{command.timeline_command: command for command in ALL_COMMANDS if command.timeline_command},
    **{command.name: command for command in ALL_COMMANDS},
}
# ``session-player play``: key -> command (the keys are in the table above).
PLAY_KEYS: dict[str, SessionCommand] = {c.play_key: c for c in ALL_COMMANDS if c.play_key}


def _script_actions() -> dict[str, tuple[SessionCommand, str]]:
    """A render script's action -> (row, which half: "on", "off" or "")."""
    actions: dict[str, tuple[SessionCommand, str]] = {}
    for command in ALL_COMMANDS:
        if command.toggle is not None:
            actions[command.toggle.on_script] = (command, "on")
            actions[command.toggle.off_script] = (command, "off")
        elif command.script:
            actions[command.script] = (command, "")
    return actions


SCRIPT_ACTIONS = _script_actions()


def run_script_action(timeline: SessionTimeline, action: str, *args) -> CommandResult | None:
    """A render script's step: a toggle's half is taken as written, whatever the state
    (``undo_calm_down`` when not calm is refused by the timeline, as in the console)."""
    command, half = SCRIPT_ACTIONS[action]
    if half == "on":
        return command.toggle.turn_on(timeline, *args)  # type: ignore[union-attr]
    if half == "off":
        return command.toggle.turn_off(timeline, *args)  # type: ignore[union-attr]
    return command(timeline, *args)


def play_keys_help() -> str:
    """One line for ``play``: every key and what it does."""
    parts = []
    for key, command in PLAY_KEYS.items():
        words = command.label.lower()
        if command.toggle is not None:
            words = f"{words}/{command.toggle.on_label.lower()}"
        parts.append(f"{key} {words}")
    return "Keys (then Enter): " + " · ".join(parts)
