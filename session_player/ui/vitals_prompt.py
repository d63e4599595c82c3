"""The gentle, non-modal vital-signs prompt: appears when a check is due, stays until done.

It never blocks the console (a modal dialog would stand between the clinician and the Fade
button). Entry is fast: type ``128/84`` in the first field and the diastolic fills itself,
Tab through HR and SpO2, Enter saves. Values past the playlist's thresholds turn muted red
while typing and are flagged in the journal; flags are advisory and never block saving.
A due check leaves only when it is recorded, or skipped with a reason.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from session_player.session import command_table as commands
from session_player.session.clock import SYSTEM_CLOCK, Clock
from session_player.session.scales import MOAAS_LEVELS
from session_player.session.vitals import flags_for
from session_player.ui import theme
from session_player.ui.cadss_panel import CadssPanel
from session_player.ui.elided_label import ElidedLabel
from session_player.ui.fades import fade_in
from session_player.ui.score_buttons import ScoreRow
from session_player.ui.typing_mode import leave_on_escape, release_focus

FIELDS = (
    ("systolic", "BP", "sys"),
    ("diastolic", "/", "dia"),
    ("heart_rate", "HR", "bpm"),
    ("spo2", "SpO2", "%"),
    ("respiratory_rate", "RR", "/min"),
)
MEASURE_FIELDS = {
    "blood_pressure": ("systolic", "diastolic"),
    "heart_rate": ("heart_rate",),
    "spo2": ("spo2",),
    "respiratory_rate": ("respiratory_rate",),
}
# The one-tap scales: (caption, scores, what each score means).
SCORE_ROWS = {
    "sedation": ("MOAA/S", range(0, 6), MOAAS_LEVELS),
    "dissociation": ("Dissociation", range(0, 11), {0: "None", 10: "The most imaginable"}),
}


def _keep_room_when_hidden(widget: QWidget) -> None:
    policy = widget.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    widget.setSizePolicy(policy)


class VitalsPrompt(QFrame):
    """The prompt card. ``open_for_entry()`` shows it even when nothing is due (V)."""

    saved = Signal(object)  # the VitalsResult

    def __init__(
        self,
        bridge,
        parent: QWidget | None = None,
        *,
        compact: bool = False,
        discharge_first: bool = False,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("vitals_prompt")
        self.setProperty("role", "card")
        self.setAccessibleName("Vital signs")
        self._bridge = bridge
        self._discharge_first = discharge_first
        self._due_key: str | None = None
        self._manual = False
        self.fields: dict[str, QLineEdit] = {}
        self._captions: dict[str, QLabel] = {}

        # Every line of the card keeps its height whatever it says or shows (the heading and
        # the flags on one line, cut with "…"; the skip row's room kept while hidden): the
        # card never changes height, so nothing beside or under it moves (see console).
        self.heading = ElidedLabel(min_width_px=120)
        self.heading.setObjectName("vitals_heading")
        entry = QHBoxLayout()
        entry.setSpacing(8)
        for key, caption, placeholder in FIELDS:
            label = QLabel(caption)
            label.setProperty("role", "secondary")
            field = QLineEdit()
            field.setObjectName(f"vitals_{key}")
            field.setAccessibleName(
                {
                    "systolic": "Systolic blood pressure",
                    "diastolic": "Diastolic blood pressure",
                    "heart_rate": "Heart rate",
                    "spo2": "SpO2",
                    "respiratory_rate": "Respiratory rate",
                }[key]
            )
            field.setPlaceholderText(placeholder)
            field.setMaxLength(7)
            field.setFixedWidth(field.fontMetrics().horizontalAdvance("0000000") + 18)
            if key == "systolic":
                # "128/84" may be typed in one go; the slash moves on to the diastolic.
                field.setValidator(QRegularExpressionValidator(r"^\d{0,3}(/\d{0,3})?$"))
                field.textEdited.connect(self._split_blood_pressure)
            else:
                field.setValidator(QIntValidator(0, 999))
            field.textChanged.connect(self._show_flags)
            field.returnPressed.connect(self.save)
            leave_on_escape(field, self._escape)
            entry.addWidget(label)
            entry.addWidget(field)
            self.fields[key] = field
            self._captions[key] = label
        self.save_button = QPushButton("Save  ⏎")
        self.save_button.setObjectName("vitals_save")
        self.save_button.setProperty("role", "primary")
        self.save_button.clicked.connect(self.save)
        self.skip_button = QPushButton("Skip…")
        self.skip_button.setObjectName("vitals_skip")
        self.skip_button.clicked.connect(self._ask_skip_reason)
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("vitals_close")
        self.close_button.setProperty("role", "quiet")
        self.close_button.clicked.connect(self._close_manual)
        # Compact (a narrow column): the buttons go on a row of their own under the fields.
        buttons = QHBoxLayout() if compact else entry
        if compact:
            entry.addStretch(1)
        else:
            entry.addSpacing(8)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)

        self.skip_reason = QLineEdit()
        self.skip_reason.setObjectName("vitals_skip_reason")
        self.skip_reason.setAccessibleName("Reason for skipping the check")
        self.skip_reason.setPlaceholderText("Why is this check skipped? (required)")
        self.skip_reason.returnPressed.connect(self._skip)
        leave_on_escape(self.skip_reason, self._escape)
        self.skip_confirm = QPushButton("Skip check")
        self.skip_confirm.setObjectName("vitals_skip_confirm")
        self.skip_confirm.clicked.connect(self._skip)
        skip_row = QHBoxLayout()
        skip_row.addWidget(self.skip_reason, 1)
        skip_row.addWidget(self.skip_confirm)
        self._skip_row = QWidget()
        self._skip_row.setLayout(skip_row)
        skip_row.setContentsMargins(0, 0, 0, 0)
        _keep_room_when_hidden(self._skip_row)
        self._skip_row.hide()

        # The scales this playlist's checks ask for, each on a row of its own under the
        # fields; only those rows exist, and each keeps its room while hidden, so the card
        # has one height for the whole session.
        asked = {m for check in bridge.playlist.clinical.vitals for m in check.measures}
        self.score_rows: dict[str, ScoreRow] = {}
        for scale, (caption, scores, meanings) in SCORE_ROWS.items():
            if scale in asked:
                row = ScoreRow(scale, caption, scores, meanings, clock=clock)
                row.scored.connect(lambda score, s=scale: self._record_score(s, score))
                _keep_room_when_hidden(row)
                row.hide()
                self.score_rows[scale] = row
        self.cadss_button: QPushButton | None = None
        self.cadss_panel: CadssPanel | None = None
        if "cadss" in asked:
            self.cadss_button = QPushButton("CADSS (23 items)…")
            self.cadss_button.setObjectName("vitals_cadss")
            self.cadss_button.clicked.connect(self.open_cadss)
            _keep_room_when_hidden(self.cadss_button)
            self.cadss_button.hide()

        self.flags = ElidedLabel(min_width_px=120)
        self.flags.setObjectName("vitals_flags")
        self.flags.setProperty("role", "warning")
        _keep_room_when_hidden(self.flags)
        self.flags.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(6)
        layout.addWidget(self.heading)
        layout.addLayout(entry)
        if compact:
            layout.addLayout(buttons)
        for row in self.score_rows.values():
            layout.addWidget(row)
        if self.cadss_button is not None:
            layout.addWidget(self.cadss_button)
        layout.addWidget(self._skip_row)
        layout.addWidget(self.flags)
        self.hide()
        bridge.changed.connect(self.update_from)
        bridge.refused.connect(self._on_refused)
        self.update_from(bridge.state)

    # --- showing ------------------------------------------------------------------------------

    def update_from(self, state) -> None:
        due = self._first_due(state.due_vitals)
        key = due.key if due is not None else None
        if key != self._due_key:
            self._due_key = key
            self._clear()
        if due is not None:
            heading = f"Vitals due: {due.label}"
            if len(state.due_vitals) > 1:
                heading += f"  (+{len(state.due_vitals) - 1} more)"
            self.heading.setText(heading)
            self._show_measures(due.measures)
            self._show_scales(due.measures)
            self.skip_button.show()
            self.close_button.hide()
            self._appear()
        elif self._manual:
            self.heading.setText("Vitals (unscheduled reading)")
            self._show_measures(tuple(MEASURE_FIELDS))
            self._show_scales(())
            self.skip_button.hide()
            self.close_button.show()
            self._appear()
        else:
            # Hiding a card that holds the focus hands it to the next button in the chain
            # (a side effect: a focus ring there invites a stray Enter). Let go of it first.
            focused = QApplication.focusWidget()
            if focused is not None and self.isAncestorOf(focused):
                focused.clearFocus()
            self.hide()
        theme.set_role(self.heading, "accent" if due is not None else None)

    def _first_due(self, due_vitals) -> object | None:
        """The check the card asks for: the earliest due, or on the summary the discharge
        check first (the checklist waits for it; a missed earlier check comes after it)."""
        if not due_vitals:
            return None
        if self._discharge_first:
            for check in due_vitals:
                if check.at_discharge:
                    return check
        return due_vitals[0]

    def _show_measures(self, measures) -> None:
        shown = {field for measure in measures for field in MEASURE_FIELDS.get(measure, ())}
        for key, field in self.fields.items():
            field.setVisible(key in shown)
            self._captions[key].setVisible(key in shown)

    def _show_scales(self, measures) -> None:
        for scale, row in self.score_rows.items():
            row.setVisible(scale in measures)
        if self.cadss_button is not None:
            self.cadss_button.setVisible("cadss" in measures)
        # A check asking only for scores has nothing to Save: a tap records it.
        self.save_button.setEnabled(any(field.isVisibleTo(self) for field in self.fields.values()))

    def _record_score(self, scale: str, score: int) -> None:
        if self._due_key is None:
            return
        result = self._bridge.run(commands.RECORD_SCALE, scale, score, check_label=self._due_key)
        if result is not None:
            self.saved.emit(result)
            self.update_from(self._bridge.state)
            if result.flags:
                self._say(result.flags[0].message)

    def open_cadss(self) -> CadssPanel:
        """The CADSS for the check shown; the same window (its taps kept) until saved."""
        if self.cadss_panel is None or self.cadss_panel.check_key != self._due_key:
            # Parented to the card: it goes with the console (and the session) it belongs to.
            self.cadss_panel = CadssPanel(self._bridge, self._due_key, self)
            self.cadss_panel.saved.connect(self._cadss_saved)
        self.cadss_panel.show()
        self.cadss_panel.raise_()
        return self.cadss_panel

    def _cadss_saved(self, result) -> None:
        self.cadss_panel = None
        self.saved.emit(result)
        self.update_from(self._bridge.state)
        if result.flags:
            self._say(result.flags[0].message)

    def _appear(self) -> None:
        if not self.isVisible():
            fade_in(self, theme.SLOW_FADE_MS)

    def open_for_entry(self) -> None:
        """V: show the prompt (an unscheduled reading if nothing is due) and focus it."""
        self._manual = True
        self.update_from(self._bridge.state)
        first = next((f for f in self.fields.values() if f.isVisibleTo(self)), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.ShortcutFocusReason)
            first.selectAll()

    def _escape(self) -> None:
        """Escape: an unscheduled reading is cancelled (the card closes); in a due check the
        typed values stay for later and the keyboard goes back to the console's shortcuts."""
        if self._manual and self._due_key is None:
            self._close_manual()
        release_focus(self)

    def _close_manual(self) -> None:
        self._manual = False
        self._clear()
        self.update_from(self._bridge.state)

    # --- entry --------------------------------------------------------------------------------

    def _split_blood_pressure(self, text: str) -> None:
        if "/" in text:
            systolic, diastolic = text.split("/", 1)
            self.fields["systolic"].setText(systolic)
            self.fields["diastolic"].setText(diastolic)
            self.fields["diastolic"].setFocus()
            self.fields["diastolic"].end(False)

    def readings(self) -> dict[str, float | None]:
        values: dict[str, float | None] = {}
        for key, field in self.fields.items():
            text = field.text().strip()
            values[key] = float(text) if text.isdigit() else None
        return values

    def _show_flags(self) -> None:
        flags = flags_for(self.readings(), self._bridge.playlist.clinical.thresholds)
        flagged = {flag.measure for flag in flags}
        for key, field in self.fields.items():
            wanted = "true" if key in flagged else "false"
            if field.property("flag") != wanted:
                field.setProperty("flag", wanted)
                field.style().unpolish(field)
                field.style().polish(field)
                field.setToolTip(next((f.message for f in flags if f.measure == key), ""))
        self.flags.setText(" · ".join(flag.message for flag in flags))
        self.flags.setVisible(bool(flags))

    def save(self) -> None:
        readings = self.readings()
        if all(value is None for value in readings.values()):
            self._say("Enter at least one reading.")
            return
        result = self._bridge.run(
            commands.VITALS,
            **readings,
            check_label=self._due_key if not self._manual or self._due_key else None,
        )
        if result is None:
            return  # refused: the reason is shown by _on_refused
        self._manual = False
        self._clear()
        self.saved.emit(result)
        self.update_from(self._bridge.state)

    def _ask_skip_reason(self) -> None:
        self._skip_row.show()
        self.skip_reason.setFocus()

    def _skip(self) -> None:
        if self._due_key is None:
            return
        reason = self.skip_reason.text().strip()
        if not reason:
            self._say("Give a reason for skipping this check.")
            self.skip_reason.setFocus()
            return
        if self._bridge.run(commands.SKIP_VITALS, self._due_key, reason) is not None:
            self._clear()
            self.update_from(self._bridge.state)

    def _on_refused(self, command: str, reason: str) -> None:
        if command in ("record_vitals", "skip_vitals", "record_scale"):
            self._say(reason)

    def _say(self, message: str) -> None:
        self.flags.setText(message)
        self.flags.show()

    def _clear(self) -> None:
        for field in self.fields.values():
            field.clear()
        self.skip_reason.clear()
        self._skip_row.hide()
        self.flags.hide()
