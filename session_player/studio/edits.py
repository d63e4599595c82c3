"""The studio's edits, as command objects: each knows its label and the lines it changes.

An edit is given to :meth:`PlaylistDocument.apply <session_player.studio.document.PlaylistDocument.apply>`,
which does it and keeps it for undo/redo (the document remembers the text before and after,
so undo restores every byte). Each edit is built from a few primitive operations on a data
path (set a key, remove a key, insert/remove/move a list item); every operation splices only
the lines of the node it changes (``studio/yaml_text.py``) and the result is checked to mean
exactly the data the edit intends, or the edit is refused and nothing changes.

``target`` names where an edit happens: ``"settling"`` or a phase id (``"peak"``).

Edits (all raise :class:`~session_player.studio.document.EditRefused` with a message for the
therapist when they cannot be made):

* :class:`AddMusic` (files, checked to be audio: see :func:`check_music_drop` for a drop),
  :class:`MoveMusicItem`, :class:`RemoveMusicItem`
* :class:`SetPhaseDuration`, :class:`SetPhaseEnd`, :class:`MovePhase`
* :class:`PlaceVoiceCue`, :class:`PlaceBell`, :class:`MoveCue`, :class:`RemoveCue`
* :class:`SetSoundscape`, :class:`SetPatientChoices`
* :class:`SetLevel` (``levels:``), :class:`SetMusicGain`, :class:`SetSoundscapeGain`
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path

from session_player.media.probe import ProbeError, probe
from session_player.playlist.durations import (
    DurationError,
    format_duration,
    parse_duration_s,
    parse_phase_time,
)
from session_player.studio.document import EditRefused
from session_player.studio.yaml_text import PathKey, SpliceError, YamlText

# Where a new key goes in a phase (after the first of these that is there), so a new entry
# sits where a therapist would have written it.
_PHASE_KEY_ORDER = (
    "id",
    "name",
    "duration",
    "end",
    "max_hold",
    "max_extend",
    "extend_step",
    "crossfade",
    "soundscape",
    "soundscape_gain_db",
    "music",
    "voice",
    "bells",
)
_ROOT_KEY_ORDER = (
    "format",
    "kind",
    "title",
    "author",
    "description",
    "route",
    "include",
    "soundscapes",
    "bells",
    "voices",
    "levels",
    "transitions",
    "patient",
    "calm_down",
    "settling",
    "phases",
    "clinical",
)
LEVEL_KEYS = ("loudness_target_lufs", "ceiling_dbfs", "default_volume_db", "max_volume_db")
CUE_KINDS = ("voice", "bells")


# --- primitive operations ---------------------------------------------------------------------


@dataclass
class _Set:
    """Set the value at ``path``; a new key goes after ``after`` (None: the usual key order)."""

    path: PathKey
    value: object
    after: tuple[str, ...] | None = None

    def splice(self, source: YamlText) -> str:
        after = self.after
        if after is None:
            # Where the new entry starts: under the deepest mapping that is already there.
            depth = len(self.path) - 1
            while depth > 0 and source.node(self.path[:depth]) is None:
                depth -= 1
            after = _after_for(self.path[:depth], str(self.path[depth]))
        return source.set_value(self.path, self.value, after=after)

    def on_data(self, data: dict) -> None:
        parent = data
        for step in self.path[:-1]:
            if isinstance(parent, dict):
                parent = parent.setdefault(step, {})
            else:
                parent = parent[step]
        parent[self.path[-1]] = copy.deepcopy(self.value)


@dataclass
class _Remove:
    path: PathKey

    def splice(self, source: YamlText) -> str:
        return source.remove_key(self.path)

    def on_data(self, data: dict) -> None:
        del _at(data, self.path[:-1])[self.path[-1]]


@dataclass
class _Insert:
    path: PathKey
    index: int
    value: object

    def splice(self, source: YamlText) -> str:
        return source.insert_item(self.path, self.index, self.value)

    def on_data(self, data: dict) -> None:
        parent = _at(data, self.path[:-1])
        if self.path[-1] not in parent or parent[self.path[-1]] is None:
            parent[self.path[-1]] = []
        parent[self.path[-1]].insert(self.index, copy.deepcopy(self.value))


@dataclass
class _Delete:
    path: PathKey
    index: int

    def splice(self, source: YamlText) -> str:
        return source.remove_item(self.path, self.index)

    def on_data(self, data: dict) -> None:
        del _at(data, self.path)[self.index]


@dataclass
class _Move:
    path: PathKey
    source: int
    target: int

    def splice(self, source: YamlText) -> str:
        return source.move_item(self.path, self.source, self.target)

    def on_data(self, data: dict) -> None:
        items = _at(data, self.path)
        items.insert(self.target, items.pop(self.source))


def _at(data: object, path: PathKey) -> object:
    for step in path:
        data = data[step]  # type: ignore[index]
    return data


# --- the edit base ----------------------------------------------------------------------------


class Edit:
    """A command: ``label`` for the undo menu, ``operations`` for what it changes."""

    label = "Edit"

    def operations(self, data: dict, document) -> list:
        raise NotImplementedError

    def edited_text(self, source: YamlText, document) -> str:
        """The new text; raises EditRefused when the edit cannot be made exactly."""
        return self.edited_source(source, document).text

    def edited_source(self, source: YamlText, document) -> YamlText:
        """The new text, composed (the document keeps it for the next edit)."""
        data = source.data()
        if not isinstance(data, dict):
            raise EditRefused("the file's top level is not a mapping")
        operations = self.operations(data, document)
        expected = copy.deepcopy(data)
        current = source
        for operation in operations:
            try:
                current = YamlText(operation.splice(current))
            except SpliceError as exc:
                raise EditRefused(f"not done: {exc}") from None
            except (IndexError, KeyError, TypeError, ValueError) as exc:
                # A layout the splicer did not foresee: refuse the one edit, with what it was,
                # rather than a traceback (tests/studio/test_yaml_text_fuzz.py hunts these).
                raise EditRefused(
                    f"not done: the studio could not place this edit in the file "
                    f"({type(exc).__name__}); make it in a text editor"
                ) from None
            operation.on_data(expected)
        if current.data() != expected:
            raise EditRefused(
                "not done: the studio could not make this edit without changing other parts "
                "of the file; make it in a text editor"
            )
        return current


def content_path(data: dict, target: str) -> PathKey:
    """Where ``target`` ("settling" or a phase id) is in the data."""
    if target == "settling":
        return ("settling",)
    for index, phase in enumerate(_phases(data)):
        if isinstance(phase, dict) and phase.get("id") == target:
            return ("phases", index)
    raise EditRefused(f"there is no phase '{target}'")


def _phases(data: dict) -> list:
    phases = data.get("phases")
    return phases if isinstance(phases, list) else []


def _mapping_at(data: dict, path: PathKey) -> dict:
    try:
        value = _at(data, path)
    except (KeyError, IndexError, TypeError):
        return {}
    return value if isinstance(value, dict) else {}


def _after_for(path: PathKey, key: str) -> tuple[str, ...]:
    """Keys a new ``key`` goes after, nearest first, from the usual order of that mapping."""
    if path == ():
        order = _ROOT_KEY_ORDER
    elif path == ("settling",) or (len(path) == 2 and path[0] == "phases"):
        order = _PHASE_KEY_ORDER
    else:
        return ()
    if key not in order:
        return ()
    return tuple(reversed(order[: order.index(key)]))


def _set_key(data: dict, path: PathKey, key: str, value: object) -> _Set:
    """Set ``key`` of the mapping at ``path`` (created, in the usual key order, if missing)."""
    return _Set(path + (key,), value)


def _seconds(value: object, what: str) -> float:
    try:
        return parse_duration_s(value)
    except DurationError as exc:
        raise EditRefused(f"{what}: {exc}") from None


def _duration_text(value: object, what: str) -> str:
    """A duration as the therapist typed it when readable (``12 min``), else ``12m``."""
    seconds = _seconds(value, what)
    if isinstance(value, str):
        return value.strip()
    return format_duration(seconds)


# --- music ------------------------------------------------------------------------------------


@dataclass
class DropCheck:
    """What a drop of files and folders brings: audio files to add, and what was refused why."""

    files: list[Path] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)

    def messages(self) -> list[str]:
        return [f"{path.name}: not added ({why})" for path, why in self.refused]


def check_music_drop(paths: list[str | os.PathLike[str]]) -> DropCheck:
    """Expand folders (sorted by name, hidden files skipped) and check every file decodes.

    A folder's other files (cover.jpg, notes.txt) are listed as refused, never silently lost.
    """
    check = DropCheck()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            children = sorted(
                (p for p in path.rglob("*") if p.is_file() and not _hidden(p, path)),
                key=lambda p: str(p.relative_to(path)).lower(),
            )
            if not children:
                check.refused.append((path, "the folder has no files"))
            for child in children:
                _check_one(child, check)
        else:
            _check_one(path, check)
    return check


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _check_one(path: Path, check: DropCheck) -> None:
    reason = audio_problem(path)
    if reason is None:
        check.files.append(path)
    else:
        check.refused.append((path, reason))


def audio_problem(path: Path) -> str | None:
    """Why ``path`` cannot be a music item (None when it is a readable audio file)."""
    try:
        probe(path)
    except ProbeError as exc:
        return str(exc)
    return None


def item_path(file: Path, playlist: Path) -> str:
    """How the playlist names ``file``: relative to the playlist's folder, with forward slashes."""
    try:
        relative = os.path.relpath(file.absolute(), playlist.absolute().parent)
    except ValueError:  # another drive on Windows
        return file.absolute().as_posix()
    return Path(relative).as_posix()


