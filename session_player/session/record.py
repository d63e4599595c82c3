"""The session as the journal tells it: state rebuilt by applying events in order.

``SessionRecord.apply(event)`` is the only code that changes session state, for the live
timeline (which journals an event first and then applies it) and for recovery (which applies
every event of the journal). So the state after a crash is, by construction, the state
before it: ``state = f(playlist, journal, clock)``.

Events carry resolved values (the clamped volume, the check a reading belongs to, the
exact tau at which a phase started), so applying never decides anything and never refuses.
Unknown event types are ignored, so an older app can resume a newer journal's session.
"""

from __future__ import annotations

from dataclasses import dataclass

from session_player.playlist.model import Playlist
from session_player.session.arc import (
    PhaseRun,
    effective_soundscape,
    phase_crossfade_s,
)
from session_player.session.audio_time import PAUSE_FADE_S, AudioTimeline
from session_player.session.scales import parts_of
from session_player.session.schedule import SETTLING, Bus, BusEvent, SoundscapeChoice
from session_player.session.vitals import check_specs

SILENCE_FADE_S = 4.0  # fade to silence and back
VOLUME_RAMP_S = 0.5  # a volume change: quick, but never a step (a step clicks)
END_FADE_S = 10.0  # the end of the session fades out over this
CHOICE_CROSSFADE_S = 6.0  # a soundscape chosen by the patient or the clinician
MIN_VOLUME_DB = -60.0


@dataclass
class Alert:
    id: int
    kind: str
    message: str
    raised_session_s: float
    raised_wall: str
    acknowledged: bool = False


