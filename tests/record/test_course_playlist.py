"""What a patient's preferences take out of a playlist, and the start values taken over
from the last session: one copy of the playlist that the whole session is built from."""

from __future__ import annotations

from session_player.playlist.model import Playlist
from session_player.record.course_playlist import (
    CourseChoice,
    apply_course,
    choice_from_journal,
    reapply_from_journal,
)
from session_player.record.preferences import Preferences
from session_player.session.journal import Journal
from session_player.session.record import SessionRecord

DATA = {
    "title": "Tagged",
    "route": "IV",
    "soundscapes": {
        "rain": {"name": "Rain", "layers": [{"bed": "rain.ogg"}]},
        "ocean": {"name": "Ocean", "layers": [{"bed": "ocean.ogg"}]},
        "temple": {"name": "Temple", "tags": ["bells"], "layers": [{"bed": "t.ogg"}]},
        "ground": {"name": "Grounding", "layers": [{"bed": "g.ogg"}]},
    },
    "bells": {"bowl": {"file": "bowl.ogg"}},
    "voices": {"welcome": {"file": "welcome.ogg", "text": "Welcome"}},
    "patient": {"soundscapes": ["rain", "ocean", "temple"], "default": "rain"},
    "calm_down": {"soundscape": "ground"},
    "levels": {"default_volume_db": -10, "max_volume_db": -4},
    "transitions": {"bell": "bowl"},
    "settling": {"soundscape": "rain", "voice": [{"at": "30s", "cue": "welcome"}]},
    "phases": [
        {
            "id": "onset",
            "duration": "10m",
            "music": {
                "items": [
                    {"file": "song.ogg", "title": "Song with words", "tags": ["lyrics"]},
                    {"file": "pads.ogg", "title": "Pads"},
                ]
            },
            "bells": [{"at": "start", "bell": "bowl"}],
        },
        {
            "id": "peak",
            "duration": "10m",
            "soundscape": "ocean",
            "music": {"items": [{"file": "hymn.ogg", "tags": ["lyrics", "choir"]}]},
        },
    ],
}
PLAYLIST = Playlist.model_validate(DATA)


def test_nothing_chosen_changes_nothing():
    assert apply_course(PLAYLIST, None).playlist is PLAYLIST
    assert apply_course(PLAYLIST, CourseChoice()).removed == ()


def test_no_lyrics_removes_tagged_music_and_empties_a_list():
    course = apply_course(PLAYLIST, CourseChoice(avoid=frozenset({"lyrics"})))
    onset, peak = course.playlist.phases
    assert [item.title for item in onset.music.items] == ["Pads"]
    assert peak.music is None  # its only item had lyrics: the phase has no music now
    assert [str(r) for r in course.removed] == [
        "Onset: music “Song with words” (no music with lyrics)",
        "Peak: music “hymn.ogg” (no music with lyrics)",
    ]
    # The original playlist is untouched (the next patient may like lyrics).
    assert len(PLAYLIST.phases[0].music.items) == 2


def test_no_bells_removes_cues_phase_change_bell_and_tagged_soundscapes():
    course = apply_course(PLAYLIST, CourseChoice(avoid=frozenset({"bells"})))
    playlist = course.playlist
    assert playlist.phases[0].bells == []
    assert playlist.transitions.bell is None
    assert playlist.patient.soundscapes == ["rain", "ocean"]
    assert "temple" not in playlist.soundscapes
    assert [str(r) for r in course.removed] == [
        "Onset: bell “bowl” at start (no bells)",
        "Every phase change: bell “bowl” (no bells)",
        "Patient's choices: soundscape “Temple” (no bells)",
    ]


def test_no_voice_removes_the_guided_voice():
    course = apply_course(PLAYLIST, CourseChoice(avoid=frozenset({"voice"})))
    assert course.playlist.settling.voice == []
    assert [str(r) for r in course.removed] == [
        "Settling: voice “welcome” at 30s (no guided voice)"
    ]


def test_a_disliked_soundscape_is_neither_offered_nor_played():
    choice = CourseChoice(disliked_soundscapes=frozenset({"rain", "ground"}))
    course = apply_course(PLAYLIST, choice)
    playlist = course.playlist
    assert playlist.patient.soundscapes == ["ocean", "temple"]
    assert playlist.patient.default == "ocean"  # the default was disliked: the next one
    assert playlist.settling.soundscape is None  # settling plays the default now
    assert playlist.calm_down.soundscape is None
    assert set(playlist.soundscapes) == {"ocean", "temple"}
    assert [str(r) for r in course.removed] == [
        "Settling: soundscape “Rain” (disliked)",
        "Patient's choices: soundscape “Rain” (disliked)",
        "Calm down: soundscape “Grounding” (disliked)",
    ]
    # What the session really plays in settling: the session record, from this playlist.
    record = SessionRecord(playlist)
    record.apply({"seq": 1, "type": "session_started", "session_s": 0.0, "alias": "x"})
    assert record.soundscape_id == "ocean"


def test_last_sessions_volume_and_soundscape_start_the_session_capped():
    choice = CourseChoice(start_volume_db=-1.0, start_soundscape="ocean")
    course = apply_course(PLAYLIST, choice)
    assert course.playlist.levels.default_volume_db == -4.0  # never above max_volume_db
    assert course.playlist.patient.default == "ocean"
    assert course.changes == (
        "Starts with the soundscape “Ocean”, as last time",
        "Starts at -4 dB, as last time",
    )
    # A soundscape that this playlist does not offer (or one disliked since) is not taken.
    other = apply_course(
        PLAYLIST,
        CourseChoice(start_soundscape="ocean", disliked_soundscapes=frozenset({"ocean"})),
    )
    assert other.playlist.patient.default == "rain"
    assert other.changes == (
        "Last time's soundscape “Ocean” is not used: the patient's preferences exclude it",
    )
    assert apply_course(PLAYLIST, CourseChoice(start_soundscape="nowhere")).changes == (
        "Last time's soundscape “nowhere” is not used: this playlist does not offer it",
    )


def test_from_preferences_and_back_through_the_journal(tmp_path):
    preferences = Preferences("Blue Heron", avoid=frozenset({"bells"}))
    choice = CourseChoice.from_preferences(
        preferences, start_volume_db=-8.0, from_session="20260101-100000-blue-heron"
    )
    started = {"alias": "Blue Heron", "course": choice.to_journal()}
    assert choice_from_journal(started) == choice
    assert choice_from_journal({"alias": "Blue Heron"}) is None

    journal = Journal.create(tmp_path / "s" / "journal.jsonl")
    journal.append("session_started", {"session_s": 0.0, **started})
    journal.close()
    resumed = reapply_from_journal(PLAYLIST, journal.path)
    assert resumed.transitions.bell is None
    assert resumed.levels.default_volume_db == -8.0
