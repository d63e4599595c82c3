"""A playlist open in the studio: its text, its problems, edits with undo/redo, and saving.

The YAML file stays the single source of truth: the document holds the file's text, every
edit (``session_player.studio.edits``) rewrites only the lines it changes, and the text is
validated by the same loader as ``session-player validate`` after every edit.

API (stable; the studio window and the loudness report build on it)::

    doc = PlaylistDocument.open(path)      # OpenFailed only when the file cannot be read
    doc.read_only, doc.read_only_reasons   # True + Problems when it cannot be edited safely
    doc.text, doc.problems, doc.playlist   # current text, its problems, the Playlist or None
    doc.result                             # the loader's LoadResult for the current text
    doc.apply(edit)                        # EditRefused (nothing changed) or done
    doc.undo(), doc.redo(), doc.can_undo, doc.can_redo, doc.undo_label, doc.redo_label
    doc.dirty                              # edited since opened or saved
    doc.save()                             # SaveFailed / SaveConflict; the old file stays whole
    doc.changed_on_disk()                  # the file differs from what was opened or saved
    doc.reload()                           # take the file from disk (file watching);
                                           # OpenFailed if it is gone or unreadable
    doc.add_listener(callback)             # callback(doc) after each change of text or state

One document is used from one thread at a time (an edit of a 5,000-item playlist takes a
second or two: a window may run ``apply`` on a worker, then show the result).

Read-only: a file the studio cannot round-trip opens read-only with its problems listed
(``read_only_reasons``): a YAML syntax error, hostile content refused by the loader's limits
(size, depth, aliases, tags: ``playlist/yaml_source.py``), anchors and aliases (an edit in one
place would change others), text that is not UTF-8 (or starts with a byte-order mark), or a
library file (the studio edits playlists). Nothing is ever written over such a file. Every
other file is edited by splicing lines (``yaml_text.py``), and an edit whose result does not
parse to exactly the data it intends is refused, so an unusual layout costs at most that one
edit, never the file.

Edits that would add a validation error the text did not have are refused with that error
(the document is never made worse by the studio); problems already there stay listed and can
be fixed by edits. Qt-free: listeners are plain callables.
"""

from __future__ import annotations

import copy
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from session_player.playlist.loader import LoadResult, load_playlist
from session_player.playlist.model import Playlist
from session_player.playlist.problems import Position, Problem, error
from session_player.playlist.yaml_source import MAX_FILE_BYTES, YamlLoadFailed, load_yaml_bytes
from session_player.studio.atomic_write import SaveFailed, write_text_atomically
from session_player.studio.yaml_text import SpliceError, YamlText

__all__ = [
    "EditRefused",
    "OpenFailed",
    "PlaylistDocument",
    "SaveConflict",
    "SaveFailed",
]

_WHERE = re.compile(r"\s*\(?(first )?at line \d+, column \d+\)?")


