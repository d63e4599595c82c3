"""Earlier patients' aliases, offered under the alias field as it is typed.

A popup, never inline completion: typing "Blue" must not become "Blue Heron" by itself
(that would open another patient's course and preferences); the clinician picks the alias
from the list with the mouse or the arrow keys and Enter. The aliases are read from the
journals' first lines on the start screen's worker, once the field is first typed in and
again after each session.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit


class AliasCompletion:
    def __init__(self, field: QLineEdit, runner, records_dir: Callable[[], object]) -> None:
        self._runner = runner
        self._records_dir = records_dir
        self.model = QStringListModel(field)
        self.completer = QCompleter(self.model, field)
        self.completer.setObjectName("alias_completer")
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        field.setCompleter(self.completer)
        self.refresh()

    def refresh(self) -> None:
        base = self._records_dir()
        if base is None:
            return

        def read(_progress, _cancelled) -> list[str]:
            from session_player.record.course import known_aliases

            return known_aliases(base)

        self._runner.start(read, on_done=self.model.setStringList)
