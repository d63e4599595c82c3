"""The playlist format as one pydantic model: it validates playlists and generates the JSON Schema.

Design rules for therapists who are not programmers: few required keys (``title``, ``route``,
``phases``), sensible defaults everywhere else, durations written as people write them
(``90s``, ``12m``, ``1h30m``), and audio paths relative to the file that names them.

Every model forbids unknown keys so that a typo (``duraton:``) is reported, with a "did you
mean" suggestion, instead of being silently ignored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from session_player.playlist.durations import (
    DURATION_PATTERN,
    PhaseTime,
    format_duration,
    parse_duration_s,
    parse_phase_time,
)

FORMAT_VERSION = 1

# DURATION_PATTERN comes from session_player.playlist.durations, built from the spellings it reads.
_DURATION_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": DURATION_PATTERN},
        {"type": "number", "minimum": 0},
    ],
    "description": "A duration such as 90s, 12m, 12 minutes, 1h 30m or 250ms; a bare number is seconds.",
}
_PHASE_TIME_SCHEMA = {
    "anyOf": [
        {
            "type": "string",
            "pattern": rf"^\s*(start|end|end\s*-\s*.+|{DURATION_PATTERN[1:-1]})\s*$",
        },
        {"type": "number", "minimum": 0},
    ],
    "description": "When, within the phase: start, 2m (after the start), end, end-1m (before the end).",
}


def _duration(value: object) -> float:
    # pydantic turns a ValueError raised here into a validation error at this node.
    return parse_duration_s(value)


Duration = Annotated[
    float,
    BeforeValidator(_duration),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema(_DURATION_SCHEMA),
]
PhaseTimeValue = Annotated[
    PhaseTime,
    BeforeValidator(parse_phase_time),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(_PHASE_TIME_SCHEMA),
]
GainDb = Annotated[
    float, Field(ge=-60.0, le=12.0, description="Gain in decibels; 0 leaves the level as is.")
]
Identifier = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        max_length=64,
        description="A short id in lower case, digits, - and _ (for example peak or soft-rain).",
    ),
]

# Words a patient's preferences can exclude (record/course_playlist.py): "lyrics" on a song
# with words, "bells" on music or a soundscape with bells in it, or the clinic's own words.
Tags = Annotated[
    list[Identifier],
    Field(
        description="Words describing this sound (lyrics, bells, water…): a patient's "
        "preferences can exclude what carries them.",
    ),
]


def _resolve_audio_path(value: str, info: ValidationInfo) -> str:
    """Paths are relative to the YAML file that names them, so a library can move with its audio."""
    base_dir = (info.context or {}).get("base_dir")
    path = Path(value).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    return str(path)


AudioPath = Annotated[
    str,
    Field(min_length=1, description="An audio file, relative to this YAML file."),
    AfterValidator(_resolve_audio_path),
]


class Strict(BaseModel):
    """Base of every model: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


# --- audio building blocks -------------------------------------------------------------------


def _item_shorthand(value: object) -> object:
    # "- music/slow-tide.ogg" is the same as "- file: music/slow-tide.ogg".
    return {"file": value} if isinstance(value, str) else value


class MusicItem(Strict):
    """One entry of a music list: an audio file or a planned silence."""

    file: AudioPath | None = None
    silence: Duration | None = Field(None, description="A planned silence of this length.")
    title: str | None = Field(None, description="Shown on the console; the file name otherwise.")
    gain_db: GainDb = 0.0
    tags: Tags = []

    @model_validator(mode="after")
    def _file_or_silence(self) -> MusicItem:
        if (self.file is None) == (self.silence is None):
            raise ValueError("an item needs either file: or silence:, not both and not neither")
        return self


MusicItemValue = Annotated[
    MusicItem, BeforeValidator(_item_shorthand, json_schema_input_type=str | MusicItem)
]


class MusicLayer(Strict):
    """Music of a phase: files in order or shuffled, looped or not, joined as chosen."""

    items: list[MusicItemValue] = Field(min_length=1)
    order: Literal["sequence", "shuffle"] = "sequence"
    loop: bool = Field(False, description="Start again from the first item after the last.")
    join: Literal["crossfade", "gapless", "gap"] = Field(
        "crossfade", description="How one item follows the next."
    )
    crossfade: Duration | None = Field(
        None, description="Crossfade length between items (default: transitions.crossfade)."
    )
    gap: Duration = Field(0.0, description="Silence between items when join is gap.")
    gain_db: GainDb = 0.0


