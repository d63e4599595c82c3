"""The one place where a patient's course changes what a session plays.

``apply_course(playlist, choice)`` returns a copy of the playlist with what the patient's
preferences exclude taken out, and the start values the clinician confirmed (last
session's soundscape and volume) put in. The session is built from that copy alone - the
timeline, the mixer's plan and the patient view all read it - so nothing excluded can be
offered on the patient view or played, and the pre-flight lists ``removed`` so the
clinician sees exactly what went. The choice is journaled in ``session_started``
(``to_journal``), and resuming after a crash applies the same choice again
(``choice_from_journal``), never whatever the preferences file says by then.

What goes, by preference:
- ``bells``: every bell cue (settling and phases) and ``transitions.bell``, and music items
  and soundscapes tagged ``bells``;
- ``voice``: every guided-voice cue;
- any other word (``lyrics``): music items and soundscapes tagged with it;
- a disliked soundscape (or one tagged with an avoided word): out of the patient's choices,
  the clinician's list and calm down; a phase that named it plays the patient's choice or
  the playlist's default instead (the usual rule when a phase names none).
A music list left empty leaves that phase without music (its soundscape and voice remain).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from session_player.playlist.model import Content, Playlist
from session_player.record.preferences import AVOIDABLE, Preferences
from session_player.session.arc import SETTLING_ID

if TYPE_CHECKING:
    from session_player.playlist.loader import LoadResult
    from session_player.record.course import Course

COURSE_KEY = "course"  # in the session_started event


@dataclass(frozen=True)
class CourseChoice:
    """What the clinician confirmed on the start screen for this session."""

    avoid: frozenset[str] = frozenset()
    disliked_soundscapes: frozenset[str] = frozenset()
    start_volume_db: float | None = None  # last session's volume, if taken over
    start_soundscape: str | None = None  # last session's soundscape id, if taken over
    from_session: str | None = None  # the folder name of the session they came from
    # The preferences file exists but cannot be read (not journaled: nothing was applied);
    # the pre-flight says so rather than start as if the patient had none.
    preferences_problem: str | None = None

    @classmethod
    def from_course(cls, course: Course, **start) -> CourseChoice:
        """The alias's preferences (or why they cannot be read) and the start values given."""
        return dataclasses.replace(
            cls.from_preferences(course.preferences, **start),
            preferences_problem=course.preferences_problem,
        )

    @classmethod
    def from_preferences(cls, preferences: Preferences | None, **start) -> CourseChoice:
        if preferences is None:
            return cls(**start)
        return cls(
            avoid=preferences.avoid,
            disliked_soundscapes=preferences.disliked_soundscapes,
            **start,
        )

    @property
    def empty(self) -> bool:
        return (
            not self.avoid
            and not self.disliked_soundscapes
            and self.start_volume_db is None
            and self.start_soundscape is None
            and self.preferences_problem is None
        )

    @property
    def changes_nothing(self) -> bool:
        """Nothing of the playlist changes (there may still be a problem to tell)."""
        return dataclasses.replace(self, preferences_problem=None).empty

    def to_journal(self) -> dict:
        return {
            "avoid": sorted(self.avoid),
            "disliked_soundscapes": sorted(self.disliked_soundscapes),
            "start_volume_db": self.start_volume_db,
            "start_soundscape": self.start_soundscape,
            "from_session": self.from_session,
        }


def choice_from_journal(started: dict) -> CourseChoice | None:
    """The choice a ``session_started`` event carries; None if it carries none."""
    data = started.get(COURSE_KEY)
    if not isinstance(data, dict):
        return None

    def words(key: str) -> frozenset[str]:
        value = data.get(key)
        return frozenset(str(v) for v in value) if isinstance(value, list) else frozenset()

    volume = data.get("start_volume_db")
    soundscape = data.get("start_soundscape")
    return CourseChoice(
        avoid=words("avoid"),
        disliked_soundscapes=words("disliked_soundscapes"),
        start_volume_db=float(volume) if isinstance(volume, int | float) else None,
        start_soundscape=soundscape if isinstance(soundscape, str) else None,
        from_session=data.get("from_session")
        if isinstance(data.get("from_session"), str)
        else None,
    )


@dataclass(frozen=True)
class Removal:
    """One thing the preferences took out of the playlist, for the pre-flight to list."""

    where: str  # "Onset", "Settling", "Patient's choices", "Every phase change"
    what: str  # "music “Song of the sea”", "bell “bowl” at start", "soundscape “Rain”"
    why: str  # "no music with lyrics", "disliked"

    def __str__(self) -> str:
        return f"{self.where}: {self.what} ({self.why})"


@dataclass(frozen=True)
class CoursePlaylist:
    playlist: Playlist
    removed: tuple[Removal, ...]
    changes: tuple[str, ...]  # the start values applied, in words


def _why(word: str) -> str:
    return AVOIDABLE.get(word, f"nothing tagged “{word}”").lower()


def _display(content: Content, index: int | None) -> str:
    return "Settling" if index is None else getattr(content, "display_name", SETTLING_ID)


