"""What loading a playlist gives: the document, every problem, and where each part came from.

Apart from ``loader`` so that ``checks``, which the loader runs, can use these types without
importing the loader back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from session_player.media.probe import AudioInfo, ProbeError, probe
from session_player.playlist.model import Library, Playlist
from session_player.playlist.problems import Problem
from session_player.playlist.yaml_source import YamlDocument


@dataclass
class Origin:
    """Where a definition came from, so problems inside an included library point there."""

    doc: YamlDocument
    path: tuple


@dataclass
class LoadResult:
    source: str
    document: Playlist | Library | None = None
    problems: list[Problem] = field(default_factory=list)
    unreadable: bool = False
    audio: dict[str, AudioInfo] = field(default_factory=dict)
    audio_failures: dict[str, str] = field(default_factory=dict)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    # Ids whose definitions were invalid: references to them are not reported twice.
    dropped_ids: set[str] = field(default_factory=set)
    salvaged: bool = False
    arc_unusable: bool = False
    placeholder_phases: set[int] = field(default_factory=set)
    # Every file the result depends on: path -> sha256 of the bytes parsed, None for an
    # included file that was not there, UNTRACKED for one that could not be read. A cached
    # result is only as good as this list (``session_player.launch.start_check``).
    inputs: dict[str, str | None] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return self.document is not None and not self.errors and not self.salvaged

    @property
    def playlist(self) -> Playlist | None:
        return self.document if isinstance(self.document, Playlist) and self.ok else None


def probe_audio(result: LoadResult, file: str) -> AudioInfo | str:
    """Probe once per file per load; returns the info or the reason it failed."""
    if file in result.audio:
        return result.audio[file]
    if file in result.audio_failures:
        return result.audio_failures[file]
    try:
        info = probe(file)
    except ProbeError as exc:
        result.audio_failures[file] = str(exc)
        return str(exc)
    result.audio[file] = info
    return info