@dataclass
class AddMusic(Edit):
    """Add audio files to a phase's (or settling's) music, at ``index`` (default: the end).

    ``files`` may name folders: their audio files are added in name order (as
    :func:`check_music_drop` finds them) and their other files are listed in ``skipped``
    after the edit, for the studio to show. A file named directly that is not audio refuses
    the whole edit, with the reason for each.
    """

    target: str
    files: list[str | os.PathLike[str]]
    index: int | None = None
    # Titles shown on the console (from a track list's #EXTINF, say); None: the file's name.
    titles: list[str | None] | None = None
    skipped: list[tuple[Path, str]] = field(default_factory=list, compare=False)

    @classmethod
    def from_tracks(cls, target: str, tracks, index: int | None = None) -> AddMusic:
        """The usable entries of a track list (``track_lists.read_track_list``), with their
        titles; the list's refused entries are for the caller to show (``problem_lines``)."""
        usable = tracks.usable
        if not usable:
            raise EditRefused(f"no track of {tracks.source.name} can be used")
        return cls(target, [e.path for e in usable], index, [e.title for e in usable])

    @property
    def label(self) -> str:  # type: ignore[override]
        count = len(self.files)
        return f"Add {count} music item{'s' if count != 1 else ''} to {self.target}"

    def operations(self, data: dict, document) -> list:
        if not self.files:
            raise EditRefused("no files to add")
        if self.titles is not None and len(self.titles) != len(self.files):
            raise EditRefused("one title per file, or none")
        refused = []
        files: list[Path] = []
        titles: list[str | None] = []
        self.skipped = []
        for index, file in enumerate(map(Path, self.files)):
            title = self.titles[index] if self.titles is not None else None
            if file.is_dir():
                check = check_music_drop([file])
                files += check.files
                titles += [None] * len(check.files)
                self.skipped += check.refused
                if not check.files:
                    refused.append(f"{file.name}: a folder with no audio file the session can play")
                continue
            reason = audio_problem(file)
            if reason is not None:
                refused.append(f"{file.name}: {reason}")
            files.append(file)
            titles.append(title)
        if refused:
            raise EditRefused("not an audio file the session can play: " + "; ".join(refused))
        names: list[object] = []
        for file, title in zip(files, titles, strict=True):
            name = item_path(file, document.path)
            names.append({"file": name, "title": title} if title else name)
        where = content_path(data, self.target)
        content = _mapping_at(data, where)
        music = content.get("music")
        items = music.get("items") if isinstance(music, dict) else None
        if not isinstance(items, list) or not items:
            return [_set_key(data, where, "music", {"items": names})]
        index = len(items) if self.index is None else max(0, min(self.index, len(items)))
        path = where + ("music", "items")
        return [_Insert(path, index + offset, name) for offset, name in enumerate(names)]


