"""One line that says what a valid playlist contains, for ``validate`` and the start screen."""

from __future__ import annotations

from session_player.playlist.durations import format_duration
from session_player.playlist.loader import LoadResult
from session_player.playlist.model import Playlist


def summary_line(result: LoadResult) -> str:
    document = result.document
    if not isinstance(document, Playlist):
        counts = (
            f"{len(document.soundscapes)} soundscapes, {len(document.bells)} bells, "
            f"{len(document.voices)} voices"
        )
        return f"{result.source}: ok: library: {counts}"
    contents = [document.settling, *document.phases]
    items = sum(len(c.music.items) for c in contents if c.music is not None)
    cues = sum(len(c.voice) + len(c.bells) for c in contents)
    warnings = len(result.warnings)
    tail = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
    return (
        f"{result.source}: ok: {document.route}, arc {format_duration(document.planned_length_s)} "
        f"after the dose, {_count(len(document.phases), 'phase')}, {_count(items, 'music item')}, "
        f"{_count(cues, 'cue')}, {_count(len(result.audio), 'audio file')}{tail}"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
