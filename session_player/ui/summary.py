"""The end of the session: what happened (arc, vitals, events, what played) and discharge.

The discharge checklist comes from the playlist; each item is ticked by the clinician and the
completed checklist goes into the journal. The discharge vital-sign check is due now and can
be entered here (the journal accepts readings after the end: discharge comes after it).

The summary is read from the journal, and read again whenever the journal grows: a reading
entered here (the discharge check, a missed check taken late) joins the vital-signs table at
once, as it joins the timeline. The page scrolls as a whole and only vertically; its tables
wrap their words instead of scrolling or cutting text, and on a narrow screen (a 1280×800
laptop at 150 %) the discharge column goes below the record instead of beside it.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from session_player.session.record_saving import ADVICE, not_written_yet
from session_player.session.rehearsal import rehearsal_speed_of
from session_player.session.rehearsal_speed import marker_text
from session_player.ui.arc_timeline import ArcTimeline
from session_player.ui.discharge_checklist import DischargeChecklist
from session_player.ui.event_text import describe
from session_player.ui.record_table import RecordTable
from session_player.ui.rems_form_panel import RemsFormLine, rems_template_for
from session_player.ui.report_actions import ReportActions
from session_player.ui.summary_model import SessionSummary, build_summary
from session_player.ui.vitals_prompt import VitalsPrompt

# Below this width (logical pixels) the discharge column goes under the record: beside it,
# the vital-signs table would be too narrow for its readings and flags.
TWO_COLUMNS_MIN_PX = 1100


def short_flags(flags: str) -> str:
    """``Systolic 148 mmHg is above 140`` → ``Systolic > 140``: the readings column has the value."""
    return re.sub(
        r"(\w[\w ]*?) [\d.]+ ?\S* is (above|below) ([\d.]+)",
        lambda m: f"{m[1]} {'>' if m[2] == 'above' else '<'} {m[3]}",
        flags,
    )


def section(title: str) -> QLabel:
    label = QLabel(title)
    label.setProperty("role", "secondary")
    return label


def wrapping_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


class _Columns(QWidget):
    """The record and the discharge column: side by side when wide, one above the other when not.

    The choice follows the width the page can show (the scroll area's viewport), not this
    widget's own width: side by side, its minimum width could keep it too wide to ever switch.
    """

    def __init__(self, record: QWidget, discharge: QWidget) -> None:
        super().__init__()
        self._discharge = discharge
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(20)
        self._layout.addWidget(record, 3)
        self._layout.addWidget(discharge, 2)

    @property
    def side_by_side(self) -> bool:
        return self._layout.direction() == QBoxLayout.Direction.LeftToRight

    def arrange(self, width_px: int) -> None:
        wide = width_px >= TWO_COLUMNS_MIN_PX
        if wide == self.side_by_side:
            return
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        self._layout.setDirection(direction)
        # Beside the record, the sentences of the checklist need less width than the tables.
        self._discharge.setMaximumWidth(600 if wide else 16_777_215)
        self._layout.setStretch(0, 3 if wide else 0)
        self._layout.setStretch(1, 2 if wide else 0)


class _ViewportWidth(QObject):
    """Calls back with the viewport's width whenever it changes."""

    def __init__(self, viewport: QWidget, callback) -> None:
        super().__init__(viewport)
        self._callback = callback
        viewport.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self._callback(event.size().width())
        return False


class SummaryScreen(QWidget):
    page_title = "Summary"  # the window's title while it shows (MainWindow)
    new_session_requested = Signal()

    def __init__(self, bridge, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("summary")
        self._bridge = bridge
        self._playlist = bridge.playlist
        playlist = self._playlist

        heading = QLabel()
        heading.setProperty("role", "heading")
        heading.setWordWrap(True)
        self.heading = heading
        self.subtitle = wrapping_label("summary_times")
        self.subtitle.setProperty("role", "secondary")

        self.arc = ArcTimeline(bridge)
        arc_card = QFrame()
        arc_card.setProperty("role", "card")
        arc_layout = QVBoxLayout(arc_card)
        arc_layout.setContentsMargins(6, 4, 6, 4)
        arc_layout.addWidget(self.arc)

        # --- the record
        self.phases_table = RecordTable(["Phase", "Started", "Length", "How"], fit_columns=(1, 2))
        self.phases_table.setObjectName("summary_phases")
        self.phases_table.setAccessibleName("Phases")
        self.vitals_table = RecordTable(["Time", "Check", "Readings", "Flags"], fit_columns=(0,))
        self.vitals_table.setObjectName("summary_vitals")
        self.vitals_table.setAccessibleName("Vital signs")
        # An empty table is only its headers: say so in words instead.
        self.no_vitals = QLabel("No readings were recorded.")
        self.no_vitals.setObjectName("summary_no_vitals")
        self.no_vitals.setProperty("role", "secondary")
        self.effects_heading = section("Side effects")
        self.effects = wrapping_label("summary_side_effects")
        self.played = wrapping_label("summary_played")
        self.events = RecordTable(["Time", "Since dose", "What happened"], fit_columns=(0, 1))
        self.events.setObjectName("summary_events")
        self.events.setAccessibleName("Events")

        record = QWidget()
        left = QVBoxLayout(record)
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(8)
        left.addWidget(section("Phases"))
        left.addWidget(self.phases_table)
        left.addWidget(section("Vital signs"))
        left.addWidget(self.vitals_table)
        left.addWidget(self.no_vitals)
        left.addWidget(self.effects_heading)
        left.addWidget(self.effects)
        left.addWidget(section("What played"))
        left.addWidget(self.played)
        # Only after a full disk: which events reached the record late, and when.
        self.late_heading = section("Written late (the disk was full)")
        self.late = wrapping_label("summary_written_late")
        self.late.setProperty("role", "warning")
        left.addWidget(self.late_heading)
        left.addWidget(self.late)
        left.addWidget(section("Events"))
        left.addWidget(self.events)
        left.addStretch(1)

        # --- discharge
        self.discharge_vitals = VitalsPrompt(bridge, compact=True, discharge_first=True)
        self.discharge = DischargeChecklist(playlist.clinical.discharge_checklist, bridge)
        self.new_session = QPushButton("New session")
        self.new_session.setObjectName("new_session")
        self.new_session.setAutoDefault(True)  # Enter presses it when it has the focus
        self.new_session.clicked.connect(self.new_session_requested.emit)
        discharge = QWidget()
        right = QVBoxLayout(discharge)
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(10)
        right.addWidget(self.discharge_vitals)
        right.addWidget(self.discharge)
        # The REMS form's discharge questions are answered here once the session has ended.
        template = rems_template_for(playlist)
        self.rems_form = RemsFormLine(bridge, template) if template is not None else None
        if self.rems_form is not None:
            right.addWidget(self.rems_form)
        # The report reads the journal when asked, so it holds the discharge once recorded.
        self.report = ReportActions(bridge)
        right.addWidget(self.report)
        right.addStretch(1)
        right.addWidget(self.new_session, 0, Qt.AlignmentFlag.AlignRight)

        self.columns = _Columns(record, discharge)
        self.columns.arrange(0)  # narrow until the first layout says otherwise
        self.scroll = QScrollArea()
        self.scroll.setObjectName("summary_scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its contents are the Tab stops
        self.scroll.setWidget(self.columns)
        self._viewport_width = _ViewportWidth(self.scroll.viewport(), self.columns.arrange)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 20, 32, 20)
        layout.addWidget(heading)
        layout.addWidget(self.subtitle)
        layout.addWidget(arc_card)
        layout.addWidget(self.scroll, 1)

        self._refresh()
        bridge.events_added.connect(self._refresh)
        # The disk still full at the end: the summary says what is not in the record yet.
        self._saving_shown = None
        bridge.ticked.connect(self._follow_saving)

    def _refresh(self, _new_events: list | None = None) -> None:
        """Read the journal again and show what it says now."""
        events = self._bridge.all_events()
        self.summary: SessionSummary = build_summary(self._playlist, events)
        s = self.summary
        # A rehearsal's journal says so in its first event: so does its summary.
        speed = rehearsal_speed_of(events[0] if events else None)
        kind = f"{marker_text(speed)} summary, not a patient's" if speed else "Session summary"
        self.heading.setText(f"{kind} · “{s.alias}”")
        times = f"{s.title} · started {s.started} · dose {s.dose} · ended {s.ended}"
        if s.end_reason:
            times += f" · {s.end_reason}"
        self.subtitle.setText(times)
        self.phases_table.set_rows([[p.name, p.started, p.length, p.how] for p in s.phases])
        self.vitals_table.set_rows(
            [[v.time, v.check, v.readings, short_flags(v.flags)] for v in s.vitals],
            warn={(r, 3) for r, v in enumerate(s.vitals) if v.flags}
            | {(r, 2) for r, v in enumerate(s.vitals) if v.missed},
        )
        self.vitals_table.setVisible(bool(s.vitals))
        self.no_vitals.setVisible(not s.vitals)
        self.effects_heading.setVisible(bool(s.side_effects))
        self.effects.setVisible(bool(s.side_effects))
        self.effects.setText("\n".join(s.side_effects))
        self.played.setText("\n".join(s.played) or "—")
        saving = self._bridge.timeline.journal_saving
        self._saving_shown = (saving.saving, saving.waiting)
        rows = list(s.written_late)
        if not saving.saving:
            rows.insert(0, f"{not_written_yet(saving)} {ADVICE}")
        self.late_heading.setVisible(bool(rows))
        self.late.setVisible(bool(rows))
        self.late.setText("\n".join(rows))
        lines = [line for line in (describe(self._playlist, e) for e in events) if line]
        self.events.set_rows(
            [[line.wall_text, line.dose_text, line.text] for line in lines],
            warn={(r, 2) for r, line in enumerate(lines) if line.flagged},
        )

    def _follow_saving(self, _state=None) -> None:
        saving = self._bridge.timeline.journal_saving
        if (saving.saving, saving.waiting) != self._saving_shown:
            self._refresh()

    @property
    def checks(self) -> list[QCheckBox]:
        return self.discharge.checks