def apply_course(playlist: Playlist, choice: CourseChoice | None) -> CoursePlaylist:
    """``playlist`` as this patient's session plays it (the original is not changed)."""
    if choice is None or choice.changes_nothing:
        return CoursePlaylist(playlist, (), ())
    removed: list[Removal] = []
    avoid = set(choice.avoid)

    # Soundscapes first: which ids go, and why.
    gone: dict[str, str] = {}
    for sid, soundscape in playlist.soundscapes.items():
        if sid in choice.disliked_soundscapes:
            gone[sid] = "disliked"
        else:
            hit = next((t for t in soundscape.tags if t in avoid), None)
            if hit is not None:
                gone[sid] = _why(hit)

    def name(sid: str) -> str:
        found = playlist.soundscapes.get(sid)
        return found.name if found is not None else sid

    contents: list[tuple[int | None, Content]] = [(None, playlist.settling)]
    contents += list(enumerate(playlist.phases))
    new_contents: list[Content] = []
    for index, content in contents:
        where = _display(content, index)
        update: dict = {}
        if content.music is not None:
            kept = []
            for item in content.music.items:
                hit = next((t for t in item.tags if t in avoid), None)
                if hit is None:
                    kept.append(item)
                else:
                    title = item.title or (Path(item.file).name if item.file else "silence")
                    removed.append(Removal(where, f"music “{title}”", _why(hit)))
            if len(kept) != len(content.music.items):
                music = content.music.model_copy(update={"items": kept}) if kept else None
                update["music"] = music
        if "bells" in avoid and content.bells:
            for cue in content.bells:
                removed.append(Removal(where, f"bell “{cue.bell}” at {cue.at}", _why("bells")))
            update["bells"] = []
        if "voice" in avoid and content.voice:
            for cue in content.voice:
                label = cue.cue or (Path(cue.file).name if cue.file else "voice")
                removed.append(Removal(where, f"voice “{label}” at {cue.at}", _why("voice")))
            update["voice"] = []
        if content.soundscape in gone:
            removed.append(
                Removal(where, f"soundscape “{name(content.soundscape)}”", gone[content.soundscape])
            )
            update["soundscape"] = None
        new_contents.append(content.model_copy(update=update) if update else content)

    playlist_update: dict = {"settling": new_contents[0], "phases": new_contents[1:]}
    transitions = playlist.transitions
    if "bells" in avoid and transitions.bell is not None:
        removed.append(Removal("Every phase change", f"bell “{transitions.bell}”", _why("bells")))
        playlist_update["transitions"] = transitions.model_copy(update={"bell": None})

    patient = playlist.patient
    offered = [sid for sid in patient.soundscapes if sid not in gone]
    for sid in patient.soundscapes:
        if sid in gone:
            removed.append(Removal("Patient's choices", f"soundscape “{name(sid)}”", gone[sid]))
    default = patient.default if patient.default not in gone else None
    if patient.default in gone:
        default = offered[0] if offered else None
    changes: list[str] = []
    start = choice.start_soundscape
    # Only a soundscape this playlist offers the patient (or any, if it offers no choice).
    usable = start is not None and start not in gone and start in playlist.soundscapes
    if usable and (start in offered or not patient.soundscapes):
        default = start
        changes.append(f"Starts with the soundscape “{name(start)}”, as last time")
    elif start is not None:
        # Said, not dropped in silence: the clinician asked for it.
        why = "the patient's preferences exclude it" if start in gone else "this playlist "
        if start not in gone:
            why += "does not offer it"
        changes.append(f"Last time's soundscape “{name(start)}” is not used: {why}")
    playlist_update["patient"] = patient.model_copy(
        update={"soundscapes": offered, "default": default}
    )
    calm = playlist.calm_down
    if calm.soundscape in gone:
        removed.append(
            Removal("Calm down", f"soundscape “{name(calm.soundscape)}”", gone[calm.soundscape])
        )
        playlist_update["calm_down"] = calm.model_copy(update={"soundscape": None})
    if gone:
        playlist_update["soundscapes"] = {
            sid: s for sid, s in playlist.soundscapes.items() if sid not in gone
        }

    levels = playlist.levels
    if choice.start_volume_db is not None:
        # Never above the playlist's own ceiling, whatever the last session allowed.
        volume = min(max(choice.start_volume_db, -60.0), levels.max_volume_db)
        playlist_update["levels"] = levels.model_copy(update={"default_volume_db": volume})
        changes.append(f"Starts at {volume:g} dB, as last time")
    return CoursePlaylist(
        playlist.model_copy(update=playlist_update), tuple(removed), tuple(changes)
    )


def reapply_from_journal(playlist: Playlist, journal_path: str | os.PathLike) -> Playlist:
    """For resuming: ``playlist`` with the course its session started with (from the
    journal's ``session_started``), so a resumed session plays what the first run played."""
    from session_player.session.journal import read_journal

    events = read_journal(journal_path).events
    if not events or events[0]["type"] != "session_started":
        return playlist
    return apply_course(playlist, choice_from_journal(events[0])).playlist


def with_playlist(result: LoadResult, playlist: Playlist) -> LoadResult:
    """A copy of a playlist's load result that holds ``playlist`` instead (its checks, the
    audio files' facts and the problems stay: the course only takes things out)."""
    return dataclasses.replace(result, document=playlist)


def reapply_course(result: LoadResult, journal_path: str | os.PathLike) -> LoadResult:
    """``reapply_from_journal`` for a load result (what the ports resume from)."""
    if result.playlist is None:
        return result
    return with_playlist(result, reapply_from_journal(result.playlist, journal_path))