@dataclass
class MoveMusicItem(Edit):
    target: str
    source: int
    to: int

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Move a music item in {self.target}"

    def operations(self, data: dict, document) -> list:
        path = content_path(data, self.target) + ("music", "items")
        items = _list_at(data, path, f"{self.target} has no music")
        if not (0 <= self.source < len(items) and 0 <= self.to < len(items)):
            raise EditRefused(f"{self.target} has {_count(len(items), 'music item')}")
        if self.source == self.to:
            raise EditRefused("nothing to change")
        return [_Move(path, self.source, self.to)]


@dataclass
class RemoveMusicItem(Edit):
    """Remove one music item; removing the only one removes the phase's music altogether."""

    target: str
    index: int

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Remove a music item from {self.target}"

    def operations(self, data: dict, document) -> list:
        where = content_path(data, self.target)
        path = where + ("music", "items")
        items = _list_at(data, path, f"{self.target} has no music")
        if not 0 <= self.index < len(items):
            raise EditRefused(f"{self.target} has {_count(len(items), 'music item')}")
        if len(items) == 1:
            return [_Remove(where + ("music",))]
        return [_Delete(path, self.index)]


def _list_at(data: dict, path: PathKey, missing: str) -> list:
    try:
        items = _at(data, path)
    except (KeyError, IndexError, TypeError):
        raise EditRefused(missing) from None
    if not isinstance(items, list):
        raise EditRefused(missing)
    return items


