"""The audio commands of ``SessionTimeline``: pause, soundscape, volume, calm down, silence.

Each checks that it is allowed now, journals one event and returns a ``CommandResult``; the
sound itself follows from the event (see ``record.py``: bus events and soundscape choices).
"""

from __future__ import annotations

from session_player.session.arc import patient_may_choose_in
from session_player.session.audio_time import PAUSE_FADE_S
from session_player.session.commands import BY, CommandResult
from session_player.session.core import TimelineCore, is_number
from session_player.session.record import MIN_VOLUME_DB, SILENCE_FADE_S


class AudioCommands(TimelineCore):
    """Commands that change what the patient hears (allowed in settling and phases)."""

    def pause_audio(self) -> CommandResult:
        """Fade out over 2 s; the audio timeline stands still until ``resume_audio``."""
        with self._lock:
            self._begin("pause_audio")
            if self._record.paused:
                raise self._refuse("pause_audio", "The audio is already paused.")
            event = self._record_event("audio_paused", {"fade_s": PAUSE_FADE_S})
            return self._done("pause_audio", "Audio paused", event)

    def resume_audio(self) -> CommandResult:
        """Fade back in over 2 s, where the audio paused. The dose clock never paused."""
        with self._lock:
            self._begin("resume_audio")
            if not self._record.paused:
                raise self._refuse("resume_audio", "The audio is not paused.")
            event = self._record_event("audio_resumed", {"fade_s": PAUSE_FADE_S})
            return self._done("resume_audio", "Audio resumed", event)

    def choose_soundscape(self, soundscape_id: str, by: str = "patient") -> CommandResult:
        """Switch the soundscape. The patient: among ``patient.soundscapes``, in allowed phases."""
        if by not in BY:
            raise ValueError(f"by must be one of {BY}, not {by!r}")
        with self._lock:
            self._begin("choose_soundscape")
            record = self._record
            playlist = self.playlist
            index = record.current_index
            assert index is not None
            if by == "patient":
                offered = playlist.patient.soundscapes
                if not offered:
                    raise self._refuse(
                        "choose_soundscape", "This playlist offers no soundscape choice."
                    )
                if soundscape_id not in offered:
                    raise self._refuse(
                        "choose_soundscape",
                        f"'{soundscape_id}' is not one of the soundscapes offered to the patient "
                        f"({', '.join(offered)}).",
                    )
                if not patient_may_choose_in(playlist, index):
                    raise self._refuse(
                        "choose_soundscape",
                        f"The patient may not choose a soundscape during {self._phase_name()}.",
                    )
                if record.calm_soundscape_on:
                    raise self._refuse(
                        "choose_soundscape",
                        "Calm down is on; the clinician can undo it before another choice.",
                    )
            if soundscape_id not in playlist.soundscapes:
                defined = ", ".join(sorted(playlist.soundscapes)) or "none"
                raise self._refuse(
                    "choose_soundscape",
                    f"There is no soundscape '{soundscape_id}' in this playlist (defined: {defined}).",
                )
            payload = {"soundscape_id": soundscape_id, "by": by, "previous": record.soundscape_id}
            event = self._record_event("soundscape_chosen", payload)
            name = playlist.soundscapes[soundscape_id].name
            return self._done(
                "choose_soundscape", f"Soundscape: {name} (chosen by the {by})", event
            )

    def set_volume(self, volume_db: float, by: str = "clinician") -> CommandResult:
        """Set the master volume, clamped to the cap and to ``levels.max_volume_db``.

        Returns the volume actually set as ``value``. Journal-friendly use: send the value
        when a slider is released, not at every pixel of its travel.
        """
        if by not in BY:
            raise ValueError(f"by must be one of {BY}, not {by!r}")
        with self._lock:
            self._begin("set_volume")
            record = self._record
            if not is_number(volume_db):
                raise self._refuse(
                    "set_volume", f"The volume must be a number of dB, not {volume_db!r}."
                )
            limit_db = record.volume_limit_db
            applied_db = min(max(float(volume_db), MIN_VOLUME_DB), limit_db)
            clamped = applied_db != float(volume_db)
            payload = {
                "volume_db": applied_db,
                "requested_db": float(volume_db),
                "by": by,
                "clamped": clamped,
            }
            event = self._record_event("volume_set", payload)
            message = f"Volume {applied_db:g} dB"
            if clamped:
                message += (
                    f" (limited to {limit_db:g} dB)" if applied_db == limit_db else " (lowest)"
                )
            return self._done("set_volume", message, event, applied_db)

    def set_volume_cap(self, cap_db: float) -> CommandResult:
        """The clinician's cap on the volume (never above ``levels.max_volume_db``).

        A volume above the new cap is brought down to it.
        """
        with self._lock:
            self._begin("set_volume_cap")
            if not is_number(cap_db):
                raise self._refuse(
                    "set_volume_cap", f"The cap must be a number of dB, not {cap_db!r}."
                )
            applied_db = min(max(float(cap_db), MIN_VOLUME_DB), self.playlist.levels.max_volume_db)
            lowered = self._record.volume_db > applied_db
            payload = {"cap_db": applied_db, "requested_db": float(cap_db)}
            event = self._record_event("volume_cap_set", payload)
            message = f"Volume cap {applied_db:g} dB"
            if lowered:
                message += f"; volume lowered to {applied_db:g} dB"
            return self._done("set_volume_cap", message, event, applied_db)

    def calm_down(self) -> CommandResult:
        """Music down by ``calm_down.music_db`` and the grounding soundscape, in one step."""
        with self._lock:
            self._begin("calm_down")
            if self._record.calm:
                raise self._refuse(
                    "calm_down", "Calm down is already on; use Undo calm down to return."
                )
            calm = self.playlist.calm_down
            payload = {
                "music_db": calm.music_db,
                "soundscape_id": calm.soundscape,
                "fade_s": calm.fade,
                "previous_soundscape_id": self._record.soundscape_id,
            }
            event = self._record_event("calm_down", payload)
            return self._done("calm_down", "Calm down: music lowered", event)

    def undo_calm_down(self) -> CommandResult:
        """Undo calm down in one step: the music level and the soundscape as they were."""
        with self._lock:
            self._begin("undo_calm_down")
            if not self._record.calm:
                raise self._refuse("undo_calm_down", "Calm down is not on.")
            event = self._record_event("calm_down_undone", {"fade_s": self.playlist.calm_down.fade})
            return self._done("undo_calm_down", "Calm down undone", event)

    def fade_to_silence(self) -> CommandResult:
        with self._lock:
            self._begin("fade_to_silence")
            if self._record.silenced:
                raise self._refuse("fade_to_silence", "The sound is already faded to silence.")
            event = self._record_event("faded_to_silence", {"fade_s": SILENCE_FADE_S})
            return self._done("fade_to_silence", "Fading to silence", event)

    def fade_back(self) -> CommandResult:
        with self._lock:
            self._begin("fade_back")
            if not self._record.silenced:
                raise self._refuse("fade_back", "The sound is not faded to silence.")
            event = self._record_event("faded_back", {"fade_s": SILENCE_FADE_S})
            return self._done("fade_back", "Fading back in", event)
