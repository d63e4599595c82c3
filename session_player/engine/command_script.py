"""A script of clinician commands at given times, for ``session-player render --commands``.

A YAML (or JSON) list; each entry has a time and an action::

    - at: 2m            # session clock: time since the session started (settling began)
      do: dose          # optional: the dose is otherwise marked at --dose-at
    - after_dose: 8m    # or: time since the dose
      do: extend
    - at: 31m
      do: volume
      db: -14
    - at: 33m
      do: soundscape
      id: ocean
    - at: 50m
      do: end

Actions: dose, extend, advance, hold, release (the hold), calm_down, undo_calm_down,
fade_to_silence, fade_back, pause, resume, volume (with ``db``), soundscape (with ``id``),
end (with an optional ``reason``).

Times are on the session clock, which runs on during a pause (the drug does not stop when
the music does). This module only reads the script; ``scripted_session`` plays it through
the real session timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from session_player.playlist.durations import DurationError, parse_duration_s
from session_player.session.command_table import SCRIPT_ACTIONS

# The session's command table names what a script may do (its rows and toggles' halves).
ACTIONS = tuple(SCRIPT_ACTIONS)
_KEYS = {"at", "after_dose", "do", "db", "id", "reason"}


class CommandScriptError(ValueError):
    """The script cannot be read; the message says where (file:line) and why."""


@dataclass(frozen=True)
class Command:
    action: str
    at_s: float | None = None  # session clock (since the session started) …
    after_dose_s: float | None = None  # … or since the dose
    db: float | None = None
    soundscape_id: str | None = None
    reason: str = ""
    line: int = 0


def load_command_script(path: str | Path) -> list[Command]:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandScriptError(f"{file}: cannot read the file ({exc.strerror})") from None
    return parse_command_script(text, str(file))


def parse_command_script(text: str, source: str = "<commands>") -> list[Command]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise CommandScriptError(f"{where}: {problem}") from None
    if data is None:
        return []
    if isinstance(data, dict) and set(data) == {"commands"}:
        data = data["commands"]
        root = root.value[0][1] if root is not None else None
    if not isinstance(data, list):
        raise CommandScriptError(f"{source}:1: expected a list of commands (- at: 25m, do: extend)")
    lines = [node.start_mark.line + 1 for node in getattr(root, "value", [])]
    commands = []
    for index, entry in enumerate(data):
        line = lines[index] if index < len(lines) else 0
        commands.append(_command(entry, f"{source}:{line}", line))
    return commands


def _command(entry: object, where: str, line: int) -> Command:
    if not isinstance(entry, dict):
        raise CommandScriptError(
            f"{where}: each command is a mapping such as {{at: 25m, do: extend}}"
        )
    unknown = set(entry) - _KEYS
    if unknown:
        raise CommandScriptError(
            f"{where}: unknown key {sorted(unknown)[0]!r} (expected at, after_dose, do, db, id, reason)"
        )
    action = str(entry.get("do", "")).strip().lower().replace("-", "_").replace(" ", "_")
    if action not in ACTIONS:
        raise CommandScriptError(
            f"{where}: 'do' must be one of {', '.join(ACTIONS)}; got {entry.get('do')!r}"
        )
    if ("at" in entry) == ("after_dose" in entry):
        raise CommandScriptError(f"{where}: give either at: (session clock) or after_dose:")
    try:
        at_s = parse_duration_s(entry["at"]) if "at" in entry else None
        after_s = parse_duration_s(entry["after_dose"]) if "after_dose" in entry else None
    except DurationError as exc:
        raise CommandScriptError(f"{where}: {exc}") from None
    db = entry.get("db")
    if action == "volume":
        if isinstance(db, bool) or not isinstance(db, (int, float)):
            raise CommandScriptError(f"{where}: volume needs db: (a number, for example -12)")
        db = float(db)
    elif db is not None:
        raise CommandScriptError(f"{where}: db: only goes with do: volume")
    soundscape_id = entry.get("id")
    if action == "soundscape":
        if not isinstance(soundscape_id, str) or not soundscape_id.strip():
            raise CommandScriptError(f"{where}: soundscape needs id: (for example ocean)")
        soundscape_id = soundscape_id.strip()
    elif soundscape_id is not None:
        raise CommandScriptError(f"{where}: id: only goes with do: soundscape")
    return Command(
        action=action,
        at_s=at_s,
        after_dose_s=after_s,
        db=db,
        soundscape_id=soundscape_id,
        reason=str(entry.get("reason", "")),
        line=line,
    )
