"""The session record: one plain, complete, frozen description of a session, read from its
journal. The report (PDF), the exports (FHIR, CSV) and the course of sessions all read this,
never the journal's dicts directly, so that a rule ("a withdrawn side effect stays in the
record, marked") is decided once, in ``session_record.py``.

Every class here is a frozen dataclass of plain values (str, float, int, bool, None, tuples),
so a record can be compared, hashed where its parts allow, and handed to another thread.

Times: a ``Moment`` is one instant as the journal has it, on three clocks:

- ``wall``: the ISO 8601 text with its UTC offset (``2026-03-02T10:42:07.123+01:00``);
- ``session_s``: seconds since the session started (settling included);
- ``dose_s``: seconds since the dose (the dose clock never pauses); None before the dose.

The parts, in the order a report shows them:

- ``ClinicalRecord``: who/where (``clinic``, ``alias``: the only identity), the playlist and
  ``route``, ``dose_entered`` (what the clinician typed as route and dose), the times
  (``started``, ``dose``, ``ended``), the end (``end_reason``, ``ended_early``,
  ``minimum_observation_s``), then the tuples below;
- ``PhaseRecord``: each phase as it really ran (settling first, index -1), with
  ``how_started`` and its ``changes`` (extensions, holds, releases) in order;
- ``VitalReading`` (with its ``VitalFlag``s) and ``VitalThresholds``; ``ScaleScore``; ``CheckOutcome`` for
  each vital-sign check of the playlist (recorded, skipped with a reason, missed, open);
- ``SideEffectRecord`` (a withdrawn one stays, with ``withdrawn``), ``NoteRecord``;
- ``AlertRecord`` (raised, acknowledged or not), ``PatientCall``, ``Resumption`` (the app
  stopped and the session resumed);
- ``PlayedPhase`` (music and soundscape of each phase) and ``PlayedChange`` (soundscape
  chosen, calm down, fades, pauses, volume);
- ``ListeningDoseRecord``: the estimated headphone listening dose and its calibration;
- ``DischargeRecord``: the discharge checklist as recorded (items, when, by whom if known);
- ``UnreadLine``: journal lines that could not be read (a corrupted line in the middle, a
  torn last line after a crash), with their 1-based line numbers: a damaged journal still
  gives a record, and the record says what is missing from it.

``events`` keeps every event that was read, in journal order (plain dicts: treat them as
read-only), for an export that wants one row per event.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from session_player.record.listening_dose import ListeningDose
from session_player.record.rems_form import FilledForm

MEASURES = ("systolic", "diastolic", "heart_rate", "spo2")
MEASURE_UNITS = {"systolic": "mmHg", "diastolic": "mmHg", "heart_rate": "/min", "spo2": "%"}
MEASURE_UNITS["respiratory_rate"] = "/min"  # VitalReading.respiratory_rate (scales chart)


@dataclass(frozen=True)
class Moment:
    """One instant on the wall clock, the session clock and the dose clock."""

    wall: str | None  # ISO 8601 with offset, as journaled; None if the event had none
    session_s: float | None
    dose_s: float | None  # None before the dose


@dataclass(frozen=True)
class Clinic:
    """Where the session took place (from the clinic's settings; empty when not set)."""

    name: str = ""
    room: str = ""


@dataclass(frozen=True)
class PhaseChange:
    """Something that changed a phase's length while it ran."""

    at: Moment
    kind: str  # "extended" | "holding" (reached its planned end, waits) | "held" | "released"
    added_s: float = 0.0  # for "extended"
    text: str = ""  # in words: "extended by 5m", "held by the clinician (at most 10m more)"


@dataclass(frozen=True)
class PhaseRecord:
    index: int  # -1 for settling, else the playlist's index
    phase_id: str
    name: str
    started: Moment
    ended: Moment | None  # the next phase's start or the session's end; None: still running
    how_started: str  # "start", "dose", "time", "clinician", "max_hold", "release", ...
    planned_s: float | None  # the playlist's duration (None: settling, or playlist unknown)
    extended_s: float
    changes: tuple[PhaseChange, ...]

    @property
    def length_s(self) -> float | None:
        if self.ended is None or self.ended.session_s is None or self.started.session_s is None:
            return None
        return self.ended.session_s - self.started.session_s


@dataclass(frozen=True)
class VitalFlag:
    measure: str  # one of MEASURES
    message: str  # as journaled: "Systolic 152 mmHg is above 140"


@dataclass(frozen=True)
class VitalReading:
    seq: int
    at: Moment
    check: str | None  # the check's key (None: an unscheduled reading)
    check_label: str  # "Before the dose", "40m after the dose", "unscheduled"
    systolic: float | None
    diastolic: float | None
    heart_rate: float | None
    spo2: float | None
    flags: tuple[VitalFlag, ...]
    written_late: bool = False  # reached the journal late (the disk was full)
    respiratory_rate: float | None = None  # breaths per minute, when the check asked for it

    def value(self, measure: str) -> float | None:
        return getattr(self, measure)

    def flagged(self, measure: str) -> bool:
        return any(flag.measure == measure for flag in self.flags)


@dataclass(frozen=True)
class ScaleScore:
    """A clinical scale taken at a check (session/scales.py): MOAA/S, a 0-10 dissociation
    rating, or the CADSS with its 23 item scores."""

    seq: int
    at: Moment
    check: str | None
    check_label: str
    scale: str  # "sedation" | "dissociation" | "cadss"
    name: str  # "MOAA/S", "Dissociation", "CADSS"
    score: int  # the CADSS: the total of its items
    out_of: int  # 5, 10, 92
    items: tuple[int, ...] = ()  # the CADSS's 23 item scores
    flags: tuple[str, ...] = ()  # as journaled: "MOAA/S 3 is below 4 (sedation)"


@dataclass(frozen=True)
class VitalThresholds:
    """The advisory limits the readings were flagged against (None: not known)."""

    systolic_max: float | None = None
    diastolic_max: float | None = None
    heart_rate_max: float | None = None
    heart_rate_min: float | None = None
    spo2_min: float | None = None
    source: str = "playlist"  # "playlist", or "flags" when read back from flag messages
    # The respiratory rate's and the scales' limits (the scales chart draws them).
    respiratory_rate_min: float | None = None
    respiratory_rate_max: float | None = None
    sedation_min: float | None = None  # MOAA/S below this is flagged
    dissociation_max: float | None = None  # a 0-10 rating above this is flagged
    cadss_max: float | None = None  # a CADSS total above this is flagged


@dataclass(frozen=True)
class ListeningDoseRecord:
    """The session's estimated headphone listening dose (``listening_dose.py``) and what it
    assumed. The journal does not name the device that played, so the calibration is the
    loudest headphone the clinic entered (never an underestimate), else the default."""

    dose: ListeningDose
    calibration_source: str  # in words: which headphone's level, or that it is the default
    warn_percent: float  # the clinic's warning share of the weekly allowance
    settings_problem: str | None = None  # listening.json could not be read: defaults used

    @property
    def over_warning(self) -> bool:
        return self.dose.percent > self.warn_percent


@dataclass(frozen=True)
class CheckOutcome:
    """One vital-sign check of the playlist and what became of it."""

    key: str
    label: str
    due: str  # "before the dose", "+40:00", "at discharge"
    outcome: str  # "recorded" | "skipped" | "missed" | "open" (not due yet, or due at the end)
    at: Moment | None = None  # when recorded or skipped
    reason: str = ""  # why skipped


@dataclass(frozen=True)
class SideEffectRecord:
    seq: int
    at: Moment
    kind: str  # nausea, anxiety, ... (session.commands.SIDE_EFFECT_KINDS)
    note: str
    withdrawn: Moment | None = None  # undone as logged by mistake (kept, marked)


@dataclass(frozen=True)
class NoteRecord:
    seq: int
    at: Moment
    text: str


@dataclass(frozen=True)
class AlertRecord:
    alert_id: int
    kind: str
    message: str
    raised: Moment
    acknowledged: Moment | None  # None: never acknowledged

    @property
    def handled(self) -> str:
        return "acknowledged" if self.acknowledged is not None else "not acknowledged"


@dataclass(frozen=True)
class PatientCall:
    called: Moment
    answered: Moment | None


@dataclass(frozen=True)
class Resumption:
    """The app stopped (a crash, a power cut) and the session was resumed."""

    at: Moment
    away_s: float | None
    caught_up: int  # automatic transitions journaled late, at their own time


@dataclass(frozen=True)
class PlayedPhase:
    phase_id: str
    name: str
    music: tuple[str, ...]  # titles, in order
    soundscape: str | None  # its name


@dataclass(frozen=True)
class PlayedChange:
    at: Moment
    text: str  # "Ocean (chosen by the patient)", "Calm down", "Volume -12 dB"


@dataclass(frozen=True)
class DischargeRecord:
    recorded: Moment
    items: tuple[str, ...]
    by: str | None = None  # who recorded it, when the journal says (else None)


@dataclass(frozen=True)
class UnreadLine:
    line_no: int  # 1-based
    message: str  # "skipped: not valid JSON (…)", "torn last line (37 bytes, ignored)"


@dataclass(frozen=True)
class ClinicalRecord:
    journal_path: Path
    journal_sha256: str
    event_count: int
    clinic: Clinic
    alias: str  # the only identity of the patient in the record
    playlist_title: str
    playlist_path: str | None
    playlist_known: bool  # the playlist file was found and read (phase names, thresholds)
    playlist_changed: bool  # ...but its bytes differ from the session's
    route: str | None  # IV, IM, intranasal, sublingual, other; None: playlist unknown
    dose_entered: str | None  # route and dose as typed at the start, when journaled apart
    start_notes: str
    rehearsal_speed: float | None  # not a patient's record when set
    app_version: str | None
    started: Moment | None
    dose: Moment | None
    ended: Moment | None
    end_reason: str | None
    ended_early: bool  # ended before the minimum observation (or without a dose)
    minimum_observation_s: float | None
    phases: tuple[PhaseRecord, ...]
    readings: tuple[VitalReading, ...]
    thresholds: VitalThresholds
    checks: tuple[CheckOutcome, ...]
    side_effects: tuple[SideEffectRecord, ...]
    notes: tuple[NoteRecord, ...]
    alerts: tuple[AlertRecord, ...]
    patient_calls: tuple[PatientCall, ...]
    resumptions: tuple[Resumption, ...]
    played: tuple[PlayedPhase, ...]
    played_changes: tuple[PlayedChange, ...]
    discharge: DischargeRecord | None
    written_late: int  # events that reached the journal late (the disk was full)
    unread: tuple[UnreadLine, ...]
    events: tuple[dict, ...]
    scores: tuple[ScaleScore, ...] = ()  # the scales taken at the checks, in journal order
    # The Spravato REMS monitoring form as the journal fills it (record/rems_form.py), for
    # sessions that fill it (route: intranasal, or monitoring_form: spravato-rems); else None.
    rems_form: FilledForm | None = None
    # The estimated headphone listening dose (H.870 share) and its calibration; None only
    # for a record built without it.
    listening: ListeningDoseRecord | None = None

    @property
    def complete(self) -> bool:
        """Every line of the journal was read and the session has ended."""
        return not self.unread and self.ended is not None

    @property
    def active_side_effects(self) -> tuple[SideEffectRecord, ...]:
        return tuple(effect for effect in self.side_effects if effect.withdrawn is None)
