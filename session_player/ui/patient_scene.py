"""What the patient view shows, as plain data: the only things a patient may see and do.

Kept free of Qt so the rules (choices only in the phases the playlist allows, volume only
within the clinician's cap, a clock only when the playlist asks) are tested without a screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PatientScene:
    soundscape_name: str  # what plays now, e.g. "Rain"; "" when nothing does
    # (id, name) the patient may choose now, always in the playlist's order and including the
    # one playing: the same spot keeps the same choice, tap after tap (issue 10, item 10).
    choices: tuple[tuple[str, str], ...] = ()
    can_quieter: bool = True
    can_louder: bool = True
    show_clock: bool = False
    call_pending: bool = False  # the patient called and no one has answered yet
    current_id: str = ""  # the soundscape playing now, marked in place among the choices


class PatientControls(Protocol):
    """Everything the patient view can do. Nothing here ends, pauses or skips anything."""

    def choose_soundscape(self, soundscape_id: str) -> None: ...

    def quieter(self) -> None: ...

    def louder(self) -> None: ...

    def call(self) -> bool:
        """Send the call; True once it is in the journal (and so on the console)."""
        ...
