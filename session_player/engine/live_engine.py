"""The live session: the timeline decides, the mixer sounds, the output plays, on the dose clock.

``SessionEngine`` is the glue between three parts that know nothing of each other:

- the ``SessionTimeline`` (what should be heard when, from the clock and the commands),
- the ``Mixer`` (turns the timeline's ``AudioSchedule`` into samples on the audio timeline),
- the output sink, which pulls ``render(frames)`` from its own thread at the sound card's pace.

Two clocks meet here. The sound card consumes samples at its own rate; the timeline runs on
the system's monotonic clock. The engine measures where the audio the patient hears *now*
sits on the audio timeline, compares it with where the timeline says it should be, and hands
the difference to the ``DriftCorrector``, which resamples inaudibly until they agree.

The engine imports neither Qt nor pygame: the sink is passed in as a render consumer, so the
same engine runs under the CLI, the GUI and the tests.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from session_player.audio.drift import MAX_CORRECTION_PPM, MAX_DEVICE_OFFSET_PPM, DriftCorrector
from session_player.audio.mixer import Mixer
from session_player.session.commands import CommandRefused
from session_player.session.schedule import AudioSchedule
from session_player.session.timeline import SessionTimeline

log = logging.getLogger(__name__)

# How far ahead of "now" on the audio timeline the mixer may render. It bounds how much
# audio can sit in buffers, and stops the mixer exactly where a pause freezes the timeline.
RENDER_HORIZON_S = 1.0
# Bigger errors than this (a suspended laptop, a resumed crash) are not worth minutes of
# resampling: the mixer is repositioned, with its own fades, instead.
RESYNC_ERROR_S = 1.5
# The first measurement after the mixer is positioned (start, resume, resync) usually shows
# the time the device took to open. The sound is still fading in then, so instead of
# resampling for many seconds we move the mixer once, inaudibly.
SNAP_ERROR_S = 0.005
# Whenever the mixer is (re)positioned - a session starting, a session resumed after a crash,
# a resync after the laptop slept - the output fades in over this long, whatever the
# schedule says: a resumed session must never start at full level.
ENTRY_FADE_S = 2.0
# A jump of the mixer (a snap or a resync) while sound is playing would be a click: the next
# rendered block fades out first (at least this long), the mixer moves during the silence,
# and the sound comes back over the same length after a snap, or over the entry fade after a
# resync.
JUMP_FADE_OUT_S = 0.08
ERROR_SMOOTHING = 0.2  # exponential smoothing of the measured error, per tick
# A second-order loop (a PLL): the proportional term works off a phase error, the integral
# term learns the device's rate offset, so a constant drift leaves no lasting error.
# Kp 0.2/s: a 10 ms error asks for 2000 ppm; Ki = (Kp/2)^2 makes the loop critically
# damped with a time constant of about 10 s. When the device's rate jumps by 5000 ppm (the
# disk driver's does, with the machine's load) the error peaks near 20 ms; with Kp 0.1 it
# peaked near 40 ms. Measurement jitter of a few ms moves the pitch by well under 1 cent.
# The two terms are limited apart (see audio/drift.py): only the proportional term is
# heard as a pitch change, so only it is held to MAX_CORRECTION_PPM. The integral always
# integrates: freezing it while the proportional term is at its limit (a common anti-
# wind-up) would never learn a rate jump larger than that limit, and the error would grow
# without end. The price is an overshoot of ~15 ms after a sudden 100 ms step.
LOOP_KP = 0.2
LOOP_KI = (LOOP_KP / 2) ** 2


@dataclass(frozen=True)
class Segment:
    """A run of mixed frames: where it starts in the mix stream and on the audio timeline."""

    source_frame: int
    tau_s: float
    frames: int
    frozen: bool  # silence while the audio timeline stands still (paused)


class SessionEngine:
    def __init__(
        self,
        timeline: SessionTimeline,
        mixer: Mixer,
        *,
        sample_rate: int = 48000,
        on_alert: Callable[[str, str], None] | None = None,
    ) -> None:
        self.timeline = timeline
        self.mixer = mixer
        self.sample_rate = sample_rate
        self._on_alert = on_alert
        self._lock = threading.RLock()
        self._drift = DriftCorrector(self._pull_mix, sample_rate=sample_rate)
        self._segments: collections.deque[Segment] = collections.deque(maxlen=4096)
        self._source_frames = 0
        self._output_frames = 0
        self._schedule_seq: int | None = None
        self._schedule: AudioSchedule | None = None
        self._error_s: float | None = None
        self._integral = 0.0  # learnt rate offset of the device (ratio - 1)
        self._snap_pending = True
        self._ignore_before_source_frame = 0.0
        self._last_correction_mono_s: float | None = None
        self._positioned = False
        self.last_error_s: float | None = None
        # What the loop is doing, for benchmarks and diagnostics: the audible correction.
        self.correction_ppm = 0.0
        self.resyncs = 0
        self._entry_fade_frames = int(ENTRY_FADE_S * sample_rate)
        self._entry_fade_done = self._entry_fade_frames
        self._jump_fade_frames = max(1, int(JUMP_FADE_OUT_S * sample_rate))
        self._jump_fade_done = 0
        self._jump_fade_in_done = self._jump_fade_frames
        # Runs once the output is silent, with the output frame the new audio will start at.
        self._pending_jump: Callable[[int], None] | None = None
        self.snaps = 0

    # --- the sink's side (its producer thread) ---------------------------------------------

    def render(self, frames: int) -> np.ndarray:
        """What the sink plays next: the mix, resampled by the drift corrector."""
        with self._lock:
            if not self._positioned:
                self._position_mixer(self.timeline.tau_now())
            out = self._drift.pull(frames)
            gain = self._entry_gain(frames)
            if self._jump_fade_in_done < self._jump_fade_frames:
                gain = self._jump_fade_in_gain(frames, gain)
            if self._pending_jump is not None:
                gain = self._jump_fade_gain(frames, gain)
                if self._jump_fade_done >= self._jump_fade_frames:
                    jump, self._pending_jump = self._pending_jump, None
                    jump(self._output_frames + frames)  # silent now: move the mixer
            if gain is not None:
                out = out * gain[:, None]
            self._output_frames += frames
            return out

    def _entry_gain(self, frames: int) -> np.ndarray | None:
        """Gains of the entry fade for the next ``frames`` (None once it is over)."""
        if self._entry_fade_done >= self._entry_fade_frames:
            return None
        position = self._entry_fade_done + np.arange(frames, dtype=np.float64)
        u = np.minimum(position / self._entry_fade_frames, 1.0)
        self._entry_fade_done += frames
        return (np.sin(0.5 * np.pi * u) ** 2).astype(np.float32)

    def _jump_fade_in_gain(self, frames: int, gain: np.ndarray | None) -> np.ndarray:
        """After a snap: back from silence over the jump's fade length (raised cosine)."""
        position = self._jump_fade_in_done + np.arange(1, frames + 1, dtype=np.float64)
        u = np.minimum(position / self._jump_fade_frames, 1.0)
        self._jump_fade_in_done += frames
        fade = (np.sin(0.5 * np.pi * u) ** 2).astype(np.float32)
        return fade if gain is None else gain * fade

    def _jump_fade_gain(self, frames: int, gain: np.ndarray | None) -> np.ndarray:
        """A raised-cosine fade to silence over the pending jump's fade (then zeros)."""
        position = self._jump_fade_done + np.arange(1, frames + 1, dtype=np.float64)
        u = np.minimum(position / self._jump_fade_frames, 1.0)
        self._jump_fade_done += frames
        fade = (np.cos(0.5 * np.pi * u) ** 2).astype(np.float32)
        fade[u >= 1.0] = 0.0
        return fade if gain is None else gain * fade

    def _jump_after_fade_out(self, jump: Callable[[int], None]) -> None:
        """Fade the output out, then ``jump(output_frame)`` the mixer and fade back in.

        Until then no measurement counts: the audio being measured is about to be replaced."""
        self._ignore_before_source_frame = float("inf")
        self._error_s = None
        self.mixer.set_cue_offset_s(0.0)  # the jump itself takes the error away
        if self._pending_jump is None:
            self._jump_fade_done = 0
        self._pending_jump = jump

    def _pull_mix(self, frames: int) -> np.ndarray:
        self._refresh_schedule()
        tau_now = self.timeline.tau_now()
        limit_tau = self.timeline.tau_at_session(self.timeline.now_s() + RENDER_HORIZON_S)
        position = self.mixer.position_s
        available = int(max(0.0, limit_tau - position) * self.sample_rate)
        playing = min(frames, available)
        out = np.zeros((frames, 2), dtype=np.float32)
        if playing:
            out[:playing] = self.mixer.render(playing)
            self._segments.append(Segment(self._source_frames, position, playing, False))
        if playing < frames:
            # The audio timeline stands still (paused after its fade-out): silence that
            # does not move the mixer, so the music resumes where it stopped.
            frozen_tau = max(self.mixer.position_s, min(tau_now, limit_tau))
            self._segments.append(
                Segment(self._source_frames + playing, frozen_tau, frames - playing, True)
            )
        self._source_frames += frames
        return out

    def _refresh_schedule(self) -> None:
        seq = self.timeline.last_seq
        if seq != self._schedule_seq or self._schedule is None:
            schedule = self.timeline.schedule()
            self._schedule_seq = seq
            if schedule != self._schedule:
                self._schedule = schedule
                self.mixer.set_schedule(schedule)

    def _position_mixer(self, tau_s: float) -> None:
        self._refresh_schedule()
        self.mixer.seek(max(0.0, tau_s))
        self._positioned = True
        self._entry_fade_done = 0

    # --- the clock's side (a tick thread or the GUI's timer) -------------------------------

    def tick(self, now_mono_s: float | None = None, device_clock=None) -> list[dict]:
        """Advance the timeline and keep the sound on the dose clock. Call ~10-20 times/s."""
        events = self.timeline.tick()
        if device_clock is not None and now_mono_s is not None:
            self._correct_drift(now_mono_s, device_clock)
        return events

    def _correct_drift(self, now_mono_s: float, device_clock) -> None:
        heard = device_clock.frame_heard_at(now_mono_s)
        if heard is None or not device_clock.device_playing:
            self._last_correction_mono_s = None
            return
        with self._lock:
            source_frame = self._source_frame_of_output(heard)
            tau_heard = self._tau_of_source_frame(source_frame)
            if source_frame < self._ignore_before_source_frame:
                return  # still hearing audio from before the last snap
            if tau_heard is None:
                # Silence of a pause is in the pipeline: hold the learnt rate, no new error.
                self._drift.set_ratio(1.0 + self._integral)
                self._last_correction_mono_s = None
                return
            error = tau_heard - self.timeline.tau_now()
            self.last_error_s = error
            if abs(error) > RESYNC_ERROR_S:
                self._resync(heard)
                return
            if self._snap_pending:
                self._snap_pending = False
                if abs(error) > SNAP_ERROR_S:
                    self._snap(error)
                    return
            if self._error_s is None:
                self._error_s = error
            else:
                self._error_s += ERROR_SMOOTHING * (error - self._error_s)
            dt = 0.0
            if self._last_correction_mono_s is not None:
                dt = min(0.5, max(0.0, now_mono_s - self._last_correction_mono_s))
            self._last_correction_mono_s = now_mono_s
            correction_limit = MAX_CORRECTION_PPM * 1e-6
            proportional = min(correction_limit, max(-correction_limit, -LOOP_KP * self._error_s))
            offset_limit = MAX_DEVICE_OFFSET_PPM * 1e-6
            integral = self._integral - LOOP_KI * self._error_s * dt
            self._integral = min(offset_limit, max(-offset_limit, integral))
            self.correction_ppm = proportional * 1e6
            self._drift.set_ratio(1.0 + self._integral + proportional)
            # Cues that have not sounded yet start where they will be heard on time (see
            # Mixer.set_cue_offset_s): at the error now, less what the correction will have
            # worked off by the time the audio rendered now is heard.
            ahead_s = (self._output_frames - heard) / self.sample_rate
            ahead_s += self._drift.buffered_source_s
            self.mixer.set_cue_offset_s(self._error_s + proportional * max(0.0, ahead_s))

    def _source_frame_of_output(self, output_frame: float) -> float:
        """The mix frame that became the given output frame (through the drift resampler)."""
        behind_output = self._output_frames - output_frame
        return (
            self._source_frames
            - self._drift.buffered_source_s * self.sample_rate
            - behind_output * self._drift.ratio
        )

    def _tau_of_source_frame(self, source_frame: float) -> float | None:
        """Where a mix frame sits on the audio timeline; None if it is pause silence."""
        for segment in reversed(self._segments):
            if segment.source_frame <= source_frame:
                if segment.frozen or source_frame >= segment.source_frame + segment.frames:
                    return None
                return segment.tau_s + (source_frame - segment.source_frame) / self.sample_rate
        return None

    def _snap(self, error_s: float) -> None:
        def jump(_output_frame: int) -> None:
            # Relative to wherever the mixer is by then: the offset to the clock is the same.
            self.mixer.seek(max(0.0, self.mixer.position_s - error_s))
            # Frames already rendered still carry the old offset: judge only newer ones.
            self._ignore_before_source_frame = self._source_frames
            # Back in over the jump's own fade; an entry fade still running goes on.
            self._jump_fade_in_done = 0

        self._jump_after_fade_out(jump)
        self.snaps += 1

    def _resync(self, heard_frame: float) -> None:
        # Far off the dose clock (the machine slept, or a resumed session): fade out, jump,
        # fade in; the first measurement afterwards snaps off what the jump could not know.
        # ``heard_frame`` is heard now, at ``tau``. The new audio starts at output frame
        # ``start`` (after the ring, the device buffer and the fade-out, all still to be
        # heard) and behind what the resampler holds: that is where it must land.
        tau_s = self.timeline.tau_now()

        def jump(start: int) -> None:
            ahead_s = (start - heard_frame) / self.sample_rate + self._drift.buffered_source_s
            self.mixer.seek(tau_s + max(0.0, ahead_s))
            self._entry_fade_done = 0
            self._ignore_before_source_frame = self._source_frames
            self._snap_pending = True
            self._error_s = None
            self._drift.set_ratio(1.0 + self._integral)

        self._jump_after_fade_out(jump)
        self.resyncs += 1

    # --- alerts from the mixer and the sink ------------------------------------------------

    def alert(self, kind: str, message: str) -> None:
        """Raise an alert on the timeline: journaled, shown on the console until acknowledged.

        The timeline keeps one open alert per kind and message, so a retrying output layer
        does not flood the journal; only a new alert reaches ``on_alert``.
        """
        try:
            result = self.timeline.raise_alert(kind, message)
        except CommandRefused:
            log.warning("alert before the session started: %s: %s", kind, message)
            return
        if result.seq is not None and self._on_alert is not None:
            self._on_alert(kind, message)

    # --- measurements (benchmarks, diagnostics) ------------------------------------------------

    @property
    def drift_ratio(self) -> float:
        return self._drift.ratio

    @property
    def device_offset_ppm(self) -> float:
        """The device's rate offset from nominal, as the loop has learnt it."""
        return self._integral * 1e6
