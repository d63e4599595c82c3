"""What the editor shows a therapist about each key: hovers, completions and snippets.

The model (``model.py``) carries a key's description where it has one; this table adds the
rest, the meaning of every enum value, examples written as therapists write them, and the
snippets an editor offers for a new phase, cue or check. Keys are ``Definition.key``, the
names in the schema's ``$defs``; tests/playlist/test_schema_quality.py fails on a key or an
enum value with no description and on an entry here that names nothing.
"""

from __future__ import annotations

# Descriptions, for keys the model leaves without one or with only its type's description.
DESCRIPTIONS: dict[str, str] = {
    "Playlist.format": "Version of the playlist format. You can leave it out.",
    "Playlist.kind": "What this file is: a session (the default; you can leave it out).",
    "Playlist.title": "The session's name, shown on the console and in the playlist picker.",
    "Playlist.author": "Who wrote the playlist.",
    "Playlist.description": "A few words about the session, for colleagues.",
    "Playlist.route": "Route of administration. With intranasal, validate expects a minimum "
    "observation of 2 hours (the esketamine requirement).",
    "Playlist.soundscapes": "Soundscapes defined in this file, each under its id (added to "
    "those of the included libraries).",
    "Playlist.bells": "Bells defined in this file, each under its id.",
    "Playlist.voices": "Guided-voice recordings defined in this file, each under its id.",
    "Playlist.levels": "Loudness target, output ceiling and master volume.",
    "Playlist.transitions": "Crossfades, fade-in, ducking under the voice, and the bell at "
    "phase changes.",
    "Playlist.patient": "Soundscapes the patient may choose, when, and the default.",
    "Playlist.calm_down": "What the console's Calm down button does.",
    "Playlist.settling": "What plays before the dose: it loops until the clinician marks the "
    "dose as given.",
    "Playlist.phases": "The arc after the dose, in order; at least one phase.",
    "Playlist.clinical": "Vital-sign checks, thresholds, minimum observation and the "
    "discharge checklist.",
    "Library.format": "Version of the playlist format. You can leave it out.",
    "Library.kind": "Marks the file as a library of soundscapes, bells and voices that "
    "sessions include.",
    "Library.title": "What the library is.",
    "Library.description": "A few words about the library, for colleagues.",
    "Library.include": "Other libraries this one builds on.",
    "Library.soundscapes": "Soundscapes defined in this library, each under its id.",
    "Library.bells": "Bells defined in this library, each under its id.",
    "Library.voices": "Guided-voice recordings defined in this library, each under its id.",
    "Soundscape.description": "A short description for the patient, for example Soft, steady rain.",
    "Soundscape.layers": "The beds and one-shots that sound together; at least one.",
    "Soundscape.gain_db": "Makes the whole soundscape louder or softer, in decibels.",
    "SoundscapeLayer.bed": "A recording that loops seamlessly. Give either bed or one_shots, "
    "not both.",
    "SoundscapeLayer.gain_db": "Makes this layer louder or softer, for example distant birds "
    "at -8.",
    "Voice.file": "The recording, relative to this file.",
    "Voice.text": "The words spoken, shown on the console when the cue plays.",
    "Voice.gain_db": "Makes this recording louder or softer wherever it is used.",
    "Bell.file": "The recording of the bell, relative to this file.",
    "Bell.gain_db": "Makes this bell louder or softer wherever it is used.",
    "VoiceCue.at": "When the cue plays: start, 2m (after the start), end, end-1m (before the end).",
    "VoiceCue.cue": "Id of a voice defined under voices: (or in an included library). Give "
    "either cue or file, not both.",
    "VoiceCue.file": "Or a recording used only here, named directly.",
    "VoiceCue.gain_db": "Makes this one cue louder or softer.",
    "BellCue.at": "When the bell rings: start (the default), 2m, end, end-1m.",
    "BellCue.bell": "Id of a bell defined under bells: (or in an included library).",
    "MusicItem.file": "The piece to play, relative to this file. Give either file or "
    "silence, not both.",
    "MusicItem.gain_db": "Makes this item louder or softer, for example to match a piece "
    "mastered loud.",
    "MusicLayer.items": "Audio files and planned silences, in playing order; a bare path "
    "is short for file: path.",
    "MusicLayer.order": "The order the items play in.",
    "MusicLayer.gain_db": "Makes the whole music layer louder or softer.",
    "Phase.id": "A short name for the phase (onset, peak), different for each phase; "
    "settling is reserved.",
    "Phase.music": "The music of this phase.",
    "Phase.soundscape": "Id of a soundscape that plays in this phase whatever the patient "
    "chose; leave it out to play the patient's choice, or patient.default.",
    "Phase.soundscape_gain_db": "Makes the soundscape louder or softer in this phase only.",
    "Phase.voice": "Guided-voice cues, each at a time within the phase.",
    "Phase.bells": "Bells, each at a time within the phase.",
    "Settling.music": "The music before the dose; give it loop: true, as settling lasts "
    "until the dose.",
    "Settling.soundscape": "Id of a soundscape for settling; leave it out to play the "
    "patient's choice, or patient.default.",
    "Settling.soundscape_gain_db": "Makes the soundscape louder or softer in settling only.",
    "Settling.voice": "Guided-voice cues, each at a time from the start of settling.",
    "Settling.bells": "Bells, each at a time from the start of settling.",
    "PatientChoices.soundscapes": "The soundscapes offered to the patient, in the order shown.",
    "PatientChoices.default": "Id of the soundscape that plays until the patient chooses, "
    "wherever a phase names none; one of patient.soundscapes when that list is given.",
    "CalmDown.fade": "How long the change takes, both ways.",
    "CalmDown.soundscape": "Id of the grounding soundscape that comes in.",
    "Transitions.bell": "Id of a bell rung at every change of phase, including when the "
    "dose is marked.",
    "Clinical.vitals": "When to take vital signs, and which.",
    "Clinical.thresholds": "Advisory limits: a reading past them is flagged on the console, "
    "never blocking.",
    "Clinical.discharge_checklist": "Things the team confirms before the patient leaves, "
    "for example An adult escort is here.",
    "VitalCheck.label": "Shown with the reminder, for example Baseline; without one the "
    "check is named by its time.",
    "VitalCheck.measures": "What to measure.",
    "Thresholds.systolic_max": "Systolic blood pressure (mmHg) above this is flagged.",
    "Thresholds.diastolic_max": "Diastolic blood pressure (mmHg) above this is flagged.",
    "Thresholds.heart_rate_max": "Heart rate (beats per minute) above this is flagged.",
    "Thresholds.heart_rate_min": "Heart rate (beats per minute) below this is flagged.",
    "Thresholds.spo2_min": "Oxygen saturation (%) below this is flagged.",
}