# --- phases -----------------------------------------------------------------------------------


@dataclass
class SetPhaseDuration(Edit):
    """``duration`` as typed (``12m``, ``1h 30m``) or in seconds."""

    phase: str
    duration: str | float

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Set the duration of {self.phase}"

    def operations(self, data: dict, document) -> list:
        if self.phase == "settling":
            raise EditRefused("settling lasts until the dose is given; it has no duration")
        where = content_path(data, self.phase)
        text = _duration_text(self.duration, "duration")
        if _seconds(text, "duration") <= 0:
            raise EditRefused("a phase needs a duration longer than zero")
        return [_set_key(data, where, "duration", text)]


@dataclass
class SetPhaseEnd(Edit):
    """``advance``: the next phase starts on time; ``hold``: wait for the clinician."""

    phase: str
    end: str

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"{self.phase}: {'hold at the end' if self.end == 'hold' else 'advance on time'}"

    def operations(self, data: dict, document) -> list:
        if self.end not in ("advance", "hold"):
            raise EditRefused("a phase ends with advance or hold")
        if self.phase == "settling":
            raise EditRefused("settling always waits for the dose")
        where = content_path(data, self.phase)
        current = _mapping_at(data, where).get("end", "advance")
        if current == self.end:
            raise EditRefused("nothing to change")
        return [_set_key(data, where, "end", self.end)]


@dataclass
class MovePhase(Edit):
    phase: str
    to: int

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Move {self.phase}"

    def operations(self, data: dict, document) -> list:
        where = content_path(data, self.phase)
        if where == ("settling",):
            raise EditRefused("settling always comes first")
        phases = _phases(data)
        if not 0 <= self.to < len(phases):
            raise EditRefused(f"the playlist has {_count(len(phases), 'phase')}")
        if where[1] == self.to:
            raise EditRefused("nothing to change")
        return [_Move(("phases",), where[1], self.to)]


