"""The mixer: turns an ``AudioSchedule`` into 48 kHz stereo float32 blocks.

The same object feeds the live output and the offline render, so a preview is exactly what
the patient hears. It owns no clock: ``render(frames)`` advances the audio timeline tau by
``frames / sample_rate``; pausing is the session's business (it fades the master bus out,
then stops pulling frames).

Per block (``block_frames``, 8192 by default, cut to the caller's request): ask the plan
which clips sound, let each voice read its samples, apply its gain curve (static gain ×
fades × bus lanes × master, all evaluated vectorised and as scalars when constant), sum,
then limit to the ceiling. The limiter delays by a few ms; the mixer runs that much ahead
so that output frame n is timeline frame n (cue timing stays sample-exact).

Changing the schedule (``set_schedule``, any time, any thread) never clicks: the new plan
is compared with the old one at the next frame; a clip that goes on keeps its decoder; a
gain that differs glides to the new curve over ``GLIDE_S``; a clip that is gone fades out
over ``STOP_FADE_S``; a clip that should already be sounding glides in.

Cues keep the dose clock even when the live output does not. The drift loop brings the
whole mix back onto the dose clock by resampling, at most 5 ms a second; after a hiccup of
the output that takes seconds. A voice cue or a bell has not begun yet, so it can simply
begin where the output needs it: ``set_cue_offset_s`` (the engine's measured error) moves
every cue that has not sounded yet by that much on the mix timeline, and a cue keeps its
place once it sounds. Nothing else moves (a bed or a crossfade cannot jump without being
heard). Offline the offset is 0 and every cue is where the plan puts it. For the same reason
a cue that a new schedule says began a moment ago (less than ``MAX_CUE_OFFSET_S``: the bell
of a dose marked now, while the mix is already a little ahead of now) begins from its first
sample where the mix is, instead of part-way through.

Failures are never silent: a file that cannot be measured or decoded is reported through
``on_alert(kind, message)`` (kinds: ``missing``, ``decode``, ``silence``), its voice fades out
within 50 ms, and the plan moves its layer on from that frame (next music item; the other
layers of the soundscape). A decoder that delivers nothing for ``decode_timeout_s`` (2 s by
default: the longest silence we allow) counts as broken. A mix that stays under -70 dBFS for
2 s while the plan says something should sound raises a ``silence`` alert.
"""

from __future__ import annotations

import bisect
import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from session_player.audio.analysis import AnalysisResult, FileAnalysis
from session_player.audio.clips import Clip
from session_player.audio.envelopes import Gain, fades_block, smoothstep
from session_player.audio.limiter import SUB_BLOCK_FRAMES, PeakLimiter
from session_player.audio.plan import Plan, build_plan
from session_player.audio.sources import SourceOpener
from session_player.audio.voice import PREFETCH_S, Voice
from session_player.playlist.model import Playlist
from session_player.session.schedule import AudioSchedule

DEFAULT_BLOCK_FRAMES = 8192
PLAN_HORIZON_S = 600.0  # open-ended content is planned this far ahead …
REPLAN_MARGIN_S = 60.0  # … and planned again when the mix gets this close to the horizon
GLIDE_S = 0.25
STOP_FADE_S = 0.25
SILENCE_DBFS = -70.0
SILENCE_ALERT_S = 2.0
CUE_LAYERS = frozenset({"voice", "bell"})  # clips set_cue_offset_s may move
MAX_CUE_OFFSET_S = 0.5  # larger errors are the engine's to resync, not ours to follow
_AUDIBLE_GAIN = 1e-3  # a voice with less gain than this (-60 dB) is not "supposed to sound"
_SAME_GAIN = 1e-4

AlertHandler = Callable[[str, str], None]


@dataclass(frozen=True)
class NowPlaying:
    layer: str  # music, soundscape, one_shot, voice, bell
    title: str
    path: str | None
    position_s: float
    length_s: float
    text: str = ""


