"""The whole session on the dose clock, as the studio's timeline draws it (no Qt here).

What is drawn comes from the same planner the mixer uses, run on the same session the offline
render runs (``engine.scripted_session``): the phases as the real ``SessionTimeline`` lays
them out, and every clip ``audio.plan.build_plan`` would play (music items with their
crossfades, soundscape beds, one-shots, voice cues and bells). So the picture cannot drift
from what the patient will hear. Without a loudness analysis yet, lengths come from the
validator's probe of each file (close to the decoder's exact length; the analysis replaces
them when it arrives).

Times are on the dose clock (0 = the dose is marked); settling lies before 0, as long as the
``dose_at_s`` chosen for the preview. Each span keeps the YAML path of what made it, so a
problem the validator found (``file:line:col``) is marked on the span written at that line.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from session_player.audio.analysis import FileAnalysis
from session_player.audio.plan import Plan, build_plan
from session_player.engine.scripted_session import ScriptedSession, run_script
from session_player.playlist.durations import format_duration
from session_player.playlist.loader import LoadResult
from session_player.playlist.model import Content, Phase, Playlist
from session_player.playlist.problems import Problem
from session_player.session.schedule import SETTLING
from session_player.ui.studio.problem_places import place_problems

SAMPLE_RATE_HZ = 48000
DEFAULT_DOSE_AT_S = 120.0
# A phase that nobody ends (the last one, a hold) is drawn this long past its planned end.
OPEN_END_S = 60.0

# Lanes, top to bottom, as the timeline draws them.
LANES = ("phase", "music", "soundscape", "voice", "bell", "clinical")
LANE_TITLES = {
    "phase": "Phases",
    "music": "Music",
    "soundscape": "Soundscape",
    "voice": "Voice",
    "bell": "Bells",
    "clinical": "Checks",
}

PathKey = tuple


@dataclass
class Span:
    """One thing on the timeline, from ``start_s`` to ``end_s`` on the dose clock."""

    lane: str
    kind: str  # phase, settling, extend, hold, music, silence, no_music, bed, one_shots,
    # one_shot, voice, bell, vitals, observation
    start_s: float
    end_s: float
    label: str
    detail: str = ""
    fade_in_s: float = 0.0
    fade_out_s: float = 0.0
    yaml_path: PathKey | None = None
    problems: list[Problem] = field(default_factory=list)
    phase_index: int | None = None  # the phase (SETTLING for settling) it belongs to
    # The audio file it plays, and the gain the playlist gives it before the normalisation
    # to the loudness target (for "listen to this file alone").
    file: str | None = None
    own_gain_db: float = 0.0

    @property
    def flagged(self) -> bool:
        return bool(self.problems)

    @property
    def is_point(self) -> bool:
        return self.kind in ("vitals", "observation")


@dataclass
class SessionMap:
    source: str
    dose_at_s: float
    start_s: float  # the left edge: -dose_at_s
    end_s: float  # the right edge
    spans: list[Span]
    problems: list[Problem]
    # Dose-clock times a therapist wants to hear: phase changes, crossfades, cues.
    transitions_s: list[float]
    placed: dict[Problem, Span] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    session: ScriptedSession | None = None
    exact: bool = False  # lengths from the loudness analysis (not the validator's probes)

    def __post_init__(self) -> None:
        self.spans.sort(key=lambda span: (span.start_s, span.end_s))
        self._starts = [span.start_s for span in self.spans]
        # The longest span bounds how far left of a window a span may start and still show.
        self._longest_s = max((span.end_s - span.start_s for span in self.spans), default=0.0)
        self.transitions_s = sorted(set(self.transitions_s))

    def visible(self, from_s: float, to_s: float) -> list[Span]:
        """The spans that overlap [from_s, to_s], found by bisection (a long session has
        thousands; painting only what is visible keeps scrolling smooth)."""
        first = bisect.bisect_left(self._starts, from_s - self._longest_s)
        last = bisect.bisect_right(self._starts, to_s)
        return [span for span in self.spans[first:last] if span.end_s >= from_s]

    def spans_at(self, time_s: float, lane: str | None = None) -> list[Span]:
        return [span for span in self.visible(time_s, time_s) if lane is None or span.lane == lane]

    def next_transition_s(self, after_s: float) -> float | None:
        index = bisect.bisect_right(self.transitions_s, after_s + 1e-6)
        return self.transitions_s[index] if index < len(self.transitions_s) else None

    def previous_transition_s(self, before_s: float) -> float | None:
        index = bisect.bisect_left(self.transitions_s, before_s - 1e-6)
        return self.transitions_s[index - 1] if index > 0 else None

    def session_s(self, dose_clock_s: float) -> float:
        """The session clock (since settling began) at a dose-clock time."""
        return self.dose_at_s + dose_clock_s


def probe_analysis(result: LoadResult) -> dict[str, FileAnalysis]:
    """Lengths from the validator's probes, standing in for the analysis until it is in."""
    return {
        path: FileAnalysis(
            sha256="",
            frames=int(round(info.duration_s * SAMPLE_RATE_HZ)),
            integrated_lufs=None,
            peak=0.0,
        )
        for path, info in result.audio.items()
        if info.duration_s > 0
    }