# --- cues -------------------------------------------------------------------------------------


def _cue_order(at: object) -> tuple[int, float]:
    """Cues sorted as they play: from the start in order, then those counted from the end."""
    try:
        time = parse_phase_time("start" if at is None else at)
    except (DurationError, ValueError):
        return (2, 0.0)
    return (1, -time.offset_s) if time.from_end else (0, time.offset_s)


def _at_text(at: object) -> str:
    """A cue time as written (``2m``, ``end-1m``, ``start``), checked readable."""
    value = format_duration(at) if isinstance(at, (int, float)) else str(at).strip()
    try:
        parse_phase_time(value)
    except (DurationError, ValueError) as exc:
        raise EditRefused(f"at: {exc}") from None
    return value


def _place_cue(data: dict, target: str, kind: str, entry: dict) -> list:
    where = content_path(data, target)
    cues = _mapping_at(data, where).get(kind)
    if not isinstance(cues, list) or not cues:
        return [_set_key(data, where, kind, [entry])]
    key = _cue_order(entry["at"])
    index = sum(1 for cue in cues if isinstance(cue, dict) and _cue_order(cue.get("at")) <= key)
    return [_Insert(where + (kind,), index, entry)]


@dataclass
class PlaceVoiceCue(Edit):
    """A voice cue at ``at`` (``2m``, ``end-1m``): a voice id (``cue``) or an audio ``file``."""

    target: str
    at: str | float
    cue: str | None = None
    file: str | os.PathLike[str] | None = None

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Place a voice cue in {self.target}"

    def operations(self, data: dict, document) -> list:
        if (self.cue is None) == (self.file is None):
            raise EditRefused("a voice cue needs a voice (cue) or a file, not both")
        entry: dict = {"at": _at_text(self.at)}
        if self.cue is not None:
            entry["cue"] = self.cue
        else:
            file = Path(self.file)  # type: ignore[arg-type]
            reason = audio_problem(file)
            if reason is not None:
                raise EditRefused(f"{file.name}: {reason}")
            entry["file"] = item_path(file, document.path)
        return _place_cue(data, self.target, "voice", entry)


@dataclass
class PlaceBell(Edit):
    target: str
    at: str | float
    bell: str

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Place a bell in {self.target}"

    def operations(self, data: dict, document) -> list:
        return _place_cue(data, self.target, "bells", {"at": _at_text(self.at), "bell": self.bell})


@dataclass
class MoveCue(Edit):
    """Give cue ``index`` of ``kind`` ("voice" or "bells") a new time."""

    target: str
    kind: str
    index: int
    at: str | float

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Move a {'bell' if self.kind == 'bells' else 'voice cue'} in {self.target}"

    def operations(self, data: dict, document) -> list:
        path = _cue_path(data, self.target, self.kind, self.index)
        return [_Set(path + ("at",), _at_text(self.at), after=())]


@dataclass
class RemoveCue(Edit):
    target: str
    kind: str
    index: int

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Remove a {'bell' if self.kind == 'bells' else 'voice cue'} from {self.target}"

    def operations(self, data: dict, document) -> list:
        path = _cue_path(data, self.target, self.kind, self.index)
        cues = _at(data, path[:-1])
        if len(cues) == 1:  # type: ignore[arg-type]
            return [_Remove(path[:-1])]
        return [_Delete(path[:-1], self.index)]


def _cue_path(data: dict, target: str, kind: str, index: int) -> PathKey:
    if kind not in CUE_KINDS:
        raise EditRefused("a cue is voice or bells")
    path = content_path(data, target) + (kind,)
    cues = _list_at(data, path, f"{target} has no {'bells' if kind == 'bells' else 'voice cues'}")
    if not 0 <= index < len(cues) or not isinstance(cues[index], dict):
        raise EditRefused(
            f"{target} has {_count(len(cues), 'bell' if kind == 'bells' else 'voice cue')}"
        )
    return path + (index,)


