"""A session on the null engine: the real timeline, and what the mixer would be playing.

Apart from ``null_engine`` so that the rehearsal port (which is one of these, silent) and
the null engine (which starts rehearsals) import it without importing each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from session_player.engine.ports import LAYERS, LayerNowPlaying, OutputStatus
from session_player.playlist.item_titles import pretty_title
from session_player.playlist.model import Playlist
from session_player.session.schedule import SETTLING
from session_player.session.timeline import SessionTimeline

if TYPE_CHECKING:
    from session_player.engine.null_engine import NullEnginePort

DEFAULT_ITEM_S = 240.0  # a music item's length when the validator did not measure it
VOICE_CUE_S = 12.0
BELL_S = 8.0


class NullSessionPort:
    def __init__(self, timeline: SessionTimeline, port: NullEnginePort, device: str, durations):
        self._timeline = timeline
        self._port = port
        self.device = device
        self._durations = durations
        self.patient_calls = 0
        self.closed = False

    @property
    def timeline(self) -> SessionTimeline:
        return self._timeline

    @property
    def journal_path(self) -> str:
        return str(self._timeline.journal_path)

    def tick(self) -> None:
        self._timeline.tick()

    def output_status(self) -> OutputStatus:
        return self._port.output_status(self.device)

    def notify_patient_call(self) -> None:
        self.patient_calls += 1

    def close(self) -> None:
        self.closed = True
        self._timeline.close()

    def now_playing(self) -> Sequence[LayerNowPlaying]:
        state = self._timeline.state()
        playlist: Playlist = self._timeline.playlist
        if state.status in ("ready", "ended") or state.phase_index is None:
            return tuple(LayerNowPlaying(layer, "") for layer in LAYERS)
        index = state.phase_index
        content = playlist.settling if index == SETTLING else playlist.phases[index]
        into_s = state.time_into_phase_s or 0.0
        music = LayerNowPlaying("music", "")
        if content.music is not None:
            items = [item for item in content.music.items if item.file is not None]
            lengths = [self._durations.get(item.file, DEFAULT_ITEM_S) for item in items]
            total = sum(lengths)
            if items and total > 0:
                position = into_s % total if content.music.loop else min(into_s, total)
                for item, length in zip(items, lengths, strict=True):
                    if position < length or item is items[-1]:
                        title = item.title or pretty_title(item.file)
                        music = LayerNowPlaying("music", title, min(position, length), length)
                        break
                    position -= length
        soundscape = LayerNowPlaying(
            "soundscape",
            playlist.soundscapes[state.soundscape_id].name
            if state.soundscape_id in playlist.soundscapes
            else "",
        )
        voice = LayerNowPlaying("voice", "")
        length = state.phase_length_s or into_s + 1
        for cue in content.voice:
            start = cue.at.resolve_s(length)
            if start <= into_s < start + VOICE_CUE_S:
                text = playlist.voices[cue.cue].text if cue.cue in playlist.voices else ""
                voice = LayerNowPlaying("voice", text or cue.cue or "voice", into_s - start)
        bells = LayerNowPlaying("bells", "")
        for bell in content.bells:
            start = bell.at.resolve_s(length)
            if start <= into_s < start + BELL_S:
                bells = LayerNowPlaying("bells", pretty_title(bell.bell))
        layers = [music, soundscape, voice, bells]
        if state.silenced or state.paused:
            layers = [
                LayerNowPlaying(item.layer, item.title, item.position_s, item.duration_s, None)
                for item in layers
            ]
        return tuple(layers)