class Mixer:
    def __init__(
        self,
        playlist: Playlist,
        analysis: Mapping[str, FileAnalysis] | AnalysisResult,
        sample_rate: int = 48000,
        on_alert: AlertHandler | None = None,
        *,
        block_frames: int = DEFAULT_BLOCK_FRAMES,
        opener: SourceOpener | None = None,
        decode_timeout_s: float = 2.0,
        prefetch_s: float = PREFETCH_S,
    ) -> None:
        self.playlist = playlist
        # With an AnalysisResult, alerts about unmeasured files can say why they failed.
        self._analysis_failures: Mapping[str, str] = {}
        if isinstance(analysis, AnalysisResult):
            self._analysis_failures = analysis.failures
            analysis = analysis.files
        self.analysis = analysis
        self.sample_rate = sample_rate
        self.on_alert = on_alert
        self.block_frames = max(SUB_BLOCK_FRAMES, block_frames - block_frames % SUB_BLOCK_FRAMES)
        self.opener = opener or SourceOpener(sample_rate, timeout_s=decode_timeout_s)
        self.limiter = PeakLimiter(playlist.levels.ceiling_dbfs, sample_rate)
        self.alerts: list[tuple[str, str]] = []
        self._render_lock = threading.RLock()
        self._pending_lock = threading.Lock()
        self._pending: AudioSchedule | None = None
        self._schedule: AudioSchedule | None = None
        self._plan: Plan | None = None
        self._starts: list[int] = []
        self._next_clip = 0
        self._failures: dict[str, int] = {}
        self._alerted: set[tuple[str, str]] = set()
        self._voices: dict[tuple, Voice] = {}
        self._orphans: list[Voice] = []
        self._mix_frame = 0
        self._out_frame = 0
        self._fifo = np.zeros((0, 2), dtype=np.float32)
        self._positioned = False
        self._scratch = np.zeros((self.block_frames, 2), dtype=np.float32)
        # Audio time to open sources ahead: ~2 s live; an offline render running at 100×
        # real time needs more audio time to cover the same ffmpeg start-up (wall) time.
        self.prefetch_s = prefetch_s
        self._prefetch_frames = int(prefetch_s * sample_rate)
        self._silent_frames = 0
        self._silence_reported = False
        self._expected_sound = False
        self._cue_offset_frames = 0
        # Cues that have played to their end: a re-plan must not start them again (a moved
        # cue ends before or after the plan says, and a late one would begin from the top).
        self._done_cues: set[tuple] = set()

    # --- public API ----------------------------------------------------------------------

    @property
    def position_s(self) -> float:
        """Audio timeline position (tau) of the next output frame."""
        return self._out_frame / self.sample_rate

    @property
    def clamp_count(self) -> int:
        """Samples the hard ceiling clamp had to touch (the limiter should leave none)."""
        return self.limiter.clamp_count

    @property
    def plan(self) -> Plan | None:
        return self._plan

    def set_schedule(self, schedule: AudioSchedule) -> None:
        """Use ``schedule`` from the next rendered frame on, without any discontinuity."""
        with self._pending_lock:
            self._pending = schedule

    def set_cue_offset_s(self, offset_s: float) -> None:
        """Start cues that have not sounded yet ``offset_s`` later on the mix timeline.

        The live engine passes its measured error (the sound heard ahead of the dose clock
        is positive): a cue then starts where it will be *heard* on time. Any thread.
        """
        offset_s = max(-MAX_CUE_OFFSET_S, min(MAX_CUE_OFFSET_S, offset_s))
        self._cue_offset_frames = int(round(offset_s * self.sample_rate))

    def seek(self, tau_s: float) -> None:
        """Position everything at ``tau_s`` (resume after a crash, ``--from``)."""
        with self._render_lock:
            self._take_pending()
            self._seek_frame(int(round(tau_s * self.sample_rate)))

    def render(self, frames: int) -> np.ndarray:
        """The next ``frames`` frames of output, (frames, 2) float32; tau advances."""
        with self._render_lock:
            if not self._positioned:
                self._take_pending()
                self._seek_frame(0)
            else:
                pending = self._take_pending()
                if pending is not None:
                    self._replan(glide=True)
            pieces = [self._fifo] if len(self._fifo) else []
            have = len(self._fifo)
            while have < frames:
                need = frames - have
                block = min(self.block_frames, -(-need // SUB_BLOCK_FRAMES) * SUB_BLOCK_FRAMES)
                limited = self.limiter.process(self._mix(block))
                self._watch_silence(limited)
                pieces.append(limited)
                have += len(limited)
            if not pieces:
                return np.zeros((0, 2), dtype=np.float32)
            joined = pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
            self._fifo = joined[frames:]
            self._out_frame += frames
            return joined[:frames]

    def now_playing(self) -> dict[str, list[NowPlaying]]:
        """Per layer, what is sounding now (for the console)."""
        with self._render_lock:
            layers: dict[str, list[NowPlaying]] = {}
            frame = self._out_frame
            for voice in self._voices.values():
                clip = voice.clip
                if clip.start_frame > frame or voice.last_gain < _AUDIBLE_GAIN:
                    continue
                layers.setdefault(clip.layer, []).append(
                    NowPlaying(
                        layer=clip.layer,
                        title=voice.current_title,
                        path=voice.current_path,
                        position_s=voice.current_position_frames / self.sample_rate,
                        length_s=voice.current_length_frames / self.sample_rate,
                        text=clip.text,
                    )
                )
            return layers

    def close(self) -> None:
        with self._render_lock:
            for voice in [*self._voices.values(), *self._orphans]:
                voice.close()
            self._voices.clear()
            self._orphans.clear()

    def __enter__(self) -> Mixer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- schedule and plan ---------------------------------------------------------------

    def _take_pending(self) -> AudioSchedule | None:
        with self._pending_lock:
            pending, self._pending = self._pending, None
        if pending is not None:
            self._schedule = pending
        return pending

    def _build_plan(self, frame: int) -> Plan:
        assert self._schedule is not None
        plan = build_plan(
            self.playlist,
            self._schedule,
            self.analysis,
            horizon_frame=frame + int(PLAN_HORIZON_S * self.sample_rate),
            sample_rate_hz=self.sample_rate,
            failures=self._failures,
        )
        for path in sorted(plan.missing):
            reason = self._analysis_failures.get(path, f"{path}: not measured")
            self._alert("missing", f"{reason}; it is skipped")
        return plan

    def _seek_frame(self, frame: int) -> None:
        self.close()
        self._done_cues.clear()
        self.limiter.reset()
        self._fifo = np.zeros((0, 2), dtype=np.float32)
        self._mix_frame = frame
        self._out_frame = frame
        self._silent_frames = 0
        self._positioned = True
        self._plan = None
        if self._schedule is not None:
            self._replan(glide=False)
        # Fill the limiter's look-ahead so output frame n is timeline frame n.
        self.limiter.process(self._mix(self.limiter.latency_frames))

    def _replan(self, glide: bool) -> None:
        if self._schedule is None:
            return
        frame = self._mix_frame
        old_plan = self._plan
        plan = self._build_plan(frame)
        self._plan = plan
        self._starts = [clip.start_frame for clip in plan.clips]
        by_key = {clip.key: clip for clip in plan.clips}
        self._done_cues &= by_key.keys()
        for key, voice in list(self._voices.items()):
            clip = by_key.get(key)
            if clip is not None:
                clip = clip.shifted(voice.shift_frames)  # a cue keeps its place
            if clip is None or (clip.end_frame is not None and clip.end_frame <= frame):
                del self._voices[key]
                self._orphan(voice, frame)
                continue
            if glide and old_plan is not None:
                before = self._gain_at(voice.clip, old_plan, frame)
                after = self._gain_at(clip, plan, frame)
                if voice.glide is not None or abs(before - after) > _SAME_GAIN:
                    voice.glide = (frame, int(GLIDE_S * self.sample_rate), voice.last_gain)
            voice.update_clip(clip)
        # Clips that should already be sounding but have no voice (a new plan, a seek).
        self._next_clip = bisect.bisect_left(self._starts, frame)
        for clip in plan.clips[: self._next_clip]:
            if clip.key in self._voices or clip.key in self._done_cues:
                continue
            late = frame - clip.start_frame
            if glide and clip.layer in CUE_LAYERS and late < MAX_CUE_OFFSET_S * self.sample_rate:
                # A cue that a command started "now" (the bell of a dose or of an advance):
                # the mix is already a little past now, so it begins here, from its first
                # sample, instead of being joined part-way through.
                voice = self._start_voice(clip.shifted(late), frame)
                voice.shift_frames = late
                continue
            if not clip.is_active(frame, 1):
                continue
            voice = self._start_voice(clip, frame)
            if glide and self._gain_at(clip, plan, frame) > 0:
                voice.glide = (frame, int(GLIDE_S * self.sample_rate), 0.0)

    def _orphan(self, voice: Voice, frame: int) -> None:
        if voice.last_gain <= 0:
            voice.close()
            return
        voice.glide = (frame, int(STOP_FADE_S * self.sample_rate), voice.last_gain)
        self._orphans.append(voice)

    def _start_voice(self, clip: Clip, frame: int) -> Voice:
        voice = Voice(clip, self.opener, self.prefetch_s)
        voice.prefetch(frame - clip.start_frame)
        self._voices[clip.key] = voice
        return voice

    def _gain_at(self, clip: Clip, plan: Plan, frame: int) -> float:
        gain = clip.gain * _scalar(fades_block(clip.fades, frame, 1))
        for lane in (*plan.master, *plan.buses.get(clip.bus, ())):
            gain *= lane.value_at(frame)
        return gain

    # --- mixing --------------------------------------------------------------------------

    def _mix(self, frames: int) -> np.ndarray:
        start = self._mix_frame
        mix = np.zeros((frames, 2), dtype=np.float32)
        plan = self._plan
        self._expected_sound = False
        if plan is None:
            self._mix_frame += frames
            return mix
        if start + frames + int(REPLAN_MARGIN_S * self.sample_rate) > plan.horizon_frame:
            self._replan(glide=True)
            plan = self._plan
            assert plan is not None
        self._activate(start, frames)
        bus_gains = self._bus_gains(plan, start, frames)
        finished = []
        for key, voice in self._voices.items():
            if voice.clip.layer in CUE_LAYERS and voice.clip.start_frame >= start:
                self._place_cue(voice, start)
            clip = voice.clip
            if clip.start_frame >= start + frames:
                continue  # opened ahead of time, not sounding yet
            if clip.end_frame is not None and clip.end_frame <= start:
                finished.append(key)
                continue
            gain = clip.gain * fades_block(clip.fades, start, frames) * bus_gains[clip.bus]
            self._mix_voice(voice, mix, start, frames, gain)
        for key in finished:
            voice = self._voices.pop(key)
            if voice.clip.layer in CUE_LAYERS:
                self._done_cues.add(key)
            voice.close()
        for voice in list(self._orphans):
            self._mix_voice(voice, mix, start, frames, 0.0)
            if voice.glide is None:
                self._orphans.remove(voice)
                voice.close()
        self._mix_frame += frames
        self._report_failures()
        return mix

    def _activate(self, start: int, frames: int) -> None:
        """Create voices for clips starting within this block or the prefetch window."""
        assert self._plan is not None
        clips = self._plan.clips
        horizon = start + frames + self._prefetch_frames
        while self._next_clip < len(clips) and clips[self._next_clip].start_frame < horizon:
            clip = clips[self._next_clip]
            self._next_clip += 1
            if clip.key in self._voices or (clip.end_frame is not None and clip.end_frame <= start):
                continue
            self._start_voice(clip, start)

    def _place_cue(self, voice: Voice, start: int) -> None:
        """Move a cue that has not sounded yet to where the cue offset wants it.

        Never before ``start`` (the block being mixed): a cue that should have begun
        already begins now, from its first sample."""
        planned = voice.clip.start_frame - voice.shift_frames
        shift = max(start, planned + self._cue_offset_frames) - planned
        if shift != voice.shift_frames:
            voice.update_clip(voice.clip.shifted(shift - voice.shift_frames))
            voice.shift_frames = shift

    def _bus_gains(self, plan: Plan, start: int, frames: int) -> dict[str, Gain]:
        master: Gain = 1.0
        for lane in plan.master:
            master = master * lane.block(start, frames)
        gains: dict[str, Gain] = {}
        for bus, lanes in plan.buses.items():
            gain = master
            for lane in lanes:
                gain = gain * lane.block(start, frames)
            gains[bus] = gain
        return gains

    def _mix_voice(
        self, voice: Voice, mix: np.ndarray, start: int, frames: int, gain: Gain
    ) -> None:
        clip = voice.clip
        offset = start - clip.start_frame
        if voice.glide is not None:
            gain = self._apply_glide(voice, gain, start, frames)
        buffer = self._scratch[:frames]
        voice.read(buffer, offset)
        last = _scalar_last(gain)
        voice.last_gain = last
        if isinstance(gain, float):
            if gain == 0.0:
                return
            if gain >= _AUDIBLE_GAIN and not voice.failure:
                self._expected_sound = True
            buffer *= np.float32(gain)
        else:
            if not voice.failure and float(gain.max()) >= _AUDIBLE_GAIN:
                self._expected_sound = True
            buffer *= gain.astype(np.float32)[:, None]
        if clip.pan:
            angle = (clip.pan + 1.0) * math.pi / 4
            buffer *= np.array(
                [math.cos(angle) * math.sqrt(2), math.sin(angle) * math.sqrt(2)], dtype=np.float32
            )
        mix += buffer

    def _apply_glide(self, voice: Voice, gain: Gain, start: int, frames: int) -> Gain:
        glide_start, glide_frames, from_gain = voice.glide  # type: ignore[misc]
        if start >= glide_start + glide_frames:
            voice.glide = None
            return gain
        t = np.arange(start, start + frames, dtype=np.float64)
        towards = smoothstep((t - glide_start) / max(glide_frames, 1))
        return from_gain * (1.0 - towards) + gain * towards

    # --- failures and alerts -------------------------------------------------------------

    def _report_failures(self) -> None:
        new = False
        for voice in [*self._voices.values(), *self._orphans]:
            if voice.failure is None or voice.failure_reported:
                continue
            voice.failure_reported = True
            path, offset, message = voice.failure
            frame = voice.clip.start_frame + offset
            if path not in self._failures or frame < self._failures[path]:
                self._failures[path] = frame
                new = True
            self.opener.cache.discard(path)
            self._alert("decode", message if path in message else f"{path}: {message}")
        if new:
            self._replan(glide=True)

    def _watch_silence(self, block: np.ndarray) -> None:
        quiet = float(np.max(np.abs(block))) < 10 ** (SILENCE_DBFS / 20) if len(block) else True
        if quiet and self._expected_sound:
            self._silent_frames += len(block)
            if (
                self._silent_frames >= SILENCE_ALERT_S * self.sample_rate
                and not self._silence_reported
            ):
                self._silence_reported = True
                at = self._out_frame / self.sample_rate
                self._alert(
                    "silence",
                    f"no sound for {SILENCE_ALERT_S:g} s at tau {at:.1f} s "
                    "although something should be playing",
                    once=False,
                )
        else:
            self._silent_frames = 0
            self._silence_reported = False

    def _alert(self, kind: str, message: str, once: bool = True) -> None:
        if once:
            if (kind, message) in self._alerted:
                return
            self._alerted.add((kind, message))
        self.alerts.append((kind, message))
        if self.on_alert is not None:
            self.on_alert(kind, message)


def _scalar(value: Gain) -> float:
    return value if isinstance(value, float) else float(value[0])


def _scalar_last(value: Gain) -> float:
    return value if isinstance(value, float) else float(value[-1])
