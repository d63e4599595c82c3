"""The Spravato REMS monitoring form's entered fields on the console: a line that says what
is still to answer, and a window of its own where each answer is one tap (or a short typed
value), journaled as soon as it is given.

Never in the way: nothing here is a step before the dose mark or a modal box. The dose and
the lot number are asked from the dose on (typed while the patient settles after the
device, or later), the concomitant medicines from the start, the discharge questions from
the dose on and pointed at when the discharge check is due. A changed answer is journaled
again; the latest counts (``record/rems_form.py``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from session_player.record.rems_form import FieldSpec, FormTemplate, form_applies, load_template
from session_player.session import command_table as commands
from session_player.ui import theme
from session_player.ui.elided_label import ElidedLabel

ASK_HEADINGS = {
    "start": "At the start: concomitant medicines",
    "dose": "At the dose (or any time after)",
    "discharge": "At discharge",
}


def rems_template_for(playlist) -> FormTemplate | None:
    """The form this session fills, or None (not intranasal, or ``monitoring_form: none``)."""
    if form_applies(playlist.route, playlist.clinical.monitoring_form):
        return load_template()
    return None


class RemsFormWindow(QDialog):
    """Every entered field, grouped by when it is asked; an answer is journaled at once."""

    answered = Signal()

    def __init__(self, bridge, template: FormTemplate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rems_form_window")
        self.setModal(False)
        self.setWindowTitle(template.title)
        self._bridge = bridge
        self._template = template
        self.choice_groups: dict[str, QButtonGroup] = {}
        self.text_fields: dict[str, QLineEdit] = {}
        self._rows: dict[str, list[QWidget]] = {}
        self._shown: dict[str, object] = {}  # the answer each text field shows
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        row = 0
        for ask, heading in ASK_HEADINGS.items():
            specs = [s for s in template.fields if s.source == "entered" and s.ask == ask]
            if not specs:
                continue
            title = QLabel(heading)
            title.setProperty("role", "accent")
            grid.addWidget(title, row, 0, 1, 2)
            row += 1
            for spec in specs:
                label = QLabel(spec.label)
                label.setWordWrap(True)
                editor = self._editor(spec)
                grid.addWidget(label, row, 0)
                grid.addWidget(editor, row, 1)
                self._rows[spec.id] = [label, editor]
                row += 1
        grid.setColumnStretch(0, 1)
        body = QWidget()
        body.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        close = QPushButton("Close")
        close.setObjectName("rems_form_close")
        close.setAutoDefault(False)
        close.clicked.connect(self.hide)
        note = QLabel(
            "Blood pressure, the treatment date and the monitoring time come from the session "
            "itself. Answers are saved as they are given."
        )
        note.setWordWrap(True)
        note.setProperty("role", "hint")
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(620, 640)
        bridge.changed.connect(self.refresh)
        self.refresh()

    def _editor(self, spec: FieldSpec) -> QWidget:
        if spec.kind in ("yes_no", "choice"):
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            group = QButtonGroup(box)
            group.setExclusive(True)
            options = [("Yes", True), ("No", False)] if spec.kind == "yes_no" else []
            options += [(choice, choice) for choice in spec.choices]
            for number, (text, value) in enumerate(options):
                button = QPushButton(text)
                button.setObjectName(f"rems_{spec.id}_{str(text).lower().replace(' ', '_')}")
                button.setCheckable(True)
                # In a dialog, Enter in a text field presses the first "auto default" button:
                # Enter after the lot number answered "Yes" to benzodiazepines. None here.
                button.setAutoDefault(False)
                button.setAccessibleName(f"{spec.label}: {text}")
                button.setMinimumWidth(64)
                group.addButton(button, number)
                button.clicked.connect(lambda _=False, v=value, s=spec.id: self._answer(s, v))
                row.addWidget(button)
            row.addStretch(1)
            self.choice_groups[spec.id] = group
            return box
        field = QLineEdit()
        field.setObjectName(f"rems_{spec.id}")
        field.setAccessibleName(spec.label)
        if spec.kind in ("number", "minutes"):
            field.setValidator(QIntValidator(0, 9999))
            field.setPlaceholderText("minutes" if spec.kind == "minutes" else "mg")
        field.setMaxLength(60)
        field.editingFinished.connect(lambda s=spec, f=field: self._typed(s, f))
        self.text_fields[spec.id] = field
        return field

    def _typed(self, spec: FieldSpec, field: QLineEdit) -> None:
        text = field.text().strip()
        value: object = (int(text) if text.isdigit() else None) if spec.kind != "text" else text
        answers = self._bridge.timeline.form_answers(self._template.form_id)
        if (value or None) == answers.get(spec.id):
            return  # unchanged (focus left the field): nothing to journal
        self._answer(spec.id, value if value != "" else None)

    def _answer(self, field_id: str, value: object) -> None:
        answers = self._bridge.timeline.form_answers(self._template.form_id)
        if (
            field_id in answers
            and answers[field_id] == value
            and type(value) is type(answers[field_id])
        ):
            return  # the same answer again (a double tap on Yes): nothing new to journal
        self._bridge.run(commands.RECORD_FORM_FIELD, self._template.form_id, field_id, value)
        self.answered.emit()

    def refresh(self, _state=None) -> None:
        answers = self._bridge.timeline.form_answers(self._template.form_id)
        dosed = self._bridge.state.dose_given
        for spec in self._template.fields:
            if spec.id not in self._rows:
                continue
            applies = all(str(answers.get(other)) == value for other, value in spec.only_if)
            for widget in self._rows[spec.id]:
                widget.setVisible(applies)
                widget.setEnabled(spec.ask == "start" or dosed)
            value = answers.get(spec.id)
            if spec.id in self.choice_groups:
                group = self.choice_groups[spec.id]
                for button in group.buttons():
                    wanted = _button_value(spec, button.text()) == value and value is not None
                    if button.isChecked() != wanted:
                        group.setExclusive(False)  # an exclusive group cannot uncheck all
                        button.setChecked(wanted)
                        group.setExclusive(True)
            elif spec.id in self.text_fields and self._shown.get(spec.id, None) != value:
                # Only when the journaled answer changed: a refresh on every tick wiped what
                # was being typed in a window that had lost the focus.
                self._shown[spec.id] = value
                self.text_fields[spec.id].setText("" if value is None else f"{value}")


def _button_value(spec: FieldSpec, text: str) -> object:
    if spec.kind == "yes_no":
        return text == "Yes"
    return text


class RemsFormLine(QFrame):
    """One line on the console: how much of the form is answered, what is due, and Open."""

    def __init__(self, bridge, template: FormTemplate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rems_form_line")
        self.setProperty("role", "card")
        self._bridge = bridge
        self._template = template
        self.window_: RemsFormWindow | None = None
        self.summary = ElidedLabel(lines=1, min_width_px=160)
        self.summary.setObjectName("rems_form_summary")
        self.open_button = QPushButton("REMS form…")
        self.open_button.setObjectName("rems_form_open")
        self.open_button.setAccessibleName("Open the Spravato REMS monitoring form")
        self.open_button.clicked.connect(self.open_form)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.open_button)
        bridge.changed.connect(self.refresh)
        # An answer changes no session state (no "changed"): the command's "done" says it.
        bridge.done.connect(lambda command, _message: self._after(command))
        self.refresh()

    def _after(self, command: str) -> None:
        if command == "record_form_field":
            self.refresh()

    def open_form(self) -> RemsFormWindow:
        if self.window_ is None:
            # Its parent is this line: the window goes with the console or the summary (and
            # with the session's bridge) instead of outliving them over the next session.
            self.window_ = RemsFormWindow(self._bridge, self._template, self)
        self.window_.show()
        self.window_.raise_()
        return self.window_

    def due_now(self) -> list[FieldSpec]:
        """The entered fields asked by now and not answered yet, in the form's order (at
        discharge, the discharge questions first)."""
        state = self._bridge.state
        answers = self._bridge.timeline.form_answers(self._template.form_id)
        at_discharge = state.status == "ended" or any(c.at_discharge for c in state.due_vitals)
        asked_now = {"start"} | ({"dose"} if state.dose_given else set())
        if at_discharge:
            asked_now.add("discharge")
        due = [
            spec
            for spec in self._template.fields
            if spec.source == "entered"
            and spec.ask in asked_now
            and spec.id not in answers
            and all(str(answers.get(other)) == value for other, value in spec.only_if)
        ]
        # At discharge its own questions come first (the line names only the first few).
        return sorted(due, key=lambda spec: at_discharge and spec.ask != "discharge")

    def refresh(self, _state=None) -> None:
        due = self.due_now()
        if due:
            names = ", ".join(spec.label.rstrip("?").lower() for spec in due[:3])
            more = f" and {len(due) - 3} more" if len(due) > 3 else ""
            text = f"REMS form: still to answer: {names}{more}"
        else:
            text = "REMS form: everything asked so far is answered"
        if self.summary.text() != text:
            self.summary.setText(text)
        theme.set_role(self.summary, "warning" if due else "secondary")