class SoundscapeLayer(Strict):
    """A seamless looping bed, or one-shots scattered at random over the bed."""

    bed: AudioPath | None = Field(None, description="A file that loops seamlessly.")
    one_shots: list[AudioPath] | None = Field(
        None, min_length=1, description="Short sounds (birds, drops) played at random times."
    )
    min_gap: Duration = Field(20.0, description="Shortest time between two one-shots.")
    max_gap: Duration = Field(60.0, description="Longest time between two one-shots.")
    gain_db: GainDb = 0.0

    @model_validator(mode="after")
    def _bed_or_one_shots(self) -> SoundscapeLayer:
        if (self.bed is None) == (self.one_shots is None):
            raise ValueError("a soundscape layer needs either bed: or one_shots:, not both")
        if self.max_gap < self.min_gap:
            raise ValueError("max_gap must not be shorter than min_gap")
        return self


class Soundscape(Strict):
    """A named soundscape the patient may choose: beds and one-shots that sound together."""

    name: str = Field(min_length=1, description="Shown to the patient, for example Rain.")
    description: str = ""
    layers: list[SoundscapeLayer] = Field(min_length=1)
    gain_db: GainDb = 0.0
    tags: Tags = []


class Bell(Strict):
    file: AudioPath
    gain_db: GainDb = 0.0


class Voice(Strict):
    """A guided-voice recording; its text is shown on the console when it plays."""

    file: AudioPath
    text: str = ""
    gain_db: GainDb = 0.0


class VoiceCue(Strict):
    at: PhaseTimeValue
    cue: Identifier | None = Field(None, description="Id of a voice defined under voices:.")
    file: AudioPath | None = Field(None, description="Or an audio file directly.")
    gain_db: GainDb = 0.0

    @model_validator(mode="after")
    def _cue_or_file(self) -> VoiceCue:
        if (self.cue is None) == (self.file is None):
            raise ValueError("a voice cue needs either cue: (an id) or file:, not both")
        return self


class BellCue(Strict):
    at: PhaseTimeValue = Field(default_factory=lambda: PhaseTime(0.0))
    bell: Identifier


# --- the arc ---------------------------------------------------------------------------------


class Content(Strict):
    """What sounds during a phase (or during settling): music, a soundscape, voice and bells."""

    music: MusicLayer | None = None
    soundscape: Identifier | None = Field(
        None,
        description="Id of a soundscape; default: the patient's choice, or patient.default.",
    )
    soundscape_gain_db: GainDb = 0.0
    voice: list[VoiceCue] = []
    bells: list[BellCue] = []


class Settling(Content):
    """Before the dose: loops until the clinician marks the dose as given."""


class Phase(Content):
    id: Identifier
    name: str | None = Field(None, description="Shown on the console; the id otherwise.")
    duration: Duration = Field(description="Planned length, for example 12m.")
    end: Literal["advance", "hold"] = Field(
        "advance",
        description="advance: the next phase starts on time; hold: wait for the clinician.",
    )
    max_hold: Duration | None = Field(
        None,
        description="With end: hold, advance anyway after holding this long. With end: advance, "
        "the clinician may hold this phase for up to this long (without it, the phase cannot "
        "be held).",
    )
    max_extend: Duration = Field(
        0.0, description="How much, in all, the clinician may extend this phase."
    )
    extend_step: Duration = Field(300.0, description="One press of Extend adds this much.")
    crossfade: Duration | None = Field(
        None, description="Crossfade into this phase (default: transitions.phase_crossfade)."
    )

    @property
    def display_name(self) -> str:
        return self.name or self.id.replace("-", " ").replace("_", " ").capitalize()

    @model_validator(mode="after")
    def _hold_rules(self) -> Phase:
        # max_hold counts from the planned end (duration plus extensions). With end: hold
        # it bounds the automatic hold; with end: advance it is what lets the clinician hold
        # the phase at all (``SessionTimeline.hold_phase``), for at most that long.
        if self.duration <= 0:
            raise ValueError("a phase needs a duration longer than zero")
        return self