class OpenFailed(Exception):
    """The file cannot be read at all (missing, a folder, no permission); ``problems`` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.format() for p in problems))
        self.problems = problems


class EditRefused(Exception):
    """The edit was not made (the text is unchanged); the message says why, for the therapist."""


class SaveConflict(SaveFailed):
    """The file changed on disk since it was opened or saved; ``save(overwrite=True)`` replaces it."""


@dataclass
class _Applied:
    label: str
    before: str
    after: str


class PlaylistDocument:
    """One playlist file in the studio. Create it with :meth:`open`."""

    def __init__(self, path: Path, text: str, reasons: list[Problem], *, check_audio: bool) -> None:
        self.path = path
        self.text = text
        self.saved_text = text
        self.read_only_reasons = reasons
        self.check_audio = check_audio
        self._undo: list[_Applied] = []
        self._redo: list[_Applied] = []
        self._listeners: list[Callable[[PlaylistDocument], None]] = []
        self._source: YamlText | None = None
        # A file written with Windows line ends is edited with "\n" and saved with "\r\n".
        self.newline = "\n"
        self.result: LoadResult = self._validate(text)

    # Opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, check_audio: bool = True) -> PlaylistDocument:
        file = Path(path)
        raw = _read(file)
        text, reasons = _editability(file, raw)
        text, newline = _lf(text)
        document = cls(file, text, reasons, check_audio=check_audio)
        document.newline = newline
        return document

    @property
    def read_only(self) -> bool:
        return bool(self.read_only_reasons)

    # State ---------------------------------------------------------------------------------

    @property
    def problems(self) -> list[Problem]:
        return list(self.result.problems)

    @property
    def playlist(self) -> Playlist | None:
        """The validated playlist of the current text, or None while it has errors."""
        return self.result.playlist

    @property
    def data(self) -> dict:
        """Plain data of the current text (an empty dict when it is not readable YAML)."""
        try:
            data = self._source_of(self.text).data()
        except EditRefused:
            return {}
        return copy.deepcopy(data) if isinstance(data, dict) else {}

    @property
    def dirty(self) -> bool:
        return self.text != self.saved_text

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str | None:
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    def add_listener(self, callback: Callable[[PlaylistDocument], None]) -> None:
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[PlaylistDocument], None]) -> None:
        self._listeners.remove(callback)

    # Editing -------------------------------------------------------------------------------

    def apply(self, edit) -> None:
        """Make ``edit`` (an object of ``session_player.studio.edits``); EditRefused if not."""
        if self.read_only:
            raise EditRefused(
                f"{self.path.name} is open read-only: {self.read_only_reasons[0].message}"
            )
        before = self.text
        edited = edit.edited_source(self._source_of(before), self)
        after = edited.text
        if after == before:
            raise EditRefused("nothing to change")
        result = self._validate(after)
        added = _new_errors(self.result, result)
        if added:
            raise EditRefused(f"not done: {added[0].message} (line {added[0].position.line})")
        self._undo.append(_Applied(edit.label, before, after))
        self._redo.clear()
        self._source = edited
        self._set(after, result)

    def undo(self) -> None:
        if not self._undo:
            raise EditRefused("nothing to undo")
        applied = self._undo.pop()
        self._redo.append(applied)
        self._set(applied.before)

    def redo(self) -> None:
        if not self._redo:
            raise EditRefused("nothing to redo")
        applied = self._redo.pop()
        self._undo.append(applied)
        self._set(applied.after)

    # Disk ----------------------------------------------------------------------------------

    def changed_on_disk(self) -> bool:
        try:
            return self.path.read_bytes() != self._on_disk(self.saved_text)
        except OSError:
            return True

    def save(self, *, overwrite: bool = False) -> None:
        """Write the text atomically; raises SaveFailed (old file intact) or SaveConflict."""
        if self.read_only:
            raise SaveFailed(f"{self.path.name} is open read-only; nothing was written")
        if not overwrite and self.path.exists() and self.changed_on_disk():
            raise SaveConflict(
                f"{self.path} was changed outside the studio since it was opened; "
                "reload it, or save again to replace it"
            )
        write_text_atomically(self.path, self._on_disk(self.text).decode("utf-8"))
        self.saved_text = self.text
        self._notify()

    def reload(self) -> None:
        """Read the file again (it was saved by another editor); undo history starts afresh."""
        raw = _read(self.path)
        text, reasons = _editability(self.path, raw)
        text, self.newline = _lf(text)
        self.read_only_reasons = reasons
        self.saved_text = text
        self._undo.clear()
        self._redo.clear()
        self._set(text)

    # Internals -----------------------------------------------------------------------------

    def _on_disk(self, text: str) -> bytes:
        return (text.replace("\n", self.newline) if self.newline != "\n" else text).encode("utf-8")

    def _source_of(self, text: str) -> YamlText:
        """The composed text, kept for the current text (a 5,000-item playlist takes ~0.3 s)."""
        cached = self._source
        if cached is not None and cached.text == text:
            return cached
        try:
            self._source = YamlText(text)
        except SpliceError as exc:
            raise EditRefused(str(exc)) from None
        return self._source

    def _set(self, text: str, result: LoadResult | None = None) -> None:
        self.text = text
        self.result = result if result is not None else self._validate(text)
        self._notify()

    def _notify(self) -> None:
        for callback in list(self._listeners):
            callback(self)

    def _validate(self, text: str) -> LoadResult:
        return load_playlist(self.path, text=text, check_audio=self.check_audio)


# --- helpers --------------------------------------------------------------------------------


def _read(file: Path) -> bytes:
    def failed(message: str) -> OpenFailed:
        return OpenFailed([error(str(file), Position(1, 1), message)])

    try:
        if file.is_dir():
            raise failed("this is a folder, not a playlist file")
        with open(file, "rb") as stream:
            return stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise failed("the file does not exist") from None
    except PermissionError:
        raise failed("the file cannot be read (permission denied)") from None
    except OSError as exc:
        raise failed(f"the file cannot be read ({(exc.strerror or str(exc)).lower()})") from None


def _editability(file: Path, raw: bytes) -> tuple[str, list[Problem]]:
    """The file's text, and why it cannot be edited (empty when it can)."""
    source = str(file)
    try:
        doc = load_yaml_bytes(raw, source)
    except YamlLoadFailed as failure:
        return raw.decode("utf-8", "replace"), list(failure.problems)
    text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else _decoded(raw)
    if text is None:
        message = "the file is not UTF-8 text; the studio writes UTF-8 only"
        return raw.decode("utf-8", "replace"), [error(source, Position(1, 1), message)]
    if raw.startswith(b"\xef\xbb\xbf"):
        message = (
            "the file starts with a byte-order mark; save it as UTF-8 without one to edit it here"
        )
        return text, [error(source, Position(1, 1), message)]
    alias = _first_anchor_or_alias(text)
    if alias is not None:
        message = (
            "the file uses anchors and aliases (&name, *name): an edit in one place would "
            "change others, so the studio only shows it; edit it in a text editor"
        )
        return text, [error(source, alias, message)]
    if isinstance(doc.data, dict) and doc.data.get("kind") == "library":
        message = "this is a library (kind: library); the studio edits playlists"
        return text, [error(source, doc.position_of(("kind",)), message)]
    return text, []


def _lf(text: str) -> tuple[str, str]:
    """Text with "\n" line ends, and the line end the file used (only when all lines agree)."""
    if (
        "\r\n" in text
        and "\n" not in text.replace("\r\n", "")
        and "\r" not in text.replace("\r\n", "")
    ):
        return text.replace("\r\n", "\n"), "\r\n"
    return text, "\n"


def _decoded(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _first_anchor_or_alias(text: str) -> Position | None:
    import yaml
    from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for event in yaml.parse(text, Loader=loader):
        anchored = isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.anchor
        if isinstance(event, AliasEvent) or anchored:
            return Position(event.start_mark.line + 1, event.start_mark.column + 1)
    return None


def _normalised(problem: Problem) -> tuple[str, str]:
    return problem.path, _WHERE.sub("", problem.message)


def _new_errors(before: LoadResult, after: LoadResult) -> list[Problem]:
    """Errors of ``after`` that ``before`` did not have (positions aside: lines move)."""
    had = Counter(_normalised(p) for p in before.errors)
    added = []
    for problem in after.errors:
        key = _normalised(problem)
        if had[key]:
            had[key] -= 1
        else:
            added.append(problem)
    return added
