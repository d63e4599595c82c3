"""The end of the session: what happened (arc, vitals, events, what played) and discharge.

The discharge checklist comes from the playlist; each item is ticked by the clinician and the
completed checklist goes into the journal. The discharge vital-sign check is due now and can
be entered here (the journal accepts readings after the end: discharge comes after it).
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from session_player.ui import theme
from session_player.ui.arc_timeline import ArcTimeline
from session_player.ui.discharge_checklist import DischargeChecklist
from session_player.ui.event_log import LINE_ROLE, EventDelegate, line_text
from session_player.ui.event_text import describe
from session_player.ui.summary_model import SessionSummary, build_summary
from session_player.ui.vitals_prompt import VitalsPrompt


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


def table(headers: list[str], rows: list[list[str]], flagged_column: int | None = None):
    widget = QTableWidget(len(rows), len(headers))
    widget.setHorizontalHeaderLabels(headers)
    widget.verticalHeader().hide()
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    widget.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    widget.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    widget.horizontalHeader().setStretchLastSection(True)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(value)
            if flagged_column is not None and c == flagged_column and value:
                item.setForeground(QColor(theme.WARNING))
            widget.setItem(r, c, item)
    # Tall enough for every row: the summary scrolls as a whole, a table inside it should not.
    widget.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.resizeColumnsToContents()
    widget.resizeRowsToContents()
    height = widget.horizontalHeader().sizeHint().height() + 2 * widget.frameWidth() + 12
    height += sum(widget.rowHeight(r) for r in range(len(rows)))
    widget.setFixedHeight(height)
    return widget


class SummaryScreen(QWidget):
    page_title = "Summary"  # the window's title while it shows (MainWindow)
    new_session_requested = Signal()

    def __init__(self, bridge, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("summary")
        self._bridge = bridge
        playlist = bridge.playlist
        events = bridge.all_events()
        self.summary: SessionSummary = build_summary(playlist, events)
        s = self.summary

        heading = QLabel(f"Session summary · “{s.alias}”")
        heading.setProperty("role", "heading")
        times = f"{s.title} · started {s.started} · dose {s.dose} · ended {s.ended}"
        if s.end_reason:
            times += f" · {s.end_reason}"
        subtitle = QLabel(times)
        subtitle.setObjectName("summary_times")
        subtitle.setProperty("role", "secondary")
        subtitle.setWordWrap(True)

        self.arc = ArcTimeline(bridge)
        arc_card = QFrame()
        arc_card.setProperty("role", "card")
        arc_layout = QVBoxLayout(arc_card)
        arc_layout.setContentsMargins(6, 4, 6, 4)
        arc_layout.addWidget(self.arc)
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(section("Phases"))
        left.addWidget(
            table(
                ["Phase", "Started", "Length", "How"],
                [[p.name, p.started, p.length, p.how] for p in s.phases],
            )
        )
        left.addWidget(section("Vital signs"))
        self.vitals_table = table(
            ["Time", "Check", "Readings", "Flags"],
            [[v.time, v.check, v.readings, short_flags(v.flags)] for v in s.vitals],
            flagged_column=3,
        )
        self.vitals_table.setObjectName("summary_vitals")
        left.addWidget(self.vitals_table)
        if not s.vitals:
            # An empty table is only its headers: say so in words instead.
            self.vitals_table.hide()
            none = QLabel("No readings were recorded.")
            none.setObjectName("summary_no_vitals")
            none.setProperty("role", "secondary")
            left.addWidget(none)
        if s.side_effects:
            left.addWidget(section("Side effects"))
            effects = QLabel("\n".join(s.side_effects))
            effects.setWordWrap(True)
            left.addWidget(effects)
        left.addWidget(section("What played"))
        played = QLabel("\n".join(s.played) or "—")
        played.setObjectName("summary_played")
        played.setWordWrap(True)
        left.addWidget(played)
        left.addWidget(section("Events"))
        self.events = QListWidget()
        self.events.setObjectName("summary_events")
        self.events.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.events.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.events.setResizeMode(QListView.ResizeMode.Adjust)
        # The console's log delegate: time and dose time in their own columns (spaces in a
        # proportional font do not line up), the words wrapping, flagged lines in red.
        self.events.setItemDelegate(EventDelegate(self.events))
        for event in events:
            line = describe(playlist, event)
            if line is not None:
                item = QListWidgetItem(line_text(line))  # the plain text, for screen readers
                item.setData(LINE_ROLE, line)
                self.events.addItem(item)
        self.events.setMinimumHeight(220)
        left.addWidget(self.events)
        left.addStretch(1)

        # --- discharge
        self.discharge_vitals = VitalsPrompt(bridge, compact=True)
        self.discharge = DischargeChecklist(playlist.clinical.discharge_checklist, bridge)
        self.new_session = QPushButton("New session")
        self.new_session.setObjectName("new_session")
        self.new_session.clicked.connect(self.new_session_requested.emit)
        right = QVBoxLayout()
        right.setSpacing(10)
        right.addWidget(self.discharge_vitals)
        right.addWidget(self.discharge)
        right.addStretch(1)
        right.addWidget(self.new_session, 0, Qt.AlignmentFlag.AlignRight)

        body = QWidget()
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(20)
        right_panel = QWidget()
        right_panel.setLayout(right)
        right_panel.setMaximumWidth(600)  # the tables need the width more than the sentences
        right.setContentsMargins(0, 0, 0, 0)
        columns.addLayout(left, 3)
        columns.addWidget(right_panel, 2)
        body.setMinimumWidth(900)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 20, 32, 20)
        layout.addWidget(heading)
        layout.addWidget(subtitle)
        layout.addWidget(arc_card)
        layout.addWidget(scroll, 1)

    @property
    def checks(self) -> list[QCheckBox]:
        return self.discharge.checks
