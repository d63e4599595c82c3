"""What played, for the record: each phase's music and soundscape, then every change.

A phase's soundscape is the one it started with, by the precedence of
``session.arc.effective_soundscape`` at the moment it started (calm down, a choice made in
that phase, the phase's own, an earlier choice, the patient's default); choices made while a
phase ran are listed as changes, with their time. Without the playlist only the changes are
known (the journal names soundscape ids, not music).
"""

from __future__ import annotations

from pathlib import Path

from session_player.playlist.model import Playlist
from session_player.record.model import PlayedChange, PlayedPhase
from session_player.record.moments import moment


def pretty_title(path: str) -> str:
    """``…/slow-tide.ogg`` → ``Slow Tide``: an untitled item as the console names it."""
    return Path(path).stem.replace("-", " ").replace("_", " ").title()


def soundscape_name(playlist: Playlist | None, soundscape_id: str | None) -> str:
    if playlist is not None and soundscape_id and soundscape_id in playlist.soundscapes:
        return playlist.soundscapes[soundscape_id].name
    return soundscape_id or "none"


def played_phases(playlist: Playlist | None, events: list[dict]) -> tuple[PlayedPhase, ...]:
    if playlist is None:
        return ()
    starts = [(-1, 0.0)] + [
        (int(e.get("index", 0)), float(e.get("session_s") or 0.0))
        for e in events
        if e["type"] in ("dose_given", "phase_started")
    ]
    played: list[PlayedPhase] = []
    for index, begin in starts:
        if index >= len(playlist.phases):
            continue
        content = playlist.settling if index < 0 else playlist.phases[index]
        chosen: str | None = None
        calm = False
        for event in events:
            if float(event.get("session_s") or 0.0) > begin:
                break
            if event["type"] == "soundscape_chosen":
                chosen = event.get("soundscape_id")
            elif event["type"] == "calm_down":
                calm = True
            elif event["type"] == "calm_down_undone":
                calm = False
        if calm and playlist.calm_down.soundscape:
            soundscape = playlist.calm_down.soundscape
        else:
            soundscape = content.soundscape or chosen or playlist.patient.default
        music: tuple[str, ...] = ()
        if content.music is not None:
            music = tuple(
                item.title or (pretty_title(item.file) if item.file else "silence")
                for item in content.music.items
            )
        name = "Settling" if index < 0 else playlist.phases[index].display_name
        phase_id = "settling" if index < 0 else playlist.phases[index].id
        played.append(
            PlayedPhase(phase_id, name, music, soundscape_name(playlist, soundscape) or None)
        )
    return tuple(played)


def played_changes(playlist: Playlist | None, events: list[dict]) -> tuple[PlayedChange, ...]:
    changes: list[PlayedChange] = []
    for event in events:
        kind = event["type"]
        if kind == "soundscape_chosen":
            name = soundscape_name(playlist, event.get("soundscape_id"))
            text = f"{name} (chosen by the {event.get('by', 'clinician')})"
        elif kind == "volume_set":
            text = f"Volume {float(event.get('volume_db') or 0.0):+.0f} dB"
        elif kind in _TEXTS:
            text = _TEXTS[kind]
        else:
            continue
        changes.append(PlayedChange(moment(event), text))
    return tuple(changes)


_TEXTS = {
    "calm_down": "Calm down (music lowered, grounding soundscape)",
    "calm_down_undone": "Calm down undone",
    "faded_to_silence": "Faded to silence",
    "faded_back": "Faded back in",
    "audio_paused": "Audio paused",
    "audio_resumed": "Audio resumed",
}
