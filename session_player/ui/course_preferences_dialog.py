"""Recording what a patient does not want to hear: no lyrics, no bells, no guided voice, the
soundscapes they disliked, and a note. Saved per alias (``record/preferences.py``) when the
clinician presses Save; a file that cannot be written is said here, and nothing is lost:
the dialog stays open with what was ticked.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from session_player.record.preferences import (
    AVOIDABLE,
    Preferences,
    PreferencesError,
    PreferenceStore,
)
from session_player.session.clock import SYSTEM_WALL_CLOCK, WallClock, wall_iso


class PreferencesDialog(QDialog):
    """``saved`` (the ``Preferences`` as written) is set when it was accepted."""

    def __init__(
        self,
        store: PreferenceStore,
        current: Preferences,
        soundscapes: dict[str, str],
        *,
        wall_clock: WallClock = SYSTEM_WALL_CLOCK,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("preferences_dialog")
        self.setWindowTitle(f"Preferences for “{current.alias}”")
        self._store = store
        self._current = current
        self._wall_clock = wall_clock
        self.saved: Preferences | None = None
        intro = QLabel(
            "What this patient does not want to hear. Every session of this alias leaves it "
            "out; the pre-flight lists what it removes from the playlist."
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "secondary")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(intro)
        self.avoid: dict[str, QCheckBox] = {}
        for word, label in AVOIDABLE.items():
            box = QCheckBox(label, self)
            box.setObjectName(f"avoid_{word}")
            box.setChecked(word in current.avoid)
            self.avoid[word] = box
            layout.addWidget(box)
        # Words recorded earlier that this dialog does not offer (a clinic's own tag) stay.
        self._other_words = current.avoid - set(AVOIDABLE)
        self.disliked: dict[str, QCheckBox] = {}
        names = dict(soundscapes)
        for sid in sorted(current.disliked_soundscapes - set(names)):
            names[sid] = sid  # disliked in another playlist: kept, and shown to be untickable
        if names:
            heading = QLabel("Soundscapes the patient disliked")
            heading.setProperty("role", "secondary")
            layout.addWidget(heading)
        for sid, name in names.items():
            box = QCheckBox(f"Not {name}", self)
            box.setObjectName(f"dislike_{sid}")
            box.setChecked(sid in current.disliked_soundscapes)
            self.disliked[sid] = box
            layout.addWidget(box)
        self.note = QLineEdit(current.note, self)
        self.note.setObjectName("preferences_note")
        self.note.setPlaceholderText("A note for the team (optional)")
        self.note.setAccessibleName("Note about the patient's preferences")
        layout.addWidget(self.note)
        self.error = QLabel(self)
        self.error.setObjectName("preferences_error")
        self.error.setProperty("role", "warning")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.save_button = QPushButton("Save", self)
        self.save_button.setObjectName("preferences_save")
        self.save_button.setProperty("role", "primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save)
        cancel = QPushButton("Cancel", self)
        cancel.setObjectName("preferences_cancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def wanted(self) -> Preferences:
        return Preferences(
            alias=self._current.alias,
            avoid=frozenset(w for w, box in self.avoid.items() if box.isChecked())
            | self._other_words,
            disliked_soundscapes=frozenset(
                sid for sid, box in self.disliked.items() if box.isChecked()
            ),
            note=self.note.text(),
        )

    def _save(self) -> None:
        try:
            self.saved = self._store.save(self.wanted(), wall_iso(self._wall_clock()))
        except PreferencesError as exc:
            self.error.setText(f"Not saved: {exc}")
            self.error.show()
            return
        self.accept()