class Levels(Strict):
    loudness_target_lufs: float = Field(
        -23.0, ge=-40.0, le=-10.0, description="Every item is normalised to this loudness."
    )
    ceiling_dbfs: float = Field(
        -3.0, ge=-30.0, le=0.0, description="No output sample ever exceeds this level."
    )
    default_volume_db: float = Field(
        -6.0, ge=-60.0, le=0.0, description="Master volume at the start."
    )
    max_volume_db: float = Field(
        0.0, ge=-60.0, le=0.0, description="The highest master volume anyone may set."
    )


class Transitions(Strict):
    crossfade: Duration = Field(6.0, description="Between music items.")
    phase_crossfade: Duration = Field(10.0, description="Between phases.")
    fade_in: Duration = Field(4.0, description="When sound starts from silence.")
    duck_db: float = Field(-8.0, ge=-40.0, le=0.0, description="Music level under a voice cue.")
    duck_ramp: Duration = Field(1.5, description="How long the music takes to duck and return.")
    bell: Identifier | None = Field(None, description="A bell rung at every phase change.")


class PatientChoices(Strict):
    soundscapes: list[Identifier] = Field(
        [], description="Soundscapes the patient may choose from."
    )
    default: Identifier | None = None
    phases: list[Identifier] | Literal["all"] = Field(
        "all", description="Phases (or settling) during which the patient may choose."
    )
    show_clock: bool = Field(False, description="Show a clock in the patient view.")


class CalmDown(Strict):
    music_db: float = Field(-10.0, ge=-60.0, le=0.0, description="How far music comes down.")
    soundscape: Identifier | None = Field(None, description="The grounding soundscape.")
    fade: Duration = 4.0


# Vital signs, and the clinical scales a check may ask for: sedation is the MOAA/S score
# (0-5), dissociation a short 0-10 rating, cadss the full CADSS (23 items, 0-4 each).
Measure = Literal[
    "blood_pressure", "heart_rate", "spo2", "respiratory_rate", "sedation", "dissociation", "cadss"
]
ALL_MEASURES: list[Measure] = ["blood_pressure", "heart_rate", "spo2"]  # the default
MAX_REPEATED_CHECKS = 200  # every: 1m until: 10h is a typing error, not a schedule


