"""The patient's four powers, over the session: the only object the patient view receives.

Choose a soundscape (the timeline checks that the playlist allows it now), a volume step
within the clinician's cap, and Call. Each goes to the journal as the patient's doing. A
refusal (choosing during the peak, say) is journaled by the timeline and otherwise silent:
the patient sees nothing alarming, the control simply does not act.
"""

from __future__ import annotations

from session_player.playlist.model import Playlist
from session_player.session.record import MIN_VOLUME_DB
from session_player.ui.patient_scene import VOLUME_STEP_DB, PatientScene


def patient_scene(playlist: Playlist, state) -> PatientScene:
    """What the patient view shows for a session state (pure; see ``patient_scene``)."""
    live = state.status in ("settling", "running")
    current = state.soundscape_id
    name = playlist.soundscapes[current].name if current in playlist.soundscapes else ""
    # The one playing stays among the choices, in its place (marked by current_id): leaving
    # it out made every other button move one spot after each tap.
    choices = tuple(
        (soundscape_id, playlist.soundscapes[soundscape_id].name)
        for soundscape_id in state.patient_soundscapes
        if soundscape_id in playlist.soundscapes
    )
    limit = min(state.volume_cap_db, state.max_volume_db)
    return PatientScene(
        soundscape_name=name if live else "",
        choices=choices if live else (),
        can_quieter=live and state.volume_db > MIN_VOLUME_DB + 1e-6,
        can_louder=live and state.volume_db < limit - 1e-6,
        show_clock=playlist.patient.show_clock,
        call_pending=state.patient_call_pending,
        current_id=current if live else "",
    )


class PatientControls:
    """Implements ``patient_scene.PatientControls`` over a ``SessionBridge``."""

    def __init__(self, bridge) -> None:
        self._bridge = bridge

    def choose_soundscape(self, soundscape_id: str) -> None:
        self._bridge.run("choose_soundscape", soundscape_id, by="patient")

    def quieter(self) -> None:
        self._step(-VOLUME_STEP_DB)

    def louder(self) -> None:
        self._step(+VOLUME_STEP_DB)

    def _step(self, delta_db: float) -> None:
        state = self._bridge.state
        limit = min(state.volume_cap_db, state.max_volume_db)
        wanted = max(MIN_VOLUME_DB, min(limit, state.volume_db + delta_db))
        if wanted != state.volume_db:
            self._bridge.run("set_volume", wanted, by="patient")

    def call(self) -> bool:
        if self._bridge.run("patient_called") is None:
            return False  # refused (the bridge tells the console why)
        self._bridge.engine.notify_patient_call()
        return True
