"""The headphone listening dose of a session, as a share of the WHO/ITU-T H.870 weekly allowance.

H.870 (WHO-ITU "Safe listening devices and systems", 2019) allows 1.6 Pa²h a week for an
adult: 80 dB(A) for 40 hours, on the **equal-energy rule** (3 dB more halves the time).
The exposure of a sound at L dB SPL for t hours is ``(20 µPa)² · 10^(L/10) · t`` Pa²h, so

    share = Σ (20 µPa)² · 10^(L_i/10) · t_i  /  1.6 Pa²h

**Where the level comes from.** The engine measures no output level, and the record must be
computable from the journal alone (a report on another machine, without the audio files).
So the level at the ear is *estimated* from what the journal says and what the playlist
format guarantees:

- every item is normalised to the playlist's loudness target (``levels.loudness_target_lufs``,
  -23 LUFS by default); the music and the soundscape play together, so the programme is
  their power sum above the target: ``programme_margin_db(playlist)``, the loudest part of
  the playlist (settling or a phase) with its music at its loudest item's gain and the
  loudest soundscape with every layer sounding at once at its gains (a voice cue over the
  ducked music where that is louder). Without gains that is ``MIX_MARGIN_DB`` = +3 dB (two
  sources at the target). Conservative: calm down lowering the music, one-shots being
  intermittent and a phase without music are not subtracted; bells (seconds) are left out.
  The offline render of such a mix measures what this says (``tests/engine/
  test_listening_dose_render.py``: -26.0 LUFS measured for -26.0 estimated);
- the master volume is what the journal says: the playlist's starting volume (or the
  course's, ``session_started.course.start_volume_db``), then each ``volume_set`` and
  ``volume_cap_set``; silent while paused (``audio_paused``), faded to silence, before the
  start and after the end; a rehearsal plays no sound. Ramps (a few seconds) are ignored;
- ``calibration_db_spl``: what the clinic's headphones produce at the ear for a 1 kHz sine at
  digital full scale (0 dBFS peak) on that channel, entered per headphone model in the
  settings (``listening_settings.py``); ``DEFAULT_CALIBRATION_DB_SPL`` (100 dB SPL) when
  none is entered, a figure a laptop at full volume with common headphones reaches.

With these, the level in each ear is ``calibration + programme LUFS + margin + volume``: for
a stereo programme, a loudness of L LUFS is (by the BS.1770 definition, whose -0.691 dB
cancels K-weighting's gain at 1 kHz) the per-channel level L dB below a full-scale sine.
LUFS is K-weighted, not A-weighted; for music the A-weighted level is the same or a little
lower (A-weighting cuts the bass more), so the estimate errs high. The time a crashed app
was away is counted as listening (an overestimate, never an underestimate).

**Entry points.** For the report (and anyone): ``listening_dose(events, calibration_db_spl=…,
playlist=playlist)`` → ``ListeningDose`` with ``share``, ``percent``, ``laeq_db``,
``listening_s`` and ``text()`` (one sentence for a report, with its assumptions in
``assumptions``). Pass ``playlist=None`` when the playlist is not known: the format's
default target, +3.01 dB and the highest volume (0 dB) are assumed, and the assumptions say so.
The calibration for a report: ``load_listening_settings().report_calibration_db_spl``. For the
console: ``DoseMeter`` takes the journal's events as they come and ``projected(...)``
gives the dose by the planned end (``planned_remaining_s``) if the volume stays as it is.

Qt-free and pygame-free (core).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

REFERENCE_PRESSURE_PA = 20e-6
ALLOWANCE_LEVEL_DBA = 80.0
ALLOWANCE_HOURS = 40.0
# (20 µPa · 10^(80/20))² · 40 h = (0.2 Pa)² · 40 h = 1.6 Pa²h
WEEKLY_ALLOWANCE_PA2H = (
    REFERENCE_PRESSURE_PA**2 * 10 ** (ALLOWANCE_LEVEL_DBA / 10) * ALLOWANCE_HOURS
)
DEFAULT_CALIBRATION_DB_SPL = 100.0
MIN_CALIBRATION_DB_SPL = 60.0  # lower is not a headphone at full scale: a typing error
MAX_CALIBRATION_DB_SPL = 140.0
DEFAULT_PROGRAMME_LUFS = -23.0  # the playlist format's default loudness target
MIX_MARGIN_DB = 10 * math.log10(2)  # 3.01 dB: music and a soundscape, each at the target
UNKNOWN_START_VOLUME_DB = 0.0  # the highest volume the format allows: when the playlist is unknown
SECONDS_PER_HOUR = 3600.0


def pressure_squared_pa2(level_db_spl: float) -> float:
    """The mean-square sound pressure of a level in dB SPL (re 20 µPa)."""
    return REFERENCE_PRESSURE_PA**2 * 10 ** (level_db_spl / 10)


def exposure_pa2h(level_db_spl: float, duration_s: float) -> float:
    """The sound exposure of ``duration_s`` at a steady level, in Pa²h (equal-energy rule)."""
    return pressure_squared_pa2(level_db_spl) * max(0.0, duration_s) / SECONDS_PER_HOUR


def share_of_weekly_allowance(exposure: float) -> float:
    """An exposure in Pa²h as a fraction of the H.870 weekly allowance (1.0 = all of it)."""
    return exposure / WEEKLY_ALLOWANCE_PA2H


def _power(gain_db: float) -> float:
    return 10 ** (gain_db / 10)


def _soundscape_power(scape) -> float:
    # Layers of different files add in power (uncorrelated noise); the same file twice adds
    # in amplitude (it is the same wave, in phase): 6 dB for two, not 3.
    amplitudes: dict[object, float] = {}
    for layer in scape.layers:
        key = layer.bed if layer.bed is not None else tuple(layer.one_shots or ())
        amplitudes[key] = amplitudes.get(key, 0.0) + 10 ** ((scape.gain_db + layer.gain_db) / 20)
    return sum(amplitude**2 for amplitude in amplitudes.values())


def programme_margin_db(playlist) -> float:
    """How far above the loudness target the playlist's loudest moment can be, in dB: the
    power sum of its music (at its loudest item's gain, or a voice cue over the ducked music
    if that is louder) and its loudest soundscape with every layer sounding at once."""
    soundscapes = [_soundscape_power(scape) for scape in playlist.soundscapes.values()]
    loudest_scape = max(soundscapes, default=0.0)
    duck = _power(playlist.transitions.duck_db)
    loudest = 0.0
    for content in [playlist.settling, *playlist.phases]:
        music = 0.0
        layer = content.music
        if layer is not None:
            gains = [item.gain_db for item in layer.items if item.file is not None]
            if gains:
                music = _power(layer.gain_db + max(gains))
        voices = [
            _power(
                cue.gain_db
                + (playlist.voices[cue.cue].gain_db if cue.cue in playlist.voices else 0.0)
            )
            for cue in content.voice
        ]
        if voices:
            music = max(music, max(voices) + music * duck)
        scape = loudest_scape * _power(content.soundscape_gain_db)
        loudest = max(loudest, music + scape)
    return 10 * math.log10(loudest) if loudest > 0 else 0.0


def ear_level_db_spl(
    volume_db: float,
    *,
    calibration_db_spl: float,
    programme_lufs: float = DEFAULT_PROGRAMME_LUFS,
    mix_margin_db: float = MIX_MARGIN_DB,
) -> float:
    """The estimated level at the ear with the master volume at ``volume_db``."""
    return calibration_db_spl + programme_lufs + mix_margin_db + volume_db


@dataclass(frozen=True)
class ListeningDose:
    exposure_pa2h: float
    listening_s: float  # how long sound played
    calibration_db_spl: float
    programme_lufs: float
    assumptions: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        """Fraction of the weekly allowance (1.0 = all of it)."""
        return share_of_weekly_allowance(self.exposure_pa2h)

    @property
    def percent(self) -> float:
        return 100.0 * self.share

    @property
    def laeq_db(self) -> float | None:
        """The steady level with the same energy over the listening time (None: silent)."""
        if self.listening_s <= 0 or self.exposure_pa2h <= 0:
            return None
        mean_p2 = self.exposure_pa2h * SECONDS_PER_HOUR / self.listening_s
        return 10 * math.log10(mean_p2 / REFERENCE_PRESSURE_PA**2)

    def text(self) -> str:
        """One sentence for a report or a console line."""
        share = format_percent(self.percent)
        if self.laeq_db is None:
            return "Estimated listening dose: none (no sound played)."
        return (
            f"Estimated listening dose: {share} of the weekly allowance (WHO/ITU-T H.870: "
            f"80 dB(A) for 40 h), {format_hours(self.listening_s)} at about "
            f"{self.laeq_db:.0f} dB(A) (headphones {self.calibration_db_spl:g} dB SPL at full "
            f"scale, programme {self.programme_lufs:g} LUFS)."
        )


def format_percent(percent: float) -> str:
    """``0.04 %`` / ``3.2 %`` / ``62 %``: two significant figures at most, never "0 %"."""
    if percent <= 0:
        return "0 %"
    if percent < 0.01:
        return "< 0.01 %"
    if percent < 10:
        return f"{percent:.2g} %"
    return f"{percent:.0f} %"


def format_hours(seconds: float) -> str:
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return None
    return float(value)


class DoseMeter:
    """The session's estimated exposure, from its journal events given in order.

    ``add(event)`` for each event (as the console gets them, or all of a journal's);
    ``dose()`` up to the last event or a later ``until_session_s``; ``projected`` adds the
    time still planned at the current volume.
    """

    def __init__(
        self,
        *,
        calibration_db_spl: float = DEFAULT_CALIBRATION_DB_SPL,
        programme_lufs: float | None = None,
        start_volume_db: float | None = None,
        mix_margin_db: float = MIX_MARGIN_DB,
    ) -> None:
        self.calibration_db_spl = float(calibration_db_spl)
        self.mix_margin_db = float(mix_margin_db)
        assumptions = []
        if programme_lufs is None:
            assumptions.append(
                f"playlist not known: its loudness target taken as {DEFAULT_PROGRAMME_LUFS:g} LUFS, "
                "music and one soundscape at once"
            )
        self.programme_lufs = DEFAULT_PROGRAMME_LUFS if programme_lufs is None else programme_lufs
        self._start_volume_db = start_volume_db
        self._assumptions = assumptions
        self._p2_seconds = 0.0  # Σ p² · dt, in Pa²·s
        self._listening_s = 0.0
        self._last_s: float | None = None  # session_s of the last event
        self._started = False
        self._ended = False
        self._rehearsal = False
        self._paused = False
        self._silenced = False
        self.volume_db = UNKNOWN_START_VOLUME_DB if start_volume_db is None else start_volume_db

    @property
    def playing(self) -> bool:
        return self._started and not (
            self._ended or self._paused or self._silenced or self._rehearsal
        )

    def level_db_spl(self) -> float:
        """The estimated ear level at the current volume (whether or not sound plays now)."""
        return ear_level_db_spl(
            self.volume_db,
            calibration_db_spl=self.calibration_db_spl,
            programme_lufs=self.programme_lufs,
            mix_margin_db=self.mix_margin_db,
        )

    def _run_to(self, session_s: float) -> None:
        if self._last_s is not None and session_s > self._last_s and self.playing:
            dt = session_s - self._last_s
            self._p2_seconds += pressure_squared_pa2(self.level_db_spl()) * dt
            self._listening_s += dt
        if self._last_s is None or session_s > self._last_s:
            self._last_s = session_s

    def add(self, event: dict) -> None:
        session_s = _number(event.get("session_s"))
        if session_s is not None:
            self._run_to(session_s)
        kind = event.get("type")
        if kind == "session_started":
            self._started = True
            self._rehearsal = isinstance(event.get("rehearsal"), dict)
            course = event.get("course")
            course_volume = (
                _number(course.get("start_volume_db")) if isinstance(course, dict) else None
            )
            if course_volume is not None:
                self.volume_db = course_volume
            elif self._start_volume_db is None:
                self._assumptions.append(
                    f"starting volume not known: taken as {UNKNOWN_START_VOLUME_DB:g} dB (the highest)"
                )
        elif kind == "volume_set":
            volume = _number(event.get("volume_db"))
            if volume is not None:
                self.volume_db = volume
        elif kind == "volume_cap_set":
            cap = _number(event.get("cap_db"))
            if cap is not None:
                self.volume_db = min(self.volume_db, cap)
        elif kind == "audio_paused":
            self._paused = True
        elif kind == "audio_resumed":
            self._paused = False
        elif kind == "faded_to_silence":
            self._silenced = True
        elif kind == "faded_back":
            self._silenced = False
        elif kind == "session_ended":
            self._ended = True

    def add_all(self, events: Iterable[dict]) -> DoseMeter:
        for event in events:
            self.add(event)
        return self

    def dose(self, until_session_s: float | None = None) -> ListeningDose:
        """The exposure so far: up to the last event, or on to ``until_session_s`` (now)."""
        p2_seconds, listening_s = self._p2_seconds, self._listening_s
        if until_session_s is not None and self._last_s is not None and self.playing:
            extra_s = max(0.0, until_session_s - self._last_s)
            p2_seconds += pressure_squared_pa2(self.level_db_spl()) * extra_s
            listening_s += extra_s
        return self._result(p2_seconds, listening_s, ())

    def projected(self, now_session_s: float | None, remaining_s: float) -> ListeningDose:
        """The dose by the planned end: so far, then ``remaining_s`` more at the current
        volume. Counted even while paused or silenced (it may play again), never after the
        end or in a rehearsal."""
        so_far = self.dose(now_session_s)
        if self._ended or self._rehearsal or not self._started:
            return so_far
        remaining_s = max(0.0, remaining_s)
        p2_seconds = so_far.exposure_pa2h * SECONDS_PER_HOUR
        p2_seconds += pressure_squared_pa2(self.level_db_spl()) * remaining_s
        return self._result(p2_seconds, so_far.listening_s + remaining_s, ())

    def _result(
        self, p2_seconds: float, listening_s: float, more: tuple[str, ...]
    ) -> ListeningDose:
        assumptions = tuple(self._assumptions) + more
        if self._rehearsal:
            assumptions += ("a rehearsal plays no sound",)
        return ListeningDose(
            exposure_pa2h=p2_seconds / SECONDS_PER_HOUR,
            listening_s=listening_s,
            calibration_db_spl=self.calibration_db_spl,
            programme_lufs=self.programme_lufs,
            assumptions=assumptions,
        )


def meter_for(playlist, calibration_db_spl: float = DEFAULT_CALIBRATION_DB_SPL) -> DoseMeter:
    """A ``DoseMeter`` for a session of ``playlist`` (None: not known, the defaults assumed)."""
    if playlist is None:
        return DoseMeter(calibration_db_spl=calibration_db_spl)
    return DoseMeter(
        calibration_db_spl=calibration_db_spl,
        programme_lufs=float(playlist.levels.loudness_target_lufs),
        start_volume_db=float(playlist.levels.default_volume_db),
        mix_margin_db=programme_margin_db(playlist),
    )


def listening_dose(
    events: Iterable[dict],
    *,
    calibration_db_spl: float = DEFAULT_CALIBRATION_DB_SPL,
    playlist=None,
) -> ListeningDose:
    """A finished (or interrupted) session's estimated dose from its journal events.

    ``playlist``: the session's playlist, or None when it is not known (then the assumptions
    say what was assumed).
    """
    return meter_for(playlist, calibration_db_spl).add_all(events).dose()


def planned_remaining_s(
    playlist,
    *,
    status: str,
    phase_index: int | None,
    phase_length_s: float | None,
    time_into_phase_s: float | None,
    time_since_dose_s: float | None,
) -> float:
    """How much longer the session is planned to play from now: the rest of this phase and
    every later one (their planned lengths), and at least until the minimum observation."""
    if status == "ended":
        return 0.0
    phases = list(playlist.phases)
    if phase_index is None or phase_index < 0 or status in ("ready", "settling"):
        remaining = sum(float(phase.duration) for phase in phases)
    else:
        length = phase_length_s if phase_length_s is not None else phases[phase_index].duration
        into = time_into_phase_s or 0.0
        remaining = max(0.0, float(length) - into)
        remaining += sum(float(phase.duration) for phase in phases[phase_index + 1 :])
    minimum = playlist.clinical.minimum_observation
    if minimum is not None:
        remaining = max(remaining, float(minimum) - (time_since_dose_s or 0.0))
    return max(0.0, remaining)