def _vital_time(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() in ("pre-dose", "discharge"):
        return value.strip().lower()
    return parse_duration_s(value)


VitalTime = Annotated[
    float | Literal["pre-dose", "discharge"],
    BeforeValidator(_vital_time),
    WithJsonSchema(
        {
            "anyOf": [{"enum": ["pre-dose", "discharge"]}, _DURATION_SCHEMA],
            "description": "pre-dose (baseline), discharge, or a time after the dose (40m).",
        }
    ),
]


class VitalCheck(Strict):
    at: VitalTime | None = Field(
        None, description="When; with every:, the first check (default: one every: after the dose)."
    )
    every: Duration | None = Field(
        None, description="Repeat the check this often after the dose (10m), until until:."
    )
    until: Duration | None = Field(
        None, description="With every:, the time after the dose of the last repeat (2h)."
    )
    label: str | None = None
    measures: list[Measure] = Field(default_factory=lambda: list(ALL_MEASURES), min_length=1)

    @property
    def times_s(self) -> list[float]:
        """A repeating check's times after the dose (an empty list for a single check)."""
        if self.every is None or self.until is None:
            return []
        first = self.at if isinstance(self.at, float) else self.every
        count = int((self.until - first) / self.every + 1e-9) + 1
        return [first + n * self.every for n in range(max(0, count))]

    @model_validator(mode="after")
    def _when(self) -> VitalCheck:
        if self.every is None:
            if self.until is not None:
                raise ValueError("until: belongs to a repeating check: add every: (say 10m)")
            if self.at is None:
                raise ValueError(
                    "a check needs at: (pre-dose, discharge or a time after the dose such as "
                    "40m), or every: and until: to repeat"
                )
        else:
            if isinstance(self.at, str):
                raise ValueError(
                    f"a repeating check starts at a time after the dose, not at {self.at}"
                )
            if self.every <= 0:
                raise ValueError("every: must be longer than zero")
            if self.until is None:
                raise ValueError(
                    "a repeating check needs until: (the time after the dose of its last "
                    "check, for example 2h)"
                )
            first = self.at if self.at is not None else self.every
            if self.until < first:
                raise ValueError("until: comes before the first check of this repeating check")
            if len(self.times_s) > MAX_REPEATED_CHECKS:
                raise ValueError(
                    f"every: {format_duration(self.every)} until: {format_duration(self.until)}"
                    f" makes {len(self.times_s)} checks; at most {MAX_REPEATED_CHECKS}"
                )
        if "dissociation" in self.measures and "cadss" in self.measures:
            raise ValueError(
                "choose dissociation (a 0-10 rating) or cadss (the full scale), not both"
            )
        return self


class Thresholds(Strict):
    """Advisory limits: a reading past them is flagged on the console, never blocking."""

    systolic_max: int = Field(140, ge=60, le=260)
    diastolic_max: int = Field(90, ge=30, le=160)
    heart_rate_max: int = Field(110, ge=40, le=220)
    heart_rate_min: int = Field(50, ge=20, le=120)
    spo2_min: int = Field(94, ge=70, le=100)
    respiratory_rate_min: int = Field(
        10,
        ge=4,
        le=30,
        description="Breaths per minute; fewer is flagged (respiratory depression).",
    )
    respiratory_rate_max: int = Field(24, ge=10, le=60, description="Breaths per minute.")
    sedation_min: int = Field(
        4, ge=1, le=5, description="A MOAA/S score below this is flagged (4: 3 or lower)."
    )
    dissociation_max: int = Field(
        5, ge=0, le=9, description="A 0-10 dissociation rating above this is flagged."
    )
    cadss_max: int = Field(
        4, ge=0, le=91, description="A CADSS total (0-92) above this is flagged."
    )

    @model_validator(mode="before")
    @classmethod
    def _whole_numbers(cls, data: object) -> object:
        # 140.0 is 140: JSON, and so the editor's schema, has one kind of number, and a
        # therapist who writes 140.0 means 140. 140.5 stays a mistake.
        if not isinstance(data, dict):
            return data
        return {
            key: int(value) if isinstance(value, float) and value.is_integer() else value
            for key, value in data.items()
        }


class Clinical(Strict):
    vitals: list[VitalCheck] = []
    thresholds: Thresholds = Thresholds()
    monitoring_form: Literal["spravato-rems", "none"] | None = Field(
        None,
        description="spravato-rems: the console collects the Spravato REMS Patient Monitoring "
        "Form's fields (the default for route: intranasal); none: never.",
    )
    minimum_observation: Duration | None = Field(
        None, description="Time after the dose before the session may end (2h for esketamine)."
    )
    discharge_checklist: list[str] = []


class _Document(Strict):
    format: Literal[1] = Field(FORMAT_VERSION, description="Version of this format.")
    title: str = Field(min_length=1)

    @field_validator("format", mode="before")
    @classmethod
    def _format_is_a_number(cls, value: object) -> object:
        # Python takes true for 1, and YAML reads format: yes as true; it is not a version.
        if isinstance(value, bool):
            raise ValueError("expected the number 1 (you can leave it out)")
        return value

    description: str = ""
    include: list[str] = Field(
        [], description="Library files whose soundscapes, bells and voices this file uses."
    )
    soundscapes: dict[Identifier, Soundscape] = {}
    bells: dict[Identifier, Bell] = {}
    voices: dict[Identifier, Voice] = {}


class Library(_Document):
    """A shared file of soundscapes, bells and voices that several playlists include."""

    kind: Literal["library"]


class Playlist(_Document):
    """A whole session: the arc relative to the dose, what plays, and the clinical schedule."""

    kind: Literal["session"] = "session"
    author: str = ""
    route: Literal["IV", "IM", "intranasal", "sublingual", "other"]
    levels: Levels = Levels()
    transitions: Transitions = Transitions()
    patient: PatientChoices = PatientChoices()
    calm_down: CalmDown = CalmDown()
    settling: Settling = Settling()
    phases: list[Phase] = Field(min_length=1)
    clinical: Clinical = Clinical()

    @property
    def planned_length_s(self) -> float:
        return sum(phase.duration for phase in self.phases)