def build_session_map(
    result: LoadResult,
    *,
    dose_at_s: float = DEFAULT_DOSE_AT_S,
    analysis: Mapping[str, FileAnalysis] | None = None,
) -> SessionMap:
    """The timeline of a loaded playlist; an unusable one gives a map with its problems only."""
    playlist = result.document if isinstance(result.document, Playlist) else None
    problems = list(result.problems)
    if playlist is None or result.arc_unusable:
        return SessionMap(result.source, dose_at_s, -dose_at_s, 60.0, [], problems, [])
    session = run_script(playlist, (), dose_at_s)
    observation_s = playlist.clinical.minimum_observation
    if observation_s is not None and dose_at_s + observation_s + OPEN_END_S > session.end_s:
        # A held phase goes on until the clinician ends the session: show (and let the
        # therapist hear) it at least until the minimum observation has passed.
        session = run_script(playlist, (), dose_at_s, dose_at_s + observation_s + OPEN_END_S)
    lengths = dict(analysis) if analysis is not None else probe_analysis(result)
    end_s = session.end_s - dose_at_s
    plan = build_plan(
        playlist,
        session.schedule,
        lengths,
        horizon_frame=int(math.ceil(session.end_s * SAMPLE_RATE_HZ)),
        sample_rate_hz=SAMPLE_RATE_HZ,
    )
    builder = _Builder(playlist, session, plan, dose_at_s, end_s, lengths)
    builder.build()
    session_map = SessionMap(
        source=result.source,
        dose_at_s=dose_at_s,
        start_s=-dose_at_s,
        end_s=end_s,
        spans=builder.spans,
        problems=problems,
        transitions_s=builder.transitions,
        notes=list(session.notes),
        session=session,
        exact=analysis is not None,
    )
    main = result.origins.get(("document", ""))
    if main is not None:
        place_problems(session_map, problems, main.doc)
    return session_map


