"""Problems found in a playlist, each tied to a file, a line and a column.

Every message a therapist sees has the shape ``path:line:col: severity: message`` so that
editors and terminals can jump to it.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


# Records here and in start_check are NamedTuples, not frozen dataclasses: they come with the
# start screen, and defining a dataclass costs ~0.6 ms (the dataclasses module ~4 ms more).
class Position(NamedTuple):
    """1-based line and column of a YAML node, as editors count them."""

    line: int = 1
    col: int = 1


class Problem(NamedTuple):
    path: str
    position: Position
    severity: Severity
    message: str

    def format(self) -> str:
        return f"{self.path}:{self.position.line}:{self.position.col}: {self.severity.value}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        return (self.path, self.position.line, self.position.col, self.message)


def error(path: str, position: Position, message: str) -> Problem:
    return Problem(str(path), position, Severity.ERROR, message)


def warning(path: str, position: Position, message: str) -> Problem:
    return Problem(str(path), position, Severity.WARNING, message)


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """Sorted by file then position, duplicates removed (the same fault can be reached twice)."""
    seen: set[tuple] = set()
    unique = []
    for problem in sorted(problems, key=Problem.sort_key):
        key = (problem.path, problem.position, problem.severity, problem.message)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique
