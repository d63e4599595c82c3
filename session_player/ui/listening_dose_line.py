"""The console's listening-dose line: the share of the weekly allowance this session would
reach by its planned end at the current volume, and a warning past the clinic's share.

One steady line (an ``ElidedLabel``, whole in its tooltip with the advice and assumptions):
it never flashes, never changes height, and shares the status row above the commands (the
volume buttons it is about), so nothing moves under a hand when it turns to a warning. At a steady volume the
projection stays the same from tick to tick (what has played grows as what is left shrinks),
so the line only changes when the volume, a pause or the plan does.

The estimate and its assumptions are ``record/listening_dose.py``'s; the headphones'
calibration and the share come from the clinic's ``listening.json`` (Settings).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from session_player.record.listening_dose import (
    DoseMeter,
    ListeningDose,
    format_percent,
    meter_for,
    planned_remaining_s,
)
from session_player.record.listening_settings import ListeningSettings
from session_player.ui import theme
from session_player.ui.elided_label import ElidedLabel


class ListeningDoseLine(ElidedLabel):
    def __init__(
        self, bridge, settings: ListeningSettings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__("", lines=1, min_width_px=120, parent=parent)
        self.setObjectName("listening_dose")
        self._bridge = bridge
        self._settings = settings or ListeningSettings()
        self._device = self._device_now()
        self._meter = self._new_meter()
        self._seen_seq = 0
        self._details = ""
        self.warning = False
        self.projected: ListeningDose | None = None
        self._add(bridge.all_events())
        bridge.events_added.connect(self._add)
        bridge.ticked.connect(self._refresh)
        bridge.changed.connect(self._refresh)
        self._refresh()

    def _refresh_tooltip(self) -> None:
        # Always the whole line, the estimate in words and its assumptions (not only when cut).
        self.setToolTip(getattr(self, "_details", ""))

    @property
    def warn_percent(self) -> float:
        return self._settings.warn_percent

    @property
    def calibration_db_spl(self) -> float:
        return self._meter.calibration_db_spl

    def _device_now(self) -> str:
        try:
            return str(self._bridge.engine.output_status().device or "")
        except Exception:  # noqa: BLE001 - no device known: the default calibration applies
            return ""

    def _new_meter(self) -> DoseMeter:
        return meter_for(self._bridge.playlist, self._settings.calibration_for(self._device))

    def _add(self, events: list[dict]) -> None:
        new = [event for event in events if event.get("seq", 0) > self._seen_seq]
        for event in new:
            self._meter.add(event)
            self._seen_seq = event["seq"]
        # A volume change reaches the line as an event, which may come after the state's
        # change signal: show it now, not at the next tick.
        if new:
            self._refresh()

    def _refresh(self, _state=None) -> None:
        device = self._device_now()
        if device != self._device:  # another headphone: its calibration, the same events
            self._device = device
            self._meter = self._new_meter()
            self._seen_seq = 0
            self._add(self._bridge.all_events())
        state = self._bridge.state
        remaining_s = planned_remaining_s(
            self._bridge.playlist,
            status=state.status,
            phase_index=state.phase_index,
            phase_length_s=state.phase_length_s,
            time_into_phase_s=state.time_into_phase_s,
            time_since_dose_s=state.time_since_dose_s,
        )
        projected = self._meter.projected(state.session_s, remaining_s)
        self.projected = projected
        self._show(projected, ended=state.status == "ended")

    def _show(self, dose: ListeningDose, *, ended: bool) -> None:
        share = format_percent(dose.percent)
        limit = format_percent(self.warn_percent)
        warning = dose.percent >= self.warn_percent
        # Short enough for its half of the status row; the tooltip says the rest.
        if ended:
            text = f"Listening dose: {share} of the weekly allowance"
            advice = ""
        elif warning:
            text = f"Listening dose {share} of the week (limit {limit}): lower the volume"
            advice = (
                f"By its planned end, at this volume, the session would pass the clinic's "
                f"limit of {limit} of the WHO/ITU-T H.870 weekly allowance. Lower the volume, "
                "or check the headphones' level in Settings."
            )
        else:
            text = f"Listening dose by the end: about {share} of the week's allowance"
            advice = f"The console warns from {limit} of the weekly allowance (Settings)."
        if text != self.text():
            self._details = "\n".join(filter(None, [text, advice, dose.text(), *dose.assumptions]))
            self.setText(text)
        self.warning = warning and not ended
        theme.set_role(self, "warning" if self.warning else "secondary")
        self.setAccessibleName(
            "Listening dose warning" if self.warning else "Listening dose estimate"
        )
