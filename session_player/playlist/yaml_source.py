"""Safe loading of a YAML playlist into plain data, with the source position of every node.

Playlists are written by hand and may also arrive from anywhere (e-mail, USB sticks), so the
loader treats its input as hostile:

* only plain YAML is understood: no Python tags, no ``!!binary``, ``!!set`` or ``!!omap``;
* the size, the nesting depth and the number of values (including those reached through
  aliases, which defeats "billion laughs" alias bombs) are limited;
* every failure becomes a :class:`YamlLoadFailed` carrying :class:`Problem` objects with a line
  and column, never a traceback.

The data is built directly from PyYAML's event stream (``get_event``) in one loop with an explicit
stack, instead of ``compose`` + ``construct``: the composer and constructor recurse once per
nesting level (the C composer too), while an event loop cannot overflow any stack, stops a
document of 100 000 ``[`` as soon as level 65 opens, and parses the text only once (no separate
depth scan). libyaml is used when available; its own nesting limit (1000 levels) can trip first
while it looks ahead on a line, which :func:`load_yaml_bytes` handles.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from dataclasses import dataclass

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from session_player.playlist.problems import Position, Problem, error, sorted_problems

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000
MAX_NUMBER_CHARS = 100  # longer numbers are refused rather than computed

# Text before libyaml's nesting error that may be parsed again in Python for a better position.
_REPARSE_LIMIT = 64 * 1024

PathKey = tuple[str | int, ...]

# libyaml parses several times faster than the pure-Python parser; both emit the same events.
DEFAULT_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_ROOT_POSITION = Position(1, 1)

_PREFIX = "tag:yaml.org,2002:"
_STR = _PREFIX + "str"
_NULL = _PREFIX + "null"
_BOOL = _PREFIX + "bool"
_INT = _PREFIX + "int"
_FLOAT = _PREFIX + "float"
_TIMESTAMP = _PREFIX + "timestamp"
_MERGE = _PREFIX + "merge"
_VALUE = _PREFIX + "value"
_MAP = _PREFIX + "map"
_SEQ = _PREFIX + "seq"

# Tags that plain YAML allows but a playlist has no use for: say so instead of "unsupported".
_REJECTED_TAGS = {
    _PREFIX + "binary": "binary data (!!binary) is not allowed in a playlist",
    _PREFIX + "set": "sets (!!set) are not allowed in a playlist; write a list instead",
    _PREFIX + "omap": "ordered mappings (!!omap) are not allowed in a playlist; "
    "write a plain mapping instead",
    _PREFIX + "pairs": "pairs (!!pairs) are not allowed in a playlist; "
    "write a plain mapping instead",
}

# Characters YAML forbids in a stream (the same set PyYAML's reader and libyaml enforce); found
# up front so the message can give a line and column.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)

# UTF-32 before UTF-16: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
_BOOL_VALUES = SafeConstructor.bool_values


class YamlLoadFailed(Exception):
    """The file could not be turned into plain data; ``problems`` says why (at least one).

    ``unreadable`` is true when the file itself could not be read (missing, a folder, no
    permission), which the command line reports differently from a faulty playlist.
    """

    def __init__(self, problems: list[Problem], *, unreadable: bool = False) -> None:
        if not problems:
            raise ValueError("YamlLoadFailed needs at least one problem")
        super().__init__("\n".join(problem.format() for problem in problems))
        self.problems = list(problems)
        self.unreadable = unreadable


@dataclass
class YamlDocument:
    """Plain data loaded from one YAML file, plus where each value and key was written."""

    source: str
    data: object
    # Plain (line, col) tuples, 1-based (see ``_plain``); read them through the methods.
    value_positions: dict[PathKey, tuple[int, int]]
    key_positions: dict[PathKey, tuple[int, int]]

    def position_of(self, path: PathKey) -> Position:
        """Where the value at ``path`` starts, or its nearest ancestor that has a position.

        Values reached through an alias or a merge key have no position of their own; pointing
        at the alias is the most useful answer then.
        """
        positions = self.value_positions
        while path:
            position = positions.get(path)
            if position is not None:
                return Position(*position)
            path = path[:-1]
        return Position(*positions.get((), _ROOT_POSITION))

    def key_position_of(self, path: PathKey) -> Position:
        """Where the mapping key ending ``path`` was written, else :meth:`position_of`."""
        position = self.key_positions.get(path)
        return Position(*position) if position is not None else self.position_of(path)


# In ``inputs`` (see :func:`load_yaml_file`): a file whose outcome no digest describes.
UNTRACKED = "?"


def load_yaml_file(
    path: str | os.PathLike[str], *, inputs: dict[str, str | None] | None = None
) -> YamlDocument:
    """Read and load a playlist file; raises :class:`YamlLoadFailed` only.

    ``inputs``, when given, receives ``source -> sha256 hex digest`` of exactly the bytes that
    were parsed, or :data:`UNTRACKED` when the file could not be read (the result then depends
    on more than its content): what a cached validation result must be keyed on.
    """
    source = str(path)
    if inputs is not None:
        inputs[source] = UNTRACKED

    def unreadable(message: str) -> YamlLoadFailed:
        return YamlLoadFailed([error(source, _ROOT_POSITION, message)], unreadable=True)

    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise unreadable("the file does not exist") from None
    except PermissionError:
        raise unreadable("the file cannot be read (permission denied)") from None
    except (OSError, ValueError) as exc:
        raise unreadable(f"the file cannot be read ({_os_reason(exc)})") from None
    if stat.S_ISDIR(info.st_mode):
        raise unreadable("this is a folder, not a playlist file")
    # A FIFO or device would block or never end; a playlist is always a regular file.
    if not stat.S_ISREG(info.st_mode):
        raise unreadable("this is not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise YamlLoadFailed([_too_large(source)])
    try:
        with open(path, "rb") as stream:
            # One byte more than allowed tells a file that grew since stat() from one that fits.
            raw = stream.read(MAX_FILE_BYTES + 1)
    except PermissionError:
        raise unreadable("the file cannot be read (permission denied)") from None
    except OSError as exc:
        raise unreadable(f"the file cannot be read ({_os_reason(exc)})") from None
    if inputs is not None:
        inputs[source] = hashlib.sha256(raw).hexdigest()
    return load_yaml_bytes(raw, source)


def load_yaml_bytes(raw: bytes, source: str, *, loader_class: type | None = None) -> YamlDocument:
    """Load one YAML document whose top level is a mapping; raises :class:`YamlLoadFailed` only.

    ``loader_class`` picks the parser (tests run both); by default libyaml when available.
    """
    source = str(source)
    if len(raw) > MAX_FILE_BYTES:
        raise YamlLoadFailed([_too_large(source)])
    if not raw:
        raise YamlLoadFailed([error(source, _ROOT_POSITION, "the file is empty")])
    text = _decode(raw, source)
    loader = loader_class or DEFAULT_LOADER
    builder = _Builder(source)
    data = builder.run(text, loader)
    too_deep_at = builder.libyaml_too_deep_at
    if too_deep_at is not None and too_deep_at <= _REPARSE_LIMIT:
        # libyaml stopped at its own limit of 1000 levels while looking ahead on one line, past
        # where ours was crossed. The Python parser stops at level 65 and says where, at about
        # 3 s per MB of text before that point: worth it only when that point is near.
        builder = _Builder(source)
        data = builder.run(text, yaml.SafeLoader)
    if builder.problems:
        raise YamlLoadFailed(sorted_problems(builder.problems))
    return YamlDocument(
        source, data, _plain(builder.value_positions), _plain(builder.key_positions)
    )


def _plain(positions: dict[PathKey, Position]) -> dict[PathKey, tuple[int, int]]:
    """The positions as plain tuples, which Python's collector stops tracking.

    A ``Position`` is a tuple subclass, and the collector only untracks exact tuples: the
    30,000 positions of a 5,000-item playlist, kept as long as the playlist is open, made
    every full collection (which holds the GIL, so the window's event loop too) scan them.
    As plain tuples of ints they, the path tuples and so the dicts drop out of its scans."""
    return {path: (position[0], position[1]) for path, position in positions.items()}


# --- bytes to text -------------------------------------------------------------------------


def _decode(raw: bytes, source: str) -> str:
    """Text of ``raw``: UTF-8 (BOM optional), or UTF-16/UTF-32 announced by a BOM."""
    encoding, name, body = "utf-8", "UTF-8", raw
    for bom, codec, codec_name in _BOMS:
        if raw.startswith(bom):
            encoding, name, body = codec, codec_name, raw[len(bom) :]
            break
    else:
        # NUL never occurs in UTF-8 text; UTF-16 without a BOM or a binary file is full of it.
        if b"\x00" in raw:
            raise YamlLoadFailed([_binary(source)])
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-8" and _looks_binary(body):
            raise YamlLoadFailed([_binary(source)]) from None
        position = _position_in_text(body[: exc.start].decode(encoding, "replace"), None)
        message = f"not valid {name} text at line {position.line}, column {position.col}"
        if encoding == "utf-8":
            message += " (save the file as UTF-8)"
        raise YamlLoadFailed([error(source, position, message)]) from None
    if not text:
        raise YamlLoadFailed([error(source, _ROOT_POSITION, "the file is empty")])
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        char = bad.group()
        if char == "\x00" or _looks_binary(text[:8192].encode("utf-8", "replace")):
            raise YamlLoadFailed([_binary(source)])
        position = _position_in_text(text, bad.start())
        message = (
            f"the file contains the control character U+{ord(char):04X}, which YAML does not allow"
        )
        raise YamlLoadFailed([error(source, position, message)])
    return text


def _looks_binary(data: bytes) -> bool:
    """True when many bytes near the start are control codes or not UTF-8 at all.

    A few stray bytes mean a text file saved in the wrong encoding (worth a precise position);
    many mean an audio file or similar was opened by mistake.
    """
    sample = data[:8192]
    if not sample:
        return False
    controls = sum(sample.count(bytes([code])) for code in range(32) if code not in (9, 10, 13))
    invalid = len(sample) - len(sample.decode("utf-8", "ignore").encode("utf-8"))
    return (controls + invalid) * 10 > len(sample)


def _position_in_text(text: str, index: int | None) -> Position:
    """1-based line and column of ``text[index]`` (``None``: just after the end of ``text``)."""
    if index is None:
        index = len(text)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return Position(line, col)


# --- events to data ------------------------------------------------------------------------


class _Fatal(Exception):
    """Stops the build: going on would waste time or report consequences of this problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _KeyState:
    """Sentinels for what a mapping expects next (a real key is the key string itself)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_EXPECT_KEY = _KeyState("EXPECT_KEY")  # the next node is a key
_BAD_KEY = _KeyState("BAD_KEY")  # the key was rejected: drop the value that follows
_MERGE_KEY = _KeyState("MERGE_KEY")  # the key was '<<': the value is merged in


class _Frame:
    """One open mapping or sequence while the event stream is walked."""

    __slots__ = (
        "is_map",
        "value",
        "path",
        "position",
        "anchor",
        "start_count",
        "height",
        "key",
        "key_position",
        "first_keys",
        "merges",
    )

    def __init__(
        self,
        is_map: bool,
        path: PathKey | None,
        position: Position,
        anchor: str | None,
        start_count: int,
    ) -> None:
        self.is_map = is_map
        self.value: dict | list = {} if is_map else []
        # None inside a mapping key or a merged-in mapping: such values have no path.
        self.path = path
        self.position = position
        self.anchor = anchor
        self.start_count = start_count
        self.height = 1  # levels of nesting below and including this node
        self.key: object = _EXPECT_KEY
        self.key_position = position
        self.first_keys: dict[str, Position] = {}
        self.merges: list[tuple[object, Position, Position]] = []


@dataclass
class _Anchor:
    value: object
    size: int  # values the anchored node counts, so an alias costs as much as a copy
    height: int  # nesting levels, so an alias cannot smuggle in deeper nesting
    key: object  # the key string when the node is a scalar, else _BAD_KEY


class _Builder:
    """Turns one event stream into plain data, positions and problems."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.value_positions: dict[PathKey, Position] = {}
        self.key_positions: dict[PathKey, Position] = {}
        self.anchors: dict[str, _Anchor] = {}
        self.count = 0  # values built so far, an alias counting as a copy of its anchor
        self.libyaml_too_deep_at: int | None = None  # where libyaml hit its nesting limit

    def run(self, text: str, loader_class: type) -> object:
        """The data of ``text``; anything that went wrong is in ``problems`` afterwards."""
        source = self.source
        try:
            loader = loader_class(text)
            try:
                return self._walk(loader.get_event)
            finally:
                loader.dispose()
        except _Fatal as fatal:
            self.problems.append(fatal.problem)
        except yaml.MarkedYAMLError as exc:
            problem = _syntax_problem(source, exc)
            if "maximum nesting depth" in (exc.problem or ""):
                # Found before our lower limit could be checked, but it is ours that was crossed.
                mark = exc.problem_mark
                self.libyaml_too_deep_at = getattr(mark, "index", 0) or 0
                problem = error(source, problem.position, f"nesting deeper than {MAX_DEPTH} levels")
            self.problems.append(problem)
        except yaml.YAMLError as exc:
            self.problems.append(error(source, _ROOT_POSITION, f"YAML error: {_one_line(exc)}"))
        except (RecursionError, MemoryError):
            message = "the file is too complex to read as a playlist"
            self.problems.append(error(source, _ROOT_POSITION, message))
        except Exception as exc:  # a parser bug must still become a Problem, not a traceback
            message = f"the file cannot be read as YAML ({type(exc).__name__})"
            self.problems.append(error(source, _ROOT_POSITION, message))
        return None

    def _walk(self, get_event) -> object:
        # One flat loop with the common cases inline: this is the hot path for big playlists.
        stack: list[_Frame] = []
        root: list[object] = []
        documents = 0
        value_positions = self.value_positions
        while True:
            event = get_event()
            kind = event.__class__
            if kind is ScalarEvent:
                self.count += 1
                if self.count > MAX_NODES:
                    self._too_many(event, alias=False)
                mark = event.start_mark
                position = Position(mark.line + 1, mark.column + 1)
                tag = event.tag
                if tag is None and not event.implicit[0]:
                    # Quoted and block scalars are always text: the common case, kept short.
                    value = key = event.value
                else:
                    value, key = self._scalar(event, position)
                if event.anchor is not None:
                    self.anchors[event.anchor] = _Anchor(value, 1, 0, key)
                if not stack:
                    root.append(value)
                    value_positions[()] = position
                    continue
                parent = stack[-1]
                if not parent.is_map:
                    items = parent.value
                    if parent.path is not None:
                        value_positions[parent.path + (len(items),)] = position
                    items.append(value)
                elif parent.key is _EXPECT_KEY:
                    self._take_key(parent, key, position)
                else:
                    self._take_value(parent, value, position, recorded=False)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                self._open(stack, event, kind is MappingStartEvent)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                value = self._finish_mapping(frame) if frame.is_map else frame.value
                if frame.anchor is not None:
                    size = self.count - frame.start_count
                    self.anchors[frame.anchor] = _Anchor(value, size, frame.height, _BAD_KEY)
                self._place(stack, root, value, frame.position, frame.height, recorded=True)
            elif kind is AliasEvent:
                self._alias(stack, root, event)
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Fatal(self._error(event, "only one YAML document per file is allowed"))
            elif kind is StreamEndEvent:
                break
        if documents == 0:
            raise _Fatal(
                error(
                    self.source,
                    _ROOT_POSITION,
                    "the file contains no YAML (only comments or blank lines)",
                )
            )
        data = root[0]
        # A root that is already wrong for another reason (an unsupported tag) needs no
        # second message about its shape.
        root_problem = any(
            p.position == value_positions.get((), _ROOT_POSITION) for p in self.problems
        )
        if not isinstance(data, dict) and not root_problem:
            self.problems.append(
                error(
                    self.source,
                    value_positions.get((), _ROOT_POSITION),
                    "the top level must be a mapping of keys such as title: and phases:, "
                    f"not {_describe(data)}",
                )
            )
        return data

    # Collections -------------------------------------------------------------------------

    def _open(self, stack: list[_Frame], event, is_map: bool) -> None:
        self.count += 1
        if self.count > MAX_NODES:
            self._too_many(event, alias=False)
        position = _position(event)
        if len(stack) >= MAX_DEPTH:
            raise _Fatal(error(self.source, position, f"nesting deeper than {MAX_DEPTH} levels"))
        self._check_collection_tag(event, is_map, position)
        path = self._child_path(stack, position)
        # Counted before this node, so an anchor's size includes the node itself.
        stack.append(_Frame(is_map, path, position, event.anchor, self.count - 1))

    def _child_path(self, stack: list[_Frame], position: Position) -> PathKey | None:
        """Path of a collection that starts now, recording where it (and its key) starts."""
        if not stack:
            path: PathKey | None = ()
        else:
            parent = stack[-1]
            if parent.path is None:
                return None
            if not parent.is_map:
                path = parent.path + (len(parent.value),)
            elif isinstance(parent.key, str):
                path = parent.path + (parent.key,)
                self.key_positions[path] = parent.key_position
            else:
                return None  # a collection used as a key, or after '<<' or a rejected key
        self.value_positions[path] = position
        return path

    def _check_collection_tag(self, event, is_map: bool, position: Position) -> None:
        tag = event.tag
        if tag is None or tag == "!" or tag == (_MAP if is_map else _SEQ):
            return
        self.problems.append(error(self.source, position, _tag_message(tag)))

    def _finish_mapping(self, frame: _Frame) -> dict:
        """The mapping with its '<<' merges applied: explicit keys win, then earlier merges."""
        explicit = frame.value
        if not frame.merges:
            return explicit
        merged: dict = {}
        merged_from: dict[str, tuple[Position, Position]] = {}
        for value, key_position, value_position in frame.merges:
            sources = value if isinstance(value, list) else [value]
            if not sources or not all(isinstance(source, dict) for source in sources):
                self.problems.append(
                    error(
                        self.source,
                        value_position,
                        "the merge key '<<' needs a mapping or a list of mappings "
                        "(usually an alias such as *defaults)",
                    )
                )
                continue
            for source in sources:
                for key, item in source.items():
                    if key not in merged:
                        merged[key] = item
                        merged_from[key] = (key_position, value_position)
        merged.update(explicit)
        if frame.path is not None:
            for key, (key_position, value_position) in merged_from.items():
                if key not in explicit:
                    self.key_positions[frame.path + (key,)] = key_position
                    self.value_positions[frame.path + (key,)] = value_position
        return merged

    # Placing values ----------------------------------------------------------------------

    def _place(
        self,
        stack: list[_Frame],
        root: list[object],
        value: object,
        position: Position,
        height: int,
        *,
        recorded: bool,
    ) -> None:
        """Put a finished node into its parent (or make it the root)."""
        if not stack:
            root.append(value)
            self.value_positions.setdefault((), position)
            return
        parent = stack[-1]
        if height + 1 > parent.height:
            parent.height = height + 1
        if not parent.is_map:
            if not recorded and parent.path is not None:
                self.value_positions[parent.path + (len(parent.value),)] = position
            parent.value.append(value)
        elif parent.key is _EXPECT_KEY:
            if height:
                kind = "mapping" if isinstance(value, dict) else "list"
                self.problems.append(
                    error(self.source, position, f"a mapping key must be plain text, not a {kind}")
                )
                parent.key = _BAD_KEY
                parent.key_position = position
            else:
                self._take_key(parent, value if isinstance(value, str) else _BAD_KEY, position)
        else:
            self._take_value(parent, value, position, recorded=recorded)

    def _take_key(self, frame: _Frame, key: object, position: Position) -> None:
        frame.key_position = position
        if isinstance(key, str) or key is _MERGE_KEY:
            name = key if isinstance(key, str) else "<<"
            first = frame.first_keys.get(name)
            if first is not None:
                self.problems.append(
                    error(
                        self.source,
                        position,
                        f"duplicate key '{_short(name)}' "
                        f"(first at line {first.line}, column {first.col})",
                    )
                )
            else:
                frame.first_keys[name] = position
        frame.key = key

    def _take_value(
        self, frame: _Frame, value: object, position: Position, *, recorded: bool
    ) -> None:
        key = frame.key
        frame.key = _EXPECT_KEY
        if isinstance(key, str):
            frame.value[key] = value
            if not recorded and frame.path is not None:
                path = frame.path + (key,)
                self.value_positions[path] = position
                self.key_positions[path] = frame.key_position
        elif key is _MERGE_KEY:
            frame.merges.append((value, frame.key_position, position))

    def _alias(self, stack: list[_Frame], root: list[object], event) -> None:
        position = _position(event)
        name = event.anchor
        anchor = self.anchors.get(name)
        if any(frame.anchor == name for frame in stack):
            message = f"alias '*{name}' is used inside its own anchor (loops are not allowed)"
            raise _Fatal(error(self.source, position, message))
        if anchor is None:
            message = f"unknown alias '*{name}' (no anchor '&{name}' before it)"
            self.problems.append(error(self.source, position, message))
            anchor = _Anchor(None, 1, 0, _BAD_KEY)
        self.count += anchor.size
        if self.count > MAX_NODES:
            self._too_many(event, alias=True)
        if len(stack) + anchor.height > MAX_DEPTH:
            message = f"nesting deeper than {MAX_DEPTH} levels (through alias '*{name}')"
            raise _Fatal(error(self.source, position, message))
        if stack and stack[-1].is_map and stack[-1].key is _EXPECT_KEY and not anchor.height:
            self._take_key(stack[-1], anchor.key, position)
            return
        self._place(stack, root, anchor.value, position, anchor.height, recorded=False)

    # Scalars -----------------------------------------------------------------------------

    def _scalar(self, event, position: Position) -> tuple[object, object]:
        """The value of a scalar and the key it makes when used as a mapping key."""
        text = event.value
        tag = event.tag
        if tag == "!":  # the non-specific tag means text (PyYAML would resolve it)
            return text, text
        if tag is None:
            tag = _RESOLVER.resolve(ScalarNode, text, (True, False))
        if tag in (_STR, _VALUE):
            return text, text
        if tag == _NULL:
            return None, text
        if tag == _BOOL:
            flag = _BOOL_VALUES.get(text.lower())
            if flag is not None:
                return flag, text
            return self._bad_scalar(text, tag, position)
        if tag in (_INT, _FLOAT):
            return self._number(text, tag, position)
        if tag == _TIMESTAMP:
            # Dates stay as written: the playlist schema decides what a date means.
            return text, text
        if tag == _MERGE:
            return text, _MERGE_KEY
        self.problems.append(error(self.source, position, _tag_message(tag)))
        return None, _BAD_KEY

    def _number(self, text: str, tag: str, position: Position) -> tuple[object, object]:
        if len(text) > MAX_NUMBER_CHARS:
            # YAML 1.1 base-60 integers (1:2:3) cost quadratic time in their length.
            message = (
                f"the number '{_short(text)}' is too long (over {MAX_NUMBER_CHARS} characters)"
            )
            self.problems.append(error(self.source, position, message))
            return None, _BAD_KEY
        try:
            node = ScalarNode(tag, text)
            if tag == _INT:
                return _CONSTRUCTOR.construct_yaml_int(node), text
            return _CONSTRUCTOR.construct_yaml_float(node), text
        except (ValueError, ArithmeticError, LookupError):
            # Explicit tags on unfit text (!!int seven, !!float ''), or absurd exponents.
            return self._bad_scalar(text, tag, position)

    def _bad_scalar(self, text: str, tag: str, position: Position) -> tuple[object, object]:
        message = f"'{_short(text)}' cannot be read as {_show_tag(tag)}"
        self.problems.append(error(self.source, position, message))
        return None, _BAD_KEY

    # Problems ----------------------------------------------------------------------------

    def _too_many(self, event, *, alias: bool) -> None:
        if alias:
            message = f"too many aliases expand to more than {MAX_NODES} values"
        else:
            message = f"the file has more than {MAX_NODES} values; a playlist should be far smaller"
        raise _Fatal(self._error(event, message))

    def _error(self, event, message: str) -> Problem:
        return error(self.source, _position(event), message)


# --- helpers -------------------------------------------------------------------------------


def _position(event) -> Position:
    mark = event.start_mark
    if mark is None:
        return _ROOT_POSITION
    return Position(mark.line + 1, mark.column + 1)


def _show_tag(tag: str) -> str:
    """A tag as it is usually written: ``!!int`` rather than ``tag:yaml.org,2002:int``."""
    return "!!" + tag[len(_PREFIX) :] if tag.startswith(_PREFIX) else tag


def _tag_message(tag: str) -> str:
    rejected = _REJECTED_TAGS.get(tag)
    if rejected is not None:
        return rejected
    return f"unsupported YAML tag '{_short(_show_tag(tag))}' (only plain YAML is allowed)"


def _describe(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return "an empty value"


def _short(text: str, limit: int = 60) -> str:
    """Text fit for a one-line message."""
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _os_reason(exc: BaseException) -> str:
    reason = getattr(exc, "strerror", None)
    return str(reason).lower() if reason else _one_line(exc)


def _syntax_problem(source: str, exc: yaml.MarkedYAMLError) -> Problem:
    """A PyYAML/libyaml syntax error as one readable line at the place it was noticed."""
    mark = exc.problem_mark or exc.context_mark
    position = Position(mark.line + 1, mark.column + 1) if mark is not None else _ROOT_POSITION
    problem = " ".join((exc.problem or "").split())
    if not problem:
        return error(source, position, f"YAML syntax error: {_one_line(exc)}")
    message = f"YAML syntax error: {problem}"
    context_mark = exc.context_mark
    if exc.context and context_mark is not None:
        context = " ".join(exc.context.split())
        where = Position(context_mark.line + 1, context_mark.column + 1)
        if where != position:
            message += f" ({context} at line {where.line}, column {where.col})"
    return error(source, position, message)


def _too_large(source: str) -> Problem:
    return error(
        source,
        _ROOT_POSITION,
        f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; "
        "a playlist should be far smaller",
    )


def _binary(source: str) -> Problem:
    return error(source, _ROOT_POSITION, "not a text file (it contains binary data)")