# Descriptions of the definitions (the objects), where the model has no docstring.
DEFINITIONS: dict[str, str] = {
    "Bell": "A bell or chime, defined once and rung by id.",
    "BellCue": "A bell rung at a time within the phase.",
    "VoiceCue": "A guided-voice cue at a time within the phase.",
    "CalmDown": "What the console's Calm down button does for an anxious patient.",
    "Clinical": "The reminders the console gives the team; advisory, never blocking.",
    "Levels": "Loudness target, output ceiling and master volume.",
    "PatientChoices": "What the patient may choose on their own screen, and when.",
    "Phase": "One part of the arc after the dose, with its planned length and what plays.",
    "Transitions": "How sounds give way to one another, for the whole session.",
    "VitalCheck": "A reminder to take vital signs (or a clinical scale) at a set time.",
}

# The meaning of each value of an enum (or of a const), by key.
ENUM_VALUES: dict[str, dict[object, str]] = {
    "Playlist.route": {
        "IV": "Intravenous infusion; time zero is when the pump starts.",
        "IM": "Intramuscular injection.",
        "intranasal": "Nasal spray (esketamine): at least 2 hours of observation.",
        "sublingual": "Under the tongue (lozenge or tablet), or oral.",
        "other": "Any other route.",
    },
    "Playlist.kind": {"session": "A session playlist."},
    "Library.kind": {"library": "A library of soundscapes, bells and voices."},
    "Playlist.format": {1: "The playlist format of this version of Session Player."},
    "Library.format": {1: "The playlist format of this version of Session Player."},
    "Phase.end": {
        "advance": "The next phase starts on time.",
        "hold": "The phase keeps playing until the clinician moves on.",
    },
    "MusicLayer.order": {
        "sequence": "The items play in the order written.",
        "shuffle": "The items play in a random order.",
    },
    "MusicLayer.join": {
        "crossfade": "Each item overlaps the next with a crossfade.",
        "gapless": "Each item starts the instant the one before ends.",
        "gap": "A silence of gap: between items.",
    },
    "PatientChoices.phases": {"all": "The patient may choose in settling and every phase."},
    "VitalCheck.measures": {
        "blood_pressure": "Blood pressure, systolic and diastolic (mmHg).",
        "heart_rate": "Heart rate (beats per minute).",
        "spo2": "Oxygen saturation (%).",
        "respiratory_rate": "Breaths per minute.",
        "sedation": "Sedation, the MOAA/S score (0-5).",
        "dissociation": "A short 0-10 dissociation rating.",
        "cadss": "The full CADSS dissociation scale (23 items, 0-4 each).",
    },
    "Clinical.monitoring_form": {
        "spravato-rems": "The console collects the Spravato REMS Patient Monitoring Form.",
        "none": "No monitoring form.",
    },
}