# --- soundscapes, choices, levels -------------------------------------------------------------


@dataclass
class SetSoundscape(Edit):
    """The soundscape of a phase (an id), or None for the patient's choice."""

    target: str
    soundscape: str | None

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Soundscape of {self.target}"

    def operations(self, data: dict, document) -> list:
        where = content_path(data, self.target)
        content = _mapping_at(data, where)
        if self.soundscape is None:
            if "soundscape" not in content:
                raise EditRefused("nothing to change")
            return [_Remove(where + ("soundscape",))]
        return [_set_key(data, where, "soundscape", self.soundscape)]


@dataclass
class SetPatientChoices(Edit):
    """What the patient may choose: soundscape ids, the default, and during which phases.

    Only the arguments given are changed; ``phases`` is a list of ids or ``"all"``.
    """

    soundscapes: list[str] | None = None
    default: str | None = None
    phases: list[str] | str | None = None

    label = "Patient's choices"

    def operations(self, data: dict, document) -> list:
        operations = []
        if self.soundscapes is not None:
            if not self.soundscapes:
                raise EditRefused(
                    "give at least one soundscape, or remove the choice in a text editor"
                )
            operations.append(_set_key(data, ("patient",), "soundscapes", list(self.soundscapes)))
        if self.default is not None:
            operations.append(_set_key(data, ("patient",), "default", self.default))
        if self.phases is not None:
            phases = self.phases if isinstance(self.phases, str) else list(self.phases)
            operations.append(_set_key(data, ("patient",), "phases", phases))
        if not operations:
            raise EditRefused("nothing to change")
        return operations


@dataclass
class SetLevel(Edit):
    """One of ``levels:`` (dB, LUFS): loudness_target_lufs, ceiling_dbfs, default/max volume."""

    name: str
    value: float

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Set {self.name.replace('_', ' ')}"

    def operations(self, data: dict, document) -> list:
        if self.name not in LEVEL_KEYS:
            raise EditRefused(f"levels has no {self.name} (one of {', '.join(LEVEL_KEYS)})")
        return [_set_key(data, ("levels",), self.name, _number(self.value))]


@dataclass
class SetMusicGain(Edit):
    """The gain of a phase's music (``music: gain_db``), or of one item when ``index`` is given."""

    target: str
    gain_db: float
    index: int | None = None

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Music level in {self.target}"

    def operations(self, data: dict, document) -> list:
        where = content_path(data, self.target)
        music = _mapping_at(data, where + ("music",))
        if not music:
            raise EditRefused(f"{self.target} has no music")
        gain = _number(self.gain_db)
        if self.index is None:
            return [_Set(where + ("music", "gain_db"), gain, after=("join", "order", "loop"))]
        items = _list_at(data, where + ("music", "items"), f"{self.target} has no music")
        if not 0 <= self.index < len(items):
            raise EditRefused(f"{self.target} has {_count(len(items), 'music item')}")
        item = items[self.index]
        path = where + ("music", "items", self.index)
        if isinstance(item, str):
            # "- a.ogg" becomes "- file: a.ogg" with its gain below.
            entry = {"file": item, "gain_db": gain}
            return [_Insert(path[:-1], self.index + 1, entry), _Delete(path[:-1], self.index)]
        return [_Set(path + ("gain_db",), gain, after=("title", "file", "silence"))]


@dataclass
class SetSoundscapeGain(Edit):
    target: str
    gain_db: float

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"Soundscape level in {self.target}"

    def operations(self, data: dict, document) -> list:
        where = content_path(data, self.target)
        return [_set_key(data, where, "soundscape_gain_db", _number(self.gain_db))]


def _number(value: float) -> float | int:
    number = float(value)
    if number != number:
        raise EditRefused("not a number")
    return int(number) if number.is_integer() else number


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"
