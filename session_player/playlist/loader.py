"""Load a playlist file with its includes, validate it completely, and report every problem.

``load_playlist(path)`` never raises for bad input: it returns the playlist (or ``None``)
with the full list of problems, each at ``file:line:col``. The app refuses to start a
playlist with errors; ``session-player validate`` prints the same problems.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pydantic import BaseModel, ValidationError

from session_player.playlist.checks import check_document
from session_player.playlist.errors import problems_from_validation
from session_player.playlist.file_hint import close_existing_file
from session_player.playlist.load_result import LoadResult, Origin
from session_player.playlist.model import Library, Playlist
from session_player.playlist.problems import Problem, Severity, error, sorted_problems
from session_player.playlist.yaml_source import (
    UNTRACKED,
    YamlDocument,
    YamlLoadFailed,
    load_yaml_bytes,
    load_yaml_file,
)

MAX_INCLUDE_DEPTH = 8


def load_playlist(
    path: str | Path, *, check_audio: bool = True, strict: bool = False, text: str | None = None
) -> LoadResult:
    """Load, include, validate and check one playlist (or library) file.

    ``text``, when given, is checked as the content of ``path`` without reading the file
    (the studio checks an edit before saving it); includes and audio paths are still found
    relative to ``path``.
    """
    source = str(path)
    result = LoadResult(source=source)
    raw = None if text is None else text.encode("utf-8")
    document = _load_document(Path(path), result, include_stack=(), raw=raw)
    if document is not None:
        result.document = document
        result.problems.extend(check_document(result, check_audio=check_audio))
    if strict:
        result.problems = [
            Problem(p.path, p.position, Severity.ERROR, p.message) for p in result.problems
        ]
    result.problems = sorted_problems(result.problems)
    return result


def _load_document(
    path: Path, result: LoadResult, include_stack: tuple[Path, ...], raw: bytes | None = None
) -> Playlist | Library | None:
    read: dict[str, str | None] = {}
    try:
        if raw is None:
            doc = load_yaml_file(path, inputs=read)
        else:
            read[str(path)] = hashlib.sha256(raw).hexdigest()
            doc = load_yaml_bytes(raw, str(path))
    except YamlLoadFailed as failure:
        _note_inputs(result, read)
        result.problems.extend(failure.problems)
        if not include_stack and getattr(failure, "unreadable", False):
            result.unreadable = True
        return None
    _note_inputs(result, read)
    model: type[BaseModel] = (
        Library if isinstance(doc.data, dict) and doc.data.get("kind") == "library" else Playlist
    )
    if include_stack and model is Playlist:
        position = doc.position_of(())
        result.problems.append(
            error(doc.source, position, "an included file must start with kind: library")
        )
        return None
    context = {"base_dir": str(path.parent)}
    try:
        document = model.model_validate(doc.data, context=context)
    except ValidationError as exc:
        result.problems.extend(problems_from_validation(exc, model, doc))
        document = _salvage(model, doc.data, exc, context, result)
        if document is None or include_stack:
            return None
        # The salvaged rest is checked too, so one run reports every problem in the file;
        # the result stays unusable because it has errors.
        result.salvaged = True
    _merge_includes(document, doc, path, result, include_stack + (path.resolve(),))
    _record_origins(doc, doc.data, result, own=True)
    return document


def _merge_includes(
    document: Playlist | Library,
    doc: YamlDocument,
    path: Path,
    result: LoadResult,
    include_stack: tuple[Path, ...],
) -> None:
    """Included definitions come first; the including file's own ones override them."""
    merged: dict[str, dict] = {"soundscapes": {}, "bells": {}, "voices": {}}
    for index, name in enumerate(document.include):
        include_path = (path.parent / name).expanduser()
        where = doc.position_of(("include", index))
        if include_path.resolve() in include_stack:
            chain = " -> ".join(p.name for p in (*include_stack, include_path.resolve()))
            result.problems.append(error(doc.source, where, f"include cycle: {chain}"))
            continue
        if len(include_stack) > MAX_INCLUDE_DEPTH:
            result.problems.append(error(doc.source, where, "includes are nested too deeply"))
            continue
        if not include_path.is_file():
            _note_inputs(result, {str(include_path): None})
            hint = ""
            found = close_existing_file(include_path)
            if found is not None:
                hint = f"; did you mean '{os.path.relpath(found, path.parent)}'?"
            result.problems.append(
                error(doc.source, where, f"included file not found: {name}{hint}")
            )
            continue
        included = _load_document(include_path, result, include_stack)
        if included is None:
            result.problems.append(
                error(doc.source, where, f"the included file {name} has errors (listed above)")
            )
            continue
        for kind in merged:
            merged[kind].update(getattr(included, kind))
    for kind, definitions in merged.items():
        definitions.update(getattr(document, kind))
        setattr(document, kind, definitions)


