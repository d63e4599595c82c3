"""The patient's four powers, over the session: the only object the patient view receives.

Choose a soundscape (the timeline checks that the playlist allows it now), a volume step
within the clinician's cap, and Call. Each goes to the journal as the patient's doing. A
refusal (choosing during the peak, say) is journaled by the timeline and otherwise silent:
the patient sees nothing alarming, the control simply does not act.
"""

from __future__ import annotations

from session_player.playlist.model import Playlist
from session_player.session import command_table as commands
from session_player.ui.patient_scene import PatientScene


def patient_scene(playlist: Playlist, state) -> PatientScene:
    """What the patient view shows for a session state (pure; see ``patient_scene``)."""
    live = state.live
    current = state.soundscape_id
    name = playlist.soundscapes[current].name if current in playlist.soundscapes else ""
    # The one playing stays among the choices, in its place (marked by current_id): leaving
    # it out made every other button move one spot after each tap.
    choices = tuple(
        (soundscape_id, playlist.soundscapes[soundscape_id].name)
        for soundscape_id in state.patient_soundscapes
        if soundscape_id in playlist.soundscapes
    )
    return PatientScene(
        soundscape_name=name if live else "",
        choices=choices if live else (),
        can_quieter=commands.QUIETER.is_enabled(state),
        can_louder=commands.LOUDER.is_enabled(state),
        show_clock=playlist.patient.show_clock,
        call_pending=state.patient_call_pending,
        current_id=current if live else "",
    )


class PatientControls:
    """Implements ``patient_scene.PatientControls`` over a ``SessionBridge``."""

    def __init__(self, bridge) -> None:
        self._bridge = bridge

    def choose_soundscape(self, soundscape_id: str) -> None:
        self._bridge.run(commands.SOUNDSCAPE, soundscape_id, by="patient")

    def quieter(self) -> None:
        self._bridge.run(commands.QUIETER, by="patient")

    def louder(self) -> None:
        self._bridge.run(commands.LOUDER, by="patient")

    def call(self) -> bool:
        if self._bridge.run(commands.PATIENT_CALLED) is None:
            return False  # refused (the bridge tells the console why)
        self._bridge.engine.notify_patient_call()
        return True
