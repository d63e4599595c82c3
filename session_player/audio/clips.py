"""The vocabulary of the plan: clips made of file segments, and what planning needs to know.

A ``Clip`` is one mixer voice: a chain of file segments played back to back in ONE stream
(so a gapless join or a loop point has neither a gap nor an overlap), placed on the audio
timeline in frames, with a static gain, a pan and fades. A clip's ``key`` names it stably
across re-plans, so that when the schedule changes, a clip that goes on keeps streaming
from the same decoder instead of restarting.

All positions are integer frames at the output rate: decisions are sample-exact, and the
same inputs give the same frames, live, offline and after a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from session_player.audio.analysis import FileAnalysis
from session_player.audio.envelopes import Fade
from session_player.playlist.model import Content, Playlist
from session_player.session.schedule import SETTLING, AudioSchedule, PhaseSpan

# Short fades: long enough not to click, short enough not to be heard as a fade.
DECLICK_S = 0.02
SHORT_FADE_S = 0.02  # bells, voice and one-shots enter and leave with this
MIN_CROSSFADE_S = 0.05  # a "0 s" crossfade or ramp is still this long: never a hard cut
FAILURE_TAIL_S = 0.05  # a voice whose file breaks fades out within this
# Bells and voice sit a little below the music (DESIGN.md, "Sound"): after normalisation to
# the session target, these offsets apply before the playlist's own gain_db.
BELL_OFFSET_DB = -3.0
VOICE_OFFSET_DB = -2.0
ONE_SHOT_SPREAD_DB = 3.0  # random gain variation of one-shots, ± this
ONE_SHOT_PAN_SPREAD = 0.5  # random pan of one-shots within ± this (−1 left … 1 right)
END_FADE_S = 4.0  # at ended_at_s everything has faded out over (at most) this long
SOUNDSCAPE_DUCK_FRACTION = 0.5  # beds dip by half of duck_db under voice (music by all of it)


@dataclass(frozen=True)
class Segment:
    """``length_frames`` of ``path`` from ``file_start_frame``, at ``offset_frames`` in the clip."""

    offset_frames: int
    path: str
    file_start_frame: int
    length_frames: int
    title: str = ""

    @property
    def end_offset_frames(self) -> int:
        return self.offset_frames + self.length_frames


@dataclass(frozen=True)
class Clip:
    key: tuple
    bus: str  # the bus whose gain applies: music, soundscape, voice, bells
    layer: str  # for the console: music, soundscape, one_shot, voice, bell
    start_frame: int
    end_frame: int | None  # None: goes on past the plan's horizon (a looping bed)
    segments: tuple[Segment, ...]
    loop_frames: int | None = None  # the segments repeat with this period (a bed)
    gain_db: float = 0.0
    pan: float = 0.0  # −1 left … 1 right, equal-power pan law
    fades: tuple[Fade, ...] = ()
    title: str = ""
    text: str = ""  # the words of a voice cue, for the console

    @property
    def gain(self) -> float:
        return 10.0 ** (self.gain_db / 20.0)

    @property
    def content_frames(self) -> int:
        return self.segments[-1].end_offset_frames if self.segments else 0

    def shifted(self, frames: int) -> Clip:
        """The same clip ``frames`` later on the timeline (earlier if negative), fades too."""
        if not frames:
            return self
        return replace(
            self,
            start_frame=self.start_frame + frames,
            end_frame=None if self.end_frame is None else self.end_frame + frames,
            fades=tuple(
                replace(fade, start_frame=fade.start_frame + frames) for fade in self.fades
            ),
        )

    def is_active(self, start: int, frames: int) -> bool:
        if self.start_frame >= start + frames:
            return False
        return self.end_frame is None or self.end_frame > start

    def segment_at(self, offset_frames: int) -> tuple[int, Segment, int] | None:
        """(index, segment, offset inside the segment) at a clip-relative offset."""
        if offset_frames < 0 or not self.segments:
            return None
        if self.loop_frames:
            offset_frames %= self.loop_frames
        for index, segment in enumerate(self.segments):
            if segment.offset_frames <= offset_frames < segment.end_offset_frames:
                return index, segment, offset_frames - segment.offset_frames
        return None


def title_of(path: str, title: str | None = None) -> str:
    return title or Path(path).stem.replace("-", " ").replace("_", " ").capitalize()


@dataclass
class PlanContext:
    """Everything a planner needs: inputs, and helpers to read them in frames."""

    playlist: Playlist
    schedule: AudioSchedule
    analysis: Mapping[str, FileAnalysis]
    sample_rate_hz: int
    horizon_frame: int
    failures: Mapping[str, int] = field(default_factory=dict)  # path → broken from frame
    missing: set[str] = field(default_factory=set)  # paths needed but never measured

    def __post_init__(self) -> None:
        self.spans: list[PhaseSpan] = sorted(self.schedule.phases, key=lambda s: s.start_s)
        ended = self.schedule.ended_at_s
        self.ended_frame: int | None = None if ended is None else self.frames(ended)
        # Random choices derive from the schedule's seed; SeedSequence wants entropy ≥ 0.
        self.seed_entropy = int(self.schedule.seed) % (1 << 63)

    def frames(self, seconds: float) -> int:
        return int(round(seconds * self.sample_rate_hz))

    def min_frames(self, seconds: float, floor_s: float = MIN_CROSSFADE_S) -> int:
        return max(self.frames(seconds), self.frames(floor_s))

    def content(self, span: PhaseSpan) -> Content | None:
        if span.index == SETTLING:
            return self.playlist.settling
        if 0 <= span.index < len(self.playlist.phases):
            return self.playlist.phases[span.index]
        return None

    def span_start(self, span: PhaseSpan) -> int:
        return self.frames(span.start_s)

    def span_end(self, span: PhaseSpan) -> int | None:
        return None if span.end_s is None else self.frames(span.end_s)

    def next_span(self, position: int) -> PhaseSpan | None:
        return self.spans[position + 1] if position + 1 < len(self.spans) else None

    def previous_adjacent(self, position: int) -> PhaseSpan | None:
        """The span just before, if it ends where this one starts (a phase change)."""
        if position == 0:
            return None
        previous = self.spans[position - 1]
        if previous.end_s is None:
            return previous  # an open span followed by another: the later one takes over
        if self.frames(previous.end_s) == self.span_start(self.spans[position]):
            return previous
        return None

    def fade_out_frames(self, position: int) -> int:
        """How long a span's content takes to fade out after the span's end."""
        following = self.next_span(position)
        span = self.spans[position]
        if (
            following is not None
            and span.end_s is not None
            and self.span_start(following) == self.frames(span.end_s)
        ):
            return self.min_frames(following.crossfade_s)
        return self.min_frames(self.playlist.transitions.phase_crossfade)

    def content_window(self, position: int) -> tuple[int, int | None, int | None]:
        """(start, end of the span, end of its content after the fade-out) in frames."""
        span = self.spans[position]
        start = self.span_start(span)
        end = self.span_end(span)
        following = self.next_span(position)
        if end is None and following is not None:
            end = self.span_start(following)  # an open span ends where the next one starts
        if end is None:
            return start, None, None
        return start, end, end + self.fade_out_frames(position)

    def frames_of(self, path: str) -> int | None:
        """Exact length at the output rate, or None when the file was never measured."""
        found = self.analysis.get(path)
        if found is None:
            self.missing.add(path)
            return None
        if self.sample_rate_hz == 48000:
            return found.frames
        return int(round(found.frames * self.sample_rate_hz / 48000))

    def normalisation_db(self, path: str) -> float:
        found = self.analysis.get(path)
        if found is None:
            return 0.0
        return found.normalisation_gain_db(self.playlist.levels.loudness_target_lufs)

    def broken_from(self, path: str) -> int | None:
        return self.failures.get(path)

    def cap(self, clip_end: int | None) -> int | None:
        """Nothing sounds after ended_at_s."""
        if self.ended_frame is None:
            return clip_end
        return self.ended_frame if clip_end is None else min(clip_end, self.ended_frame)

    def starts_in_time(self, start: int) -> bool:
        return self.ended_frame is None or start < self.ended_frame