# What the editor says when a value is not one of an enum's (or a const's) values, where
# "Write one of: ..." would not say enough.
ENUM_MESSAGES: dict[str, str] = {
    "Playlist.kind": "A session leaves kind out (or says kind: session); write kind: library "
    "for a library, which has no route or phases.",
    "Library.kind": "A library says kind: library.",
    "Playlist.format": "This version of Session Player reads format 1; you can leave it out.",
    "Library.format": "This version of Session Player reads format 1; you can leave it out.",
}

# Examples as therapists write them, offered on completion and shown on hover.
EXAMPLES: dict[str, list] = {
    "Playlist.title": ["IV infusion, 40 minutes"],
    "Library.title": ["Clinic sounds"],
    "Playlist.author": ["Dr. A. Rivera"],
    "Playlist.description": ["A gentle first session with music throughout."],
    "Library.description": ["Soundscapes, bells and voices shared by all sessions."],
    "Playlist.include": [["library.yaml"]],
    "Library.include": [["library.yaml"]],
    "Phase.id": ["onset", "peak", "return"],
    "Phase.name": ["Return and rest"],
    "Phase.duration": ["10m", "20m", "1h 30m"],
    "Phase.max_hold": ["10m"],
    "Phase.max_extend": ["15m"],
    "Phase.extend_step": ["5m"],
    "Phase.crossfade": ["30s"],
    "Phase.soundscape": ["rain", "ocean"],
    "Settling.soundscape": ["rain"],
    "VoiceCue.at": ["start", "2m", "end-1m"],
    "VoiceCue.cue": ["welcome"],
    "BellCue.at": ["start", "end"],
    "BellCue.bell": ["singing-bowl"],
    "MusicItem.file": ["../assets/audio/music/slow-tide.ogg"],
    "MusicItem.silence": ["2m"],
    "Bell.file": ["../assets/audio/bells/singing-bowl.ogg"],
    "Voice.file": ["../assets/audio/voice/welcome.ogg"],
    "VoiceCue.file": ["../assets/audio/voice/let-go.ogg"],
    "SoundscapeLayer.bed": ["../assets/audio/soundscapes/rain.ogg"],
    "MusicItem.title": ["Evening light"],
    "MusicLayer.crossfade": ["10s"],
    "MusicLayer.gap": ["30s"],
    "Soundscape.name": ["Rain"],
    "Soundscape.description": ["Soft, steady rain."],
    "SoundscapeLayer.min_gap": ["20s"],
    "SoundscapeLayer.max_gap": ["1m"],
    "Voice.text": ["Let your breath settle."],
    "Transitions.crossfade": ["6s"],
    "Transitions.phase_crossfade": ["10s"],
    "Transitions.fade_in": ["4s"],
    "Transitions.duck_ramp": ["1.5s"],
    "Transitions.bell": ["singing-bowl"],
    "CalmDown.fade": ["4s"],
    "CalmDown.soundscape": ["drone"],
    "PatientChoices.default": ["rain"],
    "PatientChoices.soundscapes": [["rain", "ocean"]],
    "Clinical.minimum_observation": ["2h", "1h 40m"],
    "Clinical.discharge_checklist": [["An adult escort is here to take the patient home"]],
    "VitalCheck.at": ["pre-dose", "40m", "discharge"],
    "VitalCheck.every": ["10m"],
    "VitalCheck.until": ["2h"],
    "VitalCheck.label": ["Baseline"],
}