class _Builder:
    def __init__(self, playlist, session, plan: Plan, dose_at_s, end_s, lengths) -> None:
        self.playlist: Playlist = playlist
        self.session: ScriptedSession = session
        self.plan = plan
        self.dose_at_s = dose_at_s
        self.end_s = end_s
        self.lengths = lengths
        self.spans: list[Span] = []
        self.transitions: list[float] = []
        # phase index -> (start, end) on the dose clock
        self.phase_times: dict[int, tuple[float, float]] = {}

    def clock(self, frame: int | float) -> float:
        return frame / SAMPLE_RATE_HZ - self.dose_at_s

    def loudness(self, path: str) -> str:
        """`` · -18.2 LUFS`` once the analysis has measured the file (the gain the session
        applies is then the normalisation to the target plus the playlist's own gain_db)."""
        found = self.lengths.get(path)
        if found is None or found.integrated_lufs is None:
            return ""
        return f" · {found.integrated_lufs:.1f} LUFS"

    def normalisation_db(self, path: str) -> float:
        found = self.lengths.get(path)
        if found is None:
            return 0.0
        return found.normalisation_gain_db(self.playlist.levels.loudness_target_lufs)

    def build(self) -> None:
        self._phases()
        self._music()
        self._soundscapes()
        self._cues()
        self._clinical()

    # --- phases --------------------------------------------------------------------------
    def _phases(self) -> None:
        spans = sorted(self.session.schedule.phases, key=lambda span: span.start_s)
        for position, span in enumerate(spans):
            start = span.start_s - self.dose_at_s
            if span.end_s is not None:
                end = span.end_s - self.dose_at_s
            elif position + 1 < len(spans):
                end = spans[position + 1].start_s - self.dose_at_s
            else:
                end = self.end_s
            self.phase_times[span.index] = (start, end)
            if span.index == SETTLING:
                self.spans.append(
                    Span(
                        "phase",
                        "settling",
                        start,
                        end,
                        "Settling",
                        "until the dose is marked (here at "
                        f"{format_duration(self.dose_at_s)}); loops",
                        yaml_path=("settling",),
                        phase_index=SETTLING,
                    )
                )
                continue
            phase = self.playlist.phases[span.index]
            self.transitions.append(start)
            self.spans.append(
                Span(
                    "phase",
                    "phase",
                    start,
                    end,
                    phase.display_name,
                    _phase_detail(phase),
                    fade_in_s=span.crossfade_s,
                    yaml_path=("phases", span.index),
                    phase_index=span.index,
                )
            )
            planned_end = start + phase.duration
            if phase.max_extend > 0:
                self.spans.append(
                    Span(
                        "phase",
                        "extend",
                        planned_end,
                        planned_end + phase.max_extend,
                        f"may extend +{format_duration(phase.max_extend)}",
                        f"Extend adds {format_duration(phase.extend_step)} a press, up to "
                        f"{format_duration(phase.max_extend)} in all",
                        yaml_path=("phases", span.index, "max_extend"),
                        phase_index=span.index,
                    )
                )
            if phase.end == "hold" or phase.max_hold is not None:
                hold_s = phase.max_hold if phase.max_hold is not None else OPEN_END_S
                label = (
                    f"holds up to {format_duration(phase.max_hold)}"
                    if phase.max_hold is not None
                    else "holds until advanced"
                )
                why = (
                    "end: hold waits for the clinician"
                    if phase.end == "hold"
                    else "the clinician may hold it"
                )
                self.spans.append(
                    Span(
                        "phase",
                        "hold",
                        planned_end + phase.max_extend,
                        planned_end + phase.max_extend + hold_s,
                        label,
                        why,
                        yaml_path=("phases", span.index, "max_hold" if phase.max_hold else "end"),
                        phase_index=span.index,
                    )
                )

    def content(self, index: int) -> Content:
        return self.playlist.settling if index == SETTLING else self.playlist.phases[index]

    def content_path(self, index: int) -> PathKey:
        return ("settling",) if index == SETTLING else ("phases", index)

    # --- music ---------------------------------------------------------------------------
    def _music(self) -> None:
        by_phase: dict[int, list] = {}
        for clip in self.plan.clips:
            if clip.layer == "music":
                by_phase.setdefault(clip.key[1], []).append(clip)
        for index, (phase_start, phase_end) in self.phase_times.items():
            music = self.content(index).music
            if music is None:
                continue
            base = self.content_path(index) + ("music",)
            item_of = {}
            for number, item in enumerate(music.items):
                if item.file is not None:
                    item_of.setdefault(item.file, number)
            clips = sorted(by_phase.get(index, []), key=lambda clip: clip.start_frame)
            cursor = phase_start
            has_silence = any(item.silence is not None for item in music.items)
            played = set()
            for clip in clips:
                start = self.clock(clip.start_frame)
                end = self.clock(clip.end_frame) if clip.end_frame is not None else phase_end
                end = min(end, self.end_s)
                if start >= self.end_s:
                    continue
                if start - cursor > 0.5:
                    self._gap(index, cursor, start, base, has_silence)
                fade_in = fade_out = 0.0
                for fade in clip.fades:
                    length = fade.length_frames / SAMPLE_RATE_HZ
                    if fade.rising:
                        fade_in = max(fade_in, length)
                    elif length > 0.05:
                        fade_out = max(fade_out, length)
                first = clip.segments[0].path if clip.segments else ""
                number = item_of.get(first)
                played.add(number)
                looped = " (repeat)" if number in played and _is_repeat(clip, clips) else ""
                gain = clip.gain_db
                self.spans.append(
                    Span(
                        "music",
                        "music",
                        start,
                        end,
                        clip.title + looped,
                        f"{Path(first).name} · {format_duration(round(end - start))}"
                        f"{self.loudness(first)} · gain {gain:+.1f} dB"
                        + (f" · crossfade in {fade_in:.1f} s" if fade_in > 0.05 else ""),
                        fade_in_s=fade_in,
                        fade_out_s=fade_out,
                        yaml_path=base + (("items", number) if number is not None else ()),
                        phase_index=index,
                        file=first or None,
                        own_gain_db=gain - self.normalisation_db(first),
                    )
                )
                if fade_in > 0.05 and start > phase_start + 1.0:
                    self.transitions.append(start)
                cursor = max(cursor, end)
            files = {n for n, item in enumerate(music.items) if item.file is not None}
            unplayed = len(files - played)
            if unplayed and index != SETTLING:
                # A long list in a short phase: say so on the phase, not silently.
                for span in self.spans:
                    if span.kind == "phase" and span.phase_index == index:
                        span.detail += f" · {unplayed} of {len(files)} music items do not play"
            if phase_end - cursor > 0.5 and index != SETTLING:
                self._gap(index, cursor, phase_end, base, has_silence and music.loop)

    def _gap(self, index, start, end, base, silence: bool) -> None:
        if silence:
            self.spans.append(
                Span(
                    "music",
                    "silence",
                    start,
                    end,
                    "silence",
                    f"a planned silence of {format_duration(round(end - start))}",
                    yaml_path=base,
                    phase_index=index,
                )
            )
        else:
            self.spans.append(
                Span(
                    "music",
                    "no_music",
                    start,
                    end,
                    "no music",
                    "the music has ended; only the soundscape sounds here",
                    yaml_path=base,
                    phase_index=index,
                )
            )

    # --- soundscapes -----------------------------------------------------------------------
    def _soundscapes(self) -> None:
        shots: dict[str, list[float]] = {}
        for clip in self.plan.clips:
            if clip.layer == "soundscape":
                start = self.clock(clip.start_frame)
                end = self.clock(clip.end_frame) if clip.end_frame is not None else self.end_s
                soundscape_id = str(clip.key[1]) if len(clip.key) > 1 else ""
                name = self._soundscape_name(soundscape_id) or clip.title
                self.spans.append(
                    Span(
                        "soundscape",
                        "bed",
                        start,
                        min(end, self.end_s),
                        name,
                        f"bed {Path(clip.segments[0].path).name} · loops"
                        f"{self.loudness(clip.segments[0].path)} · gain {clip.gain_db:+.1f} dB",
                        fade_in_s=_fade_in_s(clip),
                        fade_out_s=_fade_out_s(clip),
                        yaml_path=("soundscapes", soundscape_id),
                    )
                )
            elif clip.layer == "one_shot":
                shots.setdefault(clip.title, []).append(self.clock(clip.start_frame))
        for title, times in shots.items():
            times.sort()
            # One range per run of one-shots (a gap of more than 3 minutes starts a new one),
            # with a tick at each.
            run = [times[0]]
            for time_s in times[1:] + [math.inf]:
                if time_s - run[-1] > 180.0:
                    self.spans.append(
                        Span(
                            "soundscape",
                            "one_shots",
                            run[0],
                            max(run[-1], run[0] + 1.0),
                            f"{title}: {len(run)} one-shots",
                            f"one-shots at random times, {len(run)} here",
                        )
                    )
                    for at in run:
                        self.spans.append(Span("soundscape", "one_shot", at, at + 0.5, title))
                    run = [time_s]
                else:
                    run.append(time_s)

    def _soundscape_name(self, soundscape_id: str) -> str | None:
        found = self.playlist.soundscapes.get(soundscape_id)
        return found.name if found is not None else None

    # --- voice and bells -------------------------------------------------------------------
    def _cues(self) -> None:
        planned = {}
        for clip in self.plan.clips:
            if clip.layer in ("voice", "bell"):
                planned[(clip.layer, clip.key[1], clip.key[3])] = clip
        for index, (start, end) in self.phase_times.items():
            content = self.content(index)
            phase = self.playlist.phases[index] if index != SETTLING else None
            length_s = phase.duration if phase is not None else None
            base = self.content_path(index)
            for number, cue in enumerate(content.voice):
                clip = planned.get(("voice", index, number))
                label = cue.cue or Path(cue.file or "").stem
                self._cue(
                    "voice",
                    index,
                    number,
                    cue.at,
                    start,
                    end,
                    length_s,
                    clip,
                    label,
                    base + ("voice", number),
                )
            for number, cue in enumerate(content.bells):
                clip = planned.get(("bell", index, number))
                self._cue(
                    "bell",
                    index,
                    number,
                    cue.at,
                    start,
                    end,
                    length_s,
                    clip,
                    cue.bell,
                    base + ("bells", number),
                )
            transition = planned.get(("bell", index, "transition"))
            if transition is not None:
                at = self.clock(transition.start_frame)
                self.spans.append(
                    Span(
                        "bell",
                        "bell",
                        at,
                        at + _clip_length_s(transition),
                        transition.title,
                        "rung at every phase change (transitions.bell)",
                        yaml_path=("transitions", "bell"),
                        phase_index=index,
                    )
                )

    def _cue(self, lane, index, number, at, start, end, length_s, clip, label, path) -> None:
        if clip is not None:
            at_s = self.clock(clip.start_frame)
            length = _clip_length_s(clip)
            detail = clip.text or f"at {at}"
        else:
            # Not planned: outside its phase, or its file is missing. Drawn where it was
            # asked for (clamped to the phase), so its problem is marked there.
            offset = at.resolve_s(length_s) if length_s is not None else at.offset_s
            at_s = min(max(start + offset, start), end)
            length = 1.0
            detail = f"at {at}: not played"
        self.spans.append(
            Span(
                lane,
                lane,
                at_s,
                at_s + max(length, 0.5),
                label,
                detail,
                yaml_path=path,
                phase_index=index,
                file=clip.segments[0].path if clip is not None and clip.segments else None,
                own_gain_db=(
                    clip.gain_db - self.normalisation_db(clip.segments[0].path)
                    if clip is not None and clip.segments
                    else 0.0
                ),
            )
        )
        self.transitions.append(at_s)

    # --- clinical --------------------------------------------------------------------------
    def _clinical(self) -> None:
        clinical = self.playlist.clinical
        for number, check in enumerate(clinical.vitals):
            if check.at == "pre-dose":
                at_s = -min(self.dose_at_s, 30.0)
            elif check.at == "discharge":
                at_s = self.end_s - 1.0
            else:
                at_s = float(check.at)
            measures = ", ".join(m.replace("_", " ") for m in check.measures)
            label = check.label or (check.at if isinstance(check.at, str) else "check")
            self.spans.append(
                Span(
                    "clinical",
                    "vitals",
                    at_s,
                    at_s,
                    str(label),
                    measures,
                    yaml_path=("clinical", "vitals", number),
                )
            )
        if clinical.minimum_observation is not None:
            at_s = clinical.minimum_observation
            self.spans.append(
                Span(
                    "clinical",
                    "observation",
                    at_s,
                    at_s,
                    f"minimum observation {format_duration(at_s)}",
                    "the session may not end before this",
                    yaml_path=("clinical", "minimum_observation"),
                )
            )


def _phase_detail(phase: Phase) -> str:
    parts = [format_duration(phase.duration)]
    parts.append("then holds for the clinician" if phase.end == "hold" else "then advances")
    if phase.music is not None:
        parts.append("music loops" if phase.music.loop else "music plays once")
    if phase.soundscape:
        parts.append(f"soundscape {phase.soundscape}")
    return " · ".join(parts)


def _is_repeat(clip, clips) -> bool:
    first = clip.segments[0].path if clip.segments else None
    return any(
        other.start_frame < clip.start_frame and other.segments and other.segments[0].path == first
        for other in clips
    )


def _clip_length_s(clip) -> float:
    if clip.end_frame is None:
        return 1.0
    return (clip.end_frame - clip.start_frame) / SAMPLE_RATE_HZ


def _fade_in_s(clip) -> float:
    return max((f.length_frames for f in clip.fades if f.rising), default=0) / SAMPLE_RATE_HZ


def _fade_out_s(clip) -> float:
    return max((f.length_frames for f in clip.fades if not f.rising), default=0) / SAMPLE_RATE_HZ