def _note_inputs(result: LoadResult, read: dict[str, str | None]) -> None:
    for source, state in read.items():
        if result.inputs.get(source, state) != state:
            state = UNTRACKED  # read twice with different outcomes: it changed meanwhile
        result.inputs[source] = state


def _record_origins(doc: YamlDocument, data: dict, result: LoadResult, *, own: bool) -> None:
    for kind in ("soundscapes", "bells", "voices"):
        entries = data.get(kind)
        if isinstance(entries, dict):
            for key in entries:
                # Later (including) files are recorded last and so win, as in the merge.
                result.origins[(kind, str(key))] = Origin(doc, (kind, key))
    if own:
        result.origins[("document", "")] = Origin(doc, ())


_COLLECTIONS = ("soundscapes", "bells", "voices")
_PLACEHOLDERS = {"title": "untitled", "route": "other", "kind": "library"}


def _salvage(
    model: type[BaseModel],
    data: object,
    exc: ValidationError,
    context: dict,
    result: LoadResult,
) -> Playlist | Library | None:
    """Drop the invalid parts and validate the rest, so the cross-file checks can run on it.

    Without this a therapist would fix the schema errors only to meet a second round of
    errors (a missing audio file, an unknown soundscape) that one run could have shown.
    """
    if not isinstance(data, dict):
        return None
    current = dict(data)
    for _attempt in range(4):
        for err in exc.errors(include_url=False):
            loc = err["loc"]
            if not loc:
                return None
            head = loc[0]
            if err["type"] == "missing" and len(loc) == 1:
                if head not in _PLACEHOLDERS:
                    return None
                current[head] = _PLACEHOLDERS[head]
            elif head == "phases" and len(loc) > 1 and isinstance(loc[1], int):
                phases = current.get("phases")
                if isinstance(phases, list) and loc[1] < len(phases):
                    phases = list(phases)
                    current["phases"] = phases
                    phases[loc[1]] = _salvage_phase(phases[loc[1]], loc, result)
            elif head in _COLLECTIONS and len(loc) > 1 and isinstance(current.get(head), dict):
                entries = dict(current[head])
                result.dropped_ids.add(str(loc[1]))
                entries.pop(loc[1], None)
                current[head] = entries
            else:
                current.pop(head, None)
        if "phases" not in current or not isinstance(current.get("phases"), list):
            # Keep checking the rest of the file (soundscapes, audio) without an arc.
            current["phases"] = [{"id": "invalid-phase-1", "duration": 60}]
            result.arc_unusable = True
        try:
            return model.model_validate(current, context=context)
        except ValidationError as again:
            exc = again
    return None


def _salvage_phase(entry: object, loc: tuple, result: LoadResult) -> object:
    """Repair one phase just enough to check the rest of it, keeping its index in the list."""
    index = loc[1]
    if isinstance(entry, dict) and isinstance(entry.get("id"), str):
        result.dropped_ids.add(entry["id"])
    if not isinstance(entry, dict) or len(loc) < 3 or loc[2] in ("id", "duration"):
        repaired = dict(entry) if isinstance(entry, dict) else {}
        if len(loc) < 3 or not isinstance(entry, dict):
            repaired = {}
        repaired["id"] = f"invalid-phase-{index + 1}"
        if len(loc) < 3 or loc[2] == "duration" or "duration" not in repaired:
            repaired["duration"] = 60
            result.placeholder_phases.add(index)
        return repaired
    entry = dict(entry)
    entry.pop(loc[2], None)
    return entry
