"""What the team records about a patient's listening, kept per alias and honoured at every
session: no lyrics, no bells, no guided voice, soundscapes the patient disliked, a note.

One small JSON file per alias in ``<data>/patients/`` (folder ``0700``, file ``0600``,
replaced atomically: see ``private_files``). The file name is the alias's slug and a short
hash of the alias, so two aliases with the same slug ("Blue Heron", "blue-heron") never
share a file, and the alias itself is only inside the file (the one identity we store).

What a preference *removes* from a playlist is ``course_playlist``'s business.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from session_player.record.private_files import write_private
from session_player.session.store import alias_slug, default_base_dir

PATIENTS_FOLDER = "patients"
FORMAT_VERSION = 1

# The avoidable kinds of sound the preferences dialog offers, with their labels. "bells" and
# "voice" are whole layers of a playlist; "lyrics" (and any other word) is a tag on music
# items and soundscapes (``tags:`` in the playlist format).
AVOIDABLE = {
    "lyrics": "No music with lyrics",
    "bells": "No bells",
    "voice": "No guided voice",
}


class PreferencesError(Exception):
    """A preferences file cannot be read or written; the message says which and why."""


def alias_key(alias: str) -> str:
    """The alias as compared: ``"  Blue  heron "`` and ``"Blue Heron"`` are the same patient."""
    return " ".join(alias.split()).casefold()


@dataclass(frozen=True)
class Preferences:
    """The team's record for one alias. Empty preferences exclude nothing."""

    alias: str
    avoid: frozenset[str] = frozenset()  # "lyrics", "bells", "voice" or any playlist tag
    disliked_soundscapes: frozenset[str] = frozenset()  # soundscape ids
    note: str = ""
    updated_wall: str = ""  # ISO 8601, when last saved

    @property
    def empty(self) -> bool:
        return not self.avoid and not self.disliked_soundscapes

    def describe(self, names: dict[str, str] | None = None) -> list[str]:
        """``["No bells", "Not the soundscape “Rain”"]``, for the start screen; ``names``:
        the soundscapes' names by id in the chosen playlist (else the ids are shown)."""
        names = names or {}
        lines = [AVOIDABLE.get(tag, f"Nothing tagged “{tag}”") for tag in sorted(self.avoid)]
        lines += [
            f"Not the soundscape “{names.get(sid, sid)}”"
            for sid in sorted(self.disliked_soundscapes)
        ]
        return lines

    def to_json(self) -> dict:
        return {
            "format": FORMAT_VERSION,
            "alias": self.alias,
            "avoid": sorted(self.avoid),
            "disliked_soundscapes": sorted(self.disliked_soundscapes),
            "note": self.note,
            "updated": self.updated_wall,
        }

    @classmethod
    def from_json(cls, data: object, where: str) -> Preferences:
        if not isinstance(data, dict):
            raise PreferencesError(f"{where}: not a JSON object")

        def words(key: str) -> frozenset[str]:
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise PreferencesError(f"{where}: '{key}' must be a list of words")
            return frozenset(v.strip() for v in value if v.strip())

        alias = data.get("alias")
        if not isinstance(alias, str) or not alias.strip():
            raise PreferencesError(f"{where}: no alias")
        note = data.get("note", "")
        return cls(
            alias=alias,
            avoid=words("avoid"),
            disliked_soundscapes=words("disliked_soundscapes"),
            note=note if isinstance(note, str) else "",
            updated_wall=str(data.get("updated", "")),
        )


@dataclass
class PreferenceStore:
    """``<base>/patients/<slug>-<hash>.json``, one per alias."""

    base_dir: Path = field(default_factory=default_base_dir)

    def __post_init__(self) -> None:
        self.base_dir = Path(self.base_dir)

    @property
    def folder(self) -> Path:
        return self.base_dir / PATIENTS_FOLDER

    def path_for(self, alias: str) -> Path:
        key = alias_key(alias)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
        return self.folder / f"{alias_slug(key)}-{digest}.json"

    def load(self, alias: str) -> Preferences:
        """The alias's preferences; empty ones if none were ever recorded.

        Raises ``PreferencesError`` for a file that exists but cannot be read: the team
        recorded something, and silently ignoring it could play what the patient refused.
        """
        path = self.path_for(alias)
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            return Preferences(alias=" ".join(alias.split()))
        except (OSError, UnicodeDecodeError) as exc:
            raise PreferencesError(f"{path}: cannot be read ({exc})") from exc
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise PreferencesError(f"{path}: damaged, not valid JSON ({exc})") from exc
        preferences = Preferences.from_json(data, str(path))
        if alias_key(preferences.alias) != alias_key(alias):
            raise PreferencesError(f"{path}: holds the alias {preferences.alias!r}, not {alias!r}")
        return preferences

    def save(self, preferences: Preferences, updated_wall: str) -> Preferences:
        """Write them (atomically, owner-only) and return them as saved."""
        saved = Preferences(
            alias=" ".join(preferences.alias.split()),
            avoid=preferences.avoid,
            disliked_soundscapes=preferences.disliked_soundscapes,
            note=preferences.note.strip(),
            updated_wall=updated_wall,
        )
        text = json.dumps(saved.to_json(), ensure_ascii=True, indent=2) + "\n"
        path = self.path_for(saved.alias)
        try:
            write_private(path, text.encode("ascii"))
        except OSError as exc:
            raise PreferencesError(f"{path}: could not be saved ({exc})") from exc
        return saved


def store_for(base_dir: str | os.PathLike | None) -> PreferenceStore:
    return PreferenceStore(Path(base_dir) if base_dir is not None else default_base_dir())