class SessionRecord:
    """Everything known about one session, as of the last applied event."""

    def __init__(self, playlist: Playlist) -> None:
        self.playlist = playlist
        self.check_specs = check_specs(playlist.clinical)
        self.status = "ready"  # ready | settling | running | ended
        self.started: dict | None = None  # the session_started event
        self.alias = ""
        self.seed = 0
        self.dose_session_s: float | None = None
        self.dose_wall: str | None = None
        self.audio = AudioTimeline()
        self.runs: list[PhaseRun] = []
        self.silenced = False
        self.calm = False
        self.calm_soundscape_on = False
        self.volume_db = playlist.levels.default_volume_db
        self.volume_cap_db = playlist.levels.max_volume_db
        self.chosen_soundscape: str | None = None
        self.chosen_in_index: int | None = None
        self.soundscape_id: str | None = None  # what the soundscape slot plays now
        self.vitals_done: set[str] = set()  # checks recorded in full, or skipped
        self.parts_done: dict[str, set[str]] = {}  # check -> vitals / sedation / … recorded
        self.readings: list[dict] = []
        self.scores: list[dict] = []  # scale_recorded events (MOAA/S, dissociation, CADSS)
        # (form, field) -> its latest form_field_recorded event (the answer that counts)
        self.form_fields: dict[tuple[str, str], dict] = {}
        self.side_effects: list[dict] = []
        self.withdrawn_side_effects: set[int] = set()  # seq of side effects logged by mistake
        self.note_count = 0
        self.alerts: dict[int, Alert] = {}
        self.patient_call_pending = False
        self.ended_session_s: float | None = None
        self.ended_tau_s: float | None = None
        self.end_reason: str | None = None
        self.master_db: float | None = None  # the master bus level now (None: silent)
        self.music_db = 0.0
        self.bus_events: list[BusEvent] = []
        self.soundscape_choices: list[SoundscapeChoice] = []
        self.last_seq = 0
        self.last_event: dict | None = None

    # --- derived ---------------------------------------------------------------------------

    @property
    def current_index(self) -> int | None:
        """SETTLING before the dose, the playlist index of the phase after it, None before start."""
        if self.status == "ready":
            return None
        return self.runs[-1].index if self.runs else SETTLING

    @property
    def current_run(self) -> PhaseRun | None:
        return self.runs[-1] if self.runs else None

    @property
    def paused(self) -> bool:
        return self.audio.paused

    def dose_s(self, session_s: float) -> float | None:
        return None if self.dose_session_s is None else session_s - self.dose_session_s

    def next_alert_id(self) -> int:
        return max(self.alerts, default=0) + 1

    # --- applying --------------------------------------------------------------------------

    def apply(self, event: dict) -> None:
        handler = getattr(self, "_on_" + event["type"], None)
        if handler is not None:
            handler(event, float(event["session_s"]))
        self.last_seq = event["seq"]
        self.last_event = event

    def _tau(self, session_s: float) -> float:
        return self.audio.tau_at(session_s)

    def _bus(self, tau_s: float, bus: Bus, gain_db: float | None, ramp_s: float) -> None:
        self.bus_events.append(BusEvent(tau_s, bus, gain_db, ramp_s))

    def _update_master(self, tau_s: float, ramp_s: float) -> None:
        # One rule for the master level, whatever changed it: silent while paused, silenced
        # or ended, else the volume. Only a real change makes a bus event.
        target = (
            None if (self.status == "ended" or self.paused or self.silenced) else self.volume_db
        )
        if target != self.master_db:
            self._bus(tau_s, "master", target, ramp_s)
            self.master_db = target

    def _update_soundscape(self, tau_s: float, crossfade_s: float) -> None:
        index = self.current_index
        if index is None:
            return
        wanted = effective_soundscape(
            self.playlist,
            index,
            self.chosen_soundscape,
            self.chosen_in_index,
            self.calm_soundscape_on,
        )
        # None ("nothing named anywhere") is not expressible in the schedule: the slot keeps
        # what it plays. validate warns about phases that leave the slot undefined.
        if wanted is not None and wanted != self.soundscape_id:
            self.soundscape_choices.append(SoundscapeChoice(tau_s, wanted, crossfade_s))
            self.soundscape_id = wanted

    # --- the arc ---

    def _on_session_started(self, event: dict, t: float) -> None:
        self.started = event
        self.status = "settling"
        self.alias = str(event.get("alias", ""))
        self.seed = int(event.get("seed", 0))
        tau = self._tau(t)
        # Start from explicit silence, then fade in: the mixer may not start silent.
        self._bus(tau, "master", None, 0.0)
        self._bus(tau, "music", 0.0, 0.0)
        self._update_master(tau, self.playlist.transitions.fade_in)
        self._update_soundscape(tau, self.playlist.transitions.fade_in)

    def _on_dose_given(self, event: dict, t: float) -> None:
        self.dose_session_s = float(event["dose_session_s"])
        self.dose_wall = event.get("dose_wall", event.get("wall"))
        if self.status == "settling":
            self.status = "running"
            self.runs.append(PhaseRun(0, float(event["tau_s"]), t, "dose"))
            self._update_soundscape(float(event["tau_s"]), phase_crossfade_s(self.playlist, 0))

    def _on_phase_started(self, event: dict, t: float) -> None:
        index = int(event["index"])
        tau = float(event["tau_s"])
        self.runs.append(PhaseRun(index, tau, t, str(event.get("cause", ""))))
        self._update_soundscape(tau, phase_crossfade_s(self.playlist, index))

    def _on_phase_holding(self, event: dict, t: float) -> None:
        if self.runs:
            self.runs[-1].holding_logged = True

    def _on_phase_held(self, event: dict, t: float) -> None:
        # The clinician holds an end: advance phase; the event carries its max_hold, so a
        # changed playlist cannot change a hold already journaled.
        if self.runs:
            run = self.runs[-1]
            run.held_max_s = float(event["max_hold_s"])
            run.released_tau_s = None

    def _on_hold_released(self, event: dict, t: float) -> None:
        if self.runs:
            run = self.runs[-1]
            run.held_max_s = None
            run.released_tau_s = float(event["tau_s"])

    def _on_phase_extended(self, event: dict, t: float) -> None:
        run = self.runs[-1]
        run.extension_s += float(event["added_s"])
        run.holding_logged = False  # the planned end moved: it may hold again later

    def _on_session_ended(self, event: dict, t: float) -> None:
        self.status = "ended"
        self.ended_session_s = t
        self.ended_tau_s = self._tau(t)
        self.end_reason = event.get("reason")
        self._update_master(self.ended_tau_s, END_FADE_S)

    # --- audio commands ---

    def _on_audio_paused(self, event: dict, t: float) -> None:
        self.audio.pause(t)
        self._update_master(self._tau(t), PAUSE_FADE_S)

    def _on_audio_resumed(self, event: dict, t: float) -> None:
        self.audio.resume(t)
        self._update_master(self._tau(t), PAUSE_FADE_S)

    @property
    def volume_limit_db(self) -> float:
        """The most anyone may set now: the clinician's cap, never above the playlist's
        ceiling (the one place this rule is written; the state publishes it)."""
        return min(self.playlist.levels.max_volume_db, self.volume_cap_db)

    def _on_volume_set(self, event: dict, t: float) -> None:
        self.volume_db = float(event["volume_db"])
        self._update_master(self._tau(t), VOLUME_RAMP_S)

    def _on_volume_cap_set(self, event: dict, t: float) -> None:
        self.volume_cap_db = float(event["cap_db"])
        self.volume_db = min(self.volume_db, self.volume_cap_db)
        self._update_master(self._tau(t), VOLUME_RAMP_S)

    def _on_soundscape_chosen(self, event: dict, t: float) -> None:
        self.chosen_soundscape = str(event["soundscape_id"])
        self.chosen_in_index = self.current_index
        if event.get("by") == "clinician":
            # The clinician's choice replaces the grounding soundscape; the music stays down.
            self.calm_soundscape_on = False
        self._update_soundscape(self._tau(t), CHOICE_CROSSFADE_S)

    def _on_calm_down(self, event: dict, t: float) -> None:
        calm = self.playlist.calm_down
        self.calm = True
        self.calm_soundscape_on = calm.soundscape is not None
        tau = self._tau(t)
        self.music_db = calm.music_db
        self._bus(tau, "music", self.music_db, calm.fade)
        self._update_soundscape(tau, calm.fade)

    def _on_calm_down_undone(self, event: dict, t: float) -> None:
        calm = self.playlist.calm_down
        self.calm = False
        self.calm_soundscape_on = False
        tau = self._tau(t)
        self.music_db = 0.0
        self._bus(tau, "music", self.music_db, calm.fade)
        self._update_soundscape(tau, calm.fade)

    def _on_faded_to_silence(self, event: dict, t: float) -> None:
        self.silenced = True
        self._update_master(self._tau(t), SILENCE_FADE_S)

    def _on_faded_back(self, event: dict, t: float) -> None:
        self.silenced = False
        self._update_master(self._tau(t), SILENCE_FADE_S)

    # --- clinical record ---

    def _on_vitals_recorded(self, event: dict, t: float) -> None:
        if event.get("check"):
            self._part_done(str(event["check"]), "vitals")
        self.readings.append(event)

    def _on_scale_recorded(self, event: dict, t: float) -> None:
        if event.get("check"):
            self._part_done(str(event["check"]), str(event.get("scale")))
        self.scores.append(event)

    def _part_done(self, check: str, part: str) -> None:
        # A check is done once each of its parts (its vital signs, each scale) is recorded.
        done = self.parts_done.setdefault(check, set())
        done.add(part)
        spec = next((s for s in self.check_specs if s.key == check), None)
        if spec is None or parts_of(spec.measures) <= done:
            self.vitals_done.add(check)

    def _on_form_field_recorded(self, event: dict, t: float) -> None:
        self.form_fields[(str(event.get("form")), str(event.get("field")))] = event

    def _on_vitals_skipped(self, event: dict, t: float) -> None:
        self.vitals_done.add(event["check"])

    def _on_side_effect(self, event: dict, t: float) -> None:
        self.side_effects.append(event)

    def _on_side_effect_withdrawn(self, event: dict, t: float) -> None:
        self.withdrawn_side_effects.add(int(event["side_effect_seq"]))

    def _on_note(self, event: dict, t: float) -> None:
        self.note_count += 1

    def _on_alert_raised(self, event: dict, t: float) -> None:
        alert_id = int(event["alert_id"])
        self.alerts[alert_id] = Alert(
            alert_id, str(event["kind"]), str(event.get("message", "")), t, str(event.get("wall"))
        )

    def _on_alert_acknowledged(self, event: dict, t: float) -> None:
        alert = self.alerts.get(int(event["alert_id"]))
        if alert is not None:
            alert.acknowledged = True

    def _on_patient_called(self, event: dict, t: float) -> None:
        self.patient_call_pending = True

    def _on_patient_call_answered(self, event: dict, t: float) -> None:
        self.patient_call_pending = False
