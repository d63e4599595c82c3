"""What the chosen playlist holds, in a few lines: the arc, the checks, the patient's choices.

Shown on the start screen so the clinician can confirm at a glance that this is the session
they meant (route, phases, when blood pressure is due, how long observation must last).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout

from session_player.playlist.durations import format_duration
from session_player.ui import qt_values

if TYPE_CHECKING:
    from session_player.launch.start_check import PlaylistOverview


def _when(at) -> str:
    if at == "pre-dose":
        return "before the dose"
    if at == "discharge":
        return "before discharge"
    return f"{format_duration(at)} after the dose"


def _check_text(label: str, at) -> str:
    """``Mid-infusion (20m after the dose)``; no ``Before discharge (before discharge)``."""
    when = _when(at)
    return label if when.lower() in label.lower() else f"{label} ({when})"


class PlaylistDetails(QFrame):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("playlist_details")
        self.setProperty("role", "card")
        # Made with their parent: see StartScreen._build.
        self.title = QLabel(self)
        self.title.setProperty("role", "secondary")
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self._values: dict[str, QLabel] = {}
        # A grid rather than a QFormLayout: captions sit level with the first line of a value
        # that wraps (the form centres them on it), and each row grows with its text. Each
        # label holds its text at its top (Qt's values, not its enums: see ui/qt_values.py).
        form = QGridLayout()
        form.setVerticalSpacing(6)
        form.setHorizontalSpacing(14)
        form.setColumnStretch(1, 1)
        for row, (key, caption) in enumerate(
            (
                ("arc", "Arc"),
                ("vitals", "Vital signs"),
                ("observation", "Observation"),
                ("patient", "Patient picks"),
            )
        ):
            value = QLabel(self)
            value.setWordWrap(True)
            caption_label = QLabel(caption, self)
            caption_label.setProperty("role", "secondary")
            for label in (caption_label, value):
                label.setProperty("alignment", qt_values.ALIGN_LEFT | qt_values.ALIGN_TOP)
            form.addWidget(caption_label, row, 0)
            form.addWidget(value, row, 1)
            self._values[key] = value
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.description)
        layout.addLayout(form)

    def show_overview(self, overview: PlaylistOverview) -> None:
        self.title.setText(f"About this session · {overview.route}")
        self.description.setText(" ".join(overview.description.split()))
        self.description.setVisible(bool(overview.description))
        arc = " → ".join(
            f"{p.name} {format_duration(p.duration_s)}" + (" (holds)" if p.holds else "")
            for p in overview.phases
        )
        self._values["arc"].setText(f"Settling until the dose, then {arc}")
        self._values["vitals"].setText(
            "; ".join(_check_text(check.label, check.at) for check in overview.vitals)
            or "none scheduled"
        )
        minimum = overview.minimum_observation_s
        self._values["observation"].setText(
            f"at least {format_duration(minimum)} after the dose" if minimum else "no minimum set"
        )
        names = overview.patient_soundscapes
        phases = overview.patient_phases
        where = "" if phases is None else f" (during {', '.join(phases)})"
        self._values["patient"].setText(", ".join(names) + where if names else "no choices")