# Examples by the kind of value, for keys the table above does not name.
KIND_EXAMPLES: dict[str, list] = {
    "duration": ["10s"],
    "phase_time": ["start", "2m", "end-1m"],
    "gain": [-3],
    "identifier": ["soft-rain"],
}

# The order in which a new object's keys are written, where the model's order is not the
# order a therapist thinks in (a phase's content keys come before its id in the model).
KEY_ORDER: dict[str, list[str]] = {
    "Phase": ["id", "name", "duration", "end", "max_hold", "max_extend", "extend_step"],
    "Playlist": ["title", "route", "description", "author", "kind", "format", "include"],
    "Library": ["kind", "title", "description", "format", "include"],
    "VoiceCue": ["at", "cue", "file"],
    "BellCue": ["at", "bell"],
    "VitalCheck": ["at", "label", "measures"],
}

# Pairs of keys of which exactly one is given (the model checks them in a validator).
EXACTLY_ONE: dict[str, tuple[str, str, str]] = {
    "MusicItem": (
        "file",
        "silence",
        "An item has either file: (an audio file) or silence: (a duration), not both.",
    ),
    "SoundscapeLayer": (
        "bed",
        "one_shots",
        "A layer has either bed: (one looping file) or one_shots: (a list of files), not both.",
    ),
    "VoiceCue": (
        "cue",
        "file",
        "A voice cue has either cue: (the id of a voice) or file: (a recording), not both.",
    ),
}

# Snippets an editor offers for a new object, in the order a therapist writes it. ${n:x}
# is a placeholder the cursor visits in turn.
SNIPPETS: dict[str, list[dict]] = {
    "Phase": [
        {
            "label": "New phase",
            "description": "A phase: its id, name, planned length and how it ends.",
            "body": {
                "id": "${1:peak}",
                "name": "${2:Peak}",
                "duration": "${3:20m}",
                "end": "${4:advance}",
            },
        }
    ],
    "VoiceCue": [
        {
            "label": "New voice cue",
            "description": "A guided-voice cue at a time in the phase.",
            "body": {"at": "${1:2m}", "cue": "${2:welcome}"},
        }
    ],
    "BellCue": [
        {
            "label": "New bell",
            "description": "A bell at a time in the phase.",
            "body": {"at": "${1:start}", "bell": "${2:singing-bowl}"},
        }
    ],
    "VitalCheck": [
        {
            "label": "New vital-sign check",
            "description": "A check at a time after the dose.",
            "body": {"at": "${1:40m}", "label": "${2:Blood pressure}"},
        }
    ],
    "Soundscape": [
        {
            "label": "New soundscape",
            "description": "A soundscape with one looping bed.",
            "body": {"name": "${1:Rain}", "layers": [{"bed": "${2:rain.ogg}"}]},
        }
    ],
}
